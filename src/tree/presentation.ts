/**
 * Pure presentation of engine objects as tree items: label, description, icon, context value and
 * tooltip. The VS Code layer turns these into TreeItems without further decisions.
 */
import type { ContainerSummary, ImageSummary, NetworkSummary, PortMapping, VolumeSummary } from '../engine/ContainerEngine';
import type { Translate } from '../l10n';
import { formatAge, formatBytes, shortId } from './format';

export interface ItemIcon {
  /** A codicon id. */
  id: string;
  /** A theme colour id, e.g. `charts.green`. */
  color?: string;
}

export interface ItemPresentation {
  /**
   * Stable for the object's whole life, whatever its state: VS Code redraws a changed item with the
   * same id, and keeps its selection, focus and any open context menu working across the change.
   */
  id: string;
  label: string;
  description: string;
  icon: ItemIcon;
  contextValue: string;
  /** Markdown. */
  tooltip: string;
}

/** The exit code in a status such as "Exited (137) 2 minutes ago". */
export function exitCodeOf(status: string): number | undefined {
  const match = /^Exited \((-?\d+)\)/.exec(status);
  return match ? Number(match[1]) : undefined;
}

export function containerIcon(c: Pick<ContainerSummary, 'state' | 'status'>): ItemIcon {
  switch (c.state) {
    case 'running':
      return /\(unhealthy\)/.test(c.status) ? { id: 'vm-running', color: 'charts.orange' } : { id: 'vm-running', color: 'charts.green' };
    case 'paused':
      return { id: 'debug-pause', color: 'charts.yellow' };
    case 'restarting':
      return { id: 'debug-restart', color: 'charts.orange' };
    case 'created':
      return { id: 'vm-outline', color: 'charts.blue' };
    case 'removing':
      return { id: 'trash', color: 'disabledForeground' };
    case 'dead':
      return { id: 'error', color: 'errorForeground' };
    case 'exited': {
      const code = exitCodeOf(c.status);
      return code !== undefined && code !== 0 ? { id: 'vm-outline', color: 'charts.red' } : { id: 'vm-outline', color: 'disabledForeground' };
    }
    default:
      return { id: 'question' };
  }
}

export function formatPort(p: PortMapping): string {
  if (p.publicPort === undefined) {
    return `${p.privatePort}/${p.type}`;
  }
  const ip = p.ip && p.ip !== '0.0.0.0' && p.ip !== '::' ? `${p.ip.includes(':') ? `[${p.ip}]` : p.ip}:` : '';
  return `${ip}${p.publicPort}→${p.privatePort}/${p.type}`;
}

/** Published ports, deduplicated: engines list a port once for IPv4 and once for IPv6. */
export function publishedPorts(ports: readonly PortMapping[]): string[] {
  const seen = new Set<string>();
  for (const p of ports) {
    if (p.publicPort === undefined) continue;
    seen.add(`${p.publicPort}→${p.privatePort}/${p.type}`);
  }
  return [...seen];
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
}

export function presentContainer(c: ContainerSummary, t: Translate): ItemPresentation {
  const ports = publishedPorts(c.ports);
  const description = [c.image, c.status, ports.join(', ')].filter((s) => s.length > 0).join(' · ');
  const lines = [
    `**${escapeMarkdown(c.name)}** \`${shortId(c.id)}\``,
    '',
    `${t('Image')}: ${escapeMarkdown(c.image)}`,
    `${t('Status')}: ${escapeMarkdown(c.status || c.state)}`,
  ];
  if (c.command) lines.push(`${t('Command')}: \`${c.command.replace(/`/g, "'")}\``);
  if (ports.length > 0) lines.push(`${t('Ports')}: ${escapeMarkdown(ports.join(', '))}`);
  const project = c.labels['com.docker.compose.project'];
  if (project) lines.push(`${t('Compose project')}: ${escapeMarkdown(project)}`);
  return {
    id: `container:${c.id}`,
    label: c.name,
    description,
    icon: containerIcon(c),
    contextValue: `container.${c.state}`,
    tooltip: lines.join('  \n'),
  };
}

/**
 * An image row. `usedBy` is how many containers (of any state) were created from it: such an
 * image is marked "in use", because removing it needs those containers gone first.
 */
