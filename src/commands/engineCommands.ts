/** Commands about the connection itself and the explorer as a whole. */
import * as vscode from 'vscode';
import type { CommandHandler } from './registry';

export const engineCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.containers.refresh': ({ model }) => model.restart(),
  'berth.images.refresh': ({ model }) => model.restart(),
  'berth.volumes.refresh': ({ model }) => model.restart(),
  'berth.networks.refresh': ({ model }) => model.restart(),
  'berth.engine.retry': ({ engines }) => {
    // Re-resolving picks up a context switch or a changed DOCKER_HOST-less setup; the model follows.
    engines.reset();
  },
  'berth.engine.openSettings': () => vscode.commands.executeCommand('workbench.action.openSettings', 'berth.engine'),
  'berth.showLog': ({ log }) => log.show(),
};
