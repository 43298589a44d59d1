/**
 * A container's files in the Explorer and in editors: a FileSystemProvider for `berth-container:`
 * over the engine's archive endpoints (see src/engine/archive.ts), so it also works on stopped
 * containers and on images without a shell.
 *
 * URI form: `berth-container://<container id>/path/in/container`. The authority is the full
 * container id: it never changes for the container's life (a name can be renamed, and names may
 * hold upper case, which some URI handling folds). The name is not in the URI; it is the
 * workspace folder's display name (`containerWorkspaceFolder`).
 *
 * The archive API cannot delete or rename, so `delete`/`rename` refuse with NoPermissions; there
 * are no change notifications from a container, so `watch` does nothing and `onDidChangeFile`
 * fires only for our own writes.
 */
import { posix } from 'node:path';
import * as vscode from 'vscode';
import type { CallOptions, ContainerEngine } from '../engine/ContainerEngine';
import type { ArchiveError, DirectoryEntry, DirectoryListing, PathKind, PathStat } from '../engine/archive';
import { CancelledError, EngineUnavailableError, RequestFailedError } from '../engine/errors';
import { describeArchiveProblem } from '../errorMessages';

export const CONTAINER_FILES_SCHEME = 'berth-container';

/**
 * What the provider and the copy commands need from the engine: its archive operations
 * (src/engine/archive.ts), documented on `ContainerEngine`.
 */
export type ContainerFiles = Pick<ContainerEngine, 'statPath' | 'readDirectory' | 'readFile' | 'writeFile' | 'createDirectory' | 'copyFromContainer' | 'copyToContainer'>;

export interface ContainerFileLocation {
  containerId: string;
  /** Absolute and normalized, `/` for the root. */
  path: string;
}

export function containerFileUri(containerId: string, path = '/'): vscode.Uri {
  return vscode.Uri.from({ scheme: CONTAINER_FILES_SCHEME, authority: containerId, path: toContainerPath(path) });
}

/** The container and path a `berth-container:` URI names, or undefined for any other URI. */
export function parseContainerFileUri(uri: vscode.Uri): ContainerFileLocation | undefined {
  if (uri.scheme !== CONTAINER_FILES_SCHEME || !uri.authority) return undefined;
  return { containerId: uri.authority, path: toContainerPath(uri.path) };
}

function toContainerPath(path: string): string {
  const normalized = posix.normalize(`/${path}`);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : '/';
}

/** The workspace folder that shows a container's files in the Explorer, named after the container. */
export function containerWorkspaceFolder(containerId: string, containerName: string, path = '/'): { uri: vscode.Uri; name: string } {
  return { uri: containerFileUri(containerId, path), name: vscode.l10n.t('{0} (container)', containerName || containerId.slice(0, 12)) };
}

/**
 * Adds the container's files to the Explorer as a workspace folder (unless already there) and
 * reveals the Explorer. The handler of `berth.containers.browseFiles`.
 */
export async function browseContainerFiles(containerId: string, containerName: string, path = '/'): Promise<void> {
  const t = vscode.l10n.t;
  const folder = containerWorkspaceFolder(containerId, containerName, path);
  const existing = vscode.workspace.workspaceFolders ?? [];
  if (!existing.some((f) => f.uri.toString() === folder.uri.toString())) {
    // A window that is not a multi-root workspace becomes one, and VS Code restarts the extensions
    // for that: say so before running builds, shells and tasks stop, and offer a new window.
    if (vscode.workspace.workspaceFile === undefined) {
      const here = t('Add to This Window');
      const newWindow = t('Open in New Window');
      const choice = await vscode.window.showInformationMessage(
        t('Show the files of {0} in this window, or in a new one?', containerName),
        { modal: true, detail: t('Adding a folder makes this window a multi-root workspace, and VS Code restarts extensions for that: running builds, shells and tasks stop.') },
        here,
        newWindow,
      );
      if (choice === newWindow) {
        await vscode.commands.executeCommand('vscode.openFolder', folder.uri, { forceNewWindow: true });
        return;
      }
      if (choice !== here) return;
    }
    vscode.workspace.updateWorkspaceFolders(existing.length, 0, folder);
  }
  await vscode.commands.executeCommand('workbench.view.explorer');
}

export interface ContainerFileSystemOptions {
  /**
   * Told when a folder could only be listed in part. By default a warning is shown, once per
   * folder for the provider's life.
   */
  onPartialListing?: (uri: vscode.Uri, listing: DirectoryListing) => void;
}

/** Symlinks in one listing resolved by asking the engine; the rest are shown as links to files. */
const MAX_LINKS_RESOLVED = 64;
const LINK_CONCURRENCY = 8;

function fileType(kind: PathKind): vscode.FileType {
  switch (kind) {
    case 'file':
      return vscode.FileType.File;
    case 'directory':
      return vscode.FileType.Directory;
    case 'symlink':
      return vscode.FileType.SymbolicLink;
    default:
      return vscode.FileType.Unknown;
  }
}

