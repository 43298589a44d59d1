/**
 * The build context as the docker CLI sends it to `POST /build` (legacy builder): a tar of the
 * context folder, filtered by the root `.dockerignore`, streamed file by file so a context of any
 * size costs a few megabytes of memory.
 *
 * What "as the CLI sends it" means here, from docker/cli `build` and moby `pkg/archive` as of
 * Docker 23+ (checked against the 28.2 CLI's upload; 20.10 matched folders the older way):
 * - `.dockerignore` lines go through `ignorefile.ReadAll` (comments only at column 0, trimmed,
 *   `filepath.Clean`ed, a leading `/` dropped) and match like `patternmatcher`.
 * - The Dockerfile and `.dockerignore` are always sent (the CLI adds `!` exceptions for them when
 *   they are ignored; the engine leaves them out of `COPY . .` itself).
 * - An ignored folder is skipped whole unless an exception pattern starts with its path; then it
 *   is walked (its own entry is not sent) and its files are matched one by one.
 * - Entries in lexical order, uid/gid 0, permission bits kept, symlinks as symlinks, hard links as
 *   links to the first name sent, sockets skipped. Unlike the CLI, fifos and devices are skipped
 *   too: the engine would only recreate them in its copy of the context.
 * - A Dockerfile outside the context goes in as `.dockerfile.<20 hex>`, and that name is added to
 *   the sent `.dockerignore` (created if missing) so `COPY . .` does not pick it up.
 *
 * Pure Node: no dockerode, no vscode.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, readFile, readdir, readlink } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import * as tar from 'tar-stream';
import { CancelledError } from './errors';

/** One `.dockerignore` pattern as Docker keeps it after reading the file. */
export interface DockerignorePattern {
  /** Cleaned, forward slashes, no leading `/`, without the `!`. */
  readonly pattern: string;
  /** A `!` line: re-includes what earlier patterns excluded. */
  readonly exception: boolean;
  /** 1-based line in `.dockerignore`; absent for the exceptions added for the build files. */
  readonly line?: number;
}

/**
 * What the walk knows about a path: whether it is excluded, and which patterns matched it or one
 * of its parents (moby's `MatchInfo`), which its children's verdicts depend on.
 */
export interface DockerignoreMatch {
  readonly excluded: boolean;
  readonly matched: readonly boolean[];
}

export interface DockerignoreFilter {
  readonly patterns: readonly DockerignorePattern[];
  /**
   * The verdict for one walked path, given its parent folder's (undefined at the root), as moby's
   * `PatternMatcher.MatchesUsingParentResults`, which `docker build` uses.
   */
  match(relativePath: string, parent?: DockerignoreMatch): DockerignoreMatch;
  /**
   * True when the path (relative, forward slashes) is not sent: it is excluded, or it lies in an
   * excluded folder that the walk does not enter.
   */
  ignores(relativePath: string): boolean;
  /**
   * For an excluded folder: whether the walk still enters it, because an exception pattern
   * starts with the folder's path (moby's literal prefix test, so `!**\/x` does not count).
   */
  mustDescend(relativeDir: string): boolean;
}

export class DockerignoreSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly text: string,
    reason: string,
  ) {
    super(`.dockerignore line ${line}: ${reason}: ${JSON.stringify(text)}`);
    this.name = 'DockerignoreSyntaxError';
  }
}

/** Go's `path.Clean` for slash-separated paths. */
function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined || '.';
}

/**
 * The lines of a `.dockerignore` as Docker reads them (moby/patternmatcher `ignorefile.ReadAll`,
 * then `patternmatcher.New`). Throws `DockerignoreSyntaxError` where Docker refuses the file.
 */
