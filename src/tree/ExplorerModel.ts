/**
 * The explorer's cached view of the engine, kept current by the engine's event stream. One model
 * serves every view, so there is one stream per engine. It talks to the engine only while a view
 * is visible (`setActive`), and after a lost stream it reconnects with backoff and resyncs fully.
 *
 * No `vscode` import: the engine integration tests drive this class against a real dockerd.
 */
import type { ContainerEngine, ContainerSummary, EngineEvent, ImageSummary, NetworkSummary, VolumeSummary } from '../engine/ContainerEngine';
import { CancelledError, classifyError } from '../engine/errors';
import type { AnyEngineError } from '../engine/errors';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export interface Disposable {
  dispose(): void;
}

export type ModelStatus = 'idle' | 'connecting' | 'ready' | 'unavailable';

export interface ModelChange {
  /** Container ids that changed, or 'all' after a full sync. */
  containers?: ReadonlySet<string> | 'all';
  images?: boolean;
  volumes?: boolean;
  networks?: boolean;
  status?: boolean;
  /** The engine timestamps (ns) of the events this change reflects; for latency measurements. */
  eventTimes?: readonly bigint[];
}

export interface ExplorerModelOptions {
  /** Trailing debounce that batches bursts of events into one engine call. */
  debounceMs: number;
  /** Above this many changed containers in one batch, a full list is cheaper than a filtered one. */
  fullListThreshold: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_MODEL_OPTIONS: ExplorerModelOptions = {
  debounceMs: 20,
  fullListThreshold: 100,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
};

/** Container actions after which the container no longer exists. */
const GONE_ACTIONS = new Set(['destroy']);
/**
 * Container actions that cannot change what the list shows (exec_* is frequent with health checks).
 * `kill` only sends a signal: if the container stops, a `die` follows.
 */
const QUIET_ACTION = /^(exec_create|exec_start|exec_die|exec_detach|attach|detach|resize|top|archive-path|extract-to-dir|export|copy|commit|kill)\b/;
/** How long a network connect to a container being started waits for the start event that follows it. */
const CONNECT_BEFORE_START_MS = 1000;

export class ExplorerModel implements Disposable {
  private readonly containerMap = new Map<string, ContainerSummary>();
  private imageList: ImageSummary[] = [];
  private volumeList: VolumeSummary[] = [];
  private networkList: NetworkSummary[] = [];
  private statusValue: ModelStatus = 'idle';
  private lastError: AnyEngineError | undefined;
  private readonly listeners = new Set<(change: ModelChange) => void>();

  private active = false;
  /** Whether a view is visible, and how many detail views (logs) need the event stream. */
  private viewsVisible = false;
  private holds = 0;
  private readonly eventListeners = new Set<(event: EngineEvent) => void>();
  private session: AbortController | undefined;
  private synced = false;

  /** Containers to re-list, with the last action seen for each (to check the list agrees). */
  private readonly dirtyContainers = new Map<string, string>();
  /** How often each container was re-listed because the engine's list lagged its event. */
  private readonly recheckAttempts = new Map<string, number>();
  private readonly goneContainers = new Set<string>();
  /** Network connects to not-yet-started containers, waiting to see whether their start event covers them. */
  private readonly deferredConnects = new Map<string, NodeJS.Timeout>();
  private imagesDirty = false;
  private volumesDirty = false;
  private networksDirty = false;
  private pendingEventTimes: bigint[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private wakeRetry: (() => void) | undefined;

  constructor(
    private readonly getEngine: () => Promise<ContainerEngine>,
    private readonly log: Logger,
    private readonly options: ExplorerModelOptions = DEFAULT_MODEL_OPTIONS,
  ) {}

  get status(): ModelStatus {
    return this.statusValue;
  }

  get error(): AnyEngineError | undefined {
    return this.lastError;
  }

  /** True once a full list has succeeded since the last (re)connection. */
  get isSynced(): boolean {
    return this.synced;
  }

  get containers(): ReadonlyMap<string, ContainerSummary> {
    return this.containerMap;
  }

  get images(): readonly ImageSummary[] {
    return this.imageList;
  }

  get volumes(): readonly VolumeSummary[] {
    return this.volumeList;
  }

  get networks(): readonly NetworkSummary[] {
    return this.networkList;
  }

  onDidChange(listener: (change: ModelChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Every engine event, as it arrives, for detail views that react to one container (the logs view
   * follows a restart). Listeners only hear events while the model is active: see `hold`.
   */
  onEngineEvent(listener: (event: EngineEvent) => void): Disposable {
    this.eventListeners.add(listener);
    return { dispose: () => this.eventListeners.delete(listener) };
  }

  /** Keeps the event stream running while the returned handle lives, even with no view visible. */
  hold(): Disposable {
    this.holds++;
    this.updateActive();
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        this.holds--;
        this.updateActive();
      },
    };
  }

  /** Starts following the engine while any view is visible, and stops all engine traffic when none is. */
  setActive(visible: boolean): void {
    this.viewsVisible = visible;
    this.updateActive();
  }

  private updateActive(): void {
    const active = this.viewsVisible || this.holds > 0;
    if (active === this.active) return;
    this.active = active;
    if (active) {
      this.startSession();
    } else {
      this.stopSession();
    }
  }

  /** Drops the connection and resyncs from scratch: for Refresh, Retry and engine changes. */
  restart(): void {
    this.stopSession();
    if (this.active) this.startSession();
  }

  dispose(): void {
    this.active = false;
    this.stopSession();
    this.listeners.clear();
    this.eventListeners.clear();
  }

  private emit(change: ModelChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.log.error(error instanceof Error ? error : String(error));
      }
    }
  }

