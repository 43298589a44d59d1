/**
 * ShellCheck on RUN scripts, when the `shellcheck` binary is installed. Optional: without it,
 * `runShellCheck` returns no findings and `isShellCheckAvailable` says so; nothing throws.
 *
 * What is checked, following Docker's semantics:
 * - a shell-form RUN (or ONBUILD RUN): the logical line (continuations joined) is what `sh -c`
 *   receives. When it has heredocs, they are part of that script, so their bodies and delimiter
 *   lines are appended exactly as the shell sees them;
 * - a heredoc body that is itself a script: `RUN <<EOF` (BuildKit runs the body with the shell, or
 *   with its shebang's interpreter — then only when that is a shell) and `RUN bash <<EOF`. Then the
 *   body is checked on its own and left out of the RUN line's script, so nothing is reported twice.
 * Exec-form RUN has no shell; `sh -c '…'` scripts are not checked separately (ShellCheck sees them
 * as strings in the RUN line).
 *
 * Each script is fed on stdin to `shellcheck --format=json1 --shell=<dialect> -` (an argument
 * array, never a shell string). json1 columns are 1-based and count a tab as one column (the
 * legacy `json` format expands tabs to 8), in Unicode code points; they are mapped back through
 * the script's pieces to exact file offsets, across line continuations and heredoc lines.
 *
 * Results are cached per (binary, dialect, script text), so re-linting an edited file re-runs only
 * the RUNs that changed; processes are limited across all callers and killed when every caller
 * waiting for them has aborted.
 */
import { execFile, spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, isAbsolute, join, resolve as resolvePath } from 'node:path';
import type { Instruction, ParsedDockerfile, Span } from './dockerfile';
import { argsOffsetToSource } from './dockerfile';
import { collectPragmas } from './pragmas';
import type { Pragmas } from './pragmas';
import { pairs } from './rules/instructions';
import { instructionsOf } from './rules/util';
import { ShellParser, commandName } from './shell';
import type { Finding, Fix, LintConfig, Severity, TextEdit } from './types';

/**
 * ShellCheck codes Berth never reports, because in a Dockerfile they are noise:
 * - SC2154 "var is referenced but not assigned": RUN sees ARG and ENV values, the base image's
 *   environment (PATH, JAVA_HOME, NODE_VERSION, …) and predefined build args at run time, none of
 *   which is assigned in the script.
 * - SC2153 "possible misspelling: X may not be assigned, did you mean Y": the same cause, with a
 *   similarly named variable nearby.
 * - SC1090 / SC1091 "can't follow non-constant source" / "not following: file was not specified as
 *   input": the sourced files live in the image being built, not next to the Dockerfile, and a RUN
 *   line cannot carry the `# shellcheck source=` directive that would silence them.
 */
export const SHELLCHECK_EXCLUSIONS: readonly string[] = ['SC1090', 'SC1091', 'SC2153', 'SC2154'];

/** Names the Dockerfile sets with ARG or ENV (including in ONBUILD), which RUN scripts see. */
function declaredVariables(file: ParsedDockerfile): Set<string> {
  const names = new Set<string>();
  for (const instruction of instructionsOf(file, 'ARG', 'ENV')) {
    for (const pair of pairs(instruction, file.escape, instruction.keyword === 'ENV')) names.add(pair.name);
  }
  return names;
}

/** ShellCheck's `--shell` dialects. */
export type ShellDialect = 'sh' | 'bash' | 'dash' | 'ksh';

export interface ShellCheckOptions {
  /** A path to the binary, or a command name looked up on PATH. Default: `shellcheck` on PATH. */
  executable?: string;
  /** The PATH to search; default `process.env.PATH`. */
  pathEnv?: string;
  /** Aborting rejects with an AbortError and kills the processes nobody else is waiting for. */
  signal?: AbortSignal;
  /** Per ShellCheck process; a script that takes longer yields no findings. Default 10 s. */
  timeoutMs?: number;
  /** Decides which heredocs are scripts, like the linter does; one is created when needed and omitted. */
  shellParser?: ShellParser;
  /** Told about ShellCheck failures (timeouts, unreadable output), e.g. for an output channel. */
  log?: (message: string) => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const CACHE_SIZE = 1000;
/** How long a ShellCheck run nobody waits for goes on, in case the next lint needs it. */
const ABANDON_GRACE_MS = 500;
const MAX_OUTPUT = 16 * 1024 * 1024;
const SHELL_COMMANDS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);
const HEREDOC_MARKER = /<<-?["']?[A-Za-z_]/;

// ---------------------------------------------------------------------------------------------
// Finding the binary

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) return false;
    if (process.platform !== 'win32') await fs.access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function searchPath(name: string, pathEnv: string | undefined): Promise<string | undefined> {
  const names = process.platform === 'win32' && !/\.exe$/i.test(name) ? [`${name}.exe`, name] : [name];
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    // Relative entries (`.`, `node_modules/.bin`) would run whatever the current directory holds.
    if (!dir || !isAbsolute(dir)) continue;
    for (const candidate of names) {
      const path = join(dir, candidate);
      if (await isExecutableFile(path)) return path;
    }
  }
  return undefined;
}

