/**
 * The dockerode implementation of `ContainerEngine`. This is the only module that imports
 * dockerode; it is loaded on first use because requiring dockerode costs ~200 ms.
 */
import { setMaxListeners } from 'node:events';
import Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type {
  CallOptions,
  ContainerAction,
  ContainerActionOptions,
  ContainerEngine,
  ContainerSummary,
  DiskUsage,
  EngineEvent,
  EngineInfo,
  EventStreamOptions,
  FileChange,
  ImageHistoryEntry,
  ImageSummary,
  InspectTarget,
  LogChunk,
  LogOptions,
  NetworkSummary,
  RemoveContainerOptions,
  StatsOptions,
  StatsSample,
  VolumeSummary,
} from './ContainerEngine';
import { CallScope, withCallScope } from './callScope';
import { CancelledError, EngineUnavailableError, RequestFailedError, classifyError } from './errors';
import { openAttach, openExec, shellFor } from './session';
import { createContainer } from './run';
import { buildImage } from './build';
import * as archive from './archive';
import type { DirectoryListing, ExtractResult, ListOptions, PackResult, PathStat, ReadFileOptions, TransferOptions } from './archive';
import { pullImage, pushImage } from './registry';
import type { RegistryCallOptions, RegistryResult } from './registry';
import type { BuildOptions, BuildRequest, BuildResult } from './build';
import type { ContainerCreateBody } from '../run/runOptions';
import type { AttachOptions, ExecSpec, InteractiveSession } from './session';
import {
  JsonLineSplitter,
  LogDemuxer,
  isEmptyStatsSample,
  toContainerSummary,
  toDiskUsage,
  toEngineEvent,
  toEngineInfo,
  toFileChange,
  toImageHistoryEntry,
  toImageSummary,
  toNetworkSummary,
  toStatsSample,
  toVolumeSummary,
} from './mappers';
import type { RawChange, RawContainer, RawDiskUsage, RawEvent, RawHistoryEntry, RawImage, RawInfo, RawNetwork, RawStats, RawVersion, RawVolume } from './mappers';

export interface DockerodeEngineOptions {
  /** docker-modem constructor options (socketPath, host/port/protocol, TLS material, ssh). */
  modem: Record<string, unknown>;
  defaultTimeoutMs: number;
}

/**
 * A list answer as a list. docker-modem hands over a 200 body that is not JSON as a Buffer (an
 * address that is some other HTTP server, a proxy's page): that is a failed request, not data.
 */
function listOf<T>(raw: unknown, what: string): T[] {
  if (Array.isArray(raw)) return raw.filter((item): item is T => typeof item === 'object' && item !== null);
  throw new RequestFailedError(undefined, `The engine answered the list of ${what} with something that is not a list. Is the address an engine's?`);
}

export class DockerodeEngine implements ContainerEngine {
  private readonly docker: Docker;
  private readonly defaultTimeoutMs: number;
  /** Aborted by dispose(): the requests and read streams (events, logs, stats) still open end with it. */
  private readonly lifetime = new AbortController();

  constructor(options: DockerodeEngineOptions) {
    // Every call and stream listens to the lifetime: many at once is normal, not a leak.
    setMaxListeners(0, this.lifetime.signal);
    this.docker = new Docker(options.modem);
    this.defaultTimeoutMs = options.defaultTimeoutMs;
  }

  private call<T>(options: CallOptions | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withCallScope(options ?? {}, this.defaultTimeoutMs, fn, this.lifetime.signal);
  }

  ping(options?: CallOptions): Promise<void> {
    return this.call(options, async (abortSignal) => {
      await (this.docker.ping as (o: object) => Promise<unknown>).call(this.docker, { abortSignal });
    });
  }

  info(options?: CallOptions): Promise<EngineInfo> {
    return this.call(options, async (abortSignal) => {
      const [version, info] = await Promise.all([
        (this.docker.version as (o: object) => Promise<RawVersion>).call(this.docker, { abortSignal }),
        (this.docker.info as (o: object) => Promise<RawInfo>).call(this.docker, { abortSignal }),
      ]);
      return toEngineInfo(version, info);
    });
  }