  private setStatus(status: ModelStatus, error?: AnyEngineError): void {
    if (status === this.statusValue && error === this.lastError) return;
    this.statusValue = status;
    this.lastError = error;
    this.emit({ status: true });
  }

  private startSession(): void {
    const session = new AbortController();
    this.session = session;
    void this.follow(session.signal);
  }

  private stopSession(): void {
    this.session?.abort();
    this.session = undefined;
    this.synced = false;
    this.wakeRetry?.();
    this.dropPendingRefresh();
    if (this.statusValue !== 'unavailable') this.setStatus('idle');
  }

  /** Forgets the events not yet applied: a full sync covers them. */
  private dropPendingRefresh(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.dirtyContainers.clear();
    this.recheckAttempts.clear();
    this.goneContainers.clear();
    for (const timer of this.deferredConnects.values()) clearTimeout(timer);
    this.deferredConnects.clear();
    this.imagesDirty = false;
    this.volumesDirty = false;
    this.networksDirty = false;
    this.pendingEventTimes = [];
  }

  /** An event about the container itself makes a deferred connect refresh unnecessary. */
  private settleDeferredConnect(id: string): void {
    const timer = this.deferredConnects.get(id);
    if (timer) clearTimeout(timer);
    this.deferredConnects.delete(id);
  }