/** The absolute path of `shellcheck` on PATH (`pathEnv`, default `process.env.PATH`), if any. */
export function findShellCheck(pathEnv: string | undefined = process.env.PATH): Promise<string | undefined> {
  return searchPath('shellcheck', pathEnv);
}

async function resolveExecutable(options: Pick<ShellCheckOptions, 'executable' | 'pathEnv'>): Promise<string | undefined> {
  const pathEnv = options.pathEnv ?? process.env.PATH;
  const executable = options.executable;
  if (!executable) return findShellCheck(pathEnv);
  if (/[\\/]/.test(executable)) {
    const path = resolvePath(executable);
    return (await isExecutableFile(path)) ? path : undefined;
  }
  return searchPath(executable, pathEnv);
}

interface Probe {
  /** `--norc` is understood (so a stray .shellcheckrc cannot change results). */
  norc: boolean;
  version: string;
}

const probes = new Map<string, Promise<Probe | undefined>>();

function execVersion(executable: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(executable, args, { timeout: 5000, windowsHide: true, env: childEnv() }, (error, stdout) => {
      resolve(error ? undefined : String(stdout));
    });
  });
}

/** Runs `shellcheck --version` once per binary (and modification time). */
async function probe(executable: string): Promise<Probe | undefined> {
  let stamp = '';
  try {
    stamp = String((await fs.stat(executable)).mtimeMs);
  } catch {
    return undefined;
  }
  const key = `${executable}\0${stamp}`;
  let result = probes.get(key);
  if (!result) {
    result = (async () => {
      let norc = true;
      let output = await execVersion(executable, ['--norc', '--version']);
      if (output === undefined) {
        norc = false;
        output = await execVersion(executable, ['--version']);
      }
      if (output === undefined) return undefined;
      return { norc, version: /version:\s*(\S+)/i.exec(output)?.[1] ?? 'unknown' };
    })();
    probes.set(key, result);
  }
  return result;
}

/** True when a working ShellCheck binary is found (the explicit `executable`, or on PATH). */
export async function isShellCheckAvailable(options: Pick<ShellCheckOptions, 'executable' | 'pathEnv'> = {}): Promise<boolean> {
  const executable = await resolveExecutable(options);
  return executable !== undefined && (await probe(executable)) !== undefined;
}

/** The version of the ShellCheck that would run, e.g. `0.9.0`; undefined when there is none. */
export async function shellCheckVersion(options: Pick<ShellCheckOptions, 'executable' | 'pathEnv'> = {}): Promise<string | undefined> {
  const executable = await resolveExecutable(options);
  return executable === undefined ? undefined : (await probe(executable))?.version;
}

function childEnv(): NodeJS.ProcessEnv {
  // SHELLCHECK_OPTS would add options Berth does not expect; configuration belongs in .hadolint.yaml.
  const env = { ...process.env };
  delete env.SHELLCHECK_OPTS;
  return env;
}

// ---------------------------------------------------------------------------------------------
// Scripts and the way back to the Dockerfile

/** A stretch of the script copied from the file: `length` characters from `source` on. */
interface Piece {
  scriptStart: number;
  length: number;
  /** Maps an offset within the piece to a file offset; `end` for range ends (see argsOffsetToSource). */
  toFile: (local: number, end: boolean) => number;
}

class ScriptBuilder {
  private readonly parts: string[] = [];
  private readonly pieces: Piece[] = [];
  private length = 0;

