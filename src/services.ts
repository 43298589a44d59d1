/**
 * The long-lived objects, built once in `activate` and passed explicitly to every feature.
 * Nothing here does I/O when constructed.
 */
import type * as vscode from 'vscode';
import { Config } from './config';
import { EngineProvider } from './EngineProvider';
import { ExplorerModel } from './tree/ExplorerModel';

export interface Services {
  readonly config: Config;
  readonly log: vscode.LogOutputChannel;
  readonly engines: EngineProvider;
  readonly model: ExplorerModel;
}

export function createServices(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Services {
  const config = new Config();
  const engines = new EngineProvider(config, log);
  const model = new ExplorerModel(() => engines.get(), log);
  context.subscriptions.push(model, engines, config);
  return { config, log, engines, model };
}
