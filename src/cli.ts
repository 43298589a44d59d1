/**
 * `berth lint`: the linter for CI. Exit codes: 0 when no finding reaches the failure threshold,
 * 1 when one does, 2 for usage or I/O errors (with a message saying which).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configFromFile, findConfigFile, mergeConfig } from './lint/config';
import { parseDockerfile, positionAt } from './lint/dockerfile';
import { FORMATS, formatCheckstyle, formatGnu, formatJson, formatSarif, formatTty } from './lint/formats';
import type { FileResult, Format } from './lint/formats';
import { Linter } from './lint/linter';
import { lintFile } from './lint/lintFile';
import { findShellCheck } from './lint/shellcheck';
import type { LintConfig, Severity } from './lint/types';
import { DEFAULT_CONFIG, reaches } from './lint/types';

const VERSION = '0.1.0';
const THRESHOLDS = ['error', 'warning', 'info', 'style', 'none'] as const;

const USAGE = `Usage: berth lint [options] FILE...

Lints Dockerfiles with hadolint-compatible rules (DL codes), inline pragmas and .hadolint.yaml.

Options:
  --format tty|json|sarif|gnu|checkstyle   output format (default: tty)
  --config FILE                            a hadolint configuration file
                                           (default: .hadolint.yaml here, then hadolint's usual places)
  --failure-threshold error|warning|info|style|none
                                           exit 1 when a finding is at least this severe (default: info)
  --no-fail                                always exit 0 unless the input cannot be read
  --no-shellcheck                          do not run ShellCheck on RUN scripts
                                           (by default it runs when \`shellcheck\` is on PATH)
  -h, --help                               show this help
  -v, --version                            show the version

Exit codes: 0 no finding at the threshold, 1 findings at the threshold, 2 usage or I/O error.
`;

class UsageError extends Error {}

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  isTty: boolean;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`berth: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`berth: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    io.stdout(`berth ${VERSION}\n`);
    return 0;
  }
  if (command !== 'lint') throw new UsageError(command ? `unknown command "${command}"` : 'missing command');

  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        config: { type: 'string', short: 'c' },
        'failure-threshold': { type: 'string', short: 't' },
        'no-fail': { type: 'boolean' },
        'no-shellcheck': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const format = (values.format ?? 'tty') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${values.format ?? ''}" (use ${FORMATS.join(', ')})`);
  const threshold = values['failure-threshold'];
  if (threshold !== undefined && !(THRESHOLDS as readonly string[]).includes(threshold)) {
    throw new UsageError(`unknown failure threshold "${threshold}" (use ${THRESHOLDS.join(', ')})`);
  }
  if (positionals.length === 0) throw new UsageError('no Dockerfile given');

  const config = loadConfig(values.config, io);
  const effective: LintConfig = mergeConfig(config, {
    ...(threshold !== undefined ? { failureThreshold: threshold as Severity | 'none' } : {}),
    ...(values['no-fail'] ? { noFail: true } : {}),
  });

  const files = positionals.map((file) => {
    try {
      return { file, text: readFileSync(resolve(io.cwd, file), 'utf8') };
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new Error(code === 'ENOENT' ? `cannot read ${file}: no such file` : code === 'EISDIR' ? `cannot read ${file}: it is a folder` : `cannot read ${file}: ${code ?? String(error)}`);
    }
  });

  const linter = await Linter.create();
  let results: FileResult[];
  try {
    const shellcheck = values['no-shellcheck'] ? undefined : await findShellCheck(io.env.PATH);
    results = await Promise.all(
      files.map(async ({ file, text }) => {
        const parsedFile = parseDockerfile(text);
        // The editor's checks exactly: the rules, ShellCheck, and dockerfile-utils' syntax checks.
        const findings = await lintFile(linter, parsedFile, effective, { shellcheck, syntax: true });
        return { file, findings, positionAt: (offset: number) => positionAt(parsedFile.lineStarts, offset) };
      }),
    );
  } finally {
    linter.dispose();
  }

  switch (format) {
    case 'json':
      io.stdout(formatJson(results));
      break;
    case 'sarif':
      io.stdout(formatSarif(results, linter.ruleList, VERSION));
      break;
    case 'gnu':
      io.stdout(formatGnu(results));
      break;
    case 'checkstyle':
      io.stdout(formatCheckstyle(results));
      break;
    default:
      io.stdout(formatTty(results, io.isTty && !io.env.NO_COLOR));
  }

  if (effective.noFail || effective.failureThreshold === 'none') return 0;
  const limit = effective.failureThreshold;
  return results.some((r) => r.findings.some((f) => reaches(f.severity, limit))) ? 1 : 0;
}

function loadConfig(explicit: string | undefined, io: Io): LintConfig {
  const path = explicit !== undefined ? resolve(io.cwd, explicit) : findConfigFile(io.cwd, io.env.HOME ?? homedir(), io.env, existsSync);
  if (path === undefined) return DEFAULT_CONFIG;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`cannot read the configuration file ${explicit ?? path}`);
  }
  const { config, problems, unusable } = configFromFile(text);
  // A file hadolint could not read stops the run (exit 2) rather than lint with other settings.
  if (unusable !== undefined) throw new Error(`the configuration file ${explicit ?? path} cannot be used: ${unusable}`);
  for (const problem of problems) io.stderr(`berth: ${path}: ${problem}\n`);
  return config;
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTty: process.stdout.isTTY,
  }).then((code) => {
    process.exitCode = code;
  });
}
