/**
 * The long-lived objects, built once in `activate` and passed explicitly to every feature.
 * Nothing here does I/O when constructed.
 */
import type * as vscode from 'vscode';
import { Config } from './config';
import { EngineProvider } from './EngineProvider';
import { ExplorerModel } from './tree/ExplorerModel';
import { ViewOptionsStore } from './tree/viewOptions';
import { LogsDocuments } from './views/logsDocument';
import { StatsPanels } from './views/statsPanel';

export interface Services {
  readonly config: Config;
  readonly log: vscode.LogOutputChannel;
  readonly engines: EngineProvider;
  readonly model: ExplorerModel;
  /** Filter, grouping and sorting of the explorer views, per workspace. */
  readonly viewOptions: ViewOptionsStore;
  /** The open Logs documents and their streams. */
  readonly logs: LogsDocuments;
  /** The open Stats panels. */
  readonly stats: StatsPanels;
  /** Per-workspace memory: the last run options and build settings per image or Dockerfile. */
  readonly memento: vscode.Memento;
}

export function createServices(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Services {
  const config = new Config();
  const engines = new EngineProvider(config, log);
  const model = new ExplorerModel(() => engines.get(), log);
  const viewOptions = new ViewOptionsStore(context.workspaceState);
  const logs = new LogsDocuments(engines, model, config);
  const stats = new StatsPanels(engines);
  context.subscriptions.push(model, engines, config, viewOptions, logs, stats);
  return { config, log, engines, model, viewOptions, logs, stats, memento: context.workspaceState };
}
