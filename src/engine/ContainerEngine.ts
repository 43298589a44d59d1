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
  /** Releases sockets and agents. */
  dispose(): void;
}
