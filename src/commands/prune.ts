/**
 * What a prune would remove, item by item with sizes, so the user sees exactly what goes before it
 * goes; Berth then removes exactly those items (not whatever a prune call finds a moment later).
 * Pure.
 */
import type { ContainerSummary, DiskUsage, ImageSummary, NetworkSummary, VolumeSummary } from '../engine/ContainerEngine';
import type { Translate } from '../l10n';
import { formatBytes, shortId } from '../tree/format';
import { imagesInUse } from '../tree/arrange';
import { usage } from '../tree/presentation';

export type PruneScope = 'containers' | 'images' | 'volumes' | 'networks' | 'system';

export interface PruneItem {
  kind: 'container' | 'image' | 'volume' | 'network' | 'buildCache';
  /** What to remove: an id, a volume name, or '' for the build cache. */
  id: string;
  label: string;
  description: string;
  /** Bytes reclaimed, when known. */
  size: number | undefined;
  /** Selected in the preview; named volumes are not, since they usually hold data someone wants. */
  preselected: boolean;
}

export interface EngineSnapshot {
  containers: readonly ContainerSummary[];
  images: readonly ImageSummary[];
  volumes: readonly VolumeSummary[];
  networks: readonly NetworkSummary[];
  disk: DiskUsage;
}

const STOPPED = new Set(['created', 'exited', 'dead']);

function isAnonymousVolume(v: VolumeSummary): boolean {
  return /^[0-9a-f]{64}$/.test(v.name) || v.labels['com.docker.volume.anonymous'] !== undefined;
}

export function prunePlan(scope: PruneScope, s: EngineSnapshot, t: Translate): PruneItem[] {
  const items: PruneItem[] = [];
  const want = (what: PruneScope): boolean => scope === what || (scope === 'system' && what !== 'volumes');
  if (want('containers')) {
    const sizes = new Map(s.disk.containers.map((c) => [c.id, c.sizeRw]));
    for (const c of s.containers) {
      if (!STOPPED.has(c.state)) continue;
      const size = sizes.get(c.id);
      items.push({ kind: 'container', id: c.id, label: c.name, description: [c.image, c.status, size !== undefined ? formatBytes(size) : ''].filter(Boolean).join(' · '), size, preselected: true });
    }
  }
  if (want('images')) {
    // Docker's default image prune: dangling images no container uses. After a system prune the
    // stopped containers are gone too, so their dangling images go with them.
    const stoppedGoing = scope === 'system' ? new Set(s.containers.filter((c) => STOPPED.has(c.state)).map((c) => c.id)) : new Set<string>();
    const used = imagesInUse(s.containers.filter((c) => !stoppedGoing.has(c.id)));
    const disk = new Map(s.disk.images.map((i) => [i.id, i]));
    for (const image of s.images) {
      if (!image.dangling || used.has(image.id)) continue;
      const d = disk.get(image.id);
      const size = d ? Math.max(0, d.size - d.sharedSize) : image.size;
      items.push({ kind: 'image', id: image.id, label: t('<none> (dangling) {0}', shortId(image.id)), description: formatBytes(size), size, preselected: true });
    }
  }
  if (want('volumes')) {
    const { volumes: mounted } = usage(s.containers);
    const disk = new Map(s.disk.volumes.map((v) => [v.name, v]));
    for (const v of s.volumes) {
      const d = disk.get(v.name);
      if ((mounted.get(v.name) ?? 0) > 0 || (d !== undefined && d.refCount > 0)) continue;
      const size = d && d.size >= 0 ? d.size : undefined;
      const anonymous = isAnonymousVolume(v);
      items.push({
        kind: 'volume',
        id: v.name,
        label: anonymous ? shortId(v.name) : v.name,
        description: [anonymous ? t('anonymous') : t('named: may hold data you want'), size !== undefined ? formatBytes(size) : ''].filter(Boolean).join(' · '),
        size,
        preselected: anonymous,
      });
    }
  }
  if (want('networks')) {
    // After a system prune the stopped containers are gone, and the networks only they used are free.
    const remaining = scope === 'system' ? s.containers.filter((c) => !STOPPED.has(c.state)) : s.containers;
    const { networks: attached } = usage(remaining);
    for (const n of s.networks) {
      if (n.builtIn || (attached.get(n.name) ?? 0) > 0) continue;
      items.push({ kind: 'network', id: n.id, label: n.name, description: n.driver, size: undefined, preselected: true });
    }
  }
  if (scope === 'system') {
    const unused = s.disk.buildCache.filter((b) => !b.inUse);
    if (unused.length > 0) {
      const size = unused.filter((b) => !b.shared).reduce((sum, b) => sum + b.size, 0);
      items.push({ kind: 'buildCache', id: '', label: t('Build cache'), description: t('{0} unused entries · {1}', unused.length, formatBytes(size)), size, preselected: true });
    }
  }
  return items;
}

export function totalSize(items: readonly PruneItem[]): number {
  return items.reduce((sum, i) => sum + (i.size ?? 0), 0);
}

/** "3 containers, 1 image and the build cache": what the confirmation names. */
export function describeItems(items: readonly PruneItem[], t: Translate): string {
  const count = (kind: PruneItem['kind']): number => items.filter((i) => i.kind === kind).length;
  const parts: string[] = [];
  const n = count('container');
  if (n > 0) parts.push(n === 1 ? t('1 container') : t('{0} containers', n));
  const i = count('image');
  if (i > 0) parts.push(i === 1 ? t('1 image') : t('{0} images', i));
  const v = count('volume');
  if (v > 0) parts.push(v === 1 ? t('1 volume') : t('{0} volumes', v));
  const w = count('network');
  if (w > 0) parts.push(w === 1 ? t('1 network') : t('{0} networks', w));
  if (count('buildCache') > 0) parts.push(t('the unused build cache'));
  return parts.join(', ');
}

/** Removal order for a system prune: containers first, so their images and networks are free. */
export function removalOrder(items: readonly PruneItem[]): PruneItem[][] {
  const stage = (kinds: ReadonlyArray<PruneItem['kind']>): PruneItem[] => items.filter((i) => kinds.includes(i.kind));
  return [stage(['container']), stage(['image', 'volume', 'network']), stage(['buildCache'])].filter((s) => s.length > 0);
}
