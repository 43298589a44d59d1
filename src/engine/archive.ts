/**
 * A container's files through the Engine API's archive endpoints only:
 * `HEAD /containers/{id}/archive?path=…` (a stat in the `X-Docker-Container-Path-Stat` header),
 * `GET` (a tar of the path) and `PUT` (extract a tar into a folder).
 *
 * No `exec`, no shell, no child process: these endpoints work on stopped containers and on images
 * with nothing but one static binary (`FROM scratch`). Their limits shape this module:
 * - there is no way to list a folder alone: `GET` sends the folder's whole subtree, file bodies
 *   included. `readDirectory` streams it, keeps only the direct children and drains the rest, and
 *   stops after a number of entries or bytes, reporting the listing as `truncated`;
 * - there is no delete and no rename (`deletePath`/`renamePath` say so);
 * - `PUT` only extracts into an existing folder, so a file is written as a one-entry tar into its
 *   parent, with the owner and mode of the file it replaces (read from that file's tar header).
 *
 * Every function is cancellable (`signal`) and timed. `timeoutMs` bounds each wait for the engine:
 * it starts over whenever bytes move, so a long copy that keeps moving is not cut off but a stalled
 * one is. Errors leave as engine errors (`classifyError`); the archive-specific ones are
 * `ArchiveError`s, which are `RequestFailedError`s with a `problem` the UI can word.
 */
import type Docker from 'dockerode';
import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { basename, posix, resolve } from 'node:path';
import { Transform, addAbortSignal } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import * as tar from 'tar-stream';
import type * as TarStream from 'tar-stream';
import { CallScope } from './callScope';
import { HostFileError, extractTar } from '../files/safeExtract';
import type { ExtractResult } from '../files/safeExtract';
import type { CallOptions } from './ContainerEngine';
import { CancelledError, RequestFailedError, classifyError } from './errors';
import type { AnyEngineError } from './errors';

export type { ExtractResult, RefusedEntry, RefusalReason } from '../files/safeExtract';

/** A header as read (every field set) or as written (only a name required). */
type TarHeader = Partial<TarStream.Header> & { name: string };
type TarEntry = TarStream.Extract extends AsyncIterable<infer E> ? E : never;

/** The idle timeout when the caller gives none. */
export const DEFAULT_ARCHIVE_TIMEOUT_MS = 30_000;
/** `readFile` refuses bigger files: they are held in memory, and an editor is the wrong tool. */
export const DEFAULT_MAX_READ_BYTES = 64 * 1024 * 1024;
/** `readDirectory` stops reading the subtree after this many tar entries… */
export const DEFAULT_LIST_MAX_ENTRIES = 20_000;
/** …or this many bytes of tar. */
export const DEFAULT_LIST_MAX_BYTES = 64 * 1024 * 1024;

export type PathKind = 'file' | 'directory' | 'symlink' | 'other';

export interface PathStat {
  /** The normalized absolute path asked about. */
  path: string;
  name: string;
  kind: PathKind;
  size: number;
  /** Permission bits, with setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  mode: number;
  /** Milliseconds since the epoch. */
  mtime: number;
  /** For a symlink: its target, resolved by the engine to an absolute path in the container. */
  linkTarget?: string;
}

export interface DirectoryEntry {
  name: string;
  kind: PathKind;
  size: number;
  mode: number;
  /** Milliseconds since the epoch. */
  mtime: number;
  /** For a symlink: its target as stored, relative or absolute. */
  linkTarget?: string;
}

export interface DirectoryListing {
  /** The folder listed: the path asked for, or where it links to. */
  path: string;
  entries: DirectoryEntry[];
  /** True when the subtree was too big to read to the end: later children are missing. */
  truncated: boolean;
  /** Tar entries read (children and everything below them) and tar bytes read. */
  scannedEntries: number;
  scannedBytes: number;
}

export interface ListOptions extends CallOptions {
  maxEntries?: number;
  maxBytes?: number;
}

export interface ReadFileOptions extends CallOptions {
  maxBytes?: number;
}

