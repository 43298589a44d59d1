/**
 * The rule engine: parses a Dockerfile once, runs every enabled rule over it, and applies hadolint's
 * inline pragmas and the merged configuration. Shared by the editor (in a worker) and the CLI.
 */
import type { Instruction, ParsedDockerfile, Span } from './dockerfile';
import { parseDockerfile, toSource } from './dockerfile';
import { collectPragmas } from './pragmas';
import type { Pragmas } from './pragmas';
import { ALL_RULES } from './rules';
import { ShellParser, commandName } from './shell';
import type { ShellCommand } from './shell';
import type { Finding, Fix, LintConfig, LocatedCommand, Rule, RuleContext, RuleSeverity, RunCommand, RunScript, Severity } from './types';
import { DEFAULT_CONFIG } from './types';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

export class Linter {
  private constructor(
    private readonly shellParser: ShellParser,
    private readonly rules: readonly Rule[],
  ) {}

  static async create(rules: readonly Rule[] = ALL_RULES): Promise<Linter> {
    return new Linter(await ShellParser.create(), rules);
  }

  get ruleList(): readonly Rule[] {
    return this.rules;
  }

  /** The shell parser, shared with ShellCheck's heredoc handling. */
  get shell(): ShellParser {
    return this.shellParser;
  }

  lint(text: string, config: LintConfig = DEFAULT_CONFIG): Finding[] {
    const file = parseDockerfile(text);
    return this.lintParsed(file, config);
  }

  lintParsed(file: ParsedDockerfile, config: LintConfig = DEFAULT_CONFIG): Finding[] {
    const pragmas = collectPragmas(file);
    const findings: Finding[] = [];
    const scriptCache = new Map<Instruction, RunScript[]>();
    const scripts = (instruction: Instruction): RunScript[] => {
      let cached = scriptCache.get(instruction);
      if (!cached) {
        cached = this.scriptsOf(instruction);
        scriptCache.set(instruction, cached);
      }
      return cached;
    };
    // Most rules look at every command of every RUN: list them once per lint, indexed by name.
    const commandCache = new Map<Instruction, LocatedCommand[]>();
    const commands = (instruction: Instruction): LocatedCommand[] => {
      let cached = commandCache.get(instruction);
      if (!cached) {
        cached = [];
        for (const script of scripts(instruction)) for (const command of script.script.commands) cached.push({ command, script });
        commandCache.set(instruction, cached);
      }
      return cached;
    };
    let allRunCommands: RunCommand[] | undefined;
    /** Positions in allRunCommands, by command base name. */
    let byName: Map<string, number[]> | undefined;
    const runCommands = (): RunCommand[] => {
      if (!allRunCommands) {
        allRunCommands = [];
        for (const instruction of file.instructions) {
          const run = instruction.keyword === 'RUN' ? instruction : instruction.trigger?.keyword === 'RUN' ? instruction.trigger : undefined;
          if (!run || !pragmas.isPosixShellAt(run)) continue;
          for (const located of commands(run)) allRunCommands.push({ command: located.command, script: located.script, run });
        }
      }
      return allRunCommands;
    };
    const named = new Map<string, RunCommand[]>();
    const commandsNamed = (...names: string[]): RunCommand[] => {
      const all = runCommands();
      if (!byName) {
        byName = new Map();
        all.forEach((c, i) => {
          const name = commandName(c.command);
          const list = byName?.get(name);
          if (list) list.push(i);
          else byName?.set(name, [i]);
        });
      }
      // Rules ask for the same names again and again: one list per set of names, in source order.
      const key = names.join('\0');
      let result = named.get(key);
      if (!result) {
        const positions = names.flatMap((name) => byName?.get(name) ?? []);
        if (names.length > 1) positions.sort((a, b) => a - b);
        result = positions.map((i) => all[i]).filter((c): c is RunCommand => c !== undefined);
        named.set(key, result);
      }
      return result;
    };
    for (const rule of this.rules) {
      const severity = effectiveSeverity(rule, config, pragmas);
      if (severity === 'ignore') continue;
      const context: RuleContext = {
        file,
        config,
        scripts,
        commands,
        runCommands,
        commandsNamed,
        isPosixShell: (instruction) => pragmas.isPosixShellAt(instruction),
        report: ({ span, message, fixes }) => {
          if (pragmas.isIgnoredAt(rule.code, span.start)) return;
          findings.push({ code: rule.code, severity, message: message ?? rule.message, span, fixes: fixes ?? [] });
        },
      };
      try {
        rule.check(context);
      } catch (error) {
        // One broken rule must not take the others down; the finding says which.
        findings.push({
          code: rule.code,
          severity: 'info',
          message: `Internal error in rule ${rule.code}: ${error instanceof Error ? error.message : String(error)}`,
          span: { start: 0, end: 0 },
          fixes: [],
        });
      }
    }
    findings.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
    return findings;
  }

