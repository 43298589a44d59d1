/**
 * Creates the explorer's tree views and connects them to the model: visibility drives whether the
 * model talks to the engine at all, and the model's status drives the welcome content.
 */
import * as vscode from 'vscode';
import { describeEngineError } from '../errorMessages';
import type { Services } from '../services';
import type { ContainerNode, ImageNode, NetworkNode, VolumeNode } from './providers';
import { ContainersTreeProvider, ImagesTreeProvider, NetworksTreeProvider, VolumesTreeProvider } from './providers';

export const ENGINE_STATE_KEY = 'berth.engine.state';
export const ENGINE_REASON_KEY = 'berth.engine.reason';

export interface ExplorerViews extends vscode.Disposable {
  readonly containers: vscode.TreeView<ContainerNode>;
  readonly images: vscode.TreeView<ImageNode>;
  readonly volumes: vscode.TreeView<VolumeNode>;
  readonly networks: vscode.TreeView<NetworkNode>;
}

export function createExplorerViews(services: Services): ExplorerViews {
  const { model, engines } = services;
  const disposables: vscode.Disposable[] = [];
  const containersProvider = new ContainersTreeProvider(model);
  const imagesProvider = new ImagesTreeProvider(model);
  const containers = vscode.window.createTreeView('berth.containers', { treeDataProvider: containersProvider, canSelectMany: true });
  const images = vscode.window.createTreeView('berth.images', { treeDataProvider: imagesProvider, canSelectMany: true });
  const volumesProvider = new VolumesTreeProvider(model);
  const networksProvider = new NetworksTreeProvider(model);
  const volumes = vscode.window.createTreeView('berth.volumes', { treeDataProvider: volumesProvider, canSelectMany: true });
  const networks = vscode.window.createTreeView('berth.networks', { treeDataProvider: networksProvider, canSelectMany: true });
  disposables.push(containersProvider, imagesProvider, volumesProvider, networksProvider, containers, images, volumes, networks);
  const views: ReadonlyArray<vscode.TreeView<unknown>> = [containers, images, volumes, networks];

  const updateActive = (): void => model.setActive(views.some((v) => v.visible));
  for (const view of views) disposables.push(view.onDidChangeVisibility(updateActive));

  const updateStatus = (): void => {
    const unavailable = model.status === 'unavailable' && model.error !== undefined;
    const state = unavailable ? 'unavailable' : model.isSynced ? 'connected' : 'connecting';
    void vscode.commands.executeCommand('setContext', ENGINE_STATE_KEY, state);
    // The welcome content cannot hold dynamic text, so it picks its wording by reason and the
    // view's description names the address that was tried.
    const reason = model.error ? (model.error.kind === 'unavailable' ? model.error.reason : model.error.kind) : undefined;
    void vscode.commands.executeCommand('setContext', ENGINE_REASON_KEY, reason);
    const address = unavailable ? engines.address() : undefined;
    for (const view of views) {
      view.description = address;
    }
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