export interface TransferOptions extends CallOptions {
  /** Tar bytes moved so far. */
  onProgress?: (bytes: number) => void;
}

export interface PackResult {
  files: number;
  directories: number;
  symlinks: number;
  /** Bytes of file content sent. */
  bytes: number;
  /** Host entries of kinds a tar does not carry here (sockets, FIFOs, devices). */
  skipped: string[];
}

export type ArchiveProblem =
  | 'not-found' // no such container, or no such path in it (a HEAD 404 cannot say which)
  | 'is-directory'
  | 'not-directory'
  | 'not-file' // a device, FIFO or socket
  | 'exists'
  | 'too-large'
  | 'not-permitted' // e.g. a read-only root file system
  | 'unsupported' // the archive API cannot do it (delete, rename)
  | 'bad-path' // not an absolute container path, or not a container id or name
  | 'host-io'; // the host's file system failed during a copy

/** An archive failure with a reason the UI can word and map (404 → FileNotFound, and so on). */
export class ArchiveError extends RequestFailedError {
  static override readonly brand: string = 'ArchiveError';
  constructor(
    readonly problem: ArchiveProblem,
    /** The container path, or for `host-io` the host path. */
    readonly path: string,
    message: string,
    statusCode?: number,
    /** For `too-large`: the file's size and the limit, in bytes. */
    readonly size?: { actual: number; limit: number },
  ) {
    super(statusCode, message);
    this.name = 'ArchiveError';
  }
}

// Go's os.FileMode type bits, as the engine sends them in the path stat.
const GO_DIR = 1 << 31;
const GO_SYMLINK = 1 << 27;
const GO_OTHER = (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21) | (1 << 19); // device, pipe, socket, char device, irregular
const GO_SETUID = 1 << 23;
const GO_SETGID = 1 << 22;
const GO_STICKY = 1 << 20;

/** The kind of a path from Go's `os.FileMode` bits. */
export function kindFromGoMode(mode: number): PathKind {
  if ((mode & GO_DIR) !== 0) return 'directory';
  if ((mode & GO_SYMLINK) !== 0) return 'symlink';
  if ((mode & GO_OTHER) !== 0) return 'other';
  return 'file';
}

/** Unix permission bits (0o7777) from Go's `os.FileMode`. */
export function permissionsFromGoMode(mode: number): number {
  return (mode & 0o777) | ((mode & GO_SETUID) !== 0 ? 0o4000 : 0) | ((mode & GO_SETGID) !== 0 ? 0o2000 : 0) | ((mode & GO_STICKY) !== 0 ? 0o1000 : 0);
}

/** RFC 3339 with nanoseconds, as Go writes it, to milliseconds since the epoch (0 when unreadable). */
function parseGoTime(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? ms : 0;
}

/** Decodes the `X-Docker-Container-Path-Stat` header: base64 JSON {name,size,mode,mtime,linkTarget}. */
export function decodePathStat(header: string | undefined, path: string): PathStat {
  if (!header) throw new ArchiveError('not-found', path, `The engine sent no stat for ${path}.`);
  let raw: { name?: unknown; size?: unknown; mode?: unknown; mtime?: unknown; linkTarget?: unknown };
  try {
    raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as typeof raw;
  } catch {
    throw new RequestFailedError(undefined, `The engine sent an unreadable stat for ${path}.`);
  }
  const mode = typeof raw.mode === 'number' ? raw.mode : 0;
  const stat: PathStat = {
    path,
    name: typeof raw.name === 'string' ? raw.name : posix.basename(path),
    kind: kindFromGoMode(mode),
    size: typeof raw.size === 'number' ? raw.size : 0,
    mode: permissionsFromGoMode(mode),
    mtime: parseGoTime(raw.mtime),
  };
  if (typeof raw.linkTarget === 'string' && raw.linkTarget) stat.linkTarget = raw.linkTarget;
  return stat;
}