  /** Appends `text`, which maps linearly from `fileStart` (or through `toFile`). */
  add(text: string, fileStart: number, toFile?: (local: number, end: boolean) => number): void {
    if (!text) return;
    this.parts.push(text);
    this.pieces.push({ scriptStart: this.length, length: text.length, toFile: toFile ?? ((local) => fileStart + local) });
    this.length += text.length;
  }

  /** Appends file text from `start` to `end`, leaving out carriage returns before line feeds
   *  (and, when `stripTabs`, the tabs that `<<-` strips from line starts). */
  addSource(text: string, start: number, end: number, stripTabs = false): void {
    let i = start;
    while (i < end) {
      if (stripTabs) while (i < end && text.charCodeAt(i) === 9) i++;
      const newline = text.indexOf('\n', i);
      const lineEnd = newline === -1 || newline >= end ? end : newline + 1;
      if (lineEnd - 2 >= i && text.charCodeAt(lineEnd - 1) === 10 && text.charCodeAt(lineEnd - 2) === 13) {
        this.add(text.slice(i, lineEnd - 2), i);
        this.add('\n', lineEnd - 1);
      } else {
        this.add(text.slice(i, lineEnd), i);
      }
      i = lineEnd;
    }
  }

  build(): Script {
    return new Script(this.parts.join(''), this.pieces);
  }
}

class Script {
  private readonly lineStarts: number[];

  constructor(
    readonly text: string,
    private readonly pieces: readonly Piece[],
  ) {
    this.lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** ShellCheck's 1-based line and code-point column (tab = 1) to a UTF-16 offset in the script. */
  offsetOf(line: number, column: number): number {
    const lineStart = this.lineStarts[line - 1];
    if (lineStart === undefined) return this.text.length;
    const nextLine = this.lineStarts[line];
    const lineEnd = nextLine === undefined ? this.text.length : nextLine - 1;
    let offset = lineStart;
    for (let c = 1; c < column && offset < lineEnd; c++) {
      const code = this.text.codePointAt(offset) ?? 0;
      offset += code > 0xffff ? 2 : 1;
    }
    // A column past the end of the line (ShellCheck points after the last character) stops there.
    return offset;
  }

  /** A script offset to a file offset. At a boundary between pieces, a start belongs to the later
   *  piece and an end to the earlier one, so spans never swallow a line continuation's `\`. */
  toFile(offset: number, end: boolean): number {
    const pieces = this.pieces;
    let lo = 0;
    let hi = pieces.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const piece = pieces[mid];
      if (piece && (end ? piece.scriptStart < offset : piece.scriptStart <= offset)) lo = mid;
      else hi = mid - 1;
    }
    const piece = pieces[lo];
    if (!piece) return 0;
    const local = Math.max(0, Math.min(offset - piece.scriptStart, piece.length));
    return piece.toFile(local, end);
  }

  span(start: number, end: number): Span {
    const s = this.toFile(start, false);
    const e = end > start ? this.toFile(end, true) : s;
    return { start: s, end: Math.max(s, e) };
  }
}

interface Job {
  instruction: Instruction;
  dialect: ShellDialect;
  script: Script;
}

/** ShellCheck's dialect for a shell's name, or undefined when it cannot check that shell (zsh, …). */
function dialectOf(shell: string): ShellDialect | undefined {
  switch (shell) {
    case 'sh':
    case 'ash':
    case 'busybox':
      return 'sh';
    case 'bash':
    case 'dash':
    case 'ksh':
      return shell;
    case 'mksh':
      return 'ksh';
    default:
      return undefined;
  }
}

function baseName(executable: string): string {
  const base = executable.split(/[\\/]/).pop() ?? executable;
  return base.replace(/\.exe$/i, '').toLowerCase();
}

/** The shell a heredoc's shebang names: `#!/bin/bash`, `#!/usr/bin/env -S bash -e`; '' without one. */
function shebangShell(body: string, stripTabs: boolean): string {
  let first = body.slice(0, body.indexOf('\n') === -1 ? body.length : body.indexOf('\n')).replace(/\r$/, '');
  if (stripTabs) first = first.replace(/^\t+/, '');
  if (!first.startsWith('#!')) return '';
  const words = first.slice(2).trim().split(/\s+/);
  let name = baseName(words[0] ?? '');
  if (name === 'env') name = baseName(words.slice(1).find((w) => !w.startsWith('-') && !w.includes('=')) ?? '');
  return name || '?';
}

let sharedParser: Promise<ShellParser> | undefined;

