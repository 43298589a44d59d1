/**
 * Prune containers, images, volumes, networks or everything: a preview lists exactly what would
 * go, with sizes, and nothing is removed until the user confirms it.
 */
import * as vscode from 'vscode';
import type { ContainerEngine } from '../engine/ContainerEngine';
import { classifyError } from '../engine/errors';
import type { EngineUnavailableError } from '../engine/errors';
import { formatBytes } from '../tree/format';
import type { Services } from '../services';
import type { PruneItem, PruneScope } from './prune';
import { describeItems, prunePlan, removalOrder, totalSize } from './prune';
import type { CommandHandler } from './registry';
import { showEngineError } from './registry';

function scopeTitle(scope: PruneScope): string {
  const t = vscode.l10n.t;
  switch (scope) {
    case 'containers':
      return t('Prune Stopped Containers');
    case 'images':
      return t('Prune Dangling Images');
    case 'volumes':
      return t('Prune Unused Volumes');
    case 'networks':
      return t('Prune Unused Networks');
    case 'system':
      return t('Prune the System');
  }
}

async function remove(engine: ContainerEngine, item: PruneItem, signal: AbortSignal): Promise<number> {
  switch (item.kind) {
    case 'container':
      await engine.removeContainer(item.id, { signal });
      return item.size ?? 0;
    case 'image':
      await engine.removeImage(item.id, { signal });
      return item.size ?? 0;
    case 'volume':
      await engine.removeVolume(item.id, { signal });
      return item.size ?? 0;
    case 'network':
      await engine.removeNetwork(item.id, { signal });
      return 0;
    case 'buildCache':
      return engine.pruneBuildCache({ signal, timeoutMs: 120_000 });
  }
}

function pruneCommand(scope: PruneScope): CommandHandler {
  return async (services: Services) => {
    const t = vscode.l10n.t;
    const engine = await services.engines.get();
    const items = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Looking for what {0} would remove…', scopeTitle(scope)), cancellable: true }, async (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const signal = controller.signal;
        const [containers, images, volumes, networks, disk] = await Promise.all([
          engine.listContainers({ signal }),
          engine.listImages({ signal }),
          engine.listVolumes({ signal }),
          engine.listNetworks({ signal }),
          engine.diskUsage({ signal, timeoutMs: 120_000 }),
        ]);
        return prunePlan(scope, { containers, images, volumes, networks, disk }, t);
      } finally {
        sub.dispose();
      }
    });
    if (items.length === 0) {
      void vscode.window.showInformationMessage(t('{0}: nothing to remove.', scopeTitle(scope)));
      return;
    }
    const picks = items.map((item) => ({ label: item.label, description: item.description, picked: item.preselected, item }));
    const chosen = await vscode.window.showQuickPick(picks, {
      title: t('{0}: {1} found, {2} reclaimable', scopeTitle(scope), describeItems(items, t), formatBytes(totalSize(items))),
      placeHolder: t('Everything ticked will be removed. Untick what to keep, then press Enter.'),
      canPickMany: true,
      matchOnDescription: true,
    });
    const selected = (chosen ?? []).map((c) => c.item);
    if (selected.length === 0) return;
    const confirm = t('Remove');
    const answer = await vscode.window.showWarningMessage(
      t('Remove {0}?', describeItems(selected, t)),
      { modal: true, detail: t('This frees about {0} and cannot be undone.', formatBytes(totalSize(selected))) },
      confirm,
    );
    if (answer !== confirm) return;
    const failures: string[] = [];
    let reclaimed = 0;
    let removed = 0;
    let cancelled = false;
    /** An engine that cannot be reached fails every item the same way: stop, and say it once. */
    let unavailable: EngineUnavailableError | undefined;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: scopeTitle(scope), cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        let done = 0;
        for (const stage of removalOrder(selected)) {
          for (const item of stage) {
            if (controller.signal.aborted) {
              cancelled = unavailable === undefined;
              return;
            }
            try {
              reclaimed += await remove(engine, item, controller.signal);
              removed++;
            } catch (error) {
              const classified = classifyError(error);
              if (classified.kind === 'unavailable') {
                unavailable = classified;
                controller.abort();
              } else if (classified.kind !== 'cancelled') {
                failures.push(`${item.label}: ${classified.message}`);
              }
            }
            done++;
            progress.report({ increment: 100 / selected.length, message: t('{0} of {1}', done, selected.length) });
          }
        }
      } finally {
        sub.dispose();
      }
    });
    if (unavailable) {
      await showEngineError(services, unavailable, scopeTitle(scope));
      return;
    }
    if (cancelled) {
      void vscode.window.showInformationMessage(t('{0}: cancelled after removing {1} of {2} (reclaimed {3}).', scopeTitle(scope), removed, selected.length, formatBytes(reclaimed)));
      return;
    }
    if (failures.length > 0) {
      services.log.warn(`${scopeTitle(scope)}: ${failures.join('; ')}`);
      const showLog = t('Show Log');
      const choice = await vscode.window.showErrorMessage(t('{0}: {1} could not be removed. {2}', scopeTitle(scope), failures.length, failures.slice(0, 3).join('; ')), showLog);
      if (choice === showLog) services.log.show();
    } else {
      void vscode.window.showInformationMessage(t('{0}: removed {1}, reclaimed {2}.', scopeTitle(scope), describeItems(selected, t), formatBytes(reclaimed)));
    }
  };
}

export const pruneCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.containers.prune': pruneCommand('containers'),
  'berth.images.prune': pruneCommand('images'),
  'berth.volumes.prune': pruneCommand('volumes'),
  'berth.networks.prune': pruneCommand('networks'),
  'berth.system.prune': pruneCommand('system'),
};
