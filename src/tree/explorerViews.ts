/**
 * Creates the explorer's tree views and connects them to the model: visibility drives whether the
 * model talks to the engine at all, and the model's status drives the welcome content.
 */
import * as vscode from 'vscode';
import { describeEngineError } from '../errorMessages';
import type { Services } from '../services';
import { groupingLabel, viewDescription } from './arrange';
import type { ContainerGroupNode, ContainerNode, ImageNode, NetworkNode, VolumeNode } from './providers';
import { ContainersTreeProvider, ImagesTreeProvider, NetworksTreeProvider, VolumesTreeProvider } from './providers';

export const ENGINE_STATE_KEY = 'berth.engine.state';
export const ENGINE_REASON_KEY = 'berth.engine.reason';

export interface ExplorerViews extends vscode.Disposable {
  readonly containers: vscode.TreeView<ContainerNode | ContainerGroupNode>;
  readonly images: vscode.TreeView<ImageNode>;
  readonly volumes: vscode.TreeView<VolumeNode>;
  readonly networks: vscode.TreeView<NetworkNode>;
}

export function createExplorerViews(services: Services): ExplorerViews {
  const { model, engines, viewOptions } = services;
  const disposables: vscode.Disposable[] = [];
  const containersProvider = new ContainersTreeProvider(model, viewOptions);
  const imagesProvider = new ImagesTreeProvider(model, viewOptions);
  const containers = vscode.window.createTreeView('berth.containers', { treeDataProvider: containersProvider, canSelectMany: true });
  const images = vscode.window.createTreeView('berth.images', { treeDataProvider: imagesProvider, canSelectMany: true });
  const volumesProvider = new VolumesTreeProvider(model, viewOptions);
  const networksProvider = new NetworksTreeProvider(model, viewOptions);
  const volumes = vscode.window.createTreeView('berth.volumes', { treeDataProvider: volumesProvider, canSelectMany: true });
  const networks = vscode.window.createTreeView('berth.networks', { treeDataProvider: networksProvider, canSelectMany: true });
  disposables.push(containersProvider, imagesProvider, volumesProvider, networksProvider, containers, images, volumes, networks);
  const views: ReadonlyArray<vscode.TreeView<unknown>> = [containers, images, volumes, networks];

  const updateActive = (): void => model.setActive(views.some((v) => v.visible));
  for (const view of views) disposables.push(view.onDidChangeVisibility(updateActive));

  // The description names the engine address while it is unreachable, and otherwise what the
  // view's options hide or reshape (an active filter, hidden dangling images, a non-default order).
  const updateDescriptions = (): void => {
    const t = vscode.l10n.t;
    if (model.status === 'unavailable' && model.error !== undefined) {
      for (const view of views) view.description = engines.address();
      return;
    }
    const c = viewOptions.get('containers');
    const i = viewOptions.get('images');
    containers.description = viewDescription(c.filter, [
      ...(c.groupBy !== 'composeProject' ? [t('Grouped by: {0}', groupingLabel(c.groupBy, t))] : []),
      ...(c.sortBy === 'name' ? [t('By name')] : []),
    ], t);
    images.description = viewDescription(i.filter, [
      ...(i.showDangling ? [] : [t('Dangling hidden')]),
      ...(i.sortBy === 'name' ? [t('By name')] : i.sortBy === 'size' ? [t('By size')] : []),
    ], t);
    volumes.description = viewDescription(viewOptions.get('volumes').filter, [], t);
    networks.description = viewDescription(viewOptions.get('networks').filter, [], t);
  };
  disposables.push(viewOptions.onDidChange(updateDescriptions));

  const updateStatus = (): void => {
    const unavailable = model.status === 'unavailable' && model.error !== undefined;
    const state = unavailable ? 'unavailable' : model.isSynced ? 'connected' : 'connecting';
    void vscode.commands.executeCommand('setContext', ENGINE_STATE_KEY, state);
    // The welcome content cannot hold dynamic text, so it picks its wording by reason and the
    // view's description names the address that was tried.
    const reason = model.error ? (model.error.kind === 'unavailable' ? model.error.reason : model.error.kind) : undefined;
    void vscode.commands.executeCommand('setContext', ENGINE_REASON_KEY, reason);
    updateDescriptions();
    if (unavailable && model.error) {
      services.log.warn(describeEngineError(model.error, engines.address(), vscode.l10n.t));
    }
  };
  const statusSubscription = model.onDidChange((change) => {
    if (change.status) updateStatus();
  });
  disposables.push({ dispose: () => statusSubscription.dispose() });
  disposables.push(engines.onDidChangeEngine(() => model.restart()));
  updateStatus();
  updateActive();

  return {
    containers,
    images,
    volumes,
    networks,
    dispose: () => {
      for (const d of disposables.reverse()) d.dispose();
    },
  };
}