  private scriptsOf(instruction: Instruction): RunScript[] {
    const target = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
    if (!target || target.keyword !== 'RUN') return [];
    const result: RunScript[] = [];
    if (target.json) {
      const values = target.json.values;
      const span = target.json.span;
      const source = values.join(' ');
      // Exec form: one command, no shell; offsets point at the whole array.
      const [name = '', ...rest] = values;
      const command: ShellCommand = {
        name,
        nameStart: 0,
        nameEnd: name.length,
        args: rest.map((value) => ({ value, start: 0, end: source.length })),
        start: 0,
        end: source.length,
        connector: undefined,
        inSubshell: false,
        inPipeline: false,
      };
      result.push({ kind: 'exec', script: { source, commands: name ? [command] : [], hasPipe: false, hasError: false }, span: () => span, exact: false });
      this.addShellC(result, command, source, () => span, false);
      return result;
    }
    const offset = target.restOffset;
    const main: RunScript = {
      kind: 'shell',
      script: this.shellParser.parse(target.rest),
      span: (start, end) => toSource(target, offset + start, offset + end),
      exact: true,
    };
    result.push(main);
    for (const command of main.script.commands) this.addShellC(result, command, main.script.source, main.span, true);
    // A heredoc is a shell script when RUN has no command of its own (`RUN <<EOF`) or runs a shell.
    const runsShell = main.script.commands.length === 0 || main.script.commands.every((c) => SHELLS.has(commandName(c)));
    if (runsShell) {
      for (const heredoc of target.heredocs) {
        // `RUN <<EOF` runs a body with a shebang by that interpreter: `#!/usr/bin/env python3` is no shell script.
        if (main.script.commands.length === 0 && !shebangIsShell(heredoc.body)) continue;
        const base = heredoc.bodySpan.start;
        const script: RunScript = {
          kind: 'heredoc',
          script: this.shellParser.parse(heredoc.body),
          span: (start, end) => ({ start: base + start, end: base + end }),
          exact: true,
        };
        result.push(script);
        for (const command of script.script.commands) this.addShellC(result, command, script.script.source, script.span, true);
      }
    }
    return result;
  }

  /** `sh -c '…'` runs a script of its own: parse it too, mapping into the quoted argument. */
  private addShellC(result: RunScript[], command: ShellCommand, outerSource: string, outer: (start: number, end: number) => Span, outerExact: boolean): void {
    if (!SHELLS.has(commandName(command))) return;
    const index = command.args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a.value));
    const arg = index === -1 ? undefined : command.args[index + 1];
    if (!arg?.value) return;
    // Exact when the argument is written as its value, whole in one pair of quotes at most (no
    // escapes, no `'a 'b` concatenations), so offsets in it map one to one.
    const written = outerSource.slice(arg.start, arg.end);
    const quote = written[0];
    const quoted = (quote === "'" || quote === '"') && written.endsWith(quote) && written.slice(1, -1) === arg.value;
    const base = arg.start + (quoted ? 1 : 0);
    const exact = outerExact && (quoted || written === arg.value);
    result.push({
      kind: 'sh-c',
      script: this.shellParser.parse(arg.value),
      // Where escapes shift the offsets, findings point at the whole argument rather than at the wrong words.
      span: exact ? (start, end) => outer(base + start, base + end) : () => outer(arg.start, arg.end),
      exact,
    });
  }

  dispose(): void {
    this.shellParser.dispose();
  }
}

/** True unless the body starts with a shebang naming something other than a POSIX shell. */
function shebangIsShell(body: string): boolean {
  const first = body.replace(/^\t+/, '').split('\n', 1)[0] ?? '';
  if (!first.startsWith('#!')) return true;
  const words = first.slice(2).trim().split(/\s+/);
  let program = words[0] ?? '';
  // `#!/usr/bin/env [-S] bash -e`: the program is the first word after env's options.
  if (program.endsWith('/env') || program === 'env') program = words.slice(1).find((w) => !w.startsWith('-')) ?? '';
  return SHELLS.has(program.slice(program.lastIndexOf('/') + 1));
}

function effectiveSeverity(rule: Rule, config: LintConfig, pragmas: Pragmas): RuleSeverity {
  if (config.ignored.has(rule.code) || pragmas.globallyIgnored.has(rule.code)) return 'ignore';
  return config.overrides.get(rule.code) ?? rule.severity;
}

export type { Finding, Fix, Severity };