  /** Connect, list everything, then apply events until the stream breaks; repeat with backoff. */
  private async follow(signal: AbortSignal): Promise<void> {
    let delay = this.options.backoffInitialMs;
    while (!signal.aborted) {
      try {
        if (this.statusValue !== 'unavailable') this.setStatus('connecting');
        const engine = await this.getEngine();
        // Replaying from just before the list closes the gap between listing and subscribing.
        const since = Math.floor(Date.now() / 1000) - 1;
        await this.fullSync(engine, signal);
        delay = this.options.backoffInitialMs;
        for await (const event of engine.events({ signal, since })) {
          this.onEvent(event, engine, signal);
        }
      } catch (error) {
        const classified = classifyError(error);
        if (signal.aborted || classified instanceof CancelledError) return;
        this.synced = false;
        // The resync after reconnecting lists everything; a pending refresh would poll a dead engine.
        this.dropPendingRefresh();
        this.log.warn(`Engine connection: ${classified.message}; retrying in ${delay} ms`);
        this.setStatus(classified.kind === 'unavailable' ? 'unavailable' : this.statusValue === 'ready' ? 'connecting' : 'unavailable', classified);
      }
      if (signal.aborted) return;
      await this.sleep(delay, signal);
      delay = Math.min(delay * 2, this.options.backoffMaxMs);
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeRetry = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wakeRetry = done;
    });
  }

  private async fullSync(engine: ContainerEngine, signal: AbortSignal): Promise<void> {
    const [containers, images, volumes, networks] = await Promise.all([
      engine.listContainers({ signal }),
      engine.listImages({ signal }),
      engine.listVolumes({ signal }),
      engine.listNetworks({ signal }),
    ]);
    if (signal.aborted) return;
    this.containerMap.clear();
    for (const c of containers) this.containerMap.set(c.id, c);
    this.imageList = images;
    this.volumeList = volumes;
    this.networkList = networks;
    this.synced = true;
    this.setStatus('ready');
    this.emit({ containers: 'all', images: true, volumes: true, networks: true });
  }

  private onEvent(event: EngineEvent, engine: ContainerEngine, signal: AbortSignal): void {
    this.log.trace(`event ${event.type} ${event.action} ${event.id.slice(0, 12)}`);
    for (const listener of [...this.eventListeners]) {
      try {
        listener(event);
      } catch (error) {
        this.log.error(error instanceof Error ? error : String(error));
      }
    }
    if (event.type === 'container') {
      if (QUIET_ACTION.test(event.action)) return;
      this.settleDeferredConnect(event.id);
      if (GONE_ACTIONS.has(event.action)) {
        this.goneContainers.add(event.id);
        this.dirtyContainers.delete(event.id);
      } else {
        this.dirtyContainers.set(event.id, event.action);
        this.recheckAttempts.delete(event.id);
      }
      // Creating or removing a container changes whether its image is in use.
      if (event.action === 'create' || event.action === 'destroy') this.imagesDirty = true;
    } else if (event.type === 'image') {
      this.imagesDirty = true;
    } else if (event.type === 'volume') {
      // mount/unmount change only which containers use it, which the container list already shows.
      if (event.action === 'mount' || event.action === 'unmount') return;
      this.volumesDirty = true;
    } else if (event.type === 'network') {
      // connect/disconnect change a container's networks: re-list that container.
      const container = event.attributes.container;
      if ((event.action === 'connect' || event.action === 'disconnect') && container) {
        if (event.action === 'connect' && this.containerMap.get(container)?.state === 'created') {
          // Starting a container connects it first; its start event follows within moments and
          // lists it anyway. Refresh for the connect only if no event of its own comes.
          if (!this.deferredConnects.has(container)) {
            this.deferredConnects.set(
              container,
              setTimeout(() => {
                this.deferredConnects.delete(container);
                if (signal.aborted) return;
                if (!this.dirtyContainers.has(container)) this.dirtyContainers.set(container, 'connect');
                this.pendingEventTimes.push(event.timeNano);
                this.scheduleFlush(engine, signal, this.options.debounceMs);
              }, CONNECT_BEFORE_START_MS),
            );
          }
          return;
        }
        // A container's own last action (e.g. "die", which a disconnect follows) says more.
        if (!this.dirtyContainers.has(container)) this.dirtyContainers.set(container, event.action);
      } else {
        this.networksDirty = true;
      }
    } else {
      return;
    }
    this.pendingEventTimes.push(event.timeNano);
    this.scheduleFlush(engine, signal, this.options.debounceMs);
  }

  private scheduleFlush(engine: ContainerEngine, signal: AbortSignal, delayMs: number): void {
    if (this.flushTimer || signal.aborted) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush(engine, signal);
    }, delayMs);
  }

  private async flush(engine: ContainerEngine, signal: AbortSignal): Promise<void> {
    // One flush at a time; events that arrive meanwhile are picked up by the next one.
    while (this.flushing) await this.flushing;
    if (signal.aborted) return;
    const dirty = new Map(this.dirtyContainers);
    const gone = [...this.goneContainers];
    const images = this.imagesDirty;
    const volumes = this.volumesDirty;
    const networks = this.networksDirty;
    const eventTimes = this.pendingEventTimes;
    this.dirtyContainers.clear();
    this.goneContainers.clear();
    this.imagesDirty = false;
    this.volumesDirty = false;
    this.networksDirty = false;
    this.pendingEventTimes = [];
    if (dirty.size === 0 && gone.length === 0 && !images && !volumes && !networks) return;
    this.log.trace(`refresh ${dirty.size} changed and ${gone.length} removed containers${images ? ', and images' : ''}`);
    const work = this.applyBatch(engine, signal, { dirty, gone, images, volumes, networks }, eventTimes);
    this.flushing = work;
    try {
      await work;
    } finally {
      this.flushing = undefined;
    }
  }

  private async applyBatch(engine: ContainerEngine, signal: AbortSignal, batch: Batch, eventTimes: bigint[]): Promise<void> {
    const { dirty, gone, images, volumes, networks } = batch;
    try {
      // Only containers the model knew, or now knows, count as changed: a replayed event about a
      // container that was already gone at the sync must not refresh the views.
      const changed = new Set<string>(gone.filter((id) => this.containerMap.has(id)));
      const ids = [...dirty.keys()];
      const fullList = ids.length > this.options.fullListThreshold;
      const [containers, imageList, volumeList, networkList] = await Promise.all([
        ids.length === 0 ? Promise.resolve(undefined) : engine.listContainers(fullList ? { signal } : { signal, ids }),
        images ? engine.listImages({ signal }) : Promise.resolve(undefined),
        volumes ? engine.listVolumes({ signal }) : Promise.resolve(undefined),
        networks ? engine.listNetworks({ signal }) : Promise.resolve(undefined),
      ]);
      if (signal.aborted) return;
      for (const id of gone) this.containerMap.delete(id);
      if (containers) {
        if (fullList) {
          this.containerMap.clear();
        } else {
          // A container that vanished between its event and our list is gone too.
          const found = new Set(containers.map((c) => c.id));
          for (const id of ids) {
            if (!found.has(id) && this.containerMap.delete(id)) changed.add(id);
          }
        }
        for (const c of containers) {
          this.containerMap.set(c.id, c);
          changed.add(c.id);
          this.recheckIfStale(c, dirty.get(c.id), engine, signal);
        }
      }
      if (imageList) this.imageList = imageList;
      if (volumeList) this.volumeList = volumeList;
      if (networkList) this.networkList = networkList;
      const containersChanged = fullList ? 'all' : changed.size > 0 ? changed : undefined;
      if (containersChanged === undefined && !images && !volumes && !networks) return;
      this.emit({ containers: containersChanged, images, volumes, networks, eventTimes });
    } catch (error) {
      const classified = classifyError(error);
      if (classified instanceof CancelledError || signal.aborted) return;
      // The stream notices a dead engine by itself; a failed refresh is logged and tried again.
      this.log.warn(`Refreshing after an event failed: ${classified.message}`);
      // Unless the stream is already lost: the resync after reconnecting covers this batch.
      if (!this.synced) return;
      for (const [id, action] of dirty) if (!this.dirtyContainers.has(id)) this.dirtyContainers.set(id, action);
      this.imagesDirty ||= images;
      this.volumesDirty ||= volumes;
      this.networksDirty ||= networks;
      this.scheduleFlush(engine, signal, this.options.backoffInitialMs);
    }
  }

  /**
   * The engine announces "die" before its list shows the container as exited, so a list made right
   * after the event can still say "running". When the list contradicts the last event, list that
   * container again shortly, a bounded number of times.
   */
  private recheckIfStale(c: ContainerSummary, action: string | undefined, engine: ContainerEngine, signal: AbortSignal): void {
    if (action === undefined || !contradicts(action, c)) {
      this.recheckAttempts.delete(c.id);
      return;
    }
    const attempt = (this.recheckAttempts.get(c.id) ?? 0) + 1;
    if (attempt > MAX_RECHECKS) {
      this.recheckAttempts.delete(c.id);
      this.log.debug(`Container ${c.id.slice(0, 12)} still lists as ${c.state} after "${action}"`);
      return;
    }
    this.recheckAttempts.set(c.id, attempt);
    const pending = this.dirtyContainers.get(c.id);
    if (pending === undefined || pending === 'connect' || pending === 'disconnect') this.dirtyContainers.set(c.id, action);
    this.scheduleFlush(engine, signal, this.options.debounceMs * attempt);
  }
}

const MAX_RECHECKS = 8;

interface Batch {
  dirty: ReadonlyMap<string, string>;
  gone: string[];
  images: boolean;
  volumes: boolean;
  networks: boolean;
}

/** True when a listed container's state cannot follow from the last event seen for it. */
export function contradicts(action: string, c: Pick<ContainerSummary, 'state'>): boolean {
  switch (action) {
    case 'die':
    case 'stop':
    case 'oom':
      return c.state === 'running' || c.state === 'paused';
    case 'pause':
      return c.state !== 'paused';
    case 'unpause':
      return c.state === 'paused';
    case 'start':
    case 'restart':
      return c.state === 'created';
    default:
      return false;
  }
}
