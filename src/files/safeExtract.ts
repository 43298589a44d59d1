/**
 * Extracting a tar that came from a container onto the host, without letting it write outside the
 * target folder. A container is not trusted: its archive can name `../../etc/passwd`, `/etc/x`, or
 * plant a symlink `a -> /etc` and then an entry `a/passwd`.
 *
 * Three layers of defence:
 * 1. `safeEntryPath` refuses entry names and link targets that leave the target folder lexically
 *    (absolute paths, drive letters, `..` escapes, with `\` treated as a separator too).
 * 2. While extracting, nothing is ever written *through* a symlink on disk: every existing
 *    ancestor of an entry must be a real directory, and an existing file or link at the entry's
 *    own path is unlinked and recreated (`O_EXCL`), never opened and followed.
 * 3. After the last entry, every symlink we created is resolved on disk, hop by hop; one that
 *    leads outside (a chain like `a -> .` then `b -> a/..`, which is lexically inside) is removed.
 *
 * No `vscode` here: the engine's `copyFromContainer` and the unit tests use it directly.
 */
import { lstat, link, mkdir, open, readlink, symlink, unlink, utimes, chmod } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import type { Translate } from '../l10n';

/** Why an entry was not extracted. A closed set so the UI can word each one (`describeRefusal`). */
export type RefusalReason =
  | 'absolute' // `/etc/x`, `C:\x`, `\\server\share`
  | 'escapes' // `../x`, `a/../../x`: resolves outside the target folder
  | 'link-escapes' // a symlink or hard link whose target is outside the target folder
  | 'through-symlink' // an ancestor on disk is a symlink: writing would follow it
  | 'invalid' // empty, NUL bytes, or a name the host cannot hold
  | 'conflict'; // would replace a directory with a file (or the target folder itself)

export interface Refused {
  refused: RefusalReason;
}

export type LinkKind = 'symlink' | 'hardlink';

/** True when a name has a drive letter, a UNC prefix or a leading separator (after `\` → `/`). */
function isAbsoluteName(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:/.test(name);
}

/**
 * The components of a tar path, with `.` dropped and `..` applied against `base`; a refusal when
 * `..` climbs above `base`'s start or the name is absolute. `\` counts as a separator because a
 * Windows host would read it as one, and no legitimate container archive needs it in a name.
 */
function resolveComponents(name: string, base: readonly string[], escape: RefusalReason): string[] | Refused {
  if (name.includes('\0')) return { refused: 'invalid' };
  const slashed = name.replace(/\\/g, '/');
  if (isAbsoluteName(slashed)) return { refused: escape === 'escapes' ? 'absolute' : 'link-escapes' };
  const stack = [...base];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return { refused: escape };
      stack.pop();
      continue;
    }
    // NTFS alternate data streams and device names hide behind a colon.
    if (process.platform === 'win32' && part.includes(':')) return { refused: 'invalid' };
    stack.push(part);
  }
  return stack;
}

function isRefused(value: unknown): value is Refused {
  return typeof value === 'object' && value !== null && 'refused' in value;
}

