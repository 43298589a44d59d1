/**
 * Pure mapping from Engine API JSON to Berth's domain types. The raw shapes are declared here,
 * loosely, because engines (Docker versions, Podman) differ in which fields they fill.
 */
import { StringDecoder } from 'node:string_decoder';
import type {
  ContainerState,
  ContainerSummary,
  DiskUsage,
  CpuCounters,
  EngineEvent,
  EngineEventType,
  EngineInfo,
  FileChange,
  FileChangeKind,
  ImageHistoryEntry,
  ImageSummary,
  LogChunk,
  LogStreamName,
  NetworkSummary,
  PortMapping,
  StatsSample,
  VolumeSummary,
} from './ContainerEngine';

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

/**
 * Turns the body of `GET /containers/{id}/logs` into decoded chunks.
 *
 * Without a TTY the engine multiplexes stdout and stderr into frames of an 8-byte header
 * (stream type, three zero bytes, payload size as uint32 BE) and a payload. Network chunks cut
 * those frames anywhere, even inside a header, and one chunk may hold many frames. Each stream
 * has its own UTF-8 decoder, so a character split across frames or chunks is decoded whole, and
 * a character cut off in stdout is not garbled by stderr frames in between.
 *
 * With a TTY the body is the raw terminal output, all of it stdout.
 */
export class LogDemuxer {
  private readonly decoders: Record<LogStreamName, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private raw: boolean;
  private readonly header = Buffer.alloc(8);
  private headerLength = 0;
  /** Payload bytes still to come for the current frame; 0 while reading a header. */
  private remaining = 0;
  private current: LogStreamName = 'stdout';

  constructor(mode: 'multiplexed' | 'raw') {
    this.raw = mode === 'raw';
  }

  /** The chunks decoded from `data`, adjacent pieces of the same stream merged, in order. */
  push(data: Buffer): LogChunk[] {
    const out: LogChunk[] = [];
    if (this.raw) {
      emit(out, 'stdout', this.decoders.stdout.write(data));
      return out;
    }
    let offset = 0;
    while (offset < data.length) {
      if (this.remaining > 0) {
        const end = Math.min(data.length, offset + this.remaining);
        emit(out, this.current, this.decoders[this.current].write(data.subarray(offset, end)));
        this.remaining -= end - offset;
        offset = end;
        continue;
      }
      const take = Math.min(8 - this.headerLength, data.length - offset);
      data.copy(this.header, this.headerLength, offset, offset + take);
      this.headerLength += take;
      offset += take;
      if (this.headerLength < 8) break;
      this.headerLength = 0;
      const type = this.header[0];
      if ((type !== 0 && type !== 1 && type !== 2) || this.header[1] !== 0 || this.header[2] !== 0 || this.header[3] !== 0) {
        // Not a frame header: the body is not multiplexed after all (the container's TTY setting
        // changed between inspect and logs) or it lost alignment. Show the rest as it is rather
        // than lose it, as docker-modem's demuxStream does.
        this.raw = true;
        emit(out, 'stdout', this.decoders.stdout.write(Buffer.concat([this.header, data.subarray(offset)])));
        return out;
      }
      // Type 0 (stdin) exists in the protocol but logs never carry it; show it as stdout if it comes.
      this.current = type === 2 ? 'stderr' : 'stdout';
      this.remaining = this.header.readUInt32BE(4);
    }
    return out;
  }

  /** At the end of the body: whatever the decoders still hold (an incomplete character becomes U+FFFD). */
  end(): LogChunk[] {
    const out: LogChunk[] = [];
    emit(out, 'stdout', this.decoders.stdout.end());
    emit(out, 'stderr', this.decoders.stderr.end());
    return out;
  }
}

function emit(out: LogChunk[], stream: LogStreamName, text: string): void {
  if (text.length === 0) return;
  const last = out[out.length - 1];
  if (last?.stream === stream) {
    last.text += text;
  } else {
    out.push({ stream, text });
  }
}

export interface RawCpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null } | null;
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** One sample of `GET /containers/{id}/stats`. Podman fills fewer fields; cgroup v1 and v2 differ in `memory_stats.stats`. */
export interface RawStats {
  read?: string;
  cpu_stats?: RawCpuStats | null;
  precpu_stats?: RawCpuStats | null;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> | null } | null;
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number } | null> | null;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null } | null;
  pids_stats?: { current?: number; limit?: number } | null;
}

export interface RawHistoryEntry {
  Id?: string;
  Created?: number;
  CreatedBy?: string;
  Tags?: string[] | null;
  Size?: number;
  Comment?: string;
}

