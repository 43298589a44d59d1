/**
 * start, stop, restart, pause, unpause, kill, remove and rename: on the tree's selection (or a
 * container picked from the palette), with one progress notification for the whole batch.
 */
import * as vscode from 'vscode';
import type { ContainerAction, ContainerSummary } from '../engine/ContainerEngine';
import { classifyError } from '../engine/errors';
import type { EngineUnavailableError } from '../engine/errors';
import type { ExplorerNode } from '../tree/providers';
import type { Services } from '../services';
import type { LifecycleVerb } from './lifecycle';
import { appliesTo, failureSummary, progressTitle, removeQuestion, validContainerName, verbPhrase } from './lifecycle';
import type { CommandHandler } from './registry';
import { showEngineError } from './registry';

/** At most this many engine calls at once in a batch. */
const CONCURRENCY = 4;

function containersOf(value: unknown): ContainerSummary[] {
  if (!Array.isArray(value)) return [];
  return (value as ExplorerNode[]).flatMap((n) => (n && typeof n === 'object' && n.kind === 'container' ? [n.container] : n && typeof n === 'object' && n.kind === 'containerGroup' ? n.group.containers : []));
}

/**
 * The containers a command acts on. From a context menu VS Code passes the clicked item and the
 * selection; the selection wins when it includes the clicked item. From the palette: a picker.
 */
async function targets(services: Services, verb: LifecycleVerb, clicked: unknown, selected: unknown, many: boolean): Promise<ContainerSummary[]> {
  const fromClick = containersOf([clicked]);
  const fromSelection = containersOf(selected);
  if (fromClick.length > 0) {
    const clickedIds = new Set(fromClick.map((c) => c.id));
    const chosen = fromSelection.some((c) => clickedIds.has(c.id)) ? fromSelection : fromClick;
    const unique = [...new Map(chosen.map((c) => [c.id, c])).values()];
    return many ? unique : unique.slice(0, 1);
  }
  const all = [...services.model.containers.values()];
  const list = all.length > 0 || services.model.isSynced ? all : await (await services.engines.get()).listContainers();
  const candidates = list.filter((c) => appliesTo(verb, c.state)).sort((a, b) => a.name.localeCompare(b.name));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No container to {0}.', verbPhrase(verb, vscode.l10n.t)));
    return [];
  }
  const items = candidates.map((c) => ({ label: c.name, description: `${c.image} · ${c.status}`, container: c }));
  const placeHolder = vscode.l10n.t('Pick the containers to {0}', verbPhrase(verb, vscode.l10n.t));
  if (many) {
    const picked = await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true, matchOnDescription: true });
    return (picked ?? []).map((p) => p.container);
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Pick the container to {0}', verbPhrase(verb, vscode.l10n.t)), matchOnDescription: true });
  return picked ? [picked.container] : [];
}

/** Runs one engine call per container under one cancellable progress, then reports failures once. */
async function runBatch(services: Services, verb: LifecycleVerb, containers: readonly ContainerSummary[], call: (c: ContainerSummary, signal: AbortSignal) => Promise<void>): Promise<void> {
  const t = vscode.l10n.t;
  const failures: Array<{ name: string; message: string }> = [];
  /** An engine that cannot be reached fails every item the same way: stop, and say it once. */
  let unavailable: EngineUnavailableError | undefined;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: progressTitle(verb, containers.map((c) => c.name), t), cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const queue = [...containers];
      let done = 0;
      const worker = async (): Promise<void> => {
        for (let c = queue.shift(); c && !controller.signal.aborted; c = queue.shift()) {
          try {
            await call(c, controller.signal);
          } catch (error) {
            const classified = classifyError(error);
            if (classified.kind === 'unavailable') {
              unavailable ??= classified;
              controller.abort();
            } else if (classified.kind !== 'cancelled') {
              failures.push({ name: c.name, message: classified.message });
            }
          }
          done++;
          if (containers.length > 1) progress.report({ increment: 100 / containers.length, message: t('{0} of {1}', done, containers.length) });
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, containers.length) }, worker));
    } finally {
      subscription.dispose();
    }
  });
  if (unavailable) {
    await showEngineError(services, unavailable, verb);
    return;
  }
  if (failures.length > 0) {
    services.log.warn(`${verb}: ${failures.map((f) => `${f.name}: ${f.message}`).join('; ')}`);
    const showLog = t('Show Log');
    const choice = await vscode.window.showErrorMessage(failureSummary(verb, failures, containers.length, t), showLog);
    if (choice === showLog) services.log.show();
  }
}

function actionCommand(action: ContainerAction): CommandHandler {
  return async (services, clicked, selected) => {
    const containers = await targets(services, action, clicked, selected, true);
    if (containers.length === 0) return;
    const engine = await services.engines.get();
    await runBatch(services, action, containers, (c, signal) => engine.containerAction(c.id, action, { signal }));
  };
}

const removeCommand: CommandHandler = async (services, clicked, selected) => {
  const containers = await targets(services, 'remove', clicked, selected, true);
  if (containers.length === 0) return;
  const { message, detail } = removeQuestion(containers, vscode.l10n.t);
  const remove = vscode.l10n.t('Remove');
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, remove);
  if (choice !== remove) return;
  const engine = await services.engines.get();
  await runBatch(services, 'remove', containers, (c, signal) => engine.removeContainer(c.id, { force: true, signal }));
};

const renameCommand: CommandHandler = async (services, clicked) => {
  const [container] = await targets(services, 'rename', clicked, undefined, false);
  if (!container) return;
  const t = vscode.l10n.t;
  const name = await vscode.window.showInputBox({
    title: t('Rename {0}', container.name),
    value: container.name,
    valueSelection: [0, container.name.length],
    prompt: t('The new name of the container'),
    validateInput: (value) => validContainerName(value.trim(), t) ?? (value.trim() !== container.name && [...services.model.containers.values()].some((c) => c.name === value.trim()) ? t('Another container is called {0}.', value.trim()) : undefined),
  });
  if (name === undefined || name.trim() === container.name) return;
  const engine = await services.engines.get();
  await engine.renameContainer(container.id, name.trim());
};

export const lifecycleCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.containers.start': actionCommand('start'),
  'berth.containers.stop': actionCommand('stop'),
  'berth.containers.restart': actionCommand('restart'),
  'berth.containers.pause': actionCommand('pause'),
  'berth.containers.unpause': actionCommand('unpause'),
  'berth.containers.kill': actionCommand('kill'),
  'berth.containers.remove': removeCommand,
  'berth.containers.rename': renameCommand,
};