/** An ArchiveError from the engine bundle, told apart without loading archive.ts (and tar-stream) here. */
export function isArchiveError(error: unknown): error is ArchiveError {
  return error instanceof RequestFailedError && typeof (error as { problem?: unknown }).problem === 'string';
}

function mebibytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** The FileSystemError VS Code understands for an engine failure. */
export function toFileSystemError(error: unknown, uri: vscode.Uri): Error {
  if (error instanceof vscode.FileSystemError || error instanceof vscode.CancellationError) return error;
  if (error instanceof CancelledError) return new vscode.CancellationError();
  if (error instanceof EngineUnavailableError) {
    return vscode.FileSystemError.Unavailable(vscode.l10n.t('The container engine is not reachable: {0}', error.detail));
  }
  if (isArchiveError(error)) {
    switch (error.problem) {
      case 'not-found':
        return vscode.FileSystemError.FileNotFound(uri);
      case 'exists':
        return vscode.FileSystemError.FileExists(uri);
      case 'is-directory':
        return vscode.FileSystemError.FileIsADirectory(uri);
      case 'not-directory':
        return vscode.FileSystemError.FileNotADirectory(uri);
      case 'not-permitted':
      case 'unsupported':
        return vscode.FileSystemError.NoPermissions(describeArchiveProblem(error, vscode.l10n.t));
      case 'not-file':
        return new vscode.FileSystemError(describeArchiveProblem(error, vscode.l10n.t));
      case 'too-large':
        return new vscode.FileSystemError(
          vscode.l10n.t('{0} is {1} MiB, more than the {2} MiB Berth opens from a container. Copy it to this computer instead.', uri.path, mebibytes(error.size?.actual ?? 0), mebibytes(error.size?.limit ?? 0)),
        );
      case 'bad-path':
        return vscode.FileSystemError.FileNotFound(uri);
      case 'host-io':
        return new vscode.FileSystemError(vscode.l10n.t('Writing on this computer failed: {0}', error.engineMessage));
    }
  }
  if (error instanceof RequestFailedError) {
    if (error.statusCode === 404) return vscode.FileSystemError.FileNotFound(uri);
    return new vscode.FileSystemError(vscode.l10n.t('The engine refused the request for {0}: {1}', uri.path, error.engineMessage || String(error.statusCode ?? '')));
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs `fn` on `items` with at most `limit` at a time, keeping the order of the results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class ContainerFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changeEmitter.event;
  /** Cancels calls still running when the provider goes away. */
  private readonly lifetime = new AbortController();
  private readonly warnedPartial = new Set<string>();

  constructor(
    private readonly files: () => Promise<ContainerFiles>,
    private readonly options: ContainerFileSystemOptions = {},
  ) {}

  private locate(uri: vscode.Uri): ContainerFileLocation {
    const location = parseContainerFileUri(uri);
    if (!location) throw vscode.FileSystemError.FileNotFound(uri);
    return location;
  }

  private get callOptions(): CallOptions {
    return { signal: this.lifetime.signal };
  }

  /** Runs an engine call, turning its failure into the FileSystemError VS Code expects. */
  private async guard<T>(uri: vscode.Uri, fn: (files: ContainerFiles, location: ContainerFileLocation) => Promise<T>): Promise<T> {
    const location = this.locate(uri);
    try {
      return await fn(await this.files(), location);
    } catch (error) {
      throw toFileSystemError(error, uri);
    }
  }

  /** The stat of what a path names, following a symlink; undefined when it does not exist. */
  private async statFollowing(files: ContainerFiles, containerId: string, path: string): Promise<{ own: PathStat; target: PathStat | undefined } | undefined> {
    const own = await this.statOrUndefined(files, containerId, path);
    if (!own) return undefined;
    if (own.kind !== 'symlink') return { own, target: own };
    // The engine resolves the whole chain into linkTarget; a dangling link has no target stat.
    const target = own.linkTarget ? await this.statOrUndefined(files, containerId, own.linkTarget) : undefined;
    return { own, target };
  }

  private async statOrUndefined(files: ContainerFiles, containerId: string, path: string): Promise<PathStat | undefined> {
    try {
      return await files.statPath(containerId, path, this.callOptions);
    } catch (error) {
      if (isArchiveError(error) && error.problem === 'not-found') return undefined;
      throw error;
    }
  }

  watch(): vscode.Disposable {
    // Containers send no file events; what we write ourselves is announced after each write.
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.guard(uri, async (files, { containerId, path }) => {
      const found = await this.statFollowing(files, containerId, path);
      if (!found) throw vscode.FileSystemError.FileNotFound(uri);
      const { own, target } = found;
      const shown = target ?? own;
      let type = own.kind === 'symlink' ? vscode.FileType.SymbolicLink : fileType(own.kind);
      if (own.kind === 'symlink' && target) type |= fileType(target.kind);
      return { type, size: shown.size, mtime: shown.mtime, ctime: shown.mtime };
    });
  }

  readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    return this.guard(uri, async (files, { containerId, path }) => {
      const listing = await files.readDirectory(containerId, path, this.callOptions);
      if (listing.truncated) this.reportPartial(uri, listing);
      const byPath = new Map(listing.entries.map((e) => [posix.join(listing.path, e.name), e] as const));
      // Links to a sibling in this listing are typed from it; the others take a stat each.
      const unresolved: DirectoryEntry[] = [];
      const types = new Map<string, vscode.FileType>();
      for (const entry of listing.entries) {
        if (entry.kind !== 'symlink') {
          types.set(entry.name, fileType(entry.kind));
          continue;
        }
        const target = entry.linkTarget ? byPath.get(posix.resolve(listing.path, entry.linkTarget)) : undefined;
        if (target && target.kind !== 'symlink') types.set(entry.name, vscode.FileType.SymbolicLink | fileType(target.kind));
        else unresolved.push(entry);
      }
      const asked = unresolved.slice(0, MAX_LINKS_RESOLVED);
      const resolved = await mapLimit(asked, LINK_CONCURRENCY, async (entry) => {
        const found = await this.statFollowing(files, containerId, posix.join(listing.path, entry.name));
        return found?.target ? fileType(found.target.kind) : vscode.FileType.Unknown;
      });
      asked.forEach((entry, i) => types.set(entry.name, vscode.FileType.SymbolicLink | (resolved[i] ?? vscode.FileType.Unknown)));
      for (const entry of unresolved.slice(MAX_LINKS_RESOLVED)) types.set(entry.name, vscode.FileType.SymbolicLink | vscode.FileType.File);
      return listing.entries.map((e) => [e.name, types.get(e.name) ?? vscode.FileType.Unknown]);
    });
  }

  private reportPartial(uri: vscode.Uri, listing: DirectoryListing): void {
    if (this.options.onPartialListing) {
      this.options.onPartialListing(uri, listing);
      return;
    }
    const key = uri.toString();
    if (this.warnedPartial.has(key)) return;
    this.warnedPartial.add(key);
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        '{0} is only partly listed. The engine sends a folder together with everything below it, and Berth stopped after {1} entries ({2} MiB).',
        listing.path,
        listing.scannedEntries,
        mebibytes(listing.scannedBytes),
      ),
    );
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.guard(uri, (files, { containerId, path }) => files.readFile(containerId, path, this.callOptions));
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): Promise<void> {
    return this.guard(uri, async (files, { containerId, path }) => {
      const found = await this.statFollowing(files, containerId, path);
      const exists = found?.target !== undefined;
      if (!exists && !options.create) throw vscode.FileSystemError.FileNotFound(uri);
      if (found && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
      if (found?.target?.kind === 'directory') throw vscode.FileSystemError.FileIsADirectory(uri);
      if (!found) {
        const parentPath = posix.dirname(path);
        const parent = await this.statFollowing(files, containerId, parentPath);
        const parentUri = uri.with({ path: parentPath });
        if (!parent?.target) throw vscode.FileSystemError.FileNotFound(parentUri);
        if (parent.target.kind !== 'directory') throw vscode.FileSystemError.FileNotADirectory(parentUri);
      }
      await files.writeFile(containerId, path, content, this.callOptions);
      const events: vscode.FileChangeEvent[] = [{ type: exists ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }];
      if (!exists) events.push({ type: vscode.FileChangeType.Changed, uri: uri.with({ path: posix.dirname(path) }) });
      this.changeEmitter.fire(events);
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.guard(uri, async (files, { containerId, path }) => {
      await files.createDirectory(containerId, path, this.callOptions);
      this.changeEmitter.fire([
        { type: vscode.FileChangeType.Created, uri },
        { type: vscode.FileChangeType.Changed, uri: uri.with({ path: posix.dirname(path) }) },
      ]);
    });
  }

  delete(): never {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Files in a container cannot be deleted here: the engine\'s archive API can read and write files, but not delete them.'));
  }

  rename(): never {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Files in a container cannot be renamed here: the engine\'s archive API can read and write files, but not rename them.'));
  }

  dispose(): void {
    this.lifetime.abort();
    this.changeEmitter.dispose();
  }
}

/** Registers the provider for `berth-container:`; the returned disposable owns it. */
export function registerContainerFileSystem(files: () => Promise<ContainerFiles>, options?: ContainerFileSystemOptions): vscode.Disposable {
  const provider = new ContainerFileSystemProvider(files, options);
  const registration = vscode.workspace.registerFileSystemProvider(CONTAINER_FILES_SCHEME, provider, { isCaseSensitive: true });
  return vscode.Disposable.from(registration, provider);
}