/** `child` is `root` or below it, judged on resolved absolute paths. */
function isWithin(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Where a tar entry lands under `targetDir`, or why it may not be extracted. For a symlink entry,
 * `linkTarget` is resolved from the entry's own folder; for a hard link (`linkKind: 'hardlink'`)
 * it is an archive path, resolved from the archive's root. Both must stay inside `targetDir`.
 * This is a lexical check; `extractTar` adds the on-disk checks.
 */
export function safeEntryPath(targetDir: string, entryName: string, linkTarget?: string, linkKind: LinkKind = 'symlink'): string | Refused {
  const root = resolve(targetDir);
  if (entryName === '') return { refused: 'invalid' };
  const components = resolveComponents(entryName, [], 'escapes');
  if (isRefused(components)) return components;
  if (linkTarget !== undefined) {
    if (linkTarget === '') return { refused: 'invalid' };
    if (components.length === 0) return { refused: 'conflict' };
    const base = linkKind === 'symlink' ? components.slice(0, -1) : [];
    const target = resolveComponents(linkTarget, base, 'link-escapes');
    if (isRefused(target)) return target;
    if (!isWithin(root, join(root, ...target))) return { refused: 'link-escapes' };
  }
  const path = join(root, ...components);
  // Belt and braces: join() must agree with the component walk.
  if (!isWithin(root, path)) return { refused: 'escapes' };
  return path;
}

/** Plain words for a refusal, for the log or a notification. */
export function describeRefusal(reason: RefusalReason, entryName: string, t: Translate): string {
  switch (reason) {
    case 'absolute':
      return t('{0} was not extracted: it is an absolute path.', entryName);
    case 'escapes':
      return t('{0} was not extracted: it points outside the target folder.', entryName);
    case 'link-escapes':
      return t('{0} was not extracted: it is a link to a place outside the target folder.', entryName);
    case 'through-symlink':
      return t('{0} was not extracted: a folder on its path is a symbolic link.', entryName);
    case 'invalid':
      return t('{0} was not extracted: its name is not valid on this computer.', entryName);
    case 'conflict':
      return t('{0} was not extracted: a folder already has that name.', entryName);
  }
}

/** A failure of the host file system (not of the archive or the engine) during extraction. */
export class HostFileError extends Error {
  constructor(
    readonly operation: string,
    readonly path: string,
    /** Not `cause`: engine classifiers follow `cause` and would call an EACCES here an engine problem. */
    readonly hostError: unknown,
  ) {
    super(`${operation} ${path}: ${hostError instanceof Error ? hostError.message : String(hostError)}`);
    this.name = 'HostFileError';
  }

  /** The Node error code (ENOSPC, EACCES…), kept off `this.code` for the same reason. */
  get hostCode(): string | undefined {
    const code = (this.hostError as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : undefined;
  }
}

async function host<T>(operation: string, path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new HostFileError(operation, path, error);
  }
}

export interface RefusedEntry {
  name: string;
  reason: RefusalReason;
  linkTarget?: string;
}

export interface ExtractResult {
  files: number;
  directories: number;
  symlinks: number;
  hardlinks: number;
  /** Bytes of file content written. */
  bytes: number;
  refused: RefusedEntry[];
  /** Entries of kinds we do not create on the host (devices, FIFOs), by name. */
  skipped: string[];
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new HostFileError('lstat', path, error);
  }
}

/**
 * Checks the folders between `root` (exclusive) and `path` (exclusive) on disk: a symlink among
 * them would redirect the write. Missing ones are created as real directories when `create`.
 */
async function prepareParents(root: string, path: string, create = true): Promise<'ok' | 'through-symlink' | 'conflict' | 'missing'> {
  const parts = relative(root, path).split(sep).slice(0, -1);
  let current = root;
  for (const part of parts) {
    current = join(current, part);
    const st = await lstatOrUndefined(current);
    if (!st) {
      if (!create) return 'missing';
      const dir = current;
      await host('mkdir', dir, () => mkdir(dir));
      continue;
    }
    if (st.isSymbolicLink()) return 'through-symlink';
    if (!st.isDirectory()) return 'conflict';
  }
  return 'ok';
}

/** Makes room for a new non-directory at `path`: an existing file or link is unlinked, never followed. */
async function clearForNonDirectory(path: string): Promise<'ok' | 'conflict'> {
  const st = await lstatOrUndefined(path);
  if (!st) return 'ok';
  if (st.isDirectory()) return 'conflict';
  await host('unlink', path, () => unlink(path));
  return 'ok';
}

/**
 * Whether following the symlink at `linkPath` hop by hop on disk stays under `root`. Missing
 * components are taken lexically. Absolute targets, loops and escapes answer false.
 */