export interface RawChange {
  Path?: string;
  Kind?: number | string;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function toCpuCounters(raw: RawCpuStats | null | undefined): CpuCounters {
  const online = raw?.online_cpus;
  const list: unknown = raw?.cpu_usage?.percpu_usage;
  const perCpu = Array.isArray(list) ? list.length : 0;
  return {
    totalUsage: num(raw?.cpu_usage?.total_usage),
    systemUsage: typeof raw?.system_cpu_usage === 'number' ? raw.system_cpu_usage : undefined,
    // Older engines leave online_cpus out (or 0 in the first sample's precpu); `docker stats` falls back the same way.
    onlineCpus: typeof online === 'number' && online > 0 ? online : perCpu > 0 ? perCpu : 1,
  };
}

/** The engine reports this time for a container that is not running (the sample is all zeros). */
export function isEmptyStatsSample(raw: RawStats): boolean {
  return typeof raw.read === 'string' && raw.read.startsWith('0001-01-01');
}

export function toStatsSample(raw: RawStats): StatsSample {
  const memory = raw.memory_stats;
  const usage = num(memory?.usage);
  const memStats = typeof memory?.stats === 'object' && memory.stats !== null ? memory.stats : {};
  // cgroup v1 also has a per-cgroup `inactive_file`; its hierarchical total is the one `docker stats` uses.
  const inactive = num(memStats.total_inactive_file ?? memStats.inactive_file);
  let network: StatsSample['network'];
  // Engines differ, and a sample must never throw: anything not shaped as documented counts as absent.
  const interfaces = typeof raw.networks === 'object' && raw.networks !== null ? Object.values(raw.networks) : [];
  if (interfaces.length > 0) {
    network = { rxBytes: 0, txBytes: 0 };
    for (const i of interfaces) {
      network.rxBytes += num(i?.rx_bytes);
      network.txBytes += num(i?.tx_bytes);
    }
  }
  const blockIo = { readBytes: 0, writeBytes: 0 };
  const entries: unknown = raw.blkio_stats?.io_service_bytes_recursive;
  for (const entry of Array.isArray(entries) ? (entries as Array<{ op?: unknown; value?: unknown } | null>) : []) {
    // cgroup v1 says "Read"/"Write", v2 "read"/"write".
    const op = typeof entry?.op === 'string' ? entry.op.toLowerCase() : '';
    if (op === 'read') blockIo.readBytes += num(entry?.value);
    else if (op === 'write') blockIo.writeBytes += num(entry?.value);
  }
  const pidsLimit = raw.pids_stats?.limit;
  return {
    read: typeof raw.read === 'string' ? raw.read : '',
    cpu: toCpuCounters(raw.cpu_stats),
    precpu: toCpuCounters(raw.precpu_stats),
    memory: {
      usage,
      limit: num(memory?.limit),
      // As `docker stats`: a figure at or above the usage is not subtracted.
      inactiveFile: inactive < usage ? inactive : 0,
    },
    network,
    blockIo,
    pids: {
      current: num(raw.pids_stats?.current),
      // No limit is reported as absent, 0, or (some engines) the max uint64.
      limit: typeof pidsLimit === 'number' && pidsLimit > 0 && pidsLimit < Number.MAX_SAFE_INTEGER ? pidsLimit : undefined,
    },
  };
}

export function toImageHistoryEntry(raw: RawHistoryEntry): ImageHistoryEntry {
  const id = raw.Id;
  return {
    // Steps of pulled images have no local image of their own.
    id: id && id !== '<missing>' ? id : undefined,
    created: num(raw.Created),
    createdBy: raw.CreatedBy ?? '',
    size: num(raw.Size),
    tags: (raw.Tags ?? []).filter((t) => !NONE_TAGS.has(t)),
    comment: raw.Comment ?? '',
  };
}

const CHANGE_KINDS: Readonly<Record<string, FileChangeKind>> = { 0: 'modified', 1: 'added', 2: 'deleted', C: 'modified', A: 'added', D: 'deleted' };

/** Undefined for an entry without a path or with a kind the engine API does not define. */
export function toFileChange(raw: RawChange): FileChange | undefined {
  const kind = raw.Kind === undefined ? undefined : CHANGE_KINDS[String(raw.Kind)];
  if (!raw.Path || !kind) return undefined;
  return { path: raw.Path, kind };
}

export interface RawDiskUsage {
  Images?: Array<{ Id?: string; Size?: number; SharedSize?: number; Containers?: number }> | null;
  Containers?: Array<{ Id?: string; SizeRw?: number }> | null;
  Volumes?: Array<{ Name?: string; UsageData?: { Size?: number; RefCount?: number } | null }> | null;
  BuildCache?: Array<{ ID?: string; Size?: number; InUse?: boolean; Shared?: boolean }> | null;
}

export function toDiskUsage(raw: RawDiskUsage): DiskUsage {
  return {
    images: (raw.Images ?? []).map((i) => ({ id: i.Id ?? '', size: i.Size ?? 0, sharedSize: Math.max(0, i.SharedSize ?? 0), containers: Math.max(0, i.Containers ?? 0) })),
    containers: (raw.Containers ?? []).map((c) => ({ id: c.Id ?? '', sizeRw: c.SizeRw ?? 0 })),
    volumes: (raw.Volumes ?? []).map((v) => ({ name: v.Name ?? '', size: v.UsageData?.Size ?? -1, refCount: v.UsageData?.RefCount ?? -1 })),
    buildCache: (raw.BuildCache ?? []).map((b) => ({ id: b.ID ?? '', size: b.Size ?? 0, inUse: b.InUse === true, shared: b.Shared === true })),
  };
}
