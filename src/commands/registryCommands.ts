/**
 * Pull and push with per-layer progress, and forgetting registry credentials. Credentials live in
 * SecretStorage; a registry that answers "unauthorized" gets one sign-in prompt and one retry.
 * Built by a factory because the table needs the extension's SecretStorage, which the services
 * object does not carry.
 */
import * as vscode from 'vscode';
import type { RegistryAuth, RegistryCallOptions, RegistryProgress, RegistryResult } from '../engine/registry';
import { RegistryError, describeLayers, registryOf } from '../engine/registry';
import type { Translate } from '../l10n';
import { RegistryCredentials, askForCredentials } from '../registry/credentials';
import type { RegistryCredential } from '../registry/credentials';
import type { Services } from '../services';
import type { ExplorerNode, ImageNode } from '../tree/providers';
import { validateReference } from './images';
import type { CommandHandler } from './registry';

type Operation = 'pull' | 'push';

/** The clicked image row's tag, if the argument is one. */
function clickedImage(clicked: unknown): { isImage: boolean; tag: string | undefined } {
  if (clicked === null || typeof clicked !== 'object' || (clicked as ExplorerNode).kind !== 'image') return { isImage: false, tag: undefined };
  const node = clicked as ImageNode;
  return { isImage: true, tag: node.tag };
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** A reference to pull: a tag as `validateReference` wants it, or `name@sha256:…`. */
export function validatePullReference(value: string, t: Translate): string | undefined {
  const trimmed = value.trim();
  const at = trimmed.indexOf('@');
  if (at < 0) return validateReference(trimmed, t);
  const name = trimmed.slice(0, at);
  if (name.slice(name.lastIndexOf('/') + 1).includes(':')) return t('Give a tag or a digest, not both.');
  if (!DIGEST.test(trimmed.slice(at + 1))) return t('A digest looks like sha256: followed by 64 hexadecimal digits.');
  return validateReference(name, t);
}

/** Reports progress to a notification: the layer summary as message, the overall fraction as increments. */
function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>, t: Translate): (p: RegistryProgress) => void {
  let reportedPercent = 0;
  let lastMessage = '';
  let lastAt = 0;
  return (p) => {
    const percent = p.fraction === undefined ? 0 : Math.floor(p.fraction * 100);
    const message = describeLayers(p.layers, t) || (p.event.kind === 'status' ? p.event.text : lastMessage);
    const now = Date.now();
    // Engines send dozens of lines a second; the notification needs a few.
    if (message === lastMessage && percent === reportedPercent) return;
    if (now - lastAt < 150 && percent < 100 && p.event.kind === 'layer' && p.event.layer.phase !== 'done') return;
    const increment = Math.max(0, percent - reportedPercent);
    reportedPercent = Math.max(reportedPercent, percent);
    lastMessage = message;
    lastAt = now;
    progress.report(increment > 0 ? { message, increment } : { message });
  };
}

async function runWithProgress(services: Services, operation: Operation, reference: string, auth: RegistryCredential | undefined): Promise<RegistryResult> {
  const t = vscode.l10n.t;
  const engine = await services.engines.get();
  const title = operation === 'pull' ? t('Pulling {0}', reference) : t('Pushing {0}', reference);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const options: RegistryCallOptions = { signal: controller.signal, onProgress: progressReporter(progress, t) };
      if (auth) options.auth = { username: auth.username, password: auth.password } satisfies RegistryAuth;
      return operation === 'pull' ? await engine.pullImage(reference, options) : await engine.pushImage(reference, options);
    } finally {
      subscription.dispose();
    }
  });
}

function describeRegistryError(error: RegistryError, operation: Operation, reference: string, t: Translate): string {
  const detail = error.engineMessage;
  switch (error.reason) {
    case 'unauthorized':
      return t('{0} refused access to {1}: {2}', error.registry, reference, detail);
    case 'not-found':
      return operation === 'pull' ? t('{0} was not found: {1}', reference, detail) : t('There is nothing to push as {0}: {1}', reference, detail);
    case 'unreachable':
      return t('The engine could not reach the registry {0}: {1}', error.registry, detail);
    case 'tls':
      return t('The engine could not talk HTTPS to {0}: {1}. A registry on plain HTTP must be among the engine\'s insecure registries (127.0.0.0/8 is by default).', error.registry, detail);
    default:
      return operation === 'pull' ? t('Could not pull {0}: {1}', reference, detail) : t('Could not push {0}: {1}', reference, detail);
  }
}

/**
 * Pulls or pushes with the stored credentials for the reference's registry. On "unauthorized" it
 * asks once for credentials and retries; credentials that then work are stored.
 */
