/** Filter, grouping, sorting and the dangling-image toggle of the explorer views. */
import * as vscode from 'vscode';
import type { ContainerGrouping, ContainerSort, ImageSort } from '../tree/arrange';
import { groupingLabel } from '../tree/arrange';
import type { ExplorerViewId } from '../tree/viewOptions';
import type { Services } from '../services';
import type { CommandHandler } from './registry';

function viewTitle(view: ExplorerViewId): string {
  switch (view) {
    case 'containers':
      return vscode.l10n.t('Filter Containers');
    case 'images':
      return vscode.l10n.t('Filter Images');
    case 'volumes':
      return vscode.l10n.t('Filter Volumes');
    case 'networks':
      return vscode.l10n.t('Filter Networks');
  }
}

/**
 * An input box that filters the view as the user types. Enter keeps the filter, Escape puts back
 * the one there was before, and an empty value clears it.
 */
function filterCommand(view: ExplorerViewId): CommandHandler {
  return ({ viewOptions }: Services) =>
    new Promise<void>((resolve) => {
      const before = viewOptions.get(view).filter;
      const box = vscode.window.createInputBox();
      box.title = viewTitle(view);
      box.value = before;
      box.placeholder = vscode.l10n.t('Words to match, e.g. "web running"; "-word" excludes');
      box.prompt = vscode.l10n.t('Shows only the items that match every word (name, image, state, id). Empty clears the filter.');
      let accepted = false;
      const subscriptions = [
        box.onDidChangeValue((value) => viewOptions.update(view, { filter: value })),
        box.onDidAccept(() => {
          accepted = true;
          viewOptions.update(view, { filter: box.value.trim() });
          box.hide();
        }),
        box.onDidHide(() => {
          if (!accepted) viewOptions.update(view, { filter: before });
          for (const s of subscriptions) s.dispose();
          box.dispose();
          resolve();
        }),
      ];
      box.show();
    });
}

function clearFilterCommand(view: ExplorerViewId): CommandHandler {
  return ({ viewOptions }: Services) => viewOptions.update(view, { filter: '' });
}

interface Choice<T> extends vscode.QuickPickItem {
  value: T;
}

async function pickOne<T>(title: string, current: T, choices: ReadonlyArray<{ value: T; label: string }>): Promise<T | undefined> {
  const items: Array<Choice<T>> = choices.map((c) => ({ value: c.value, label: c.label, description: c.value === current ? vscode.l10n.t('current') : undefined }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: title });
  return picked?.value;
}

const groupBy: CommandHandler = async ({ viewOptions }) => {
  const t = vscode.l10n.t;
  const values: ContainerGrouping[] = ['composeProject', 'image', 'state', 'none'];
  const picked = await pickOne(
    t('Group Containers By'),
    viewOptions.get('containers').groupBy,
    values.map((value) => ({ value, label: groupingLabel(value, t) })),
  );
  if (picked) viewOptions.update('containers', { groupBy: picked });
};

const sortContainers: CommandHandler = async ({ viewOptions }) => {
  const t = vscode.l10n.t;
  const choices: Array<{ value: ContainerSort; label: string }> = [
    { value: 'created', label: t('Newest first') },
    { value: 'name', label: t('Name') },
  ];
  const picked = await pickOne(t('Sort Containers By'), viewOptions.get('containers').sortBy, choices);
  if (picked) viewOptions.update('containers', { sortBy: picked });
};

const sortImages: CommandHandler = async ({ viewOptions }) => {
  const t = vscode.l10n.t;
  const choices: Array<{ value: ImageSort; label: string }> = [
    { value: 'created', label: t('Newest first') },
    { value: 'name', label: t('Name') },
    { value: 'size', label: t('Largest first') },
  ];
  const picked = await pickOne(t('Sort Images By'), viewOptions.get('images').sortBy, choices);
  if (picked) viewOptions.update('images', { sortBy: picked });
};

const toggleDangling: CommandHandler = ({ viewOptions }) => viewOptions.update('images', { showDangling: !viewOptions.get('images').showDangling });

export const viewCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.containers.filter': filterCommand('containers'),
  'berth.images.filter': filterCommand('images'),
  'berth.volumes.filter': filterCommand('volumes'),
  'berth.networks.filter': filterCommand('networks'),
  'berth.containers.clearFilter': clearFilterCommand('containers'),
  'berth.images.clearFilter': clearFilterCommand('images'),
  'berth.volumes.clearFilter': clearFilterCommand('volumes'),
  'berth.networks.clearFilter': clearFilterCommand('networks'),
  'berth.containers.groupBy': groupBy,
  'berth.containers.sortBy': sortContainers,
  'berth.images.sortBy': sortImages,
  'berth.images.toggleDangling': toggleDangling,
  'berth.images.showDangling': toggleDangling,
  'berth.images.hideDangling': toggleDangling,
};
