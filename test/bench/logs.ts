/**
 * Following a fast log: the longest event-loop stall while 100,000 lines stream into the Logs view.
 *
 * A busybox container prints `ready`, waits for a file on a bind mount, then prints 1..100,000 with
 * `seq` as fast as it can. The follower opens first (its tail of 500 shows `ready`, which proves the
 * stream is open); only then is the file written, so every number is streamed, not tailed.
 *
 * - Berth: a LogFollower against an ExplorerModel (tail 500, maxLines 50,000, as the Logs view
 *   opens it), with the document simulated as src/views/logsDocument.ts drives it: each change
 *   schedules at most one `renderLog(follower.lines, false)` 100 ms later.
 * - Baseline, same run: a plain `engine.logs()` iteration with the same options that only counts
 *   chunks, i.e. what the engine client itself costs.
 *
 * Both are measured with `monitorEventLoopDelay` (2 ms resolution; its max and p99) and a 1 ms
 * setInterval recording the longest gap between ticks, from the moment the lines are released until
 * the last one has arrived (and, for Berth, the render after it has run). Rounds alternate which
 * side goes first; the row reports the worst stall over the rounds.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { PrivateDockerd } from '../harness/dockerd';
import { runBusybox } from '../harness/dockerd';
import { quietLog } from '../harness/model';
import { connectEngine, resolveEngineConnection } from '../../src/engine';
import type { ContainerEngine } from '../../src/engine';
import { formatMessage } from '../../src/l10n';
import { ExplorerModel } from '../../src/tree/ExplorerModel';
import { LogFollower } from '../../src/views/logFollower';
import type { Row } from './report';
import type { Cleanup, Log } from './util';
import { median, sleep } from './util';

const LINES = 100_000;
/** As src/views/logsDocument.ts: MAX_LINES, UPDATE_MS, and the default berth.logs.tail. */
const MAX_LINES = 50_000;
const UPDATE_MS = 100;
const TAIL = 500;
const ROUNDS = 2;
const HISTOGRAM_RESOLUTION_MS = 2;
const PROBE_MS = 1;
const TIMEOUT_MS = 120_000;
const TARGET_MS = 50;

export interface LogsResult {
  rows: Row[];
  extra: Record<string, number>;
}

type Mode = 'berth' | 'baseline';

interface RunResult {
  mode: Mode;
  /** The longest stall: the larger of the histogram's max and the probe's longest gap less its period. */
  maxStallMs: number;
  histogramMaxMs: number;
  histogramP99Ms: number;
  probeMaxGapMs: number;
  /** From releasing the lines to the last one arriving. */
  arrivalMs: number;
  chunks: number;
  changes: number;
  renders: number;
  longestRenderMs: number;
  renderTotalMs: number;
  renderedChars: number;
}

type Stall = Pick<RunResult, 'maxStallMs' | 'histogramMaxMs' | 'histogramP99Ms' | 'probeMaxGapMs'>;

/** Measures the event loop from now until `stop()`. */
function stallMeter(): { stop: () => Stall } {
  const histogram = monitorEventLoopDelay({ resolution: HISTOGRAM_RESOLUTION_MS });
  histogram.enable();
  let last = performance.now();
  let maxGap = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, PROBE_MS);
  return {
    stop() {
      clearInterval(probe);
      maxGap = Math.max(maxGap, performance.now() - last);
      histogram.disable();
      const histogramMaxMs = histogram.max / 1e6;
      const histogramP99Ms = histogram.percentile(99) / 1e6;
      return { maxStallMs: Math.max(histogramMaxMs, maxGap - PROBE_MS), histogramMaxMs, histogramP99Ms, probeMaxGapMs: maxGap };
    },
  };
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Resolves on `settle`, rejects on `fail` or after `ms` (call `settle` when giving up, to clear the timer). */
function deferred(what: string, ms: number): { promise: Promise<void>; settle: () => void; fail: (error: Error) => void } {
  let settle: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    settle = () => {
      clearTimeout(timer);
      resolve();
    };
    fail = (error) => {
      clearTimeout(timer);
      reject(error);
    };
  });
  // Not awaited when the run fails before the lines are released.
  promise.catch(() => undefined);
  return { promise, settle, fail };
}

interface Context {
  dockerd: PrivateDockerd;
  engine: ContainerEngine;
  model: ExplorerModel;
  workDir: string;
  cleanup: Cleanup;
}

