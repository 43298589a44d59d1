/** Open Shell and Attach: terminals over the Engine API (no docker CLI, no local shell). */
import * as vscode from 'vscode';
import type { ContainerSummary } from '../engine/ContainerEngine';
import type { EngineProvider } from '../EngineProvider';
import { attachTerminal, openShellTerminal } from '../terminal/containerTerminal';
import type { SessionOpener } from '../terminal/containerTerminal';
import type { ExplorerNode } from '../tree/providers';
import type { Services } from '../services';
import type { CommandHandler } from './registry';

/** The terminal asks for the engine when it opens, so a reconnect in between is picked up. */
function opener(engines: EngineProvider): SessionOpener {
  return {
    openExec: async (id, spec, options) => (await engines.get()).openExec(id, spec, options),
    openAttach: async (id, options) => (await engines.get()).openAttach(id, options),
    shellFor: async (id, options) => (await engines.get()).shellFor(id, options),
  };
}

async function runningContainer(services: Services, clicked: unknown, placeHolder: string): Promise<ContainerSummary | undefined> {
  const node = clicked as ExplorerNode | undefined;
  if (node && typeof node === 'object' && node.kind === 'container') return node.container;
  const engine = await services.engines.get();
  const running = (await engine.listContainers()).filter((c) => c.state === 'running').sort((a, b) => a.name.localeCompare(b.name));
  if (running.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No container is running.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    running.map((c) => ({ label: c.name, description: `${c.image} · ${c.status}`, container: c })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.container;
}

const openShell: CommandHandler = async (services, clicked) => {
  const container = await runningContainer(services, clicked, vscode.l10n.t('Pick a running container to open a shell in'));
  if (container) openShellTerminal(opener(services.engines), { id: container.id, name: container.name }, services.log);
};

const attach: CommandHandler = async (services, clicked) => {
  const container = await runningContainer(services, clicked, vscode.l10n.t('Pick a running container to attach to'));
  if (container) attachTerminal(opener(services.engines), { id: container.id, name: container.name }, services.log);
};

export const terminalCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.containers.openShell': openShell,
  'berth.containers.attach': attach,
};
