/**
 * Berth's entry point. `activate` only builds services and registers features: no awaited I/O,
 * and nothing heavy is loaded until a view or command needs it.
 */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { engineCommands } from './commands/engineCommands';
import { inspectCommands } from './commands/inspectCommands';
import { registerCommands } from './commands/registry';
import { viewCommands } from './commands/viewCommands';
import { lifecycleCommands } from './commands/lifecycleCommands';
import { pruneCommands } from './commands/pruneCommands';
import { imageCommands } from './commands/imageCommands';
import { terminalCommands } from './commands/terminalCommands';
import { runCommands } from './commands/runCommands';
import { Builder, buildCommand } from './build/builder';
import { BerthTaskProvider } from './build/tasks';
import { registryCommands } from './commands/registryCommands';
import { fileCommands } from './commands/fileCommands';
import { registerContainerFileSystem } from './files/containerFileSystem';
import { registerDockerfileLanguage } from './language';
import { registerLinting } from './language/diagnosticsFeature';
import { createServices } from './services';
import type { Services } from './services';
import type { ExplorerModel } from './tree/ExplorerModel';
import { INSPECT_SCHEME, InspectDocumentProvider } from './views/inspect';
import { LOGS_SCHEME } from './views/logsDocument';
import { REPORT_SCHEME, ReportDocumentProvider } from './views/reports';
import { createExplorerViews } from './tree/explorerViews';

/**
 * What `activate` returns. Tests in the extension host use it to see the explorer's model;
 * it is read-only and carries no engine handle.
 */
export interface BerthApi {
  readonly explorer: Pick<ExplorerModel, 'status' | 'error' | 'isSynced' | 'containers' | 'images' | 'volumes' | 'networks' | 'onDidChange'>;
}

export function activate(context: vscode.ExtensionContext): BerthApi | undefined {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Berth', { log: true });
  context.subscriptions.push(log);
  let services: Services;
  try {
    services = createServices(context, log);
    const builder = new Builder(services);
    const buildTasks = new BerthTaskProvider(services, builder, 'berth-build');
    const runTasks = new BerthTaskProvider(services, builder, 'berth-run');
    context.subscriptions.push(
      builder,
      vscode.tasks.registerTaskProvider(buildTasks.type, buildTasks),
      vscode.tasks.registerTaskProvider(runTasks.type, runTasks),
      createExplorerViews(services),
      ...registerCommands(services, {
        ...engineCommands,
        ...inspectCommands,
        ...viewCommands,
        ...lifecycleCommands,
        ...pruneCommands,
        ...imageCommands,
        ...terminalCommands,
        ...runCommands,
        'berth.images.build': buildCommand(builder),
        ...registryCommands(context.secrets),
        ...fileCommands,
      }),
      vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(services.engines)),
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, new ReportDocumentProvider(services.engines)),
      vscode.workspace.registerTextDocumentContentProvider(LOGS_SCHEME, services.logs),
      registerContainerFileSystem(() => services.engines.get()),
      registerLinting(context.extensionPath, log),
      registerDockerfileLanguage({ getEngine: () => services.engines.get(), log, config: { registryLookups: () => services.config.dockerfileRegistryLookups } }),
    );
  } catch (error) {
    log.error(error instanceof Error ? error : String(error));
    void vscode.window.showErrorMessage(vscode.l10n.t('Berth could not start: {0}', error instanceof Error ? error.message : String(error)), vscode.l10n.t('Show Log')).then((choice) => {
      if (choice) log.show();
    });
    return undefined;
  }
  // The benchmark reads this line from the log file of the real extension host.
  log.info(`Berth activated in ${(performance.now() - started).toFixed(2)} ms`);
  return { explorer: services.model };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