async function runOnce(mode: Mode, round: number, ctx: Context): Promise<RunResult> {
  const signalDir = mkdtempSync(join(ctx.workDir, `${mode}-`));
  const script = `echo ready; while [ ! -e /signal/go ]; do sleep 0.02; done; seq 1 ${LINES}; exec sleep 300`;
  const container = await runBusybox(ctx.dockerd.docker, `berth-bench-logs-${mode}-${round}-${Date.now().toString(36)}`, ['sh', '-c', script], {
    hostConfig: { Binds: [`${signalDir}:/signal:ro`] },
  });
  const removeContainer = ctx.cleanup.add(`log container ${container.id.slice(0, 12)}`, async () => {
    await container.remove({ force: true }).catch(() => undefined);
  });
  const arrived = deferred(`all ${LINES.toLocaleString('en')} lines (${mode})`, TIMEOUT_MS);
  let chunks = 0;
  let changes = 0;
  let renders = 0;
  let longestRenderMs = 0;
  let renderTotalMs = 0;
  let renderedChars = 0;
  let releasedAt = 0;
  let arrivedAt = 0;
  let follower: LogFollower | undefined;
  let renderTimer: NodeJS.Timeout | undefined;
  const controller = new AbortController();
  let reading: Promise<void> = Promise.resolve();
  try {
    if (mode === 'berth') {
      const f = new LogFollower(() => Promise.resolve(ctx.engine), container.id, ctx.model, { tail: TAIL, maxLines: MAX_LINES }, formatMessage);
      follower = f;
      // logsDocument.ts: a change schedules one update UPDATE_MS later, where VS Code asks for the text again.
      f.onDidChange(() => {
        changes++;
        if (!arrivedAt && f.lines[f.lines.length - 1]?.text === String(LINES)) arrivedAt = performance.now();
        if (renderTimer) return;
        renderTimer = setTimeout(() => {
          renderTimer = undefined;
          const t0 = performance.now();
          const text = f.text(false);
          const took = performance.now() - t0;
          renders++;
          renderTotalMs += took;
          longestRenderMs = Math.max(longestRenderMs, took);
          renderedChars = text.length;
          // Done once the document has shown the last line.
          if (arrivedAt && releasedAt) arrived.settle();
        }, UPDATE_MS);
      });
      f.start();
      await until('the follower to show the ready line', () => f.lines.some((l) => l.text === 'ready'));
      await until('the explorer model to sync', () => ctx.model.isSynced);
    } else {
      let ready = false;
      reading = (async () => {
        for await (const chunk of ctx.engine.logs(container.id, { follow: true, tail: TAIL, timestamps: true, signal: controller.signal })) {
          chunks++;
          if (!ready && chunk.text.includes(' ready\n')) ready = true;
          if (!arrivedAt && chunk.text.endsWith(` ${LINES}\n`)) {
            arrivedAt = performance.now();
            arrived.settle();
          }
        }
        if (!controller.signal.aborted) arrived.fail(new Error(`the log stream ended after ${chunks} chunks without line ${LINES}`));
      })().catch((error: unknown) => {
        if (!controller.signal.aborted) arrived.fail(error instanceof Error ? error : new Error(String(error)));
      });
      await until('the log stream to show the ready line', () => ready);
    }
    // Let the opening (tail, model sync, the first render) settle before measuring.
    await sleep(300);
    const meter = stallMeter();
    releasedAt = performance.now();
    writeFileSync(join(signalDir, 'go'), '');
    let measured: Stall;
    try {
      await arrived.promise;
    } finally {
      measured = meter.stop();
    }
    if (follower) {
      const lines = follower.lines;
      const first = LINES - MAX_LINES + 1;
      if (lines.length !== MAX_LINES) throw new Error(`the follower kept ${lines.length} lines, expected ${MAX_LINES}`);
      const wrong = lines.findIndex((l, i) => l.stream !== 'stdout' || l.text !== String(first + i));
      if (wrong >= 0) throw new Error(`line ${wrong} of the follower is ${JSON.stringify(lines[wrong])}, expected ${first + wrong}`);
    }
    return {
      mode,
      ...measured,
      arrivalMs: arrivedAt - releasedAt,
      chunks,
      changes,
      renders,
      longestRenderMs,
      renderTotalMs,
      renderedChars,
    };
  } finally {
    arrived.settle();
    if (renderTimer) clearTimeout(renderTimer);
    follower?.dispose();
    controller.abort();
    await reading.catch(() => undefined);
    await removeContainer();
    rmSync(signalDir, { recursive: true, force: true });
  }
}

