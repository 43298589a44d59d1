/**
 * The engine contract the rest of Berth programs against. Domain types are plain data so that
 * trees, commands and tests never see dockerode's shapes.
 */

export interface CallOptions {
  /** Cancels the call. Aborting surfaces as a `CancelledError`. */
  signal?: AbortSignal;
  /** Overrides the engine's default timeout for this call. */
  timeoutMs?: number;
}

export interface EngineInfo {
  /** "docker" or "podman", judged from the version's components. */
  flavor: 'docker' | 'podman';
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  kernelVersion?: string;
  name?: string;
  containers?: number;
  images?: number;
  storageDriver?: string;
  cgroupVersion?: string;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';

export interface PortMapping {
  privatePort: number;
  publicPort?: number;
  ip?: string;
  type: 'tcp' | 'udp' | 'sctp';
}

export interface ContainerSummary {
  id: string;
  /** The primary name without the leading slash. */
  name: string;
  image: string;
  imageId: string;
  command: string;
  /** Seconds since the epoch. */
  created: number;
  state: ContainerState;
  /** The engine's human status, e.g. "Up 3 minutes (healthy)". */
  status: string;
  ports: PortMapping[];
  labels: Readonly<Record<string, string>>;
  networkMode?: string;
  /** Names of the networks the container is attached to. */
  networks: string[];
  /** Names of the named volumes it mounts. */
  volumes: string[];
}

export interface ImageSummary {
  id: string;
  /** `repo:tag` references; empty for a dangling image. */
  repoTags: string[];
  repoDigests: string[];
  /** Seconds since the epoch. */
  created: number;
  size: number;
  /** -1 when the engine did not compute it. */
  containers: number;
  labels: Readonly<Record<string, string>>;
  dangling: boolean;
}

export interface VolumeSummary {
  name: string;
  driver: string;
  mountpoint: string;
  /** Seconds since the epoch; undefined when the engine does not say. */
  created: number | undefined;
  labels: Readonly<Record<string, string>>;
  /** `local` or `global` (swarm). */
  scope: string;
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  /** Seconds since the epoch; undefined when the engine does not say. */
  created: number | undefined;
  labels: Readonly<Record<string, string>>;
  /** Built-in networks (bridge, host, none) cannot be removed. */
  builtIn: boolean;
}

export type LogStreamName = 'stdout' | 'stderr';

/** A piece of a container's log, decoded as UTF-8. Lines may be split across chunks. */
export interface LogChunk {
  /** Which stream it came from; always 'stdout' for a container with a TTY (the engine merges them). */
  stream: LogStreamName;
  text: string;
}

export interface LogOptions extends CallOptions {
  /** Keep the stream open and deliver new output until the container stops. */
  follow: boolean;
  /** Only the last N lines ('all' or undefined: everything). */
  tail?: number | 'all';
  /** Prefix each line with the engine's RFC 3339 nano timestamp and a space, as `docker logs -t` does. */
  timestamps?: boolean;
  /** Only output after this time: seconds since the epoch, fractions allowed. */
  since?: number;
}

/** One sample of a container's resource use, as the engine reports it (about once a second when streaming). */
export interface StatsSample {
  /** ISO time of the sample. */
  read: string;
  cpu: CpuCounters;
  /**
   * The previous sample's CPU counters (the engine includes them, so one sample gives a rate).
   * In the first sample of a stream there is no previous one: totalUsage 0, systemUsage undefined.
   */
  precpu: CpuCounters;
  memory: {
    usage: number;
    limit: number;
    /**
     * Page cache the kernel can reclaim; `docker stats` subtracts it (cgroup v1 total_inactive_file /
     * v2 inactive_file). 0 when not reported, or when it is not below `usage` (`docker stats` ignores it then).
     */
    inactiveFile: number;
  };
  /** Summed over all interfaces; undefined when the container has no network (network none). */
  network: { rxBytes: number; txBytes: number } | undefined;
  blockIo: { readBytes: number; writeBytes: number };
  /** `limit` is undefined when the container has no pids limit. */
  pids: { current: number; limit: number | undefined };
}

export interface CpuCounters {
  /** Total CPU time the container used, in ns. */
  totalUsage: number;
  /** Host CPU time in ns; undefined when the engine does not report it (e.g. some Podman versions). */
  systemUsage: number | undefined;
  /** online_cpus, else the length of percpu_usage, else 1 (as `docker stats` falls back). */
  onlineCpus: number;
}

export interface StatsOptions extends CallOptions {
  /** false: one sample (none if the container is not running), then the iterator ends. true: a sample about every second until aborted or the container stops. */
  stream: boolean;
}

/** One entry of an image's history, newest first, as `docker history` shows it. */
export interface ImageHistoryEntry {
  /** The image id of this step, or undefined where the engine says `<missing>` (steps of pulled images). */
  id: string | undefined;
  /** Seconds since the epoch. */
  created: number;
  /** The instruction that made it, e.g. `/bin/sh -c #(nop)  CMD ["sh"]` or `RUN /bin/sh -c make # buildkit`. */
  createdBy: string;
  /** Bytes this step added; 0 for steps that only changed metadata. */
  size: number;
  tags: string[];
  comment: string;
}

export type FileChangeKind = 'modified' | 'added' | 'deleted';

/** A path the container changed against its image (`docker diff`). */
export interface FileChange {
  path: string;
  kind: FileChangeKind;
}

/** Lifecycle actions on one container, as the CLI's verbs. */
export type ContainerAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill';

export interface ContainerActionOptions extends CallOptions {
  /** stop/restart: seconds to wait after SIGTERM before SIGKILL (the engine's default when undefined). */
  graceSeconds?: number;
}

export interface RemoveContainerOptions extends CallOptions {
  /** Stop a running container first (SIGKILL), as `docker rm -f`. */
  force?: boolean;
  /** Also remove its anonymous volumes, as `docker rm -v`. */
  volumes?: boolean;
}

/** What `docker system df` reports: sizes the explorer list does not carry. */
export interface DiskUsage {
  images: Array<{ id: string; size: number; sharedSize: number; containers: number }>;
  /** `sizeRw`: bytes in the container's writable layer. */
  containers: Array<{ id: string; sizeRw: number }>;
  /** `size` is -1 when the engine did not compute it; `refCount` is how many containers mount it. */
  volumes: Array<{ name: string; size: number; refCount: number }>;
  buildCache: Array<{ id: string; size: number; inUse: boolean; shared: boolean }>;
}

import type { ContainerCreateBody } from '../run/runOptions';
import type { BuildOptions, BuildRequest, BuildResult } from './build';
import type { RegistryCallOptions, RegistryResult } from './registry';
import type { DirectoryListing, ExtractResult, ListOptions, PackResult, PathStat, ReadFileOptions, TransferOptions } from './archive';
import type { AttachOptions, ExecSpec, InteractiveSession } from './session';

export type { AttachOptions, ExecSpec, InteractiveSession, SessionExit, SessionOutput } from './session';
export type { BuildEvent, BuildFailure, BuildOptions, BuildRequest, BuildResult } from './build';
export type { DirectoryEntry, DirectoryListing, ExtractResult, ListOptions, PackResult, PathKind, PathStat, ReadFileOptions, TransferOptions } from './archive';
export type { LayerProgress, RegistryAuth, RegistryCallOptions, RegistryEvent, RegistryProgress, RegistryResult } from './registry';

export type InspectTarget = 'container' | 'image' | 'volume' | 'network';

export type EngineEventType = 'container' | 'image' | 'volume' | 'network' | 'daemon' | 'plugin' | 'service' | 'node' | 'secret' | 'config' | 'builder' | 'other';

export interface EngineEvent {
  type: EngineEventType;
  /** The engine's action, e.g. "start", "die", "health_status: healthy". */
  action: string;
  /** The object's id (container id, image id or reference, volume name, network id). */
  id: string;
  attributes: Readonly<Record<string, string>>;
  /** Nanoseconds since the epoch, as the engine stamped it. */
  timeNano: bigint;
}

export interface EventStreamOptions extends CallOptions {
  /** Only events after this time (seconds since the epoch). */
  since?: number;
}

export interface ContainerEngine {
  ping(options?: CallOptions): Promise<void>;
  info(options?: CallOptions): Promise<EngineInfo>;
  listContainers(options?: CallOptions & { ids?: readonly string[] }): Promise<ContainerSummary[]>;
  listImages(options?: CallOptions): Promise<ImageSummary[]>;
  listVolumes(options?: CallOptions): Promise<VolumeSummary[]>;
  listNetworks(options?: CallOptions): Promise<NetworkSummary[]>;
  /** The engine's full inspect document, as JSON, for the Inspect view. */
  inspectContainer(id: string, options?: CallOptions): Promise<Record<string, unknown>>;
  /** The inspect document of any object: a container, image, volume (by name) or network. */
  inspect(target: InspectTarget, id: string, options?: CallOptions): Promise<Record<string, unknown>>;
  /**
   * A live stream of engine events. The iterator ends when the signal aborts (quietly) and throws
   * an `EngineError` when the connection is lost, so callers can reconnect. `timeoutMs` bounds only
   * the connection phase, never the stream itself.
   */
  events(options: EventStreamOptions): AsyncIterable<EngineEvent>;
  /**
   * A container's log, stdout and stderr kept apart (demultiplexed unless the container has a
   * TTY). Ends when the log is exhausted (or, with `follow`, when the container stops); ends
   * quietly on abort; throws an `EngineError` (e.g. not-found) otherwise. `timeoutMs` bounds only
   * the connection phase.
   */
  logs(id: string, options: LogOptions): AsyncIterable<LogChunk>;
  /**
   * Resource use samples. Ends when the container stops or the signal aborts (quietly); throws an
   * `EngineError` otherwise. A container that is not running yields no sample at all (the engine
   * reports it as an all-zero sample, which is dropped). `timeoutMs` bounds only the connection phase.
   */
  stats(id: string, options: StatsOptions): AsyncIterable<StatsSample>;
  /**
   * start, stop, restart, pause, unpause or kill a container. Asking for the state it is already in
   * (starting a running container, stopping a stopped one) succeeds quietly, as the CLI does.
   */
  containerAction(id: string, action: ContainerAction, options?: ContainerActionOptions): Promise<void>;
  removeContainer(id: string, options?: RemoveContainerOptions): Promise<void>;
  /** Renames a container; the engine refuses a name in use (409) or an invalid one (400). */
  renameContainer(id: string, name: string, options?: CallOptions): Promise<void>;
  /** Sizes of images, containers' writable layers, volumes and the build cache. Can take seconds on a big engine. */
  diskUsage(options?: CallOptions): Promise<DiskUsage>;
  /** Removes an image by id or reference; the engine refuses one in use (409) unless forced. */
  removeImage(idOrRef: string, options?: CallOptions & { force?: boolean }): Promise<void>;
  /** Adds a `repo:tag` reference to an image. */
  tagImage(idOrRef: string, repository: string, tag: string, options?: CallOptions): Promise<void>;
  removeVolume(name: string, options?: CallOptions): Promise<void>;
  removeNetwork(id: string, options?: CallOptions): Promise<void>;
  /** Removes the build cache no build uses; returns the bytes reclaimed. */
  pruneBuildCache(options?: CallOptions): Promise<number>;
  /**
   * Builds an image from a folder, streaming it as a tar that honours `.dockerignore`. Progress
   * arrives as events; a failed build resolves with `error` (the engine's message and the step).
   * Aborting the signal stops the build on the engine.
   */
  buildImage(request: BuildRequest, options: BuildOptions): Promise<BuildResult>;
  /** `docker pull`: per-layer progress; a RegistryError (with a reason) when refused, CancelledError on abort. */
  pullImage(reference: string, options?: RegistryCallOptions): Promise<RegistryResult>;
  /** `docker push` of one tag (latest when none); the same errors as pullImage. */
  pushImage(reference: string, options?: RegistryCallOptions): Promise<RegistryResult>;
  /** A path in a container (running or not), through the archive API: no shell needed. */
  statPath(containerId: string, path: string, options?: CallOptions): Promise<PathStat>;
  /** The direct children of a folder in a container (the API sends the subtree: capped, see `truncated`). */
  readDirectory(containerId: string, path: string, options?: ListOptions): Promise<DirectoryListing>;
  readFile(containerId: string, path: string, options?: ReadFileOptions): Promise<Uint8Array>;
  /** Writes a file, keeping an existing file's mode and owner. */
  writeFile(containerId: string, path: string, content: Uint8Array, options?: CallOptions): Promise<void>;
  createDirectory(containerId: string, path: string, options?: CallOptions): Promise<void>;
  /** `docker cp container:path hostDir`; entries that would land outside hostDir are refused. */
  copyFromContainer(containerId: string, containerPath: string, hostDir: string, options?: TransferOptions): Promise<ExtractResult>;
  /** `docker cp hostPath container:dir`. */
  copyToContainer(containerId: string, hostPath: string, containerDir: string, options?: TransferOptions): Promise<PackResult>;
  /** Creates a container from a ContainerCreate body (see `toCreateOptions`); the engine's warnings come back too. */
  createContainer(body: ContainerCreateBody, name: string | undefined, options?: CallOptions & { platform?: string }): Promise<{ id: string; warnings: string[] }>;
  /** Runs a command in a running container with a hijacked stdin/stdout stream (`docker exec -i [-t]`). */
  openExec(containerId: string, spec: ExecSpec, options?: CallOptions): Promise<InteractiveSession>;
  /** Attaches to a container's main process (`docker attach`); with `start`, attaches and then starts it (`docker start -a`). */
  openAttach(containerId: string, options?: AttachOptions): Promise<InteractiveSession>;
  /** The container's shell: bash when it has one, else sh; a SessionError ("no-shell") when neither. */
  shellFor(containerId: string, options?: CallOptions): Promise<string[]>;
  /** `docker history`: the steps that made an image, newest first. */
  imageHistory(id: string, options?: CallOptions): Promise<ImageHistoryEntry[]>;
  /** `docker diff`: files added, changed or deleted in the container's writable layer. */
  containerChanges(id: string, options?: CallOptions): Promise<FileChange[]>;
  /** Releases sockets and agents. */
  dispose(): void;
}