export function parseDockerignore(text: string): DockerignorePattern[] {
  const patterns: DockerignorePattern[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // A comment only at column 0: "  # x" is the pattern "# x", as in Docker.
    if (line.startsWith('#')) return;
    let pattern = line.trim();
    if (pattern === '') return;
    const exception = pattern.startsWith('!');
    if (exception) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    // patternmatcher cleans "!" + pattern once more, which turns "!/" into "!".
    if (exception && (pattern === '' || pattern === '/')) {
      throw new DockerignoreSyntaxError(index + 1, line, 'illegal exclusion pattern');
    }
    // Compiled now so that a bad pattern fails here, with its line, as Docker refuses the file.
    try {
      compilePattern(pattern);
    } catch (error) {
      throw new DockerignoreSyntaxError(index + 1, line, `syntax error in pattern (${error instanceof Error ? error.message : String(error)})`);
    }
    patterns.push({ pattern, exception, line: index + 1 });
  });
  return patterns;
}

/**
 * @balena/dockerignore ports moby's pattern-to-regexp translation but escapes only `.` and `$`,
 * where moby escapes `.+()|{}$`: `c++` would throw and `a(1)` would not match itself. It also
 * drops a pattern that starts with `#`, which Docker keeps when the `#` was not at column 0.
 * Backslash escapes work the same in both, so escaping those characters here hands the library
 * moby's pattern. Existing escapes are copied untouched.
 */