function defaultParser(): Promise<ShellParser> {
  sharedParser ??= ShellParser.create().catch((error: unknown) => {
    sharedParser = undefined;
    throw error;
  });
  return sharedParser;
}

/** The scripts of every RUN ShellCheck can check, with their dialects. */
async function collectJobs(file: ParsedDockerfile, pragmas: Pragmas, options: ShellCheckOptions): Promise<Job[]> {
  const jobs: Job[] = [];
  let parser = options.shellParser;
  for (const instruction of file.instructions) {
    const target = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
    if (!target || target.keyword !== 'RUN' || target.json || !target.rest.trim()) continue;
    if (!pragmas.isPosixShellAt(instruction)) continue;
    const dialect = dialectOf(pragmas.shellAt(instruction));
    if (!dialect) continue;
    // ONBUILD RUN <<EOF: the parser does not read heredocs for triggers, so the body is not ours.
    if (target !== instruction && HEREDOC_MARKER.test(target.rest)) continue;

    const rest = new ScriptBuilder();
    const restOffset = target.restOffset;
    rest.add(target.rest, 0, (local, end) => argsOffsetToSource(target, restOffset + local, end));
    if (target.heredocs.length === 0) {
      jobs.push({ instruction, dialect, script: rest.build() });
      continue;
    }

    // Which heredocs are scripts of their own: the linter's rule, from the RUN line's commands.
    if (!parser) {
      try {
        parser = await defaultParser();
      } catch (error) {
        options.log?.(`ShellCheck: cannot parse RUN heredocs (${error instanceof Error ? error.message : String(error)})`);
        continue;
      }
    }
    const commands = parser.parse(target.rest).commands;
    const lone = commands.length === 0;
    const runsShell = lone || commands.every((c) => SHELL_COMMANDS.has(commandName(c)));
    const { text } = file;
    for (const [index, heredoc] of target.heredocs.entries()) {
      if (index === 0) {
        // The line break that ends the RUN line.
        const at = Math.max(0, heredoc.bodySpan.start - 1);
        rest.add('\n', at);
      }
      let bodyDialect: ShellDialect | undefined;
      if (runsShell) {
        if (lone) {
          const shebang = shebangShell(heredoc.body, heredoc.stripTabs);
          bodyDialect = shebang ? dialectOf(shebang) : dialect;
        } else {
          // The shell command before the `<<` marker runs this body.
          const markerStart = heredoc.markerSpan.start;
          let runner = commands[0];
          for (const command of commands) {
            if (argsOffsetToSource(target, restOffset + command.nameStart) <= markerStart) runner = command;
          }
          bodyDialect = runner ? dialectOf(commandName(runner)) : undefined;
        }
        if (bodyDialect) {
          const body = new ScriptBuilder();
          body.addSource(text, heredoc.bodySpan.start, heredoc.bodySpan.end, heredoc.stripTabs);
          jobs.push({ instruction, dialect: bodyDialect, script: body.build() });
        }
      }
      // In the RUN line's script, a body checked on its own is left out; otherwise it is what the shell reads.
      if (!runsShell) rest.addSource(text, heredoc.bodySpan.start, heredoc.bodySpan.end);
      if (heredoc.delimiterSpan) {
        rest.addSource(text, heredoc.delimiterSpan.start, heredoc.delimiterSpan.end);
        const newline = text.indexOf('\n', heredoc.delimiterSpan.end);
        rest.add('\n', newline === -1 ? heredoc.delimiterSpan.end : newline);
      }
    }
    if (!lone) jobs.push({ instruction, dialect, script: rest.build() });
  }
  return jobs;
}

// ---------------------------------------------------------------------------------------------
// Running ShellCheck

interface Replacement {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  replacement: string;
}

interface Comment {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  level: string;
  code: number;
  message: string;
  replacements: Replacement[] | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Reads json1 output; undefined when it is not json1. */
function parseOutput(stdout: string): Comment[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.comments)) return undefined;
  const comments: Comment[] = [];
  for (const raw of parsed.comments as unknown[]) {
    if (!isRecord(raw) || typeof raw.code !== 'number' || typeof raw.message !== 'string') continue;
    const line = num(raw.line, 1);
    const column = num(raw.column, 1);
    let replacements: Replacement[] | undefined;
    const fix = raw.fix;
    if (isRecord(fix) && Array.isArray(fix.replacements)) {
      replacements = [];
      for (const r of fix.replacements as unknown[]) {
        if (!isRecord(r) || typeof r.replacement !== 'string' || typeof r.line !== 'number' || typeof r.column !== 'number') {
          replacements = undefined;
          break;
        }
        replacements.push({
          line: r.line,
          column: r.column,
          endLine: num(r.endLine, r.line),
          endColumn: num(r.endColumn, r.column),
          replacement: r.replacement,
        });
      }
    }
    comments.push({
      line,
      column,
      endLine: num(raw.endLine, line),
      endColumn: num(raw.endColumn, column),
      level: typeof raw.level === 'string' ? raw.level : 'warning',
      code: raw.code,
      message: raw.message,
      replacements,
    });
  }
  return comments;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

