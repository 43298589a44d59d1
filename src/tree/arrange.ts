/**
 * Pure filtering, sorting and grouping of the explorer's lists, driven by the per-view options the
 * user picks (persisted per workspace by the VS Code layer).
 */
import type { ContainerState, ContainerSummary, ImageSummary, NetworkSummary, VolumeSummary } from '../engine/ContainerEngine';
import type { Translate } from '../l10n';
import { publishedPorts } from './presentation';
import { shortId } from './format';

export type ContainerGrouping = 'composeProject' | 'image' | 'state' | 'none';
export type ContainerSort = 'created' | 'name';
export type ImageSort = 'created' | 'name' | 'size';

export interface ContainerViewOptions {
  filter: string;
  groupBy: ContainerGrouping;
  sortBy: ContainerSort;
}

export interface ImageViewOptions {
  filter: string;
  sortBy: ImageSort;
  showDangling: boolean;
}

export interface ListViewOptions {
  filter: string;
}

export const DEFAULT_CONTAINER_OPTIONS: ContainerViewOptions = { filter: '', groupBy: 'composeProject', sortBy: 'created' };
export const DEFAULT_IMAGE_OPTIONS: ImageViewOptions = { filter: '', sortBy: 'created', showDangling: true };
export const DEFAULT_LIST_OPTIONS: ListViewOptions = { filter: '' };

const GROUPINGS: readonly ContainerGrouping[] = ['composeProject', 'image', 'state', 'none'];
const CONTAINER_SORTS: readonly ContainerSort[] = ['created', 'name'];
const IMAGE_SORTS: readonly ImageSort[] = ['created', 'name', 'size'];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

/** Options read back from workspace storage: anything unknown or malformed falls back to the default. */
export function readContainerOptions(stored: unknown): ContainerViewOptions {
  const o = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  return {
    filter: text(o.filter),
    groupBy: oneOf(o.groupBy, GROUPINGS, DEFAULT_CONTAINER_OPTIONS.groupBy),
    sortBy: oneOf(o.sortBy, CONTAINER_SORTS, DEFAULT_CONTAINER_OPTIONS.sortBy),
  };
}

export function readImageOptions(stored: unknown): ImageViewOptions {
  const o = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  return {
    filter: text(o.filter),
    sortBy: oneOf(o.sortBy, IMAGE_SORTS, DEFAULT_IMAGE_OPTIONS.sortBy),
    showDangling: typeof o.showDangling === 'boolean' ? o.showDangling : DEFAULT_IMAGE_OPTIONS.showDangling,
  };
}

export function readListOptions(stored: unknown): ListViewOptions {
  const o = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  return { filter: text(o.filter) };
}

/**
 * A filter is whitespace-separated terms, all of which must match (case-insensitive substrings of
 * any field). A term starting with `-` must match none of the fields.
 */
export function compileFilter(filter: string): (fields: readonly string[]) => boolean {
  const terms = filter
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term.length > 0 && term !== '-');
  if (terms.length === 0) return () => true;
  return (fields) => {
    const haystack = fields.map((f) => f.toLowerCase());
    return terms.every((term) => (term.startsWith('-') ? !haystack.some((f) => f.includes(term.slice(1))) : haystack.some((f) => f.includes(term))));
  };
}

export function composeProject(c: ContainerSummary): string | undefined {
  return c.labels['com.docker.compose.project'] || undefined;
}

/** What a container filter looks at: name, image, state, status, short id, compose project and ports. */
export function containerFields(c: ContainerSummary): string[] {
  return [c.name, c.image, c.state, c.status, shortId(c.id), composeProject(c) ?? '', ...publishedPorts(c.ports)];
}

export function imageFields(image: ImageSummary, tag: string | undefined): string[] {
  return [tag ?? '<none>', shortId(image.id)];
}

export function filterContainers(containers: readonly ContainerSummary[], filter: string): ContainerSummary[] {
  const matches = compileFilter(filter);
  return containers.filter((c) => matches(containerFields(c)));
}

export function sortContainersBy(containers: readonly ContainerSummary[], sortBy: ContainerSort): ContainerSummary[] {
  const byName = (a: ContainerSummary, b: ContainerSummary): number => a.name.localeCompare(b.name);
  return [...containers].sort(sortBy === 'name' ? (a, b) => byName(a, b) || b.created - a.created : (a, b) => b.created - a.created || byName(a, b));
}

export interface ImageRow {
  image: ImageSummary;
  tag: string | undefined;
}

export function filterImageRows<T extends ImageRow>(rows: readonly T[], options: Pick<ImageViewOptions, 'filter' | 'showDangling'>): T[] {
  const matches = compileFilter(options.filter);
  return rows.filter((row) => (options.showDangling || !row.image.dangling) && matches(imageFields(row.image, row.tag)));
}

