/**
 * Pure mapping from Engine API JSON to Berth's domain types. The raw shapes are declared here,
 * loosely, because engines (Docker versions, Podman) differ in which fields they fill.
 */
import type { ContainerState, ContainerSummary, EngineEvent, EngineEventType, EngineInfo, ImageSummary, NetworkSummary, PortMapping, VolumeSummary } from './ContainerEngine';

export interface RawPort {
  PrivatePort?: number;
  PublicPort?: number;
  IP?: string;
  Type?: string;
}

export interface RawContainer {
  Id?: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  Command?: string;
  Created?: number;
  State?: string;
  Status?: string;
  Ports?: RawPort[] | null;
  Labels?: Record<string, string> | null;
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
  Mounts?: Array<{ Type?: string; Name?: string }> | null;
}

export interface RawImage {
  Id?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: number;
  Size?: number;
  Containers?: number;
  Labels?: Record<string, string> | null;
}

export interface RawVolume {
  Name?: string;
  Driver?: string;
  Mountpoint?: string;
  CreatedAt?: string;
  Labels?: Record<string, string> | null;
  Scope?: string;
}

export interface RawNetwork {
  Id?: string;
  Name?: string;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Created?: string;
  Labels?: Record<string, string> | null;
}

export interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> | null };
  time?: number;
  timeNano?: number | string;
}

export interface RawVersion {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
  Arch?: string;
  KernelVersion?: string;
  Components?: Array<{ Name?: string }> | null;
}

export interface RawInfo {
  Name?: string;
  Containers?: number;
  Images?: number;
  Driver?: string;
  CgroupVersion?: string;
}

const CONTAINER_STATES: ReadonlySet<string> = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

const EVENT_TYPES: ReadonlySet<string> = new Set(['container', 'image', 'volume', 'network', 'daemon', 'plugin', 'service', 'node', 'secret', 'config', 'builder']);

/** Tags the engine uses for an image with no name. */
const NONE_TAGS: ReadonlySet<string> = new Set(['<none>:<none>', '<none>@<none>']);

export function toContainerState(state: string | undefined): ContainerState {
  const s = (state ?? '').toLowerCase();
  return CONTAINER_STATES.has(s) ? (s as ContainerState) : 'unknown';
}

function toPort(p: RawPort): PortMapping | undefined {
  if (typeof p.PrivatePort !== 'number') {
    return undefined;
  }
  const type = p.Type === 'udp' || p.Type === 'sctp' ? p.Type : 'tcp';
  const port: PortMapping = { privatePort: p.PrivatePort, type };
  if (typeof p.PublicPort === 'number') port.publicPort = p.PublicPort;
  if (p.IP) port.ip = p.IP;
  return port;
}

export function toContainerSummary(raw: RawContainer): ContainerSummary {
  const firstName = raw.Names?.[0] ?? '';
  const id = raw.Id ?? '';
  const summary: ContainerSummary = {
    id,
    name: firstName.startsWith('/') ? firstName.slice(1) : firstName || id.slice(0, 12),
    image: raw.Image ?? '',
    imageId: raw.ImageID ?? '',
    command: raw.Command ?? '',
    created: raw.Created ?? 0,
    state: toContainerState(raw.State),
    status: raw.Status ?? '',
    ports: (raw.Ports ?? []).map(toPort).filter((p): p is PortMapping => p !== undefined),
    labels: raw.Labels ?? {},
    networks: Object.keys(raw.NetworkSettings?.Networks ?? {}),
    volumes: (raw.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name).map((m) => m.Name ?? ''),
  };
  if (raw.HostConfig?.NetworkMode) summary.networkMode = raw.HostConfig.NetworkMode;
  return summary;
}

