/**
 * The one command table and the one error wrapper. Every handler gets the services explicitly;
 * failures become a single localized message with actions, and cancellation stays silent.
 */
import * as vscode from 'vscode';
import { describeEngineError } from '../errorMessages';
import { classifyError } from '../engine/errors';
import type { Services } from '../services';

export type CommandHandler = (services: Services, ...args: unknown[]) => unknown;

export async function showEngineError(services: Services, error: unknown, what: string): Promise<void> {
  const classified = classifyError(error);
  if (classified.kind === 'cancelled') return;
  services.log.error(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const message = describeEngineError(classified, services.engines.address(), vscode.l10n.t);
  const retry = vscode.l10n.t('Retry');
  const settings = vscode.l10n.t('Open Settings');
  const showLog = vscode.l10n.t('Show Log');
  const actions = classified.kind === 'unavailable' ? [retry, settings, showLog] : [showLog];
  const choice = await vscode.window.showErrorMessage(message, ...actions);
  if (choice === retry) await vscode.commands.executeCommand('berth.engine.retry');
  else if (choice === settings) await vscode.commands.executeCommand('berth.engine.openSettings');
  else if (choice === showLog) services.log.show();
}

export function registerCommands(services: Services, table: Readonly<Record<string, CommandHandler>>): vscode.Disposable[] {
  return Object.entries(table).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(services, ...args);
      } catch (error) {
        await showEngineError(services, error, id);
        return undefined;
      }
    }),
  );
}
