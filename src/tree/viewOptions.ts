/**
 * The explorer views' filter, grouping, sorting and dangling-image options, persisted per
 * workspace (`workspaceState`) and mirrored into context keys so the view title shows the right
 * buttons (for example "Clear Filter" only while a filter is active).
 */
import * as vscode from 'vscode';
import type { ContainerViewOptions, ImageViewOptions, ListViewOptions } from './arrange';
import { readContainerOptions, readImageOptions, readListOptions } from './arrange';

export type ExplorerViewId = 'containers' | 'images' | 'volumes' | 'networks';

interface OptionsByView {
  containers: ContainerViewOptions;
  images: ImageViewOptions;
  volumes: ListViewOptions;
  networks: ListViewOptions;
}

const STORAGE_KEY = 'berth.explorer.viewOptions';

export class ViewOptionsStore implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ExplorerViewId>();
  readonly onDidChange = this.changeEmitter.event;
  private options: OptionsByView;

  constructor(private readonly storage: vscode.Memento) {
    const stored = (storage.get<unknown>(STORAGE_KEY) ?? {}) as Record<string, unknown>;
    this.options = {
      containers: readContainerOptions(stored.containers),
      images: readImageOptions(stored.images),
      volumes: readListOptions(stored.volumes),
      networks: readListOptions(stored.networks),
    };
    for (const view of ['containers', 'images', 'volumes', 'networks'] as const) this.updateContext(view);
  }

  get<V extends ExplorerViewId>(view: V): Readonly<OptionsByView[V]> {
    return this.options[view];
  }

  update<V extends ExplorerViewId>(view: V, patch: Partial<OptionsByView[V]>): void {
    this.options = { ...this.options, [view]: { ...this.options[view], ...patch } };
    this.updateContext(view);
    this.changeEmitter.fire(view);
    void Promise.resolve(this.storage.update(STORAGE_KEY, this.options)).catch(() => undefined);
  }

  private updateContext(view: ExplorerViewId): void {
    void vscode.commands.executeCommand('setContext', `berth.${view}.filtered`, this.options[view].filter.trim().length > 0);
    if (view === 'images') {
      void vscode.commands.executeCommand('setContext', 'berth.images.danglingHidden', !this.options.images.showDangling);
    }
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