export function presentImage(image: ImageSummary, tag: string | undefined, nowMs: number, t: Translate, usedBy = 0): ItemPresentation {
  const size = formatBytes(image.size);
  const age = formatAge(image.created, nowMs, t);
  const label = tag ?? t('<none> (dangling) {0}', shortId(image.id));
  const lines = [`**${escapeMarkdown(label)}**`, '', `${t('ID')}: \`${shortId(image.id)}\``, `${t('Size')}: ${size}`, `${t('Created')}: ${age}`];
  if (image.repoTags.length > 1) lines.push(`${t('Tags')}: ${escapeMarkdown(image.repoTags.join(', '))}`);
  if (usedBy > 0) lines.push(usedBy === 1 ? t('In use by 1 container') : t('In use by {0} containers', usedBy));
  if (image.dangling) lines.push('', t('A dangling image has no tag. It is usually an old build layer that a prune can reclaim.'));
  const kind = image.dangling ? 'image.dangling' : 'image.tagged';
  return {
    id: `image:${image.id}:${tag ?? '<none>'}`,
    label,
    description: usedBy > 0 ? `${t('in use')} · ${size} · ${age}` : `${size} · ${age}`,
    icon: image.dangling ? { id: 'file-binary', color: 'disabledForeground' } : { id: 'layers', color: usedBy > 0 ? 'charts.green' : 'charts.blue' },
    contextValue: usedBy > 0 ? `${kind}.inUse` : kind,
    tooltip: lines.join('  \n'),
  };
}

/** One tree row per tag, as `docker images` does, and one row for an untagged image. */
export function imageRows(images: readonly ImageSummary[]): Array<{ image: ImageSummary; tag: string | undefined }> {
  const rows: Array<{ image: ImageSummary; tag: string | undefined }> = [];
  for (const image of images) {
    if (image.repoTags.length === 0) {
      rows.push({ image, tag: undefined });
    } else {
      for (const tag of image.repoTags) rows.push({ image, tag });
    }
  }
  return rows;
}

/** How many containers use each volume and each network, from the container list. */
export function usage(containers: Iterable<ContainerSummary>): { volumes: Map<string, number>; networks: Map<string, number> } {
  const volumes = new Map<string, number>();
  const networks = new Map<string, number>();
  for (const c of containers) {
    for (const v of c.volumes) volumes.set(v, (volumes.get(v) ?? 0) + 1);
    for (const n of c.networks) networks.set(n, (networks.get(n) ?? 0) + 1);
  }
  return { volumes, networks };
}

/** Anonymous volumes are named by a 64-hex hash: show it short. */
function volumeLabel(name: string): string {
  return /^[0-9a-f]{64}$/.test(name) ? name.slice(0, 12) : name;
}

export function presentVolume(volume: VolumeSummary, usedBy: number, nowMs: number, t: Translate): ItemPresentation {
  const use = usedBy === 0 ? t('unused') : usedBy === 1 ? t('in use by 1 container') : t('in use by {0} containers', usedBy);
  const lines = [`**${escapeMarkdown(volume.name)}**`, '', `${t('Driver')}: ${escapeMarkdown(volume.driver)}`, `${t('Mount point')}: \`${volume.mountpoint}\``, `${t('Use')}: ${use}`];
  if (volume.created !== undefined) lines.push(`${t('Created')}: ${formatAge(volume.created, nowMs, t)}`);
  return {
    id: `volume:${volume.name}`,
    label: volumeLabel(volume.name),
    description: `${volume.driver} · ${use}`,
    icon: usedBy === 0 ? { id: 'database', color: 'disabledForeground' } : { id: 'database', color: 'charts.blue' },
    contextValue: usedBy === 0 ? 'volume.unused' : 'volume.inUse',
    tooltip: lines.join('  \n'),
  };
}

export function presentNetwork(network: NetworkSummary, containerCount: number, t: Translate): ItemPresentation {
  const count = containerCount === 1 ? t('1 container') : t('{0} containers', containerCount);
  const lines = [`**${escapeMarkdown(network.name)}** \`${shortId(network.id)}\``, '', `${t('Driver')}: ${escapeMarkdown(network.driver)}`, `${t('Scope')}: ${network.scope}`, `${t('Containers')}: ${containerCount}`];
  if (network.internal) lines.push(t('Internal: no traffic leaves this network.'));
  if (network.builtIn) lines.push(t('Built in: the engine provides it and it cannot be removed.'));
  return {
    id: `network:${network.id}`,
    label: network.name,
    description: `${network.driver}${network.internal ? ` · ${t('internal')}` : ''} · ${count}`,
    icon: network.builtIn ? { id: 'globe', color: 'disabledForeground' } : { id: 'type-hierarchy-sub', color: 'charts.purple' },
    contextValue: network.builtIn ? 'network.builtIn' : 'network.custom',
    tooltip: lines.join('  \n'),
  };
}

export function sortVolumes(volumes: readonly VolumeSummary[]): VolumeSummary[] {
  return [...volumes].sort((a, b) => (b.created ?? 0) - (a.created ?? 0) || a.name.localeCompare(b.name));
}

export function sortNetworks(networks: readonly NetworkSummary[]): NetworkSummary[] {
  // Custom networks first (what the user made), then the built-in ones, each by name.
  return [...networks].sort((a, b) => Number(a.builtIn) - Number(b.builtIn) || a.name.localeCompare(b.name));
}
