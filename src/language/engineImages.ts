/**
 * The connected engine's image references, for completing `FROM` and `COPY --from=`. Completion
 * must never wait long or fail loudly: each lookup has a short deadline, results (and failures)
 * are cached for a few seconds, and a down engine just means no engine items.
 * No `vscode` import: the editor glue bridges its CancellationToken to an AbortSignal.
 */
import type { ContainerEngine, ImageSummary } from '../engine/ContainerEngine';

export interface ImageRef {
  /** `repo:tag`, or the bare repository. */
  reference: string;
  repository: string;
  tag: string | undefined;
  imageId: string;
  /** Seconds since the epoch. */
  created: number;
  size: number;
}

/** `repo:tag` and bare `repo` references of the engine's images, without dangling `<none>` ones. */
export function imageReferences(images: readonly Pick<ImageSummary, 'id' | 'repoTags' | 'created' | 'size'>[]): ImageRef[] {
  const refs = new Map<string, ImageRef>();
  const newest = [...images].sort((a, b) => b.created - a.created);
  for (const image of newest) {
    for (const repoTag of image.repoTags) {
      if (!repoTag || repoTag.startsWith('<none>')) continue;
      const { repository, tag } = splitReference(repoTag);
      if (!repository) continue;
      const base = { imageId: image.id, created: image.created, size: image.size };
      if (!refs.has(repoTag)) refs.set(repoTag, { reference: repoTag, repository, tag, ...base });
      // The bare repository stands for its newest tagged image.
      if (tag !== undefined && !refs.has(repository)) refs.set(repository, { reference: repository, repository, tag: undefined, ...base });
    }
  }
  return [...refs.values()].sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
}

/** Splits `host:5000/repo:tag` at the tag's colon (the last one after the last slash). */
export function splitReference(reference: string): { repository: string; tag: string | undefined } {
  const at = reference.indexOf('@');
  const withoutDigest = at === -1 ? reference : reference.slice(0, at);
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repository: withoutDigest, tag: undefined };
}

export interface EngineImageNamesOptions {
  /** The whole lookup (connecting included) gets this long. */
  timeoutMs?: number;
  /** Results, and failures, are reused this long. */
  ttlMs?: number;
  now?: () => number;
  /** Called once when lookups start failing (not again until one succeeds). */
  onError?: (error: unknown) => void;
}

interface InFlight {
  promise: Promise<ImageRef[] | undefined>;
  controller: AbortController;
  waiters: number;
}

export class EngineImageNames {
  private readonly timeoutMs: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private cached: { at: number; refs: ImageRef[] } | undefined;
  private inFlight: InFlight | undefined;
  private failing = false;
  private disposed = false;

  constructor(
    private readonly getEngine: () => Promise<ContainerEngine>,
    private readonly options: EngineImageNamesOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1500;
    this.ttlMs = options.ttlMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** True while a lookup runs: a caller that got no items may ask again shortly. */
  get pending(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * The engine's image references; [] when the engine is unavailable, slow or the caller cancels.
   * Never rejects. Concurrent callers share one lookup, which is aborted only when all of them
   * have cancelled (typing cancels one completion request and starts the next at once).
   */
  async get(signal?: AbortSignal): Promise<ImageRef[]> {
    if (this.disposed || signal?.aborted) return [];
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.refs;
    const flight = this.inFlight ?? this.start();
    flight.waiters++;
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return (await Promise.race([flight.promise, cancelled])) ?? [];
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      flight.waiters--;
      if (flight.waiters === 0 && this.inFlight === flight && signal?.aborted) flight.controller.abort();
    }
  }

  private start(): InFlight {
    const controller = new AbortController();
    const flight: InFlight = { controller, waiters: 0, promise: Promise.resolve(undefined) };
    flight.promise = this.lookup(controller).finally(() => {
      if (this.inFlight === flight) this.inFlight = undefined;
    });
    this.inFlight = flight;
    return flight;
  }

  /** Resolves to the references, or undefined when every caller cancelled (which is not cached). */
  private async lookup(controller: AbortController): Promise<ImageRef[] | undefined> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    // Connecting takes no signal, so the abort (deadline or cancellation) also ends the wait itself.
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(new Error(timedOut ? `no answer within ${this.timeoutMs} ms` : 'cancelled')), { once: true });
    });
    try {
      const work = (async () => {
        const engine = await this.getEngine();
        controller.signal.throwIfAborted();
        return engine.listImages({ signal: controller.signal, timeoutMs: this.timeoutMs });
      })();
      work.catch(() => undefined);
      const refs = imageReferences(await Promise.race([work, aborted]));
      this.cached = { at: this.now(), refs };
      this.failing = false;
      return refs;
    } catch (error) {
      if (controller.signal.aborted && !timedOut) return undefined;
      // Remember the failure briefly so that typing does not hammer a down or slow engine.
      this.cached = { at: this.now(), refs: [] };
      if (!this.failing) {
        this.failing = true;
        this.options.onError?.(error);
      }
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  clear(): void {
    this.cached = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.inFlight?.controller.abort();
    this.inFlight = undefined;
  }
}
