/**
 * The one place that turns a caller's cancellation and a timeout into the abort signal an engine
 * call runs under, shared by every module of the engine layer.
 */
import { CancelledError, classifyError } from './errors';

/**
 * A signal that fires on the caller's cancellation or on our timeout, whichever comes first, and
 * remembers which. Hand-rolled rather than `AbortSignal.any` so the listener on a long-lived
 * parent signal is removed as soon as the call settles.
 */
export class CallScope {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly onParentAbort = (): void => this.controller.abort();
  timedOut = false;

  /**
   * @param parent the caller's cancellation
   * @param lifetime the engine's own: aborted when the engine is disposed
   */
  constructor(
    private readonly parent: AbortSignal | undefined,
    readonly timeoutMs: number | undefined,
    private readonly lifetime?: AbortSignal,
  ) {
    if (parent?.aborted || lifetime?.aborted) {
      this.controller.abort();
    } else {
      parent?.addEventListener('abort', this.onParentAbort, { once: true });
      lifetime?.addEventListener('abort', this.onParentAbort, { once: true });
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

  /** Starts the timeout over: for idle timeouts, called whenever bytes move. */
  touch(): void {
    this.timer?.refresh();
  }

  /** Aborts whatever still runs under this scope (the other requests of a call that failed). */
  abort(): void {
    this.controller.abort();
  }

  /** Ends the timeout but keeps following the parent's cancellation (for streams). */
  stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stopTimer();
    this.parent?.removeEventListener('abort', this.onParentAbort);
    this.lifetime?.removeEventListener('abort', this.onParentAbort);
  }
}

/**
 * Runs `fn` under a scope of the caller's signal and `timeoutMs`, and classifies what it throws
 * (a timeout as such, a cancellation as `CancelledError`). The call settles when the scope aborts
 * even if `fn` does not heed the signal (some dockerode methods drop it), and a failed call aborts
 * the requests it still has running.
 */
export async function withCallScope<T>(
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
  defaultTimeoutMs: number,
  fn: (signal: AbortSignal) => Promise<T>,
  lifetime?: AbortSignal,
): Promise<T> {
  if (options.signal?.aborted) throw new CancelledError();
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const scope = new CallScope(options.signal, timeoutMs, lifetime);
  // A disposed engine: its lifetime is over before the call starts.
  if (scope.signal.aborted) {
    scope.dispose();
    throw new CancelledError();
  }
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(Object.assign(new Error('The call was aborted.'), { name: 'AbortError' }));
    scope.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([fn(scope.signal), aborted]);
  } catch (error) {
    scope.abort();
    throw classifyError(error, { timedOut: scope.timedOut, timeoutMs });
  } finally {
    scope.signal.removeEventListener('abort', onAbort);
    scope.dispose();
  }
}