/** An absolute, normalized container path without a trailing slash; refuses anything else. */
export function normalizeContainerPath(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes('\0')) {
    throw new ArchiveError('bad-path', String(path), `Not an absolute path in the container: ${String(path)}`);
  }
  const normalized = posix.normalize(path).replace(/^\/+/, '/');
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : '/';
}

/** Ids and names only: the id goes into the request's URL path. */
function checkContainer(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(id)) throw new ArchiveError('bad-path', id, `Not a container id or name: ${id}`);
}

function parentOf(path: string): string {
  return posix.dirname(path);
}

/**
 * The cancellation and idle timeout of one operation, which may make several requests: a
 * CallScope whose timer starts over on `touch()`, called whenever bytes move.
 */
type TransferScope = CallScope;

/** Maps a failure to the engine's closed set, with archive problems named. */
function toFailure(error: unknown, path: string, scope: TransferScope): AnyEngineError {
  if (error instanceof ArchiveError) return error;
  if (error instanceof HostFileError) return new ArchiveError('host-io', error.path, error.message);
  if (scope.signal.aborted && !scope.timedOut) return new CancelledError();
  const classified = classifyError(error, { timedOut: scope.timedOut, timeoutMs: scope.timeoutMs });
  if (!(classified instanceof RequestFailedError)) return classified;
  const status = classified.statusCode;
  const message = classified.engineMessage;
  if (status === 404) {
    // A HEAD answer has no body, so the message is only our status text: name the path at least.
    const specific = message && message !== ARCHIVE_STATUS[404] ? message : `No such container or path: ${path}`;
    return new ArchiveError('not-found', path, specific, status);
  }
  if (status === 403 || /read-only/i.test(message)) return new ArchiveError('not-permitted', path, message, status);
  if (/not a directory/i.test(message)) return new ArchiveError('not-directory', path, message, status);
  if (/cannot overwrite directory/i.test(message)) return new ArchiveError('is-directory', path, message, status);
  return classified;
}

async function run<T>(options: CallOptions | undefined, path: string, fn: (scope: TransferScope) => Promise<T>): Promise<T> {
  if (options?.signal?.aborted) throw new CancelledError();
  const scope = new CallScope(options?.signal, options?.timeoutMs ?? DEFAULT_ARCHIVE_TIMEOUT_MS);
  try {
    return await fn(scope);
  } catch (error) {
    throw toFailure(error, path, scope);
  } finally {
    scope.dispose();
  }
}

const ARCHIVE_STATUS = { 200: true, 400: 'bad parameter', 403: 'permission denied', 404: 'no such container or path', 500: 'server error' };

interface ArchiveRequest {
  method: 'HEAD' | 'GET' | 'PUT';
  id: string;
  path: string;
  stream: boolean;
  body?: Readable;
  query?: Record<string, string>;
}

function dial<T>(docker: Docker, request: ArchiveRequest, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const options: Parameters<Docker['modem']['dial']>[0] = {
      path: `/containers/${encodeURIComponent(request.id)}/archive?`,
      method: request.method,
      isStream: request.stream,
      abortSignal: signal,
      statusCodes: ARCHIVE_STATUS,
      options: { path: request.path, ...request.query },
    };
    if (request.body) options.file = request.body;
    docker.modem.dial(options, (error, data) => (error ? reject(error) : resolvePromise(data as T)));
  });
}

class LimitReached extends Error {
  constructor() {
    super('limit reached');
    this.name = 'LimitReached';
  }
}

/** Counts the bytes passing through and keeps the scope's idle timer from firing while they move. */
class Meter extends Transform {
  bytes = 0;