export async function symlinkStaysInside(root: string, linkPath: string): Promise<boolean> {
  const current = relative(root, linkPath).split(sep).slice(0, -1);
  const first = await host('readlink', linkPath, () => readlink(linkPath));
  const queue = first.replace(/\\/g, '/').split('/');
  if (isAbsoluteName(first.replace(/\\/g, '/'))) return false;
  let hops = 0;
  let missing = false;
  while (queue.length > 0) {
    const part = queue.shift() ?? '';
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (current.length === 0) return false;
      current.pop();
      continue;
    }
    const candidate = join(root, ...current, part);
    const st = missing ? undefined : await lstatOrUndefined(candidate);
    if (!st) {
      missing = true;
      current.push(part);
      continue;
    }
    if (st.isSymbolicLink()) {
      if (++hops > 40) return false;
      const target = (await host('readlink', candidate, () => readlink(candidate))).replace(/\\/g, '/');
      if (isAbsoluteName(target)) return false;
      queue.unshift(...target.split('/'));
      continue;
    }
    current.push(part);
  }
  return true;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const error = new Error('The extraction was cancelled.');
    error.name = 'AbortError';
    throw error;
  }
}

/** Writes a file entry's body to a newly created file (`wx`: never follows an existing link). */
async function writeBody(entry: AsyncIterable<Buffer>, path: string, mode: number, signal: AbortSignal | undefined): Promise<number> {
  const handle = await host('create', path, () => open(path, 'wx', mode));
  let bytes = 0;
  try {
    for await (const chunk of entry) {
      throwIfAborted(signal);
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await host('write', path, () => handle.write(chunk, offset, chunk.length - offset));
        offset += bytesWritten;
      }
      bytes += chunk.length;
    }
  } finally {
    await handle.close();
  }
  return bytes;
}

/** Entry kinds as tar-stream names them. */
interface EntryLike extends AsyncIterable<Buffer> {
  header: { name: string; type?: string | null; mode?: number; mtime?: Date; linkname?: string | null };
  resume(): unknown;
}

/**
 * Extracts a tar stream under `targetDir` (created if missing), refusing unsafe entries rather
 * than failing the whole copy: the result lists them. File modes keep their permission bits only
 * (no setuid/setgid/sticky) and ownership is not changed. Directory modes and times are applied
 * last, so a read-only folder in the archive does not block its own contents.
 *
 * Throws `HostFileError` when the host file system fails, the source's error when the stream
 * fails, and an `AbortError` when `signal` fires; what was extracted so far stays on disk.
 */
