/** Browse a container's files in the Explorer, and copy between the host and a container. */
import { posix } from 'node:path';
import * as vscode from 'vscode';
import type { ContainerSummary } from '../engine/ContainerEngine';
import { describeRefusal } from '../files/safeExtract';
import { browseContainerFiles, isArchiveError } from '../files/containerFileSystem';
import type { ExplorerNode } from '../tree/providers';
import type { Services } from '../services';
import type { CommandHandler } from './registry';

async function container(services: Services, clicked: unknown, placeHolder: string): Promise<ContainerSummary | undefined> {
  const node = clicked as ExplorerNode | undefined;
  if (node && typeof node === 'object' && node.kind === 'container') return node.container;
  const engine = await services.engines.get();
  const all = (await engine.listContainers()).sort((a, b) => a.name.localeCompare(b.name));
  if (all.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The engine has no containers.'));
    return undefined;
  }
  return (await vscode.window.showQuickPick(all.map((c) => ({ label: c.name, description: `${c.image} · ${c.status}`, c })), { placeHolder, matchOnDescription: true }))?.c;
}

const browseFiles: CommandHandler = async (services, clicked) => {
  const c = await container(services, clicked, vscode.l10n.t('Pick a container to browse'));
  if (c) await browseContainerFiles(c.id, c.name);
};

const copyFrom: CommandHandler = async (services, clicked) => {
  const t = vscode.l10n.t;
  const c = await container(services, clicked, t('Pick a container to copy from'));
  if (!c) return;
  const path = await vscode.window.showInputBox({
    title: t('Copy from {0}', c.name),
    prompt: t('The file or folder in the container'),
    placeHolder: '/etc/hosts',
    validateInput: (v) => (!v.startsWith('/') ? t('Use an absolute path, starting with /.') : posix.normalize(v) === '/' ? t('Name a file or folder: the whole file system is too much to copy.') : undefined),
  });
  if (!path) return;
  const target = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: t('Copy Here'), title: t('Where to copy {0}', path) });
  const hostDir = target?.[0];
  if (!hostDir) return;
  // The copy lands as <folder>/<name>: one already there is merged into, its files replaced.
  const name = posix.basename(posix.normalize(path));
  const existing = vscode.Uri.joinPath(hostDir, name);
  const exists = await vscode.workspace.fs.stat(existing).then(
    () => true,
    () => false,
  );
  if (exists && !(await confirmReplace(t('{0} already exists in {1}.', name, hostDir.fsPath)))) return;
  const engine = await services.engines.get();
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Copying {0} from {1}…', path, c.name), cancellable: true }, async (_p, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      return await engine.copyFromContainer(c.id, path, hostDir.fsPath, { signal: controller.signal });
    } finally {
      sub.dispose();
    }
  });
  if (result.skipped.length > 0) services.log.info(`Copy from ${c.name}: skipped ${result.skipped.join(', ')} (devices, FIFOs or sockets, or links this system cannot make)`);
  if (result.refused.length > 0) {
    services.log.warn(`Copy from ${c.name}: ${result.refused.map((r) => describeRefusal(r.reason, r.name, t)).join(' ')}`);
    const show = t('Show Log');
    if ((await vscode.window.showWarningMessage(t('Copied {0}; {1} refused because they would land outside the target folder.', files(result.files), entries(result.refused.length)), show)) === show) services.log.show();
  } else if (result.skipped.length > 0) {
    const show = t('Show Log');
    if ((await vscode.window.showInformationMessage(t('Copied {0} from {1}; skipped {2} a folder cannot hold (devices, FIFOs, sockets).', files(result.files), c.name, entries(result.skipped.length)), show)) === show) services.log.show();
  } else {
    vscode.window.setStatusBarMessage(t('Copied {0} from {1}', files(result.files), c.name), 4000);
  }
};

/** "1 file" or "3 files". */
function files(count: number): string {
  return count === 1 ? vscode.l10n.t('1 file') : vscode.l10n.t('{0} files', count);
}

/** "1 entry" or "3 entries". */
function entries(count: number): string {
  return count === 1 ? vscode.l10n.t('1 entry') : vscode.l10n.t('{0} entries', count);
}

/** Asks before a copy merges into something already there; true to go on. */
async function confirmReplace(message: string): Promise<boolean> {
  const replace = vscode.l10n.t('Copy and Replace');
  const answer = await vscode.window.showWarningMessage(message, { modal: true, detail: vscode.l10n.t('Copying merges into it: files of the same name are replaced, others are kept.') }, replace);
  return answer === replace;
}

const copyTo: CommandHandler = async (services, clicked) => {
  const t = vscode.l10n.t;
  const c = await container(services, clicked, t('Pick a container to copy into'));
  if (!c) return;
  const sources = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: true, canSelectMany: false, openLabel: t('Copy'), title: t('What to copy into {0}', c.name) });
  const source = sources?.[0];
  if (!source) return;
  const dir = await vscode.window.showInputBox({ title: t('Copy into {0}', c.name), prompt: t('The folder in the container'), value: '/tmp', validateInput: (v) => (v.startsWith('/') ? undefined : t('Use an absolute path, starting with /.')) });
  if (!dir) return;
  const engine = await services.engines.get();
  const landing = posix.join(dir, posix.basename(source.path));
  const exists = await engine.statPath(c.id, landing).then(
    () => true,
    (error: unknown) => {
      if (isArchiveError(error) && error.problem === 'not-found') return false;
      throw error;
    },
  );
  if (exists && !(await confirmReplace(t('{0} already exists in {1}.', landing, c.name)))) return;
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Copying into {0}…', c.name), cancellable: true }, async (_p, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      return await engine.copyToContainer(c.id, source.fsPath, dir, { signal: controller.signal });
    } finally {
      sub.dispose();
    }
  });
  if (result.skipped.length > 0) {
    services.log.info(`Copy into ${c.name}: skipped ${result.skipped.join(', ')} (sockets, FIFOs or devices)`);
    const show = t('Show Log');
    if ((await vscode.window.showInformationMessage(t('Copied {0} into {1}:{2}; skipped {3} a tar cannot carry (sockets, FIFOs, devices).', files(result.files), c.name, dir, entries(result.skipped.length)), show)) === show) services.log.show();
  } else {
    vscode.window.setStatusBarMessage(t('Copied {0} into {1}:{2}', files(result.files), c.name, dir), 4000);
  }
};

export const fileCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.containers.browseFiles': browseFiles,
  'berth.containers.copyFrom': copyFrom,
  'berth.containers.copyTo': copyTo,
};