export function sortImageRowsBy<T extends ImageRow>(rows: readonly T[], sortBy: ImageSort): T[] {
  const byName = (a: T, b: T): number => {
    // Dangling images (no tag) go after the named ones when sorting by name.
    if (a.tag === undefined || b.tag === undefined) return Number(a.tag === undefined) - Number(b.tag === undefined);
    return a.tag.localeCompare(b.tag);
  };
  const byCreated = (a: T, b: T): number => b.image.created - a.image.created;
  const bySize = (a: T, b: T): number => b.image.size - a.image.size;
  const order = sortBy === 'name' ? [byName, byCreated] : sortBy === 'size' ? [bySize, byName] : [byCreated, byName];
  return [...rows].sort((a, b) => {
    for (const compare of order) {
      const r = compare(a, b);
      if (r !== 0) return r;
    }
    return a.image.id.localeCompare(b.image.id);
  });
}

export function filterVolumes(volumes: readonly VolumeSummary[], filter: string): VolumeSummary[] {
  const matches = compileFilter(filter);
  return volumes.filter((v) => matches([v.name, v.driver]));
}

export function filterNetworks(networks: readonly NetworkSummary[], filter: string): NetworkSummary[] {
  const matches = compileFilter(filter);
  return networks.filter((n) => matches([n.name, n.driver, shortId(n.id)]));
}

export interface ContainerGroup {
  /** Stable across refreshes, so the tree keeps a group's expansion. */
  key: string;
  label: string;
  containers: ContainerSummary[];
}

/** The tree's top level: groups first, then the containers that belong to no group. */
export interface GroupedContainers {
  groups: ContainerGroup[];
  ungrouped: ContainerSummary[];
}

/** The order states are listed in when grouping by state: the live ones first. */
const STATE_ORDER: readonly ContainerState[] = ['running', 'restarting', 'paused', 'created', 'exited', 'dead', 'removing', 'unknown'];

export function stateLabel(state: ContainerState, t: Translate): string {
  switch (state) {
    case 'running':
      return t('Running');
    case 'restarting':
      return t('Restarting');
    case 'paused':
      return t('Paused');
    case 'created':
      return t('Created');
    case 'exited':
      return t('Exited');
    case 'dead':
      return t('Dead');
    case 'removing':
      return t('Removing');
    case 'unknown':
      return t('Unknown state');
  }
}

/**
 * Groups already-sorted containers; each group keeps their order. By compose project, containers
 * outside any project stay at the top level; by image or state every container is in a group.
 */
export function groupContainers(sorted: readonly ContainerSummary[], groupBy: ContainerGrouping, t: Translate): GroupedContainers {
  if (groupBy === 'none') return { groups: [], ungrouped: [...sorted] };
  const groups = new Map<string, ContainerGroup>();
  const ungrouped: ContainerSummary[] = [];
  for (const c of sorted) {
    let key: string;
    let label: string;
    if (groupBy === 'composeProject') {
      const project = composeProject(c);
      if (project === undefined) {
        ungrouped.push(c);
        continue;
      }
      key = `project:${project}`;
      label = project;
    } else if (groupBy === 'image') {
      key = `image:${c.image}`;
      label = c.image;
    } else {
      key = `state:${c.state}`;
      label = stateLabel(c.state, t);
    }
    let group = groups.get(key);
    if (!group) {
      group = { key, label, containers: [] };
      groups.set(key, group);
    }
    group.containers.push(c);
  }
  const list = [...groups.values()];
  if (groupBy === 'state') {
    const rank = (g: ContainerGroup): number => STATE_ORDER.indexOf(g.containers[0]?.state ?? 'unknown');
    list.sort((a, b) => rank(a) - rank(b));
  } else {
    list.sort((a, b) => a.label.localeCompare(b.label));
  }
  return { groups: list, ungrouped };
}

/** "3 running of 5": a group's description. */
export function groupDescription(group: ContainerGroup, t: Translate): string {
  const running = group.containers.filter((c) => c.state === 'running').length;
  const total = group.containers.length;
  if (running === total) return total === 1 ? t('1 container') : t('{0} containers', total);
  return t('{0} running of {1}', running, total);
}

/** Image ids used by at least one container (any state: a stopped container still pins its image). */
export function imagesInUse(containers: Iterable<ContainerSummary>): Map<string, number> {
  const used = new Map<string, number>();
  for (const c of containers) {
    if (c.imageId) used.set(c.imageId, (used.get(c.imageId) ?? 0) + 1);
  }
  return used;
}

export function groupingLabel(groupBy: ContainerGrouping, t: Translate): string {
  switch (groupBy) {
    case 'composeProject':
      return t('Compose project');
    case 'image':
      return t('Image');
    case 'state':
      return t('State');
    case 'none':
      return t('No grouping');
  }
}

/** The view description while options narrow or reshape the list, e.g. `Filter: web`. */
export function viewDescription(filter: string, extra: readonly string[], t: Translate): string | undefined {
  const parts = [...extra];
  if (filter.trim()) parts.unshift(t('Filter: {0}', filter.trim()));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}