function forLibrary(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '\\' && i + 1 < pattern.length) {
      out += ch + (pattern[i + 1] ?? '');
      i++;
    } else if ('+(){}|'.includes(ch) || (ch === '#' && i === 0)) {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Whether one pattern matches one path by itself (moby's `Pattern.match`), with the library's
 * translation of the pattern. The library's public API only answers for a whole rule list with
 * the parent-folder rule of Docker 20.10 and before folded in; Docker has since (moby/patternmatcher
 * `MatchesUsingParentResults`) let a folder's per-pattern results decide for its children, which
 * needs each pattern's own verdict. So this takes the compiled expression of a one-rule list.
 */
function compilePattern(pattern: string): (relativePath: string) => boolean {
  // Docker matches case-sensitively on every platform; the library's default is not to.
  const ig = dockerignore({ ignorecase: false });
  ig.add(forLibrary(pattern));
  ig.ignores('x'); // compiles the rule (and throws for a malformed pattern)
  const rule = (ig as unknown as { _rules?: Array<{ regexp?: unknown }> })._rules?.[0];
  const regexp = rule?.regexp;
  if (!(regexp instanceof RegExp)) {
    throw new Error(`@balena/dockerignore no longer exposes a compiled rule for ${JSON.stringify(pattern)}; see compilePattern in buildContext.ts`);
  }
  return (relativePath) => regexp.test(relativePath);
}

/**
 * Docker's `.dockerignore` semantics over forward-slash paths relative to the context root.
 * `alwaysInclude` lists the build files (the Dockerfile, `.dockerignore`): each one that would
 * not be sent gets a trailing `!` exception, as docker/cli's `TrimBuildFilesFromExcludes` adds.
 * (The CLI decides with the older parent-folder rule and so, in rare layouts, still leaves the
 * Dockerfile out and the build fails; here it is sent whenever the walk would miss it.)
 */
export function dockerignoreFilter(text: string, options: { alwaysInclude?: readonly string[] } = {}): DockerignoreFilter {
  const base = filterOf(parseDockerignore(text));
  const kept = (options.alwaysInclude ?? []).map((p) => cleanPath(p)).filter((p) => p !== '.' && base.ignores(p));
  if (kept.length === 0) return base;
  return filterOf([...base.patterns, ...kept.map((pattern) => ({ pattern, exception: true }))]);
}

function filterOf(patterns: readonly DockerignorePattern[]): DockerignoreFilter {
  const tests = patterns.map((p) => compilePattern(p.pattern));
  const exceptions = patterns.filter((p) => p.exception).map((p) => `${p.pattern}/`);
  const mustDescend = (dir: string): boolean => exceptions.some((e) => e.startsWith(`${dir}/`));

  const match = (relativePath: string, parent?: DockerignoreMatch): DockerignoreMatch => {
    let excluded = false;
    const matched: boolean[] = [];
    patterns.forEach((pattern, i) => {
      let hit = parent?.matched[i] ?? false;
      if (!hit) {
        // An inclusion cannot change an excluded verdict, nor an exception an included one:
        // moby skips them, and then records "no match" for the children too.
        if (pattern.exception !== excluded) {
          matched.push(false);
          return;
        }
        hit = tests[i]?.(relativePath) ?? false;
      }
      matched.push(hit);
      if (hit) excluded = !pattern.exception;
    });
    return { excluded, matched };
  };

  const ignores = (relativePath: string): boolean => {
    const parts = cleanPath(relativePath).split('/');
    let parent: DockerignoreMatch | undefined;
    for (let depth = 1; depth <= parts.length; depth++) {
      const path = parts.slice(0, depth).join('/');
      const verdict = match(path, parent);
      if (depth === parts.length) return verdict.excluded;
      if (verdict.excluded && !mustDescend(path)) return true;
      parent = verdict;
    }
    return false;
  };

  return { patterns, match, ignores, mustDescend };
}

export interface BuildContextOptions {
  /** The Dockerfile: relative to the context folder, or absolute (it may lie outside). */
  dockerfile: string;
  signal?: AbortSignal;
}

export interface BuildContext {
  /** The tar. It errors (and `done` rejects) on a read failure, on cancellation, or if destroyed. */
  stream: Readable;
  /** The name to pass as `dockerfile` to `POST /build`: forward slashes, relative to the context. */
  dockerfile: string;
  /** Settles when the whole archive has been handed to `stream`: regular files sent, tar bytes. */
  done: Promise<{ files: number; bytes: number }>;
  /**
   * Optional: hands back a chunk of `stream` that the consumer is entirely done with (a socket's
   * write callback has fired for it), so its memory is reused for later file reads. A fresh
   * buffer per read is otherwise garbage that costs, for 1 GB, more CPU in collection than the
   * rest of the work. Chunks that are not ours are ignored; never recycle a chunk still in use.
   */
  recycle(chunk: Uint8Array): void;
}

/** Reads are this big: fewer, larger writes to the socket, still a few MB in flight at most. */
const CHUNK_BYTES = 512 * 1024;
const STREAM_HIGH_WATER_MARK = 1024 * 1024;
/** Recycled buffers kept for reuse; more than are ever in flight with the buffers above. */
const POOL_MAX = 32;

/** File-content buffers: recycled ones first, else new ones, each with its own memory. */
class ChunkPool {
  private readonly free: Buffer[] = [];
  private readonly owners = new WeakMap<ArrayBufferLike, Buffer>();

  take(): Buffer {
    const reused = this.free.pop();
    if (reused) return reused;
    const buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.owners.set(buffer.buffer, buffer);
    return buffer;
  }

  give(chunk: Uint8Array): void {
    const owner = this.owners.get(chunk.buffer);
    if (!owner || this.free.length >= POOL_MAX || this.free.includes(owner)) return;
    this.free.push(owner);
  }
}

function toSlash(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** Go sorts directory entries by their UTF-8 bytes; UTF-16 order differs above U+FFFF. */
function sortedByBytes(names: string[]): string[] {
  return names
    .map((name) => ({ name, key: Buffer.from(name) }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map((entry) => entry.name);
}

/** Where the Dockerfile goes in the tar, decided without I/O (the CLI's test is lexical too). */
function placeDockerfile(contextDir: string, dockerfile: string): { inside: true; name: string } | { inside: false; source: string; name: string } {
  const root = path.resolve(contextDir);
  const source = path.resolve(root, dockerfile);
  const relative = path.relative(root, source);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return { inside: false, source, name: `.dockerfile.${randomBytes(10).toString('hex')}` };
  }
  return { inside: true, name: toSlash(relative) };
}

/**
 * Streams `contextDir` as the tar `docker build` would send. The walk is lazy (one directory
 * listing at a time) and file contents flow through with backpressure: nothing is read faster
 * than the consumer takes it.
 */
export function createBuildContext(contextDir: string, options: BuildContextOptions): BuildContext {
  const root = path.resolve(contextDir);
  const placement = placeDockerfile(root, options.dockerfile);
  const pack = tar.pack();
  const pool = new ChunkPool();
  const stop = new AbortController();
  let bytes = 0;
  let files = 0;

  const fail = (error: unknown): void => {
    if (stop.signal.aborted) return;
    stop.abort(error);
    pack.destroy();
    if (!stream.destroyed) stream.destroy(error instanceof Error ? error : new Error(String(error)));
  };

  const stream = new Readable({
    highWaterMark: STREAM_HIGH_WATER_MARK,
    read() {
      pack.resume();
    },
    destroy(error, callback) {
      // The consumer went away (or we failed): stop walking and reading files.
      if (!stop.signal.aborted) {
        stop.abort(error ?? new CancelledError());
        pack.destroy();
      }
      callback(error);
    },
  });
  pack.on('data', (data: unknown) => {
    const chunk = data as Buffer;
    bytes += chunk.length;
    if (!stream.push(chunk)) pack.pause();
  });
  pack.on('error', fail);

  const onAbort = (): void => fail(new CancelledError());
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const done = (async () => {
    try {
      if (options.signal?.aborted) throw new CancelledError();
      await writeArchive(root, placement, pack, pool, stop.signal, () => files++);
      throwIfStopped(stop.signal);
      const ended = new Promise<void>((resolve, reject) => {
        pack.once('end', resolve);
        pack.once('close', () => reject(stoppedReason(stop.signal)));
      });
      pack.finalize();
      await ended;
      stream.push(null);
      return { files, bytes };
    } catch (error) {
      const reason = stop.signal.aborted ? stoppedReason(stop.signal) : error;
      fail(reason);
      throw reason;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  })();
  // Callers may watch only the stream; its 'error' carries the same failure.
  done.catch(() => undefined);
  return { stream, dockerfile: placement.name, done, recycle: (chunk) => pool.give(chunk) };
}

function stoppedReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new CancelledError();
}

function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw stoppedReason(signal);
}

type Placement = ReturnType<typeof placeDockerfile>;
type HeaderArgument = Partial<tar.Header> & Pick<tar.Header, 'name'>;

async function readDockerignore(root: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(root, '.dockerignore'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeArchive(root: string, placement: Placement, pack: tar.Pack, pool: ChunkPool, signal: AbortSignal, countFile: () => void): Promise<void> {
  const ignoreText = await readDockerignore(root);
  const outsideDockerfile = placement.inside ? undefined : await readFile(placement.source);
  const filter = dockerignoreFilter(ignoreText ?? '', { alwaysInclude: placement.inside ? ['.dockerignore', placement.name] : ['.dockerignore'] });
  // With a Dockerfile from outside, the sent .dockerignore also names it (docker/cli
  // AddDockerfileToBuildContext), so the engine keeps it out of `COPY . .`.
  const sentIgnore = outsideDockerfile ? Buffer.from(`${ignoreText ?? '.dockerignore'}\n${placement.name}\n`) : undefined;
  const hardLinks = new Map<string, string>();
  let sentIgnoreFile = false;

  const addBuffer = async (header: HeaderArgument, content: Buffer): Promise<void> => {
    await new Promise<void>((resolve, reject) => pack.entry({ ...header, size: content.length }, content, (error) => (error ? reject(error) : resolve())));
    countFile();
  };

  const walk = async (dirAbs: string, dirRel: string, parent: DockerignoreMatch | undefined): Promise<void> => {
    throwIfStopped(signal);
    const names = sortedByBytes(await readdir(dirAbs));
    for (const name of names) {
      throwIfStopped(signal);
      const abs = path.join(dirAbs, name);
      const rel = dirRel ? `${dirRel}/${name}` : name;
      const stat = await lstat(abs);
      const verdict = filter.match(rel, parent);
      if (verdict.excluded) {
        if (stat.isDirectory() && filter.mustDescend(rel)) await walk(abs, rel, verdict);
        continue;
      }
      const base = { mode: stat.mode & 0o7777, mtime: stat.mtime, uid: 0, gid: 0 };
      if (stat.isDirectory()) {
        await addVoid(pack, { ...base, name: `${rel}/`, type: 'directory' });
        await walk(abs, rel, verdict);
      } else if (stat.isSymbolicLink()) {
        await addVoid(pack, { ...base, name: rel, type: 'symlink', linkname: await readlink(abs) });
      } else if (stat.isFile()) {
        if (sentIgnore && rel === '.dockerignore') {
          await addBuffer({ ...base, name: rel, type: 'file' }, sentIgnore);
          sentIgnoreFile = true;
          continue;
        }
        if (stat.nlink > 1) {
          const key = `${stat.dev}:${stat.ino}`;
          const first = hardLinks.get(key);
          if (first !== undefined) {
            await addVoid(pack, { ...base, name: rel, type: 'link', linkname: first });
            countFile();
            continue;
          }
          hardLinks.set(key, rel);
        }
        await addFile(pack, pool, abs, rel, stat, { ...base, name: rel, type: 'file' }, signal);
        countFile();
      }
      // Sockets, fifos and devices: nothing a build can use.
    }
  };

  await walk(root, '', undefined);
  if (sentIgnore && outsideDockerfile) {
    const now = new Date();
    if (!sentIgnoreFile) await addBuffer({ name: '.dockerignore', mode: 0o600, mtime: now, type: 'file' }, sentIgnore);
    await addBuffer({ name: placement.name, mode: 0o600, mtime: now, type: 'file' }, outsideDockerfile);
  }
}

function addVoid(pack: tar.Pack, header: HeaderArgument): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    pack.entry(header, (error) => (error ? reject(error) : resolve())).end(undefined);
  });
}

async function addFile(pack: tar.Pack, pool: ChunkPool, abs: string, rel: string, stat: Stats, header: HeaderArgument, signal: AbortSignal): Promise<void> {
  // Opened before the entry starts, so an unreadable file fails cleanly, between entries.
  const handle = await open(abs, 'r');
  try {
    const size = stat.size;
    let entryError: Error | null | undefined;
    const entry = pack.entry({ ...header, size }, (error) => {
      entryError = error;
    });
    const finished = new Promise<void>((resolve, reject) => {
      entry.once('close', () => (entryError ? reject(entryError) : resolve()));
      entry.once('error', reject);
    });
    // Awaited only on success; when the walk stops mid-file, the entry closes with an error then.
    finished.catch(() => undefined);
    let sent = 0;
    while (sent < size) {
      throwIfStopped(signal);
      const want = Math.min(CHUNK_BYTES, size - sent);
      // Never the previous read's buffer: that one may still sit in a queue downstream.
      const buffer = pool.take();
      const { bytesRead } = await handle.read(buffer, 0, want, sent);
      if (bytesRead === 0) {
        throw new Error(`${rel} shrank while the build context was being sent`);
      }
      sent += bytesRead;
      throwIfStopped(signal);
      if (!entry.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead))) {
        await drained(entry, signal);
      }
    }
    entry.end(undefined);
    await finished;
  } finally {
    await handle.close();
  }
}

/** Resolves on the entry's 'drain'; rejects if the archive stops meanwhile (cancel, consumer gone). */
function drained(entry: NodeJS.EventEmitter, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      entry.off('drain', onDrain);
      entry.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onClose = (): void => settle(signal.aborted ? stoppedReason(signal) : new Error('the tar entry closed early'));
    const onAbort = (): void => settle(stoppedReason(signal));
    if (signal.aborted) {
      reject(stoppedReason(signal));
      return;
    }
    entry.on('drain', onDrain);
    entry.on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