  constructor(
    private readonly scope: TransferScope,
    private readonly limit = Infinity,
    private readonly onProgress?: (bytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.scope.touch();
    if (this.bytes > this.limit) {
      callback(new LimitReached());
      return;
    }
    this.onProgress?.(this.bytes);
    callback(null, chunk);
  }
}

async function head(docker: Docker, id: string, path: string, scope: TransferScope): Promise<PathStat> {
  let response: IncomingMessage;
  try {
    response = await dial<IncomingMessage>(docker, { method: 'HEAD', id, path, stream: true }, scope.signal);
  } catch (error) {
    throw await explainHeadFailure(docker, id, path, scope, error);
  }
  response.resume();
  scope.touch();
  const raw = response.headers['x-docker-container-path-stat'];
  return decodePathStat(Array.isArray(raw) ? raw[0] : raw, path);
}

/**
 * A HEAD answer has no body, so a failure other than 404 comes without the engine's reason
 * (say "not a directory"). The same GET fails the same way, with the reason in its body.
 */
async function explainHeadFailure(docker: Docker, id: string, path: string, scope: TransferScope, error: unknown): Promise<unknown> {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status !== 'number' || status === 404 || scope.signal.aborted) return error;
  try {
    const stream = await openArchive(docker, id, path, scope);
    stream.destroy();
    return error;
  } catch (detailed) {
    return detailed;
  }
}

async function headOrUndefined(docker: Docker, id: string, path: string, scope: TransferScope): Promise<PathStat | undefined> {
  try {
    return await head(docker, id, path, scope);
  } catch (error) {
    const failure = toFailure(error, path, scope);
    if (failure instanceof ArchiveError && failure.problem === 'not-found') return undefined;
    throw failure;
  }
}

/** The path's stat, following a symlink (the engine resolves the whole chain in `linkTarget`). */
async function headFollowing(docker: Docker, id: string, path: string, scope: TransferScope): Promise<PathStat> {
  const first = await head(docker, id, path, scope);
  if (first.kind !== 'symlink' || !first.linkTarget) return first;
  const target = await headOrUndefined(docker, id, first.linkTarget, scope);
  if (!target) throw new ArchiveError('not-found', path, `${path} is a link to ${first.linkTarget}, which does not exist.`, 404);
  return target;
}

/** The archive of `path` as a metered stream that follows the scope's cancellation. */
async function openArchive(docker: Docker, id: string, path: string, scope: TransferScope, limit?: number, onProgress?: (bytes: number) => void): Promise<Readable> {
  const response = await dial<IncomingMessage>(docker, { method: 'GET', id, path, stream: true }, scope.signal);
  // docker-modem ties the signal to the request only until the response starts.
  addAbortSignal(scope.signal, response);
  scope.touch();
  const meter = new Meter(scope, limit, onProgress);
  response.on('error', (error) => meter.destroy(error));
  // Consumers attach their own listener (and check `errored`); until then an error must not be
  // an unhandled 'error' event, which would take the whole extension host down.
  meter.on('error', () => undefined);
  // Whoever stops reading destroys the meter; the response must go with it. A response left open
  // keeps the engine writing the archive, and the engine holds the container's lock meanwhile:
  // every later call on that container would hang.
  meter.on('close', () => response.destroy());
  return response.pipe(meter);
}

/** The entries of a tar stream; each body must be consumed (or `resume()`d) before the next. */
async function* tarEntries(source: Readable): AsyncGenerator<TarEntry, void> {
  const extract = tar.extract();
  source.on('error', (error) => extract.destroy(error));
  source.pipe(extract);
  try {
    if (source.errored) throw source.errored;
    if (source.destroyed) throw new Error('The archive stream closed before it was read.');
    for await (const entry of extract) yield entry;
  } finally {
    source.unpipe(extract);
    source.destroy();
    extract.destroy();
  }
}

/** The first tar header of `path`'s archive (its owner and mode), without reading any body. */
async function firstHeader(docker: Docker, id: string, path: string, scope: TransferScope): Promise<TarHeader> {
  const source = await openArchive(docker, id, path, scope);
  for await (const entry of tarEntries(source)) {
    // Returning ends the generator, which destroys the response: nothing more is downloaded.
    return entry.header;
  }
  throw new RequestFailedError(undefined, `The engine sent an empty archive for ${path}.`);
}

