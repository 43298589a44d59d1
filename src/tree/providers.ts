/**
 * Tree data providers for the Containers, Images, Volumes and Networks views. They read the shared ExplorerModel and
 * never call the engine themselves.
 */
import * as vscode from 'vscode';
import type { ContainerSummary, ImageSummary, NetworkSummary, VolumeSummary } from '../engine/ContainerEngine';
import type { ExplorerModel, ModelChange } from './ExplorerModel';
import { filterContainers, filterImageRows, filterNetworks, filterVolumes, groupContainers, groupDescription, imagesInUse, sortContainersBy, sortImageRowsBy } from './arrange';
import type { ContainerGroup } from './arrange';
import { imageRows, presentContainer, presentImage, presentNetwork, presentVolume, sortNetworks, sortVolumes, usage } from './presentation';
import { toTreeItem } from './treeItems';
import type { ExplorerViewId, ViewOptionsStore } from './viewOptions';

export interface ContainerNode {
  readonly kind: 'container';
  readonly container: ContainerSummary;
}

/** A compose project, image or state with its containers under it. */
export interface ContainerGroupNode {
  readonly kind: 'containerGroup';
  readonly group: ContainerGroup;
}

export interface ImageNode {
  readonly kind: 'image';
  readonly image: ImageSummary;
  readonly tag: string | undefined;
  /** How many containers were created from this image. */
  readonly usedBy: number;
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

export type ExplorerNode = ContainerNode | ContainerGroupNode | ImageNode | VolumeNode | NetworkNode;

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
  private readonly subscriptions: Array<{ dispose(): void }>;

  constructor(
    protected readonly model: ExplorerModel,
    protected readonly options: ViewOptionsStore,
    view: ExplorerViewId,
  ) {
    this.subscriptions = [
      model.onDidChange((change) => {
        if (this.affects(change)) this.changeEmitter.fire(undefined);
      }),
      options.onDidChange((changed) => {
        if (changed === view) this.changeEmitter.fire(undefined);
      }),
    ];
  }

  protected abstract affects(change: ModelChange): boolean;
  protected abstract children(): T[];
  abstract getTreeItem(element: T): vscode.TreeItem;

  /** The children of a non-root node; only grouped views have any. */
  protected childrenOf(_element: T): T[] {
    return [];
  }

  async getChildren(element?: T): Promise<T[]> {
    if (element) return this.childrenOf(element);
    await settled(this.model);
    return this.model.isSynced ? this.children() : [];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changeEmitter.dispose();
  }
}

export class ContainersTreeProvider extends ModelTreeProvider<ContainerNode | ContainerGroupNode> {
  constructor(model: ExplorerModel, options: ViewOptionsStore) {
    super(model, options, 'containers');
  }

  protected affects(change: ModelChange): boolean {
    return change.containers !== undefined || change.status === true;
  }

  protected children(): Array<ContainerNode | ContainerGroupNode> {
    const { filter, sortBy, groupBy } = this.options.get('containers');
    const sorted = sortContainersBy(filterContainers([...this.model.containers.values()], filter), sortBy);
    const { groups, ungrouped } = groupContainers(sorted, groupBy, vscode.l10n.t);
    return [...groups.map((group): ContainerGroupNode => ({ kind: 'containerGroup', group })), ...ungrouped.map((container): ContainerNode => ({ kind: 'container', container }))];
  }

  protected override childrenOf(node: ContainerNode | ContainerGroupNode): Array<ContainerNode | ContainerGroupNode> {
    return node.kind === 'containerGroup' ? node.group.containers.map((container) => ({ kind: 'container', container })) : [];
  }

  getTreeItem(node: ContainerNode | ContainerGroupNode): vscode.TreeItem {
    if (node.kind === 'container') return toTreeItem(presentContainer(node.container, vscode.l10n.t));
    const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `group:${node.group.key}`;
    item.description = groupDescription(node.group, vscode.l10n.t);
    item.contextValue = node.group.key.startsWith('project:') ? 'containerGroup.composeProject' : 'containerGroup';
    const running = node.group.containers.some((c) => c.state === 'running');
    item.iconPath = new vscode.ThemeIcon(node.group.key.startsWith('project:') ? 'layers' : node.group.key.startsWith('image:') ? 'package' : 'symbol-enum', running ? new vscode.ThemeColor('charts.green') : undefined);
    return item;
  }
}

export class ImagesTreeProvider extends ModelTreeProvider<ImageNode> {
  /** Which images containers use, as last shown: a container change refreshes images only if this changes. */
  private inUseKey = '';

  constructor(model: ExplorerModel, options: ViewOptionsStore) {
    super(model, options, 'images');
  }

  protected affects(change: ModelChange): boolean {
    if (change.images === true || change.status === true) return true;
    if (change.containers === undefined) return false;
    return this.inUseSignature() !== this.inUseKey;
  }

  private inUseSignature(): string {
    return [...imagesInUse(this.model.containers.values())]
      .map(([id, n]) => `${id}=${n}`)
      .sort()
      .join(',');
  }

  protected children(): ImageNode[] {
    const { filter, sortBy, showDangling } = this.options.get('images');
    const inUse = imagesInUse(this.model.containers.values());
    this.inUseKey = this.inUseSignature();
    const rows = sortImageRowsBy(filterImageRows(imageRows(this.model.images), { filter, showDangling }), sortBy);
    return rows.map(({ image, tag }) => ({ kind: 'image', image, tag, usedBy: inUse.get(image.id) ?? 0 }));
  }

  getTreeItem(node: ImageNode): vscode.TreeItem {
    return toTreeItem(presentImage(node.image, node.tag, Date.now(), vscode.l10n.t, node.usedBy));
  }
}

export class VolumesTreeProvider extends ModelTreeProvider<VolumeNode> {
  constructor(model: ExplorerModel, options: ViewOptionsStore) {
    super(model, options, 'volumes');
  }

  protected affects(change: ModelChange): boolean {
    // Whether a volume is in use follows the containers.
    return change.volumes === true || change.containers !== undefined || change.status === true;
  }

  protected children(): VolumeNode[] {
    const { volumes } = usage(this.model.containers.values());
    return sortVolumes(filterVolumes(this.model.volumes, this.options.get('volumes').filter)).map((volume) => ({ kind: 'volume', volume, usedBy: volumes.get(volume.name) ?? 0 }));
  }

  getTreeItem(node: VolumeNode): vscode.TreeItem {
    return toTreeItem(presentVolume(node.volume, node.usedBy, Date.now(), vscode.l10n.t));
  }
}

export class NetworksTreeProvider extends ModelTreeProvider<NetworkNode> {
  constructor(model: ExplorerModel, options: ViewOptionsStore) {
    super(model, options, 'networks');
  }

  protected affects(change: ModelChange): boolean {
    return change.networks === true || change.containers !== undefined || change.status === true;
  }

  protected children(): NetworkNode[] {
    const { networks } = usage(this.model.containers.values());
    return sortNetworks(filterNetworks(this.model.networks, this.options.get('networks').filter)).map((network) => ({ kind: 'network', network, containerCount: networks.get(network.name) ?? 0 }));
  }

  getTreeItem(node: NetworkNode): vscode.TreeItem {
    return toTreeItem(presentNetwork(node.network, node.containerCount, vscode.l10n.t));
  }
}
