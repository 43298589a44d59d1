/**
 * Inspect and the detail views (logs, stats, isolation, diff, layers): from a tree item, or with a
 * picker from the palette.
 */
import * as vscode from 'vscode';
import type { InspectTarget } from '../engine/ContainerEngine';
import { shortId } from '../tree/format';
import type { ExplorerNode } from '../tree/providers';
import { showInspect } from '../views/inspect';
import { showLogs } from '../views/logsDocument';
import { showReport } from '../views/reports';
import type { ReportKind } from '../views/reports';
import type { Services } from '../services';
import type { CommandHandler } from './registry';

interface Pickable {
  target: InspectTarget;
  id: string;
  title: string;
}

function isNode(value: unknown): value is ExplorerNode {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

function fromNode(node: ExplorerNode): Pickable | undefined {
  switch (node.kind) {
    case 'container':
      return { target: 'container', id: node.container.id, title: node.container.name };
    case 'image':
      return { target: 'image', id: node.image.id, title: node.tag ?? shortId(node.image.id) };
    case 'volume':
      return { target: 'volume', id: node.volume.name, title: node.volume.name };
    case 'network':
      return { target: 'network', id: node.network.id, title: node.network.name };
    case 'containerGroup':
      return undefined;
  }
}

async function candidates(services: Services, target: InspectTarget, running: boolean): Promise<Array<vscode.QuickPickItem & Pickable>> {
  const engine = await services.engines.get();
  switch (target) {
    case 'container':
      return (await engine.listContainers())
        .filter((c) => !running || c.state === 'running')
        .map((c) => ({ target, id: c.id, title: c.name, label: c.name, description: `${c.image} · ${c.status}` }));
    case 'image':
      return (await engine.listImages()).map((i) => {
        const title = i.repoTags[0] ?? shortId(i.id);
        return { target, id: i.id, title, label: title, description: shortId(i.id) };
      });
    case 'volume':
      return (await engine.listVolumes()).map((v) => ({ target, id: v.name, title: v.name, label: v.name, description: v.driver }));
    case 'network':
      return (await engine.listNetworks()).map((n) => ({ target, id: n.id, title: n.name, label: n.name, description: n.driver }));
  }
}

/** The object a command acts on: the tree node it was invoked on, or one the user picks. */
async function resolveTarget(services: Services, arg: unknown, target: InspectTarget, placeholder: string, options: { running?: boolean } = {}): Promise<Pickable | undefined> {
  const fromTree = isNode(arg) ? fromNode(arg) : undefined;
  if (fromTree && fromTree.target === target) return fromTree;
  const items = await candidates(services, target, options.running === true);
  if (items.length === 0) {
    void vscode.window.showInformationMessage(
      options.running ? vscode.l10n.t('No container is running.') : { container: vscode.l10n.t('There is nothing to pick: the engine has no containers.'), image: vscode.l10n.t('There is nothing to pick: the engine has no images.'), volume: vscode.l10n.t('There is nothing to pick: the engine has no volumes.'), network: vscode.l10n.t('There is nothing to pick: the engine has no networks.') }[target],
    );
    return undefined;
  }
  return vscode.window.showQuickPick(items, { placeHolder: placeholder, matchOnDescription: true });
}

function inspectCommand(target: InspectTarget, placeholder: string): CommandHandler {
  return async (services, node) => {
    const pick = await resolveTarget(services, node, target, placeholder);
    if (pick) await showInspect(pick.target, pick.id, pick.title);
  };
}

function reportCommand(kind: ReportKind, target: InspectTarget, placeholder: string): CommandHandler {
  return async (services, node) => {
    const pick = await resolveTarget(services, node, target, placeholder);
    if (pick) await showReport(kind, pick.id, pick.title);
  };
}

const logsCommand: CommandHandler = async (services, node) => {
  const pick = await resolveTarget(services, node, 'container', vscode.l10n.t('Pick a container to see its logs'));
  if (pick) await showLogs(pick.id, pick.title);
};

const statsCommand: CommandHandler = async (services, node) => {
  const pick = await resolveTarget(services, node, 'container', vscode.l10n.t('Pick a running container to see its stats'), { running: true });
  if (pick) services.stats.show(pick.id, pick.title);
};

export const inspectCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.containers.inspect': inspectCommand('container', vscode.l10n.t('Pick a container to inspect')),
  'berth.images.inspect': inspectCommand('image', vscode.l10n.t('Pick an image to inspect')),
  'berth.volumes.inspect': inspectCommand('volume', vscode.l10n.t('Pick a volume to inspect')),
  'berth.networks.inspect': inspectCommand('network', vscode.l10n.t('Pick a network to inspect')),
  'berth.containers.isolation': reportCommand('isolation', 'container', vscode.l10n.t('Pick a container to see its isolation')),
  'berth.containers.diff': reportCommand('diff', 'container', vscode.l10n.t('Pick a container to see what it changed')),
  'berth.images.layers': reportCommand('layers', 'image', vscode.l10n.t('Pick an image to see its layers')),
  'berth.containers.logs': logsCommand,
  'berth.containers.stats': statsCommand,
  'berth.logs.toggleTimestamps': () => {
    const section = vscode.workspace.getConfiguration('berth');
    return section.update('logs.timestamps', !section.get<boolean>('logs.timestamps', false), vscode.ConfigurationTarget.Global);
  },
};