/** Sends a tar to be extracted into `dir`. The body is metered, so a moving upload is not timed out. */
async function put(docker: Docker, id: string, dir: string, body: Readable, scope: TransferScope, onProgress?: (bytes: number) => void): Promise<void> {
  const meter = new Meter(scope, Infinity, onProgress);
  // docker-modem listens only once the socket path is resolved, a tick later.
  meter.on('error', () => undefined);
  body.on('error', (error: unknown) => meter.destroy(error instanceof Error ? error : new Error(String(error))));
  body.pipe(meter);
  try {
    // noOverwriteDirNonDir: never let a file entry replace a folder (or the reverse).
    await dial<unknown>(docker, { method: 'PUT', id, path: dir, stream: false, body: meter, query: { noOverwriteDirNonDir: 'true' } }, scope.signal);
  } catch (error) {
    // The request is gone: nothing reads the body any more, so end it rather than leave its
    // producer waiting for room that never comes.
    meter.destroy();
    body.destroy();
    throw error;
  }
}

function kindFromTarType(type: TarStream.Header['type'] | null | undefined): PathKind {
  switch (type) {
    case 'file':
    case 'contiguous-file':
    case 'link':
    case undefined:
    case null:
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    default:
      return 'other';
  }
}

/** Archive path components without `.` and empty parts: `./a/b/` → ['a', 'b']. */
function tarComponents(name: string): string[] {
  return name.split('/').filter((part) => part !== '' && part !== '.');
}

/** HEAD: the path's own stat (a symlink is reported as one, with its resolved `linkTarget`). */
export function statPath(docker: Docker, id: string, path: string, options?: CallOptions): Promise<PathStat> {
  return run(options, path, async (scope) => {
    checkContainer(id);
    return head(docker, id, normalizeContainerPath(path), scope);
  });
}

/**
 * The direct children of a folder (following a symlink to one). The engine sends the whole
 * subtree with every file body, so this reads at most `maxEntries` tar entries and `maxBytes`
 * bytes, then stops and returns what it has with `truncated: true`. The engine walks in lexical
 * order, so the children missing from a truncated listing are the last ones.
 */
export function readDirectory(docker: Docker, id: string, path: string, options: ListOptions = {}): Promise<DirectoryListing> {
  return run(options, path, async (scope) => {
    checkContainer(id);
    const requested = normalizeContainerPath(path);
    const dir = await headFollowing(docker, id, requested, scope);
    if (dir.kind !== 'directory') throw new ArchiveError('not-directory', requested, `${requested} is not a folder.`);
    const maxEntries = options.maxEntries ?? DEFAULT_LIST_MAX_ENTRIES;
    // `<dir>/.` names entries `./child`, the same for every folder including `/`.
    const source = await openArchive(docker, id, dir.path === '/' ? '/.' : `${dir.path}/.`, scope, options.maxBytes ?? DEFAULT_LIST_MAX_BYTES);
    const meter = source as Meter;
    const children = new Map<string, DirectoryEntry>();
    // A hard link's header has no size; it names an earlier entry that has one.
    const sizes = new Map<string, number>();
    let scanned = 0;
    let truncated = false;
    try {
      for await (const entry of tarEntries(source)) {
        if (scanned >= maxEntries) {
          truncated = true;
          break;
        }
        scanned++;
        const { header } = entry;
        entry.resume();
        const parts = tarComponents(header.name);
        const key = parts.join('/');
        if (header.type === 'file' || header.type === 'contiguous-file') sizes.set(key, header.size ?? 0);
        if (parts.length !== 1 || !parts[0]) continue;
        const child: DirectoryEntry = {
          name: parts[0],
          kind: kindFromTarType(header.type),
          size: header.type === 'link' ? (sizes.get(tarComponents(header.linkname ?? '').join('/')) ?? 0) : (header.size ?? 0),
          mode: (header.mode ?? 0) & 0o7777,
          mtime: header.mtime?.getTime() ?? 0,
        };
        if (header.type === 'symlink' && header.linkname) child.linkTarget = header.linkname;
        children.set(child.name, child);
      }
    } catch (error) {
      if (!(error instanceof LimitReached)) throw error;
      truncated = true;
    }
    return { path: dir.path, entries: [...children.values()], truncated, scannedEntries: scanned, scannedBytes: meter.bytes };
  });
}

