/**
 * The dockerode implementation of `ContainerEngine`. This is the only module that imports
 * dockerode; it is loaded on first use because requiring dockerode costs ~200 ms.
 */
import Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { CallOptions, ContainerEngine, ContainerSummary, EngineEvent, EngineInfo, EventStreamOptions, ImageSummary, InspectTarget, NetworkSummary, VolumeSummary } from './ContainerEngine';
import { CancelledError, EngineUnavailableError, classifyError } from './errors';
import { JsonLineSplitter, toContainerSummary, toEngineEvent, toEngineInfo, toImageSummary, toNetworkSummary, toVolumeSummary } from './mappers';
import type { RawContainer, RawEvent, RawImage, RawInfo, RawNetwork, RawVersion, RawVolume } from './mappers';

export interface DockerodeEngineOptions {
  /** docker-modem constructor options (socketPath, host/port/protocol, TLS material, ssh). */
  modem: Record<string, unknown>;
  defaultTimeoutMs: number;
}

/**
 * A signal that fires on the caller's cancellation or on our timeout, whichever comes first, and
 * remembers which. Hand-rolled rather than `AbortSignal.any` so the listener on a long-lived
 * parent signal is removed as soon as the call settles.
 */
class CallScope {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onParentAbort = (): void => this.controller.abort();
  timedOut = false;

  constructor(
    private readonly parent: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ) {
    if (parent?.aborted) {
      this.controller.abort();
    } else {
      parent?.addEventListener('abort', this.onParentAbort, { once: true });
    }
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.controller.abort();
      }, timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Ends the timeout but keeps following the parent's cancellation (for streams). */
  stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  dispose(): void {
    this.stopTimer();
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

export class DockerodeEngine implements ContainerEngine {
  private readonly docker: Docker;
  private readonly defaultTimeoutMs: number;

  constructor(options: DockerodeEngineOptions) {
    this.docker = new Docker(options.modem);
    this.defaultTimeoutMs = options.defaultTimeoutMs;
  }

  private async call<T>(options: CallOptions | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (options?.signal?.aborted) {
      throw new CancelledError();
    }
    const timeoutMs = options?.timeoutMs ?? this.defaultTimeoutMs;
    const scope = new CallScope(options?.signal, timeoutMs);
    try {
      return await fn(scope.signal);
    } catch (error) {
      throw classifyError(error, { timedOut: scope.timedOut, timeoutMs });
    } finally {
      scope.dispose();
    }
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
      const raw = (await this.docker.listContainers(query)) as RawContainer[];
      return raw.map(toContainerSummary);
    });
  }

  listImages(options?: CallOptions): Promise<ImageSummary[]> {
    return this.call(options, async (abortSignal) => {
      const raw = (await this.docker.listImages({ all: false, abortSignal } as Docker.ListImagesOptions)) as RawImage[];
      return raw.map(toImageSummary);
    });
  }

  listVolumes(options?: CallOptions): Promise<VolumeSummary[]> {
    return this.call(options, async (abortSignal) => {
      const raw = (await this.docker.listVolumes({ abortSignal } as object)) as { Volumes?: RawVolume[] | null };
      return (raw.Volumes ?? []).map(toVolumeSummary);
    });
  }

  listNetworks(options?: CallOptions): Promise<NetworkSummary[]> {
    return this.call(options, async (abortSignal) => {
      const raw = (await this.docker.listNetworks({ abortSignal } as object)) as RawNetwork[];
      return raw.map(toNetworkSummary);
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

  async *events(options: EventStreamOptions): AsyncIterable<EngineEvent> {
    if (options.signal?.aborted) {
      return;
    }
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const scope = new CallScope(options.signal, timeoutMs);
    let stream: Readable;
    try {
      const query: Record<string, unknown> = { abortSignal: scope.signal };
      if (options.since !== undefined) query.since = String(options.since);
      stream = (await this.docker.getEvents(query)) as unknown as Readable;
    } catch (error) {
      scope.dispose();
      const classified = classifyError(error, { timedOut: scope.timedOut, timeoutMs });
      if (classified instanceof CancelledError) return;
      throw classified;
    }
    // The stream is meant to live until cancelled: only the connection phase is timed.
    scope.stopTimer();
    // Decode across chunk boundaries, so a multi-byte character split between chunks survives.
    stream.setEncoding('utf8');
    const onAbort = (): void => {
      stream.destroy();
    };
    scope.signal.addEventListener('abort', onAbort, { once: true });
    const splitter = new JsonLineSplitter();
    try {
      for await (const chunk of stream) {
        for (const line of splitter.push(chunk as string)) {
          const event = parseEvent(line);
          if (event) yield event;
        }
      }
    } catch (error) {
      if (scope.signal.aborted) return;
      throw classifyError(error);
    } finally {
      scope.signal.removeEventListener('abort', onAbort);
      scope.dispose();
      stream.destroy();
    }
    if (!scope.signal.aborted) {
      // The engine closed the stream: it stopped or restarted. Callers reconnect on this.
      throw new EngineUnavailableError('connection-lost', 'The engine closed the event stream.');
    }
  }

  dispose(): void {
    const agent = (this.docker.modem as { agent?: { destroy?: () => void } }).agent;
    agent?.destroy?.();
  }
}

function parseEvent(line: string): EngineEvent | undefined {
  try {
    return toEngineEvent(JSON.parse(line) as RawEvent);
  } catch {
    return undefined;
  }
}