export function toImageSummary(raw: RawImage): ImageSummary {
  const repoTags = (raw.RepoTags ?? []).filter((t) => !NONE_TAGS.has(t));
  const repoDigests = (raw.RepoDigests ?? []).filter((d) => !NONE_TAGS.has(d));
  return {
    id: raw.Id ?? '',
    repoTags,
    repoDigests,
    created: raw.Created ?? 0,
    size: raw.Size ?? 0,
    containers: typeof raw.Containers === 'number' ? raw.Containers : -1,
    labels: raw.Labels ?? {},
    dangling: repoTags.length === 0,
  };
}

/** An RFC 3339 time from the engine as seconds since the epoch; undefined when absent or unreadable. */
function epochSeconds(time: string | undefined): number | undefined {
  if (!time) return undefined;
  const ms = Date.parse(time);
  // Docker reports "0001-01-01T00:00:00Z" for unknown times.
  return Number.isNaN(ms) || ms <= 0 ? undefined : Math.floor(ms / 1000);
}

export function toVolumeSummary(raw: RawVolume): VolumeSummary {
  return {
    name: raw.Name ?? '',
    driver: raw.Driver ?? 'local',
    mountpoint: raw.Mountpoint ?? '',
    created: epochSeconds(raw.CreatedAt),
    labels: raw.Labels ?? {},
    scope: raw.Scope ?? 'local',
  };
}

const BUILT_IN_NETWORKS: ReadonlySet<string> = new Set(['bridge', 'host', 'none', 'podman']);

export function toNetworkSummary(raw: RawNetwork): NetworkSummary {
  const name = raw.Name ?? '';
  return {
    id: raw.Id ?? '',
    name,
    driver: raw.Driver ?? '',
    scope: raw.Scope ?? 'local',
    internal: raw.Internal === true,
    created: epochSeconds(raw.Created),
    labels: raw.Labels ?? {},
    builtIn: BUILT_IN_NETWORKS.has(name),
  };
}

/** Returns undefined for malformed events so a bad line never breaks the stream. */
export function toEngineEvent(raw: RawEvent): EngineEvent | undefined {
  const rawType = raw.Type ?? (raw.status !== undefined ? 'container' : undefined);
  const action = raw.Action ?? raw.status;
  const id = raw.Actor?.ID ?? raw.id;
  if (!rawType || !action || id === undefined) {
    return undefined;
  }
  const type: EngineEventType = EVENT_TYPES.has(rawType) ? (rawType as EngineEventType) : 'other';
  let timeNano: bigint;
  try {
    timeNano = raw.timeNano !== undefined ? BigInt(raw.timeNano) : BigInt(raw.time ?? 0) * 1_000_000_000n;
  } catch {
    timeNano = 0n;
  }
  return { type, action, id, attributes: raw.Actor?.Attributes ?? {}, timeNano };
}

export function toEngineInfo(version: RawVersion, info: RawInfo | undefined): EngineInfo {
  const isPodman = (version.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
  const result: EngineInfo = {
    flavor: isPodman ? 'podman' : 'docker',
    version: version.Version ?? 'unknown',
    apiVersion: version.ApiVersion ?? 'unknown',
    os: version.Os ?? 'unknown',
    arch: version.Arch ?? 'unknown',
  };
  if (version.KernelVersion) result.kernelVersion = version.KernelVersion;
  if (info) {
    if (info.Name) result.name = info.Name;
    if (typeof info.Containers === 'number') result.containers = info.Containers;
    if (typeof info.Images === 'number') result.images = info.Images;
    if (info.Driver) result.storageDriver = info.Driver;
    if (info.CgroupVersion) result.cgroupVersion = info.CgroupVersion;
  }
  return result;
}

/**
 * Splits a chunked stream of concatenated JSON objects (the events endpoint sends one per line,
 * but chunk boundaries fall anywhere) into complete lines.
 */
export class JsonLineSplitter {
  private buffer = '';

  push(chunk: string): string[] {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    return lines.filter((l) => l.trim().length > 0);
  }

  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest ? [rest] : [];
  }
}