/** A file's content (following a symlink). Refuses folders, devices, and files over `maxBytes`. */
export function readFile(docker: Docker, id: string, path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
  return run(options, path, async (scope) => {
    checkContainer(id);
    const requested = normalizeContainerPath(path);
    const limit = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
    const target = await headFollowing(docker, id, requested, scope);
    if (target.kind === 'directory') throw new ArchiveError('is-directory', requested, `${requested} is a folder.`);
    if (target.kind !== 'file') throw new ArchiveError('not-file', requested, `${requested} is not a regular file.`);
    const tooLarge = (actual: number): ArchiveError =>
      new ArchiveError('too-large', requested, `${requested} is ${actual} bytes, more than the ${limit} bytes Berth reads into memory.`, undefined, { actual, limit });
    if (target.size > limit) throw tooLarge(target.size);
    // Headers and padding on top of the body; the body itself is checked below.
    const source = await openArchive(docker, id, target.path, scope, limit + 64 * 1024);
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const entry of tarEntries(source)) {
        const type = entry.header.type ?? 'file';
        if (type !== 'file' && type !== 'contiguous-file') throw new ArchiveError('not-file', requested, `${requested} is not a regular file.`);
        for await (const data of entry) {
          const chunk = data as Buffer;
          total += chunk.length;
          if (total > limit) throw tooLarge(total);
          chunks.push(chunk);
        }
        return new Uint8Array(Buffer.concat(chunks, total));
      }
    } catch (error) {
      if (error instanceof LimitReached) throw tooLarge(total);
      throw error;
    }
    throw new RequestFailedError(undefined, `The engine sent an empty archive for ${requested}.`);
  });
}

/**
 * Writes a file (following a symlink to its target, as editors do). An existing file keeps its
 * mode, uid and gid; a new one gets mode 0644 and the owner of its folder. The folder must exist.
 */
export function writeFile(docker: Docker, id: string, path: string, content: Uint8Array, options?: CallOptions): Promise<void> {
  return run(options, path, async (scope) => {
    checkContainer(id);
    const requested = normalizeContainerPath(path);
    if (requested === '/') throw new ArchiveError('is-directory', requested, '/ is a folder.');
    let target = requested;
    let existing = await headOrUndefined(docker, id, requested, scope);
    if (existing?.kind === 'symlink' && existing.linkTarget) {
      target = existing.linkTarget;
      existing = await headOrUndefined(docker, id, target, scope);
    }
    if (existing?.kind === 'directory') throw new ArchiveError('is-directory', requested, `${requested} is a folder.`);
    if (existing && existing.kind !== 'file') throw new ArchiveError('not-file', requested, `${requested} is not a regular file.`);
    const dir = parentOf(target);
    const owner = await firstHeader(docker, id, existing ? target : dir, scope);
    const header: TarHeader = {
      name: posix.basename(target),
      type: 'file',
      size: content.byteLength,
      mode: existing ? (owner.mode ?? 0o644) & 0o7777 : 0o644,
      uid: owner.uid ?? 0,
      gid: owner.gid ?? 0,
      mtime: new Date(),
    };
    const pack = tar.pack();
    pack.on('error', () => undefined);
    const body = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    // In slices, so the upload's idle timer sees it move on a slow link (one 15 MB write is one tick).
    const producing = (async (): Promise<void> => {
      const sink = pack.entry(header);
      sink.on('error', () => undefined);
      for (let at = 0; at < body.length; at += WRITE_SLICE_BYTES) {
        if (!sink.write(body.subarray(at, at + WRITE_SLICE_BYTES))) await roomIn(sink, scope.signal);
        if (sink.destroyed || scope.signal.aborted) return;
      }
      sink.end(undefined);
      pack.finalize();
    })();
    try {
      await put(docker, id, dir, pack as unknown as Readable, scope);
    } finally {
      await producing;
    }
  });
}