export async function extractTar(stream: Readable, targetDir: string, signal?: AbortSignal): Promise<ExtractResult> {
  const root = resolve(targetDir);
  const result: ExtractResult = { files: 0, directories: 0, symlinks: 0, hardlinks: 0, bytes: 0, refused: [], skipped: [] };

  // Listen before the first await: an error in between would otherwise have no listener at all.
  const extract = tar.extract();
  const onAbort = (): void => {
    stream.destroy();
    const error = new Error('The extraction was cancelled.');
    error.name = 'AbortError';
    extract.destroy(error);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  stream.on('error', (error) => extract.destroy(error));
  stream.pipe(extract);
  // tar-stream hands entries only to an iterator that exists when they are parsed: make it now,
  // before the first await, or the entries parsed meanwhile are lost and the extraction hangs.
  const iterator = (extract as AsyncIterable<EntryLike>)[Symbol.asyncIterator]();
  const entries: AsyncIterable<EntryLike> = { [Symbol.asyncIterator]: () => iterator };

  const directories: Array<{ path: string; mode: number; mtime: Date | undefined }> = [];
  const symlinks: Array<{ name: string; path: string; target: string }> = [];
  const refuse = (entry: EntryLike, reason: RefusalReason): void => {
    const linkTarget = entry.header.linkname ?? undefined;
    result.refused.push(linkTarget ? { name: entry.header.name, reason, linkTarget } : { name: entry.header.name, reason });
  };

  try {
    throwIfAborted(signal);
    // A stream that failed before we got it would never end: report its error instead of waiting.
    if (stream.errored) throw stream.errored;
    if (stream.destroyed) throw new Error('The archive stream closed before it was read.');
    await host('mkdir', root, () => mkdir(root, { recursive: true }));
    for await (const entry of entries) {
      throwIfAborted(signal);
      const { header } = entry;
      const type = header.type ?? 'file';
      const isLink = type === 'symlink' || type === 'link';
      if (type !== 'file' && type !== 'contiguous-file' && type !== 'directory' && !isLink) {
        result.skipped.push(header.name);
        entry.resume();
        continue;
      }
      const linkname = isLink ? (header.linkname ?? '') : undefined;
      const path = safeEntryPath(root, header.name, linkname, type === 'link' ? 'hardlink' : 'symlink');
      if (isRefused(path)) {
        refuse(entry, path.refused);
        entry.resume();
        continue;
      }
      if (path === root && type !== 'directory') {
        refuse(entry, 'conflict');
        entry.resume();
        continue;
      }
      const parents = await prepareParents(root, path);
      if (parents !== 'ok') {
        refuse(entry, parents === 'through-symlink' ? parents : 'conflict');
        entry.resume();
        continue;
      }
      const mode = (header.mode ?? (type === 'directory' ? 0o755 : 0o644)) & 0o777;

      if (type === 'directory') {
        entry.resume();
        const st = await lstatOrUndefined(path);
        if (st && st.isSymbolicLink()) {
          refuse(entry, 'through-symlink');
          continue;
        }
        if (st && !st.isDirectory()) {
          refuse(entry, 'conflict');
          continue;
        }
        // Owner-writable until the end, so the folder's own entries can still be written.
        if (!st) await host('mkdir', path, () => mkdir(path, { mode: mode | 0o700 }));
        // A folder that was already there is the user's: its mode and times stay as they are (the
        // archive's `./` names the target folder itself). Only folders made here take the archive's.
        if (path !== root) {
          if (!st) directories.push({ path, mode, mtime: header.mtime });
          result.directories++;
        }
        continue;
      }

      if ((await clearForNonDirectory(path)) === 'conflict') {
        refuse(entry, 'conflict');
        entry.resume();
        continue;
      }

      if (type === 'symlink') {
        entry.resume();
        const target = (linkname ?? '').replace(/\\/g, '/');
        try {
          await symlink(target, path);
        } catch (error) {
          // Windows without developer mode may not create symlinks: skip them, as tar does.
          if ((error as { code?: unknown }).code === 'EPERM' && process.platform === 'win32') {
            result.skipped.push(header.name);
            continue;
          }
          throw new HostFileError('symlink', path, error);
        }
        symlinks.push({ name: header.name, path, target });
        result.symlinks++;
        continue;
      }

      if (type === 'link') {
        entry.resume();
        // Hard links name an archive path; it must be a real file we can reach without links.
        const source = safeEntryPath(root, linkname ?? '');
        const reachable = !isRefused(source) && (await prepareParents(root, source, false)) === 'ok';
        const sourceStat = reachable ? await lstatOrUndefined(source) : undefined;
        if (isRefused(source) || !sourceStat?.isFile()) {
          refuse(entry, 'link-escapes');
          continue;
        }
        await host('link', path, () => link(source, path));
        result.hardlinks++;
        continue;
      }

      result.bytes += await writeBody(entry, path, mode, signal);
      // The umask trimmed the creation mode; the archive's bits are what the user asked for.
      await host('chmod', path, () => chmod(path, mode));
      if (header.mtime) {
        const mtime = header.mtime;
        await host('utimes', path, () => utimes(path, mtime, mtime));
      }
      result.files++;
    }

    // A chain of links each lexically inside can still lead outside once followed on disk. All
    // verdicts are taken on the extracted tree before any link is removed, so the order of the
    // links in the archive does not change which ones stay.
    const escaping: typeof symlinks = [];
    for (const created of symlinks) {
      if (!(await symlinkStaysInside(root, created.path))) escaping.push(created);
    }
    for (const created of escaping) {
      await host('unlink', created.path, () => unlink(created.path));
      result.symlinks--;
      result.refused.push({ name: created.name, reason: 'link-escapes', linkTarget: created.target });
    }

    // Deepest first, so a parent's mtime is set after its children stopped changing it.
    for (const dir of directories.reverse()) {
      await host('chmod', dir.path, () => chmod(dir.path, dir.mode));
      if (dir.mtime) {
        const mtime = dir.mtime;
        await host('utimes', dir.path, () => utimes(dir.path, mtime, mtime));
      }
    }
    throwIfAborted(signal);
    return result;
  } catch (error) {
    // Cancelling tears the streams down, and whichever read noticed first reports its own error.
    throwIfAborted(signal);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stream.unpipe(extract);
    stream.destroy();
    extract.destroy();
  }
}