/** At most a few ShellCheck processes at once, across all callers. */
class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      signal.throwIfAborted();
      this.active++;
    } else {
      // Wait for a finishing task to hand over its slot.
      await new Promise<void>((resolve, reject) => {
        const start = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const i = this.queue.indexOf(start);
          if (i !== -1) this.queue.splice(i, 1);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.queue.push(start);
      });
    }
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

const limiter = new Limiter(Math.max(1, Math.min(4, availableParallelism())));

interface RunResult {
  comments: Comment[] | undefined;
  error: string | undefined;
}

/** One ShellCheck process: the script on stdin, json1 on stdout. */
function runProcess(executable: string, args: string[], input: string, signal: AbortSignal, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const child = spawn(executable, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, env: childEnv() });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: RunResult | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = (): void => finish(abortError(signal));
    const timer = setTimeout(() => finish({ comments: undefined, error: `timed out after ${timeoutMs} ms` }), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => finish({ comments: undefined, error: error.message }));
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) finish({ comments: undefined, error: 'too much output' });
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64) err.push(chunk);
    });
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const comments = parseOutput(stdout);
      // Exit 0: clean; 1: findings. Anything else is a failure unless json1 came out anyway.
      if (comments) finish({ comments, error: undefined });
      else finish({ comments: undefined, error: `exit ${String(code)}: ${Buffer.concat(err).toString('utf8').trim().slice(0, 500)}` });
    });
    // The process may exit before reading everything (e.g. a bad option): ignore EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input, 'utf8');
  });
}

interface CacheEntry {
  promise: Promise<RunResult>;
  controller: AbortController;
  waiters: number;
  settled: boolean;
}

const cache = new Map<string, CacheEntry>();