  listContainers(options?: CallOptions & { ids?: readonly string[] }): Promise<ContainerSummary[]> {
    return this.call(options, async (abortSignal) => {
      const query: Docker.ContainerListOptions & { abortSignal: AbortSignal } = { all: true, abortSignal };
      if (options?.ids) {
        if (options.ids.length === 0) return [];
        query.filters = JSON.stringify({ id: options.ids });
      }
      return listOf<RawContainer>(await this.docker.listContainers(query), 'containers').map(toContainerSummary);
    });
  }

  listImages(options?: CallOptions): Promise<ImageSummary[]> {
    return this.call(options, async (abortSignal) => {
      return listOf<RawImage>(await this.docker.listImages({ all: false, abortSignal } as Docker.ListImagesOptions), 'images').map(toImageSummary);
    });
  }

  listVolumes(options?: CallOptions): Promise<VolumeSummary[]> {
    return this.call(options, async (abortSignal) => {
      const raw = (await this.docker.listVolumes({ abortSignal } as object)) as { Volumes?: unknown } | null;
      return listOf<RawVolume>(typeof raw === 'object' && raw !== null && !Buffer.isBuffer(raw) ? (raw.Volumes ?? []) : raw, 'volumes').map(toVolumeSummary);
    });
  }

  listNetworks(options?: CallOptions): Promise<NetworkSummary[]> {
    return this.call(options, async (abortSignal) => {
      return listOf<RawNetwork>(await this.docker.listNetworks({ abortSignal } as object), 'networks').map(toNetworkSummary);
    });
  }

  inspect(target: InspectTarget, id: string, options?: CallOptions): Promise<Record<string, unknown>> {
    return this.call(options, async (abortSignal) => {
      const o = { abortSignal };
      switch (target) {
        case 'container':
          return (await this.docker.getContainer(id).inspect(o)) as unknown as Record<string, unknown>;
        case 'image':
          return (await (this.docker.getImage(id).inspect as (o: object) => Promise<unknown>).call(this.docker.getImage(id), o)) as Record<string, unknown>;
        case 'volume':
          return (await (this.docker.getVolume(id).inspect as (o: object) => Promise<unknown>).call(this.docker.getVolume(id), o)) as Record<string, unknown>;
        case 'network':
          return (await (this.docker.getNetwork(id).inspect as (o: object) => Promise<unknown>).call(this.docker.getNetwork(id), o)) as Record<string, unknown>;
      }
    });
  }

  inspectContainer(id: string, options?: CallOptions): Promise<Record<string, unknown>> {
    return this.call(options, async (abortSignal) => (await this.docker.getContainer(id).inspect({ abortSignal })) as unknown as Record<string, unknown>);
  }

  /**
   * The connection phase of a long-lived response, timed and cancellable. Undefined when the
   * caller cancelled before the response came: streams end quietly on cancellation.
   */
  private async openStream(options: CallOptions, open: (signal: AbortSignal) => Promise<Readable>): Promise<OpenStream | undefined> {
    if (options.signal?.aborted) {
      return undefined;
    }
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const scope = new CallScope(options.signal, timeoutMs, this.lifetime.signal);
    let stream: Readable;
    try {
      stream = await open(scope.signal);
    } catch (error) {
      scope.dispose();
      const classified = classifyError(error, { timedOut: scope.timedOut, timeoutMs });
      if (classified instanceof CancelledError) return undefined;
      throw classified;
    }
    // The stream lives until it ends or is cancelled: only the connection phase is timed.
    scope.stopTimer();
    return { stream, scope };
  }