async function transfer(services: Services, credentials: RegistryCredentials, operation: Operation, reference: string): Promise<RegistryResult | undefined> {
  const t = vscode.l10n.t;
  const host = registryOf(reference);
  const stored = await credentials.get(host);
  let auth = stored;
  let asked = false;
  for (;;) {
    try {
      const result = await runWithProgress(services, operation, reference, auth);
      if (asked && auth) await credentials.set(host, auth);
      return result;
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      services.log.warn(`${operation} ${reference}: ${error.reason}: ${error.engineMessage}`);
      if (error.reason === 'unauthorized' && !asked) {
        asked = true;
        const entered = await askForCredentials(host, { ...(auth ? { username: auth.username } : {}), rejected: auth !== undefined });
        if (!entered) return undefined;
        auth = entered;
        continue;
      }
      // Credentials that work for the registry but hit another failure are still worth keeping.
      if (asked && auth && error.reason !== 'unauthorized') await credentials.set(host, auth);
      const showLog = t('Show Log');
      const choice = await vscode.window.showErrorMessage(describeRegistryError(error, operation, reference, t), showLog);
      if (choice === showLog) services.log.show();
      return undefined;
    }
  }
}

function pullCommand(credentials: RegistryCredentials): CommandHandler {
  return async (services, clicked) => {
    const t = vscode.l10n.t;
    const value = await vscode.window.showInputBox({
      title: t('Pull Image'),
      prompt: t('The image to pull, as name:tag (from a registry: host:port/name:tag)'),
      placeHolder: 'busybox:latest',
      value: clickedImage(clicked).tag ?? '',
      validateInput: (v) => validatePullReference(v, t),
    });
    if (value === undefined) return;
    const reference = value.trim();
    const result = await transfer(services, credentials, 'pull', reference);
    if (!result) return;
    const upToDate = /up to date/i.test(result.status ?? '');
    vscode.window.setStatusBarMessage(upToDate ? t('{0} is up to date', reference) : t('Pulled {0}', reference), 5000);
  };
}

async function pickTaggedImage(services: Services, placeHolder: string): Promise<string | undefined> {
  const engine = await services.engines.get();
  const tags = (await engine.listImages()).flatMap((i) => i.repoTags).filter((tag) => tag !== '<none>:<none>');
  if (tags.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The engine has no tagged images to push.'));
    return undefined;
  }
  // Images tagged for a registry first: those are the ones usually pushed.
  const items = tags
    .map((tag) => ({ label: tag, description: registryOf(tag) }))
    .sort((a, b) => Number(a.description === 'docker.io') - Number(b.description === 'docker.io') || a.label.localeCompare(b.label));
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.label;
}

function pushCommand(credentials: RegistryCredentials): CommandHandler {
  return async (services, clicked) => {
    const t = vscode.l10n.t;
    const fromClick = clickedImage(clicked);
    const tagImage = t('Tag Image…');
    if (fromClick.isImage && fromClick.tag === undefined) {
      const choice = await vscode.window.showInformationMessage(t('A dangling image has no name to push under. Tag it first, as host:port/name:tag for a registry.'), tagImage);
      if (choice === tagImage) await vscode.commands.executeCommand('berth.images.tag', clicked);
      return;
    }
    const reference = fromClick.tag ?? (await pickTaggedImage(services, t('Pick the image to push')));
    if (reference === undefined) return;
    // `app:1` means docker.io/library/app, Docker Hub's official images, where nobody may push.
    if (registryOf(reference) === 'docker.io' && !reference.includes('/')) {
      const choice = await vscode.window.showWarningMessage(t('{0} would go to Docker Hub\'s official images, where nobody can push. Tag it as user/name:tag or host:port/name:tag first.', reference), tagImage);
      if (choice === tagImage) await vscode.commands.executeCommand('berth.images.tag', fromClick.isImage ? clicked : undefined);
      return;
    }
    const result = await transfer(services, credentials, 'push', reference);
    if (!result) return;
    vscode.window.setStatusBarMessage(result.digest ? t('Pushed {0} ({1})', reference, result.digest.slice(0, 19)) : t('Pushed {0}', reference), 5000);
  };
}

function logoutCommand(credentials: RegistryCredentials): CommandHandler {
  return async (_services, hostArgument) => {
    const t = vscode.l10n.t;
    let host = typeof hostArgument === 'string' && hostArgument !== '' ? hostArgument : undefined;
    if (host === undefined) {
      const hosts = await credentials.hosts();
      if (hosts.length === 0) {
        void vscode.window.showInformationMessage(t('Berth has no stored registry credentials.'));
        return;
      }
      const items = await Promise.all(hosts.map(async (h) => ({ label: h, description: (await credentials.get(h))?.username ?? '' })));
      host = (await vscode.window.showQuickPick(items, { placeHolder: t('Forget the credentials for which registry?') }))?.label;
      if (host === undefined) return;
    }
    await credentials.delete(host);
    vscode.window.setStatusBarMessage(t('Forgot the credentials for {0}', host), 5000);
  };
}

/** The registry commands, over the extension's SecretStorage (`context.secrets`). */
export function registryCommands(secrets: vscode.SecretStorage): Readonly<Record<string, CommandHandler>> {
  const credentials = new RegistryCredentials(secrets);
  return {
    'berth.images.pull': pullCommand(credentials),
    'berth.images.push': pushCommand(credentials),
    'berth.registry.logout': logoutCommand(credentials),
  };
}
