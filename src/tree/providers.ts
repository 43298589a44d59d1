/**
 * Tree data providers for the Containers and Images views. They read the shared ExplorerModel and
 * never call the engine themselves.
 */
import * as vscode from 'vscode';
import type { ContainerSummary, ImageSummary, NetworkSummary, VolumeSummary } from '../engine/ContainerEngine';
import type { ExplorerModel, ModelChange } from './ExplorerModel';
import { imageRows, presentContainer, presentImage, presentNetwork, presentVolume, sortContainers, sortImageRows, sortNetworks, sortVolumes, usage } from './presentation';
import { toTreeItem } from './treeItems';

export interface ContainerNode {
  readonly kind: 'container';
  readonly container: ContainerSummary;
}

export interface ImageNode {
  readonly kind: 'image';
  readonly image: ImageSummary;
  readonly tag: string | undefined;
}

export interface VolumeNode {
  readonly kind: 'volume';
  readonly volume: VolumeSummary;
  readonly usedBy: number;
}

export interface NetworkNode {
  readonly kind: 'network';
  readonly network: NetworkSummary;
  readonly containerCount: number;
}

export type ExplorerNode = ContainerNode | ImageNode | VolumeNode | NetworkNode;

/** Resolves when the model has either data or a definite failure, so the view shows progress, not "empty". */
function settled(model: ExplorerModel): Promise<void> {
  if (model.isSynced || model.status === 'unavailable' || model.status === 'idle') {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const sub = model.onDidChange(() => {
      if (model.isSynced || model.status === 'unavailable' || model.status === 'idle') {
        sub.dispose();
        resolve();
      }
    });
  });
}

abstract class ModelTreeProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  protected readonly changeEmitter = new vscode.EventEmitter<T | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: { dispose(): void };

  constructor(protected readonly model: ExplorerModel) {
    this.subscription = model.onDidChange((change) => {
      if (this.affects(change)) this.changeEmitter.fire(undefined);
    });
  }

  protected abstract affects(change: ModelChange): boolean;
  protected abstract children(): T[];
  abstract getTreeItem(element: T): vscode.TreeItem;

  async getChildren(element?: T): Promise<T[]> {
    if (element) return [];
    await settled(this.model);
    return this.model.isSynced ? this.children() : [];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

export class ContainersTreeProvider extends ModelTreeProvider<ContainerNode> {
  protected affects(change: ModelChange): boolean {
    return change.containers !== undefined || change.status === true;
  }

  protected children(): ContainerNode[] {
    return sortContainers([...this.model.containers.values()]).map((container) => ({ kind: 'container', container }));
  }

  getTreeItem(node: ContainerNode): vscode.TreeItem {
    return toTreeItem(presentContainer(node.container, vscode.l10n.t));
  }
}

export class ImagesTreeProvider extends ModelTreeProvider<ImageNode> {
  protected affects(change: ModelChange): boolean {
    return change.images === true || change.status === true;
  }

  protected children(): ImageNode[] {
    return sortImageRows(imageRows(this.model.images)).map(({ image, tag }) => ({ kind: 'image', image, tag }));
  }

  getTreeItem(node: ImageNode): vscode.TreeItem {
    return toTreeItem(presentImage(node.image, node.tag, Date.now(), vscode.l10n.t));
  }
}

export class VolumesTreeProvider extends ModelTreeProvider<VolumeNode> {
  protected affects(change: ModelChange): boolean {
    // Whether a volume is in use follows the containers.
    return change.volumes === true || change.containers !== undefined || change.status === true;
  }

  protected children(): VolumeNode[] {
    const { volumes } = usage(this.model.containers.values());
    return sortVolumes(this.model.volumes).map((volume) => ({ kind: 'volume', volume, usedBy: volumes.get(volume.name) ?? 0 }));
  }

  getTreeItem(node: VolumeNode): vscode.TreeItem {
    return toTreeItem(presentVolume(node.volume, node.usedBy, Date.now(), vscode.l10n.t));
  }
}

export class NetworksTreeProvider extends ModelTreeProvider<NetworkNode> {
  protected affects(change: ModelChange): boolean {
    return change.networks === true || change.containers !== undefined || change.status === true;
  }

  protected children(): NetworkNode[] {
    const { networks } = usage(this.model.containers.values());
    return sortNetworks(this.model.networks).map((network) => ({ kind: 'network', network, containerCount: networks.get(network.name) ?? 0 }));
  }

  getTreeItem(node: NetworkNode): vscode.TreeItem {
    return toTreeItem(presentNetwork(node.network, node.containerCount, vscode.l10n.t));
  }
}
