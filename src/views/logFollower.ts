/**
 * Follows one container's log for the Logs view: the last N lines, then new output as it comes,
 * and it keeps following across a restart (the engine ends a log stream when the container stops;
 * the follower waits for the container's next `start` event and reopens the log from the last
 * line it had, so nothing is shown twice).
 *
 * No `vscode` import: the engine integration tests drive it against a real dockerd.
 */
import type { ContainerEngine, LogChunk, LogStreamName } from '../engine/ContainerEngine';
import { CancelledError, RequestFailedError, classifyError } from '../engine/errors';
import type { Translate } from '../l10n';

export interface Disposable {
  dispose(): void;
}

/** Where the follower hears about container starts, and what keeps that stream alive (the explorer model). */
export interface EngineEventSource {
  onEngineEvent(listener: (event: { type: string; action: string; id: string }) => void): Disposable;
  hold(): Disposable;
}

export interface LogEntry {
  /** `note` entries are Berth's own (stopped, restarted), not the container's. */
  stream: LogStreamName | 'note';
  /** The engine's RFC 3339 timestamp ('' for notes). */
  timestamp: string;
  text: string;
}

export type FollowState = 'connecting' | 'following' | 'stopped' | 'removed' | 'failed' | 'disposed';

export interface LogFollowerOptions {
  /** Lines of history to show when opening. */
  tail: number;
  /** The most lines kept; the oldest go first. */
  maxLines: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Nanoseconds since the epoch of an RFC 3339 timestamp with up to 9 fraction digits; undefined if it is not one. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export function timestampNs(ts: string): bigint | undefined {
  const m = TIMESTAMP.exec(ts);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** Splits `2024-05-01T10:00:00.123456789Z text` into timestamp and text, as the engine writes with `timestamps`. */
export function splitTimestamp(line: string): { timestamp: string; text: string } {
  const space = line.indexOf(' ');
  const head = space < 0 ? line : line.slice(0, space);
  // Only the shape here: the engine writes one per line, and parsing each to nanoseconds would cost
  // more than the rest of the line's handling. The follower parses the few it compares.
  if (!TIMESTAMP.test(head) || Number.isNaN(Date.parse(head))) return { timestamp: '', text: line };
  return { timestamp: head, text: space < 0 ? '' : line.slice(space + 1) };
}

/** Turns chunks into whole lines per stream; a partial line waits for the rest of it. */
export class LineAssembler {
  private readonly partial = new Map<LogStreamName, string>();

  push(chunk: LogChunk): Array<{ stream: LogStreamName; line: string }> {
    const text = (this.partial.get(chunk.stream) ?? '') + chunk.text;
    const parts = text.split('\n');
    this.partial.set(chunk.stream, parts.pop() ?? '');
    return parts.map((line) => ({ stream: chunk.stream, line: line.endsWith('\r') ? line.slice(0, -1) : line }));
  }

  /** The partial lines left when a stream ends. */
  flush(): Array<{ stream: LogStreamName; line: string }> {
    const rest = [...this.partial].filter(([, line]) => line.length > 0).map(([stream, line]) => ({ stream, line: line.replace(/\r$/, '') }));
    this.partial.clear();
    return rest;
  }
}

/** One entry as a document line: stderr and stdout marked apart, the timestamp on request. */
export function renderEntry(e: LogEntry, timestamps: boolean): string {
  if (e.stream === 'note') return `── ${e.text} ──`;
  const marker = e.stream === 'stderr' ? '[err]' : '[out]';
  return timestamps && e.timestamp ? `${e.timestamp} ${marker} ${e.text}` : `${marker} ${e.text}`;
}

/** The document text: one line per entry. */
export function renderLog(entries: readonly LogEntry[], timestamps: boolean): string {
  return entries.length > 0 ? `${entries.map((e) => renderEntry(e, timestamps)).join('\n')}\n` : '';
}

export class LogFollower implements Disposable {
  private readonly entries: LogEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  /**
   * The current engine connection's signal: aborted when the connection changes (the stream and
   * waits in progress belong to the old engine) and on dispose.
   */
  private connection = new AbortController();
  /** The address Berth switched to, until a line arrives from it; undefined when nothing switched. */
  private switchedTo: string | undefined;
  /** The follow loop has ended for good (removed, or a log the engine refuses). */
  private finished = false;
  private stateValue: FollowState = 'connecting';
  /** The newest line's timestamp, to skip what a reopened stream repeats. */
  private lastTimestamp = '';
  /**
   * While set, lines at or before this time (ns) are repeats of what is shown: a reopened stream
   * starts at the last whole second. Cleared by the first newer line, since the rest are newer too.
   */
  private skipUntilNs: bigint | undefined;
  private hold: Disposable | undefined;
  private eventSubscription: Disposable | undefined;
  private wake: ((reason: 'start' | 'destroy' | 'switch') => void) | undefined;
  /** A `start` event for the container arrived since the current stream was opened. */
  private startedMeanwhile = false;

  constructor(
    private readonly getEngine: () => Promise<ContainerEngine>,
    readonly containerId: string,
    private readonly events: EngineEventSource,
    private readonly options: LogFollowerOptions,
    private readonly t: Translate,
  ) {}

  get state(): FollowState {
    return this.stateValue;
  }

  get lines(): readonly LogEntry[] {
    return this.entries;
  }

  onDidChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  start(): void {
    this.hold = this.events.hold();
    this.eventSubscription = this.events.onEngineEvent((event) => {
      if (event.type !== 'container' || event.id !== this.containerId) return;
      if (event.action === 'start') {
        this.startedMeanwhile = true;
        this.wake?.('start');
      } else if (event.action === 'destroy') {
        this.wake?.('destroy');
      }
    });
    void this.run();
  }

  dispose(): void {
    if (this.stateValue === 'disposed') return;
    this.stateValue = 'disposed';
    this.controller.abort();
    this.connection.abort();
    this.wake?.('destroy');
    this.eventSubscription?.dispose();
    this.hold?.dispose();
    this.listeners.clear();
  }

  /**
   * Berth now connects to another engine (the settings changed): the open stream belongs to the old
   * one. Follows the container on the new engine from the last line shown, or says it is not there.
   */
  engineChanged(address: string): void {
    if (this.stateValue === 'disposed') return;
    this.switchedTo = address;
    this.note(this.t('Berth now connects to the engine at {0}: following this log there.', address));
    const old = this.connection;
    this.connection = new AbortController();
    old.abort();
    if (this.finished) {
      // The log had ended (the container was not on the last engine, say): look again on this one.
      this.finished = false;
      this.setState('connecting');
      void this.run();
    } else {
      this.wake?.('switch');
    }
  }

  private removed(): void {
    this.setState('removed');
    this.note(this.switchedTo === undefined ? this.t('The container was removed.') : this.t('The container is not on the engine at {0}.', this.switchedTo));
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private setState(state: FollowState): void {
    if (this.stateValue === 'disposed') return;
    this.stateValue = state;
  }

  private note(text: string): void {
    this.append({ stream: 'note', timestamp: '', text });
    this.trim();
    this.changed();
  }

  /**
   * Each entry's document line, made once: a re-render only joins them. The timestamped form is
   * kept only once it has been asked for.
   */
  private readonly rendered: { plain: string[]; stamped: string[] | undefined } = { plain: [], stamped: undefined };

  private append(entry: LogEntry): void {
    this.entries.push(entry);
    this.rendered.plain.push(renderEntry(entry, false));
    this.rendered.stamped?.push(renderEntry(entry, true));
  }

  /** Drops the oldest lines beyond maxLines, once per batch: dropping one per line would copy the array each time. */
  private trim(): void {
    const excess = this.entries.length - this.options.maxLines;
    if (excess <= 0) return;
    this.entries.splice(0, excess);
    this.rendered.plain.splice(0, excess);
    this.rendered.stamped?.splice(0, excess);
  }

  /** The document text, as `renderLog(lines, timestamps)` would make it, from the lines made as they came. */
  text(timestamps: boolean): string {
    if (timestamps && !this.rendered.stamped) this.rendered.stamped = this.entries.map((e) => renderEntry(e, true));
    const lines = timestamps ? (this.rendered.stamped ?? []) : this.rendered.plain;
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }

  private addLines(lines: ReadonlyArray<{ stream: LogStreamName; line: string }>): boolean {
    let added = false;
    for (const { stream, line } of lines) {
      const { timestamp, text } = splitTimestamp(line);
      if (timestamp) {
        if (this.skipUntilNs !== undefined) {
          const ns = timestampNs(timestamp);
          if (ns !== undefined && ns <= this.skipUntilNs) continue;
          this.skipUntilNs = undefined;
        }
        this.lastTimestamp = timestamp;
      }
      this.append({ stream, timestamp, text });
      added = true;
    }
    this.trim();
    return added;
  }

  private async run(): Promise<void> {
    try {
      await this.follow();
    } finally {
      this.finished = true;
    }
  }

  private async follow(): Promise<void> {
    const signal = this.controller.signal;
    let openedAtMs = Date.now();
    /** Engine calls in a row that got no answer. */
    let retries = 0;
    while (!signal.aborted) {
      const assembler = new LineAssembler();
      /** The engine's answer when it refused the log outright. */
      let refused: string | undefined;
      this.startedMeanwhile = false;
      const connection = this.connection.signal;
      if (this.switchedTo !== undefined) {
        // On a new engine, first see whether the container is there at all.
        const there = (await this.isRunning(connection)).running;
        if (signal.aborted) return;
        if (connection.aborted) continue;
        if (there === 'gone') {
          this.removed();
          return;
        }
        if (there !== 'unknown') this.switchedTo = undefined;
      }
      try {
        const engine = await this.getEngine();
        // Nothing shown yet: the last N lines. Otherwise everything since the last line shown.
        const lastNs = timestampNs(this.lastTimestamp);
        this.skipUntilNs = lastNs;
        openedAtMs = Date.now();
        this.setState('following');
        this.changed();
        const stream = engine.logs(
          this.containerId,
          lastNs === undefined
            ? { follow: true, tail: this.options.tail, timestamps: true, signal: connection }
            : { follow: true, timestamps: true, since: Number(lastNs / 1_000_000_000n), signal: connection },
        );
        for await (const chunk of stream) {
          if (this.addLines(assembler.push(chunk))) {
            this.switchedTo = undefined;
            this.changed();
          }
        }
        if (this.addLines(assembler.flush())) this.changed();
      } catch (error) {
        const classified = classifyError(error);
        if (signal.aborted) return;
        // The engine changed under the stream: start over on the new one.
        if (connection.aborted) continue;
        if (classified instanceof CancelledError) return;
        if (classified instanceof RequestFailedError && classified.statusCode === 404) {
          this.removed();
          return;
        }
        if (classified instanceof RequestFailedError && classified.statusCode !== undefined) {
          // The engine answered, and refuses: if the container runs, asking again would get the same
          // answer (a logging driver it cannot read back, say).
          refused = classified.message;
        } else {
          // Said once per outage, not at every attempt.
          if (this.stateValue !== 'failed') this.note(this.t('The log stream failed: {0}. Berth tries again when the container runs.', classified.message));
          this.setState('failed');
        }
      }
      if (signal.aborted) return;
      if (connection.aborted) continue;
      // The engine ends a followed log when the container stops. It may already be running again.
      const { running, startedAtMs } = await this.isRunning(connection);
      if (signal.aborted) return;
      if (connection.aborted) continue;
      // Refused while it runs: final. Refused as it stops or goes ("dead or marked for removal"):
      // wait for what comes next, as for any stop.
      if (refused !== undefined && running === 'running') {
        this.setState('failed');
        this.note(this.t('The engine cannot show this log: {0}', refused));
        return;
      }
      if (running === 'unknown') {
        // The engine did not answer: it may be restarting. Ask again, less and less often, rather
        // than wait for a start event that may have come while nobody listened.
        this.setState('failed');
        retries++;
        await sleep(Math.min(30_000, 1000 * 2 ** Math.min(retries, 5)), connection);
        continue;
      }
      retries = 0;
      if (running === 'gone') {
        this.removed();
        return;
      }
      if (running === 'running') {
        // It stopped and started again before we looked (a quick restart): say so, and reopen;
        // after a failure, not in a tight loop.
        if (startedAtMs > openedAtMs) this.note(this.t('The container restarted at {0}.', new Date(startedAtMs).toLocaleTimeString()));
        await sleep(this.stateValue === 'failed' ? 2000 : 100, connection);
        continue;
      }
      this.setState('stopped');
      this.note(this.t('The container stopped at {0}. Waiting for it to start again…', new Date().toLocaleTimeString()));
      const reason = this.startedMeanwhile ? 'start' : await this.waitForStartOrRemoval();
      if (signal.aborted) return;
      if (reason === 'switch') continue;
      if (reason === 'destroy') {
        this.removed();
        return;
      }
      this.note(this.t('The container started again at {0}.', new Date().toLocaleTimeString()));
    }
  }

  /** 'unknown' when the engine did not answer (down, restarting, timed out). */
  private async isRunning(connection: AbortSignal): Promise<{ running: 'running' | 'stopped' | 'gone' | 'unknown'; startedAtMs: number }> {
    try {
      const engine = await this.getEngine();
      const inspect = await engine.inspect('container', this.containerId, { signal: connection });
      const state = inspect.State as { Running?: boolean; StartedAt?: string } | undefined;
      const startedAtMs = Date.parse(state?.StartedAt ?? '');
      return { running: state?.Running ? 'running' : 'stopped', startedAtMs: Number.isNaN(startedAtMs) ? 0 : startedAtMs };
    } catch (error) {
      const classified = classifyError(error);
      if (classified instanceof RequestFailedError && classified.statusCode === 404) return { running: 'gone', startedAtMs: 0 };
      return { running: classified.kind === 'unavailable' ? 'unknown' : 'stopped', startedAtMs: 0 };
    }
  }

  private waitForStartOrRemoval(): Promise<'start' | 'destroy' | 'switch'> {
    return new Promise((resolve) => {
      this.wake = (reason) => {
        this.wake = undefined;
        resolve(reason);
      };
    });
  }
}
