/** Image commands that need no registry: tag, remove and copy name. */
import * as vscode from 'vscode';
import type { ImageSummary } from '../engine/ContainerEngine';
import { RequestFailedError, classifyError } from '../engine/errors';
import type { EngineUnavailableError } from '../engine/errors';
import { shortId } from '../tree/format';
import type { ExplorerNode, ImageNode } from '../tree/providers';
import type { Services } from '../services';
import { explainImageRemovalFailure, splitReference, validateReference } from './images';
import type { CommandHandler } from './registry';
import { showEngineError } from './registry';

interface ImageTarget {
  image: ImageSummary;
  /** The row's tag; undefined for a dangling image. */
  tag: string | undefined;
}

function imageNodes(value: unknown): ImageTarget[] {
  if (!Array.isArray(value)) return [];
  return (value as ExplorerNode[]).filter((n): n is ImageNode => n !== null && typeof n === 'object' && n.kind === 'image').map((n) => ({ image: n.image, tag: n.tag }));
}

async function pickImages(services: Services, clicked: unknown, selected: unknown, placeHolder: string, many: boolean): Promise<ImageTarget[]> {
  const fromClick = imageNodes([clicked]);
  if (fromClick.length > 0) {
    const fromSelection = imageNodes(selected);
    const key = (x: ImageTarget): string => `${x.image.id} ${x.tag ?? ''}`;
    const clickedKeys = new Set(fromClick.map(key));
    const chosen = many && fromSelection.some((x) => clickedKeys.has(key(x))) ? fromSelection : fromClick;
    return many ? chosen : chosen.slice(0, 1);
  }
  const engine = await services.engines.get();
  const rows = (await engine.listImages()).flatMap((image): ImageTarget[] => (image.repoTags.length > 0 ? image.repoTags.map((tag) => ({ image, tag })) : [{ image, tag: undefined }]));
  if (rows.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The engine has no images.'));
    return [];
  }
  const items = rows.map((r) => ({ label: r.tag ?? vscode.l10n.t('<none> (dangling) {0}', shortId(r.image.id)), description: shortId(r.image.id), target: r }));
  if (many) return ((await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true })) ?? []).map((i) => i.target);
  const one = await vscode.window.showQuickPick(items, { placeHolder });
  return one ? [one.target] : [];
}

const tagCommand: CommandHandler = async (services, clicked) => {
  const t = vscode.l10n.t;
  const [target] = await pickImages(services, clicked, undefined, t('Pick the image to tag'), false);
  if (!target) return;
  const value = await vscode.window.showInputBox({
    title: t('Tag {0}', target.tag ?? shortId(target.image.id)),
    prompt: t('The new name, as repository:tag (for a registry: host:port/repository:tag)'),
    value: target.tag ?? '',
    validateInput: (v) => validateReference(v, t),
  });
  if (value === undefined) return;
  const { repository, tag } = splitReference(value.trim());
  const engine = await services.engines.get();
  await engine.tagImage(target.image.id, repository, tag);
};

const removeCommand: CommandHandler = async (services, clicked, selected) => {
  const t = vscode.l10n.t;
  const targets = await pickImages(services, clicked, selected, t('Pick the images to remove'), true);
  if (targets.length === 0) return;
  const names = targets.map((x) => x.tag ?? shortId(x.image.id));
  const message = names.length === 1 ? t('Remove the image {0}?', names[0] ?? '') : t('Remove {0} images?', names.length);
  const detail = t('A tagged row removes that tag; the image itself goes with its last tag. Containers made from it keep running, but a removed image has to be built or pulled again.');
  const remove = t('Remove');
  if ((await vscode.window.showWarningMessage(message, { modal: true, detail }, remove)) !== remove) return;
  const engine = await services.engines.get();
  const problems: string[] = [];
  let unavailable: EngineUnavailableError | undefined;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: names.length === 1 ? t('Removing {0}…', names[0] ?? '') : t('Removing {0} images…', names.length) }, async () => {
    for (const target of targets) {
      if (unavailable) break;
      try {
        // A tag removes that reference; a dangling image goes by id.
        await engine.removeImage(target.tag ?? target.image.id);
      } catch (error) {
        const name = target.tag ?? shortId(target.image.id);
        const classified = classifyError(error);
        if (classified.kind === 'unavailable') {
          unavailable = classified;
          continue;
        }
        const why = classified instanceof RequestFailedError && classified.statusCode === 409 ? explainImageRemovalFailure(classified.engineMessage, t) : undefined;
        problems.push(`${name}: ${why ?? classified.message}`);
      }
    }
  });
  if (unavailable) {
    await showEngineError(services, unavailable, 'remove image');
    return;
  }
  if (problems.length > 0) {
    services.log.warn(`Remove image: ${problems.join('; ')}`);
    void vscode.window.showErrorMessage(problems.length === 1 ? t('Could not remove {0}', problems[0] ?? '') : t('Could not remove {0} images. {1}', problems.length, problems.join(' ')));
  }
};

const copyNameCommand: CommandHandler = async (services, clicked) => {
  const [target] = await pickImages(services, clicked, undefined, vscode.l10n.t('Pick the image whose name to copy'), false);
  if (!target) return;
  const text = target.tag ?? target.image.id;
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', text), 3000);
};

export const imageCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.images.tag': tagCommand,
  'berth.images.remove': removeCommand,
  'berth.images.copyName': copyNameCommand,
};