  /**
   * The chunks of an opened stream until it ends. On cancellation it stops quietly (callers tell
   * by `scope.signal.aborted`); a failed connection throws a classified error. The stream is
   * destroyed however the loop ends, including when the consumer stops iterating early.
   */
  private async *readStream({ stream, scope }: OpenStream): AsyncGenerator<unknown, void> {
    const onAbort = (): void => {
      stream.destroy();
    };
    scope.signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (scope.signal.aborted) return;
      for await (const chunk of stream) {
        yield chunk;
      }
    } catch (error) {
      if (scope.signal.aborted) return;
      throw classifyError(error);
    } finally {
      scope.signal.removeEventListener('abort', onAbort);
      scope.dispose();
      stream.destroy();
    }
  }

  /** A GET through docker-modem, for endpoints dockerode does not expose the way we need them. */
  private dial<T>(path: string, query: Record<string, unknown> | undefined, abortSignal: AbortSignal, isStream: boolean, statusCodes: Record<number, string | boolean>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const request: Parameters<Docker['modem']['dial']>[0] = { path, method: 'GET', isStream, abortSignal, statusCodes };
      if (query) request.options = query;
      this.docker.modem.dial(request, (error, data) => (error ? reject(error) : resolve(data as T)));
    });
  }

  async *events(options: EventStreamOptions): AsyncIterable<EngineEvent> {
    const opened = await this.openStream(options, async (abortSignal) => {
      const query: Record<string, unknown> = { abortSignal };
      if (options.since !== undefined) query.since = String(options.since);
      return (await this.docker.getEvents(query)) as unknown as Readable;
    });
    if (!opened) return;
    // Decode across chunk boundaries, so a multi-byte character split between chunks survives.
    opened.stream.setEncoding('utf8');
    const splitter = new JsonLineSplitter();
    for await (const chunk of this.readStream(opened)) {
      for (const line of splitter.push(chunk as string)) {
        const event = parseEvent(line);
        if (event) yield event;
      }
    }
    if (!opened.scope.signal.aborted) {
      // The engine closed the stream: it stopped or restarted. Callers reconnect on this.
      throw new EngineUnavailableError('connection-lost', 'The engine closed the event stream.');
    }
  }

  async *logs(id: string, options: LogOptions): AsyncIterable<LogChunk> {
    let tty = false;
    const opened = await this.openStream(options, async (abortSignal) => {
      // The body is multiplexed unless the container has a TTY, and nothing in the body says which.
      const inspected = (await this.docker.getContainer(id).inspect({ abortSignal })) as { Config?: { Tty?: boolean } | null };
      tty = inspected.Config?.Tty === true;
      // Always as a stream: dockerode buffers a log without follow, and even JSON-parses it.
      return this.dial<Readable>(`/containers/${encodeURIComponent(id)}/logs?`, logQuery(options), abortSignal, true, CONTAINER_STATUS);
    });
    if (!opened) return;
    const demuxer = new LogDemuxer(tty ? 'raw' : 'multiplexed');
    for await (const chunk of this.readStream(opened)) {
      yield* demuxer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    }
    if (opened.scope.signal.aborted) return;
    // The log is exhausted or, when following, the container stopped.
    yield* demuxer.end();
  }

  async *stats(id: string, options: StatsOptions): AsyncIterable<StatsSample> {
    const opened = await this.openStream(options, (abortSignal) =>
      this.dial<Readable>(`/containers/${encodeURIComponent(id)}/stats?`, { stream: options.stream }, abortSignal, true, CONTAINER_STATUS),
    );
    if (!opened) return;
    opened.stream.setEncoding('utf8');
    for await (const line of this.jsonLines(opened)) {
      const raw = parseJson<RawStats>(line);
      if (!raw) continue;
      // Docker reports a container that is not running as an all-zero sample, once a second, forever.
      if (isEmptyStatsSample(raw)) return;
      yield toStatsSample(raw);
      if (!options.stream) return;
    }
  }

  /** The lines of a stream of JSON documents, the last one even without its newline. */
  private async *jsonLines(opened: OpenStream): AsyncGenerator<string, void> {
    const splitter = new JsonLineSplitter();
    for await (const chunk of this.readStream(opened)) {
      yield* splitter.push(chunk as string);
    }
    if (!opened.scope.signal.aborted) yield* splitter.flush();
  }

  imageHistory(id: string, options?: CallOptions): Promise<ImageHistoryEntry[]> {
    return this.call(options, async (abortSignal) => {
      // dockerode's Image.history takes no options, so it could not be cancelled.
      const raw = await this.dial<unknown>(`/images/${id}/history`, undefined, abortSignal, false, { 200: true, 404: 'no such image', 500: 'server error' });
      return (Array.isArray(raw) ? (raw as RawHistoryEntry[]) : []).map(toImageHistoryEntry);
    });
  }

  containerChanges(id: string, options?: CallOptions): Promise<FileChange[]> {
    return this.call(options, async (abortSignal) => {
      // The engine sends `null` for no changes, which docker-modem hands back as the raw body.
      const raw = (await this.docker.getContainer(id).changes({ abortSignal })) as unknown;
      return (Array.isArray(raw) ? (raw as RawChange[]) : []).map(toFileChange).filter((c): c is FileChange => c !== undefined);
    });
  }

  async containerAction(id: string, action: ContainerAction, options?: ContainerActionOptions): Promise<void> {
    const grace = options?.graceSeconds;
    const waits = action === 'stop' || action === 'restart';
    // stop and restart wait for the container's grace period (given, or its own --stop-timeout,
    // else the engine's 10 s): time the call beyond it.
    let waitSeconds = grace ?? 10;
    if (waits && grace === undefined && options?.timeoutMs === undefined) {
      const info = await this.inspect('container', id, options);
      const own = (info.Config as { StopTimeout?: unknown } | undefined)?.StopTimeout;
      if (typeof own === 'number' && own >= 0) waitSeconds = own;
    }
    const timeoutMs = options?.timeoutMs ?? (waits ? this.defaultTimeoutMs + waitSeconds * 1000 : undefined);
    try {
      await this.call({ ...options, ...(timeoutMs === undefined ? {} : { timeoutMs }) }, async (abortSignal) => {
        const container = this.docker.getContainer(id);
        const query: Record<string, unknown> = { abortSignal };
        if (grace !== undefined && (action === 'stop' || action === 'restart')) query.t = grace;
        await (container[action] as (o: object) => Promise<unknown>).call(container, query);
      });
    } catch (error) {
      // 304: already in that state. Pausing a paused container is a 409 the CLI also reports;
      // only 304 means "nothing to do".
      if (error instanceof RequestFailedError && error.statusCode === 304) return;
      throw error;
    }
  }

  removeContainer(id: string, options?: RemoveContainerOptions): Promise<void> {
    return this.call(options, async (abortSignal) => {
      await this.docker.getContainer(id).remove({ force: options?.force === true, v: options?.volumes === true, abortSignal } as object);
    });
  }

  renameContainer(id: string, name: string, options?: CallOptions): Promise<void> {
    return this.call(options, async (abortSignal) => {
      await (this.docker.getContainer(id).rename as (o: object) => Promise<unknown>).call(this.docker.getContainer(id), { name, abortSignal });
    });
  }

  diskUsage(options?: CallOptions): Promise<DiskUsage> {
    return this.call(options, async (abortSignal) => toDiskUsage((await (this.docker.df as (o: object) => Promise<unknown>).call(this.docker, { abortSignal })) as RawDiskUsage));
  }

  removeImage(idOrRef: string, options?: CallOptions & { force?: boolean }): Promise<void> {
    return this.call(options, async (abortSignal) => {
      await this.docker.getImage(idOrRef).remove({ force: options?.force === true, abortSignal } as object);
    });
  }

  tagImage(idOrRef: string, repository: string, tag: string, options?: CallOptions): Promise<void> {
    return this.call(options, async (abortSignal) => {
      await (this.docker.getImage(idOrRef).tag as (o: object) => Promise<unknown>).call(this.docker.getImage(idOrRef), { repo: repository, tag, abortSignal });
    });
  }

  removeVolume(name: string, options?: CallOptions): Promise<void> {
    return this.call(options, async (abortSignal) => {
      await (this.docker.getVolume(name).remove as (o: object) => Promise<unknown>).call(this.docker.getVolume(name), { abortSignal });
    });
  }

  removeNetwork(id: string, options?: CallOptions): Promise<void> {
    return this.call(options, async (abortSignal) => {
      await (this.docker.getNetwork(id).remove as (o: object) => Promise<unknown>).call(this.docker.getNetwork(id), { abortSignal });
    });
  }

  pruneBuildCache(options?: CallOptions): Promise<number> {
    return this.call(options, async (abortSignal) => {
      const result = (await (this.docker.pruneBuilder as (o: object) => Promise<unknown>).call(this.docker, { abortSignal })) as { SpaceReclaimed?: number } | null;
      return result?.SpaceReclaimed ?? 0;
    });
  }

  buildImage(request: BuildRequest, options: BuildOptions): Promise<BuildResult> {
    return buildImage(this.docker, request, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  pullImage(reference: string, options: RegistryCallOptions = {}): Promise<RegistryResult> {
    return pullImage(this.docker, reference, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  pushImage(reference: string, options: RegistryCallOptions = {}): Promise<RegistryResult> {
    return pushImage(this.docker, reference, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  statPath(containerId: string, path: string, options?: CallOptions): Promise<PathStat> {
    return archive.statPath(this.docker, containerId, path, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  readDirectory(containerId: string, path: string, options?: ListOptions): Promise<DirectoryListing> {
    return archive.readDirectory(this.docker, containerId, path, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  readFile(containerId: string, path: string, options?: ReadFileOptions): Promise<Uint8Array> {
    return archive.readFile(this.docker, containerId, path, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  writeFile(containerId: string, path: string, content: Uint8Array, options?: CallOptions): Promise<void> {
    return archive.writeFile(this.docker, containerId, path, content, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  createDirectory(containerId: string, path: string, options?: CallOptions): Promise<void> {
    return archive.createDirectory(this.docker, containerId, path, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  copyFromContainer(containerId: string, containerPath: string, hostDir: string, options?: TransferOptions): Promise<ExtractResult> {
    return archive.copyFromContainer(this.docker, containerId, containerPath, hostDir, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  copyToContainer(containerId: string, hostPath: string, containerDir: string, options?: TransferOptions): Promise<PackResult> {
    return archive.copyToContainer(this.docker, containerId, hostPath, containerDir, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  createContainer(body: ContainerCreateBody, name: string | undefined, options?: CallOptions & { platform?: string }): Promise<{ id: string; warnings: string[] }> {
    return createContainer(this.docker, body, name, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  openExec(containerId: string, spec: ExecSpec, options?: CallOptions): Promise<InteractiveSession> {
    return openExec(this.docker, containerId, spec, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  openAttach(containerId: string, options?: AttachOptions): Promise<InteractiveSession> {
    return openAttach(this.docker, containerId, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  shellFor(containerId: string, options?: CallOptions): Promise<string[]> {
    return shellFor(this.docker, containerId, { timeoutMs: this.defaultTimeoutMs, ...options });
  }

  /**
   * Ends the engine's requests and read streams (the views that use them start over on the next
   * engine). Work the user started (builds, pulls and pushes, file copies, terminals) has its own
   * connection and is left to finish.
   */
  dispose(): void {
    // The agent is not destroyed: that would cut the user's builds, pulls and copies too. Its
    // sockets are not pooled, so none stays open once those end.
    this.lifetime.abort();
  }
}

interface OpenStream {
  stream: Readable;
  scope: CallScope;
}

const CONTAINER_STATUS = { 200: true, 404: 'no such container', 500: 'server error' };

/** An object parsed from a line, or undefined so that a bad line never breaks a stream. */
function parseJson<T>(line: string): T | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

function parseEvent(line: string): EngineEvent | undefined {
  const raw = parseJson<RawEvent>(line);
  return raw ? toEngineEvent(raw) : undefined;
}

/** Seconds with fractions in the engine's "seconds.nanoseconds" form (never exponent notation). */
function engineTimestamp(seconds: number): string {
  let whole = Math.floor(Math.max(0, seconds));
  let nanos = Math.round((Math.max(0, seconds) - whole) * 1e9);
  if (nanos >= 1e9) {
    whole += 1;
    nanos = 0;
  }
  return nanos === 0 ? String(whole) : `${whole}.${String(nanos).padStart(9, '0')}`;
}

function logQuery(options: LogOptions): Record<string, unknown> {
  const query: Record<string, unknown> = { follow: options.follow, stdout: true, stderr: true, timestamps: options.timestamps === true };
  if (typeof options.tail === 'number') query.tail = String(Math.max(0, Math.floor(options.tail)));
  if (options.since !== undefined) query.since = engineTimestamp(options.since);
  return query;
}