/** The comments for one script: from the cache, from a run in flight, or from a new process. */
function check(executable: string, probeResult: Probe, dialect: ShellDialect, text: string, options: ShellCheckOptions): Promise<RunResult> {
  const key = `${executable}\0${dialect}\0${text}`;
  let entry = cache.get(key);
  if (entry) {
    cache.delete(key);
    cache.set(key, entry);
  } else {
    const controller = new AbortController();
    const args = ['--format=json1', `--shell=${dialect}`, `--exclude=${SHELLCHECK_EXCLUSIONS.join(',')}`];
    if (probeResult.norc) args.unshift('--norc');
    args.push('-');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const created: CacheEntry = {
      controller,
      waiters: 0,
      settled: false,
      promise: limiter.run(controller.signal, () => runProcess(executable, args, text, controller.signal, timeoutMs)),
    };
    const forget = (): void => {
      if (cache.get(key) === created) cache.delete(key);
    };
    created.promise.then(
      (result) => {
        created.settled = true;
        // Failures are not remembered: the next lint tries again.
        if (!result.comments) forget();
      },
      () => {
        created.settled = true;
        forget();
      },
    );
    cache.set(key, created);
    entry = created;
    if (cache.size > CACHE_SIZE) {
      for (const [oldKey, old] of cache) {
        if (cache.size <= CACHE_SIZE) break;
        if (old.settled) cache.delete(oldKey);
      }
    }
  }
  const current = entry;
  current.waiters++;
  const signal = options.signal;
  return new Promise<RunResult>((resolve, reject) => {
    const onAbort = (): void => {
      current.waiters--;
      if (current.waiters === 0 && !current.settled) {
        // Stopped when nobody waits for it any more, after a moment in which the next lint (the
        // same script, usually) can still join it.
        const reason: unknown = signal?.reason;
        setTimeout(() => {
          if (current.waiters > 0 || current.settled) return;
          current.controller.abort(reason);
          if (cache.get(key) === current) cache.delete(key);
        }, ABANDON_GRACE_MS).unref();
      }
      reject(abortError(signal ?? current.controller.signal));
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    current.promise.then(
      (result) => {
        signal?.removeEventListener('abort', onAbort);
        current.waiters--;
        resolve(result);
      },
      (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        current.waiters--;
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Findings

function severityOf(level: string): Severity {
  switch (level) {
    case 'error':
      return 'error';
    case 'info':
      return 'info';
    case 'style':
      return 'style';
    default:
      return 'warning';
  }
}

/** ShellCheck's fix as our edits, or undefined when any part does not map one-to-one onto the file
 *  (e.g. it spans a line continuation, whose `\` and line break the script does not contain). */
function convertFix(file: ParsedDockerfile, script: Script, comment: Comment, commentStart: number, commentEnd: number): Fix | undefined {
  const replacements = comment.replacements;
  if (!replacements || replacements.length === 0) return undefined;
  const edits: TextEdit[] = [];
  for (const r of replacements) {
    const a = script.offsetOf(r.line, r.column);
    const b = Math.max(a, script.offsetOf(r.endLine, r.endColumn));
    let span: Span;
    if (a === b) {
      const before = script.toFile(a, true);
      const after = script.toFile(a, false);
      if (before === after) span = { start: after, end: after };
      // At a continuation: the insertion belongs with the text the finding points at.
      else if (a === commentStart) span = { start: after, end: after };
      else if (a === commentEnd) span = { start: before, end: before };
      else return undefined;
    } else {
      span = script.span(a, b);
      if (file.text.slice(span.start, span.end) !== script.text.slice(a, b)) return undefined;
    }
    edits.push({ span, newText: r.replacement });
  }
  const sorted = [...edits].sort((x, y) => x.span.start - y.span.start || x.span.end - y.span.end);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const next = sorted[i];
    // Overlapping edits, or two insertions at one point, need ShellCheck's precedence rules: skip.
    if (previous && next && (next.span.start < previous.span.end || next.span.start === previous.span.start)) return undefined;
  }
  return { title: `Apply ShellCheck's fix for SC${comment.code}`, edits };
}

/**
 * ShellCheck's findings for the RUN scripts of `file`, at exact Dockerfile positions, with
 * `# hadolint ignore=SC…` pragmas and the configuration's ignores and overrides applied.
 * Returns [] when ShellCheck is not installed. Rejects only when `options.signal` aborts.
 */
export async function runShellCheck(file: ParsedDockerfile, config: LintConfig, options: ShellCheckOptions = {}): Promise<Finding[]> {
  options.signal?.throwIfAborted();
  const executable = await resolveExecutable(options);
  if (!executable) return [];
  const probed = await probe(executable);
  if (!probed) return [];
  options.signal?.throwIfAborted();
  const pragmas = collectPragmas(file);
  const jobs = await collectJobs(file, pragmas, options);
  const results = await Promise.all(jobs.map((job) => check(executable, probed, job.dialect, job.script.text, options)));

  const declared = declaredVariables(file);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const [index, job] of jobs.entries()) {
    const result = results[index];
    if (!result?.comments) {
      if (result?.error) options.log?.(`ShellCheck failed on the RUN at line ${job.instruction.line + 1}: ${result.error}`);
      continue;
    }
    for (const comment of result.comments) {
      const code = `SC${comment.code}`;
      if (SHELLCHECK_EXCLUSIONS.includes(code)) continue;
      // "In POSIX sh, UID is undefined": not so when the Dockerfile sets UID with ARG or ENV.
      if (code === 'SC3028' && declared.has(/^In POSIX sh, (\w+) is undefined/.exec(comment.message)?.[1] ?? '')) continue;
      if (config.ignored.has(code) || pragmas.globallyIgnored.has(code)) continue;
      const override = config.overrides.get(code);
      if (override === 'ignore') continue;
      const start = job.script.offsetOf(comment.line, comment.column);
      const end = Math.max(start, job.script.offsetOf(comment.endLine, comment.endColumn));
      const span = job.script.span(start, end);
      if (pragmas.isIgnoredAt(code, span.start)) continue;
      const key = `${code}\0${span.start}\0${span.end}\0${comment.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const fix = convertFix(file, job.script, comment, start, end);
      findings.push({ code, severity: override ?? severityOf(comment.level), message: comment.message, span, fixes: fix ? [fix] : [] });
    }
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
  return findings;
}