export async function measureLogs(options: { dockerd: PrivateDockerd; workDir: string; cleanup: Cleanup; log: Log }): Promise<LogsResult> {
  const { dockerd, cleanup, log } = options;
  const resolution = resolveEngineConnection(dockerd.host, {});
  if (!resolution.ok) throw new Error(`resolveEngineConnection(${dockerd.host}) failed: ${resolution.detail}`);
  const engine = await connectEngine(resolution, 60_000, {});
  const model = new ExplorerModel(() => Promise.resolve(engine), quietLog);
  const release = cleanup.add('logs benchmark engine', () => {
    model.dispose();
    engine.dispose();
    return Promise.resolve();
  });
  const workDir = options.workDir;
  mkdirSync(workDir, { recursive: true });
  const ctx: Context = { dockerd, engine, model, workDir, cleanup };
  const runs: RunResult[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order: Mode[] = round % 2 === 0 ? ['baseline', 'berth'] : ['berth', 'baseline'];
      for (const mode of order) {
        const r = await runOnce(mode, round, ctx);
        runs.push(r);
        log(
          `round ${round + 1}/${ROUNDS} ${mode}: max stall ${r.maxStallMs.toFixed(1)} ms (histogram max ${r.histogramMaxMs.toFixed(1)}, p99 ${r.histogramP99Ms.toFixed(1)}; probe gap ${r.probeMaxGapMs.toFixed(1)}), ` +
            `lines in ${r.arrivalMs.toFixed(0)} ms` +
            (mode === 'berth' ? `, ${r.changes} changes, ${r.renders} renders (longest ${r.longestRenderMs.toFixed(1)} ms, ${r.renderTotalMs.toFixed(0)} ms in all)` : `, ${r.chunks} chunks`),
        );
      }
    }
  } finally {
    await release();
    rmSync(workDir, { recursive: true, force: true });
  }

  const of = (mode: Mode): RunResult[] => runs.filter((r) => r.mode === mode);
  const worst = (mode: Mode, pick: (r: RunResult) => number): number => Math.max(...of(mode).map(pick));
  const list = (mode: Mode, pick: (r: RunResult) => number): string => of(mode).map((r) => pick(r).toFixed(1)).join(', ');
  const berthStall = worst('berth', (r) => r.maxStallMs);
  const baseStall = worst('baseline', (r) => r.maxStallMs);
  const berthP99 = worst('berth', (r) => r.histogramP99Ms);
  const baseP99 = worst('baseline', (r) => r.histogramP99Ms);
  const renderMax = worst('berth', (r) => r.longestRenderMs);
  const renderedChars = Math.max(...of('berth').map((r) => r.renderedChars));
  const rows: Row[] = [
    {
      key: 'logs_follow_100k_lines_max_stall_ms',
      value: berthStall,
      unit: 'ms',
      baseline: { label: 'engine.logs() counting chunks', value: baseStall, unit: 'ms' },
      target: { op: '<=', value: TARGET_MS },
      note:
        `worst of ${ROUNDS} interleaved runs each (Berth ${list('berth', (r) => r.maxStallMs)} ms; baseline ${list('baseline', (r) => r.maxStallMs)} ms): ` +
        `${LINES.toLocaleString('en')} lines of seq into a LogFollower (tail ${TAIL}, maxLines ${MAX_LINES.toLocaleString('en')}) with renderLog at most every ${UPDATE_MS} ms; ` +
        `lines arrived in ${list('berth', (r) => r.arrivalMs)} ms (baseline ${list('baseline', (r) => r.arrivalMs)} ms); ` +
        `longest renderLog ${renderMax.toFixed(1)} ms (${renderedChars.toLocaleString('en')} chars), renders per run ${of('berth').map((r) => r.renders).join(', ')}`,
    },
    {
      key: 'logs_follow_100k_lines_p99_ms',
      value: berthP99,
      unit: 'ms',
      baseline: { label: 'engine.logs() counting chunks', value: baseP99, unit: 'ms' },
      note: `p99 of monitorEventLoopDelay (resolution ${HISTOGRAM_RESOLUTION_MS} ms), worst of the runs; Berth ${list('berth', (r) => r.histogramP99Ms)} ms, baseline ${list('baseline', (r) => r.histogramP99Ms)} ms`,
    },
  ];
  const extra: Record<string, number> = {
    logs_follow_100k_lines_baseline_max_stall_ms: baseStall,
    logs_follow_100k_lines_max_stall_vs_baseline_ratio: berthStall / baseStall,
    logs_follow_100k_lines_baseline_p99_ms: baseP99,
    logs_follow_100k_lines_arrival_ms: median(of('berth').map((r) => r.arrivalMs)),
    logs_follow_100k_lines_baseline_arrival_ms: median(of('baseline').map((r) => r.arrivalMs)),
    logs_follow_100k_lines_longest_render_ms: renderMax,
  };
  return { rows, extra };
}
