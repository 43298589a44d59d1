/** Inspect commands for every kind of object: from a tree item, or with a picker from the palette. */
import * as vscode from 'vscode';
import type { InspectTarget } from '../engine/ContainerEngine';
import { shortId } from '../tree/format';
import type { ExplorerNode } from '../tree/providers';
import { showInspect } from '../views/inspect';
import { showIsolation } from '../views/isolationDocument';
import type { Services } from '../services';
import type { CommandHandler } from './registry';

interface Pickable {
  target: InspectTarget;
  id: string;
  title: string;
}

function fromNode(node: ExplorerNode): Pickable {
  switch (node.kind) {
    case 'container':
      return { target: 'container', id: node.container.id, title: node.container.name };
    case 'image':
      return { target: 'image', id: node.image.id, title: node.tag ?? shortId(node.image.id) };
    case 'volume':
      return { target: 'volume', id: node.volume.name, title: node.volume.name };
    case 'network':
      return { target: 'network', id: node.network.id, title: node.network.name };
  }
}

async function candidates(services: Services, target: InspectTarget): Promise<Array<vscode.QuickPickItem & Pickable>> {
  const engine = await services.engines.get();
  switch (target) {
    case 'container':
      return (await engine.listContainers()).map((c) => ({ target, id: c.id, title: c.name, label: c.name, description: `${c.image} · ${c.status}` }));
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

function inspectCommand(target: InspectTarget, placeholder: string): CommandHandler {
  return async (services, node) => {
    let pick: Pickable | undefined = node && typeof node === 'object' && 'kind' in node ? fromNode(node as ExplorerNode) : undefined;
    if (!pick) {
      const items = await candidates(services, target);
      if (items.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('There is nothing to inspect: the engine has no {0}s.', target));
        return;
      }
      pick = await vscode.window.showQuickPick(items, { placeHolder: placeholder, matchOnDescription: true });
      if (!pick) return;
    }
    await showInspect(pick.target, pick.id, pick.title);
  };
}

/** The isolation report of a container: from its tree item, or picked from the palette. */
const isolationCommand: CommandHandler = async (services, node) => {
  let pick: Pickable | undefined = node && typeof node === 'object' && 'kind' in node && (node as ExplorerNode).kind === 'container' ? fromNode(node as ExplorerNode) : undefined;
  if (!pick) {
    const items = await candidates(services, 'container');
    if (items.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no container to look at.'));
      return;
    }
    pick = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Pick a container to see its isolation'), matchOnDescription: true });
    if (!pick) return;
  }
  await showIsolation(pick.id, pick.title);
};

export const inspectCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.containers.isolation': isolationCommand,
  'berth.containers.inspect': inspectCommand('container', vscode.l10n.t('Pick a container to inspect')),
  'berth.images.inspect': inspectCommand('image', vscode.l10n.t('Pick an image to inspect')),
  'berth.volumes.inspect': inspectCommand('volume', vscode.l10n.t('Pick a volume to inspect')),
  'berth.networks.inspect': inspectCommand('network', vscode.l10n.t('Pick a network to inspect')),
};