const WRITE_SLICE_BYTES = 64 * 1024;

/** Waits until a tar entry takes more, is closed, or the signal aborts. */
function roomIn(sink: ReturnType<TarStream.Pack['entry']>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolvePromise) => {
    const done = (): void => {
      sink.off('drain', done);
      sink.off('close', done);
      signal.removeEventListener('abort', done);
      resolvePromise();
    };
    sink.on('drain', done);
    sink.on('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Creates one folder (mode 0755, owned like its parent). The parent must exist; the folder must not. */
export function createDirectory(docker: Docker, id: string, path: string, options?: CallOptions): Promise<void> {
  return run(options, path, async (scope) => {
    checkContainer(id);
    const requested = normalizeContainerPath(path);
    if (requested === '/' || (await headOrUndefined(docker, id, requested, scope))) {
      throw new ArchiveError('exists', requested, `${requested} already exists.`);
    }
    const dir = parentOf(requested);
    const owner = await firstHeader(docker, id, dir, scope);
    const pack = tar.pack();
    pack.entry({ name: `${posix.basename(requested)}/`, type: 'directory', mode: 0o755, uid: owner.uid ?? 0, gid: owner.gid ?? 0, mtime: new Date() });
    pack.finalize();
    await put(docker, id, dir, pack as unknown as Readable, scope);
  });
}

/** The archive endpoints cannot delete: this always fails with `unsupported`. */
export function deletePath(_docker: Docker, _id: string, path: string): Promise<never> {
  return Promise.reject(new ArchiveError('unsupported', path, `Cannot delete ${path}: the engine's archive API can read and write files but not delete them.`));
}

/** The archive endpoints cannot rename: this always fails with `unsupported`. */
export function renamePath(_docker: Docker, _id: string, path: string): Promise<never> {
  return Promise.reject(new ArchiveError('unsupported', path, `Cannot rename ${path}: the engine's archive API can read and write files but not rename them.`));
}

/**
 * Copies a container file or folder into the host folder `hostDir` (created if missing), as
 * `hostDir/<basename>`, like `docker cp`; the container's `/` is copied as its contents. The tar
 * is extracted as it streams, by `extractTar`, which refuses entries that would land outside
 * `hostDir` (they are listed in the result, not written).
 */
export function copyFromContainer(docker: Docker, id: string, containerPath: string, hostDir: string, options: TransferOptions = {}): Promise<ExtractResult> {
  return run(options, containerPath, async (scope) => {
    checkContainer(id);
    const source = normalizeContainerPath(containerPath);
    const stream = await openArchive(docker, id, source === '/' ? '/.' : source, scope, Infinity, options.onProgress);
    return extractTar(stream, hostDir, scope.signal);
  });
}

/**
 * Copies a host file or folder into the existing container folder `containerDir`, as
 * `containerDir/<basename>`, streaming a tar built while it is sent. A symlink given as `hostPath`
 * is followed; symlinks inside a folder are copied as links. Entries are owned by root (0:0),
 * as with `docker cp`.
 */
export function copyToContainer(docker: Docker, id: string, hostPath: string, containerDir: string, options: TransferOptions = {}): Promise<PackResult> {
  return run(options, containerDir, async (scope) => {
    checkContainer(id);
    const dir = await headFollowing(docker, id, normalizeContainerPath(containerDir), scope);
    if (dir.kind !== 'directory') throw new ArchiveError('not-directory', containerDir, `${containerDir} is not a folder.`);
    const root = resolve(hostPath);
    const rootStat = await host('stat', root, () => stat(root));
    const pack = tar.pack();
    // Its failures reach us through the producer and the request; an 'error' event must not go unheard.
    pack.on('error', () => undefined);
    const result: PackResult = { files: 0, directories: 0, symlinks: 0, bytes: 0, skipped: [] };

    // The producer stops when the request ends early (a refusal, a cancellation).
    const producer = new AbortController();
    const stopProducer = (): void => producer.abort();
    scope.signal.addEventListener('abort', stopProducer, { once: true });
    let producerError: Error | undefined;
    const producing = packTree(pack, root, basename(root) || 'root', rootStat, result, producer.signal).then(
      () => pack.finalize(),
      (error: unknown) => {
        producerError = error instanceof Error ? error : new Error(String(error));
        pack.destroy(producerError);
      },
    );
    try {
      await put(docker, id, dir.path, pack as unknown as Readable, scope, options.onProgress);
    } catch (error) {
      producer.abort();
      // Closes the entry being written, so the producer's wait for the pack ends.
      pack.destroy();
      await producing;
      throw producerError instanceof HostFileError ? producerError : error;
    } finally {
      scope.signal.removeEventListener('abort', stopProducer);
    }
    await producing;
    if (producerError !== undefined) throw producerError;
    return result;
  });
}

async function host<T>(operation: string, path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new HostFileError(operation, path, error);
  }
}

function abortError(): Error {
  const error = new Error('The copy was cancelled.');
  error.name = 'AbortError';
  return error;
}

/** Adds a body-less entry (folder, symlink) and waits until the pack took it. */
function addEntry(pack: TarStream.Pack, header: TarHeader): Promise<void> {
  return new Promise<void>((resolvePromise, reject) => {
    pack.entry(header, (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolvePromise()));
  });
}

/** Streams one host file into the pack, with backpressure, never holding it in memory. */
async function addFile(pack: TarStream.Pack, path: string, header: TarHeader, signal: AbortSignal): Promise<void> {
  let settle: (error?: Error | null) => void = () => undefined;
  const packed = new Promise<void>((resolvePromise, reject) => {
    settle = (error) => (error ? reject(error) : resolvePromise());
  });
  // Observed below; this keeps an early failure from being reported as unhandled meanwhile.
  packed.catch(() => undefined);
  const sink = pack.entry(header, (error) => settle(error));
  // Its failure reaches us through the entry's callback above.
  sink.on('error', () => undefined);
  const size = header.size ?? 0;
  try {
    // Exactly the size the header promised: a file that grows meanwhile must not overrun its entry
    // (one that shrinks fails the entry's size check).
    const chunks = size > 0 ? createReadStream(path, { signal, start: 0, end: size - 1 }) : [];
    for await (const chunk of chunks) {
      if (sink.destroyed) throw new Error('The archive was closed.');
      if (!sink.write(chunk as Buffer)) {
        await roomIn(sink, signal);
        if (signal.aborted) throw abortError();
      }
    }
  } catch (error) {
    sink.destroy(error instanceof Error ? error : new Error(String(error)));
    if (signal.aborted) throw abortError();
    throw error instanceof Error && error.message === 'The archive was closed.' ? error : new HostFileError('read', path, error);
  }
  // streamx declares the argument as required; undefined means "no last chunk".
  sink.end(undefined);
  await packed;
}

async function packTree(pack: TarStream.Pack, path: string, name: string, st: Stats, result: PackResult, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw abortError();
  const common = { mode: st.mode & 0o7777, mtime: st.mtime, uid: 0, gid: 0 };
  if (st.isDirectory()) {
    await addEntry(pack, { ...common, name: `${name}/`, type: 'directory' });
    result.directories++;
    const children = (await host('readdir', path, () => readdir(path))).sort();
    for (const child of children) {
      const childPath = resolve(path, child);
      const childStat = await host('lstat', childPath, () => lstat(childPath));
      await packTree(pack, childPath, `${name}/${child}`, childStat, result, signal);
    }
    return;
  }
  if (st.isSymbolicLink()) {
    const target = await host('readlink', path, () => readlink(path));
    await addEntry(pack, { ...common, name, type: 'symlink', linkname: target });
    result.symlinks++;
    return;
  }
  if (st.isFile()) {
    await addFile(pack, path, { ...common, name, type: 'file', size: st.size }, signal);
    result.files++;
    result.bytes += st.size;
    return;
  }
  result.skipped.push(name);
}
