/**
 * Container stats for the Stats view: pure figures from an engine sample (computed the way
 * `docker stats` does), their display rows, and a session that streams samples only while the
 * view is visible. No `vscode` import: the engine tests drive the session against a real dockerd.
 */
import type { ContainerEngine, StatsSample } from '../engine/ContainerEngine';
import { CancelledError, classifyError } from '../engine/errors';
import type { Translate } from '../l10n';
import { formatBytes } from '../tree/format';

export interface StatsFigures {
  /** Percent of one CPU × online CPUs (so 200 % is two busy CPUs); undefined without a previous sample. */
  cpuPercent: number | undefined;
  onlineCpus: number;
  /** Usage minus reclaimable page cache, as `docker stats` shows. */
  memoryUsed: number;
  memoryLimit: number;
  memoryPercent: number | undefined;
  network: { rxBytes: number; txBytes: number } | undefined;
  blockRead: number;
  blockWrite: number;
  pids: number;
  pidsLimit: number | undefined;
}

export function statsFigures(sample: StatsSample): StatsFigures {
  const cpuDelta = sample.cpu.totalUsage - sample.precpu.totalUsage;
  const systemDelta = sample.cpu.systemUsage !== undefined && sample.precpu.systemUsage !== undefined ? sample.cpu.systemUsage - sample.precpu.systemUsage : undefined;
  const cpus = sample.cpu.onlineCpus > 0 ? sample.cpu.onlineCpus : 1;
  const cpuPercent = systemDelta !== undefined && systemDelta > 0 && sample.precpu.totalUsage > 0 && cpuDelta >= 0 ? (cpuDelta / systemDelta) * cpus * 100 : undefined;
  const used = Math.max(0, sample.memory.usage - sample.memory.inactiveFile);
  return {
    cpuPercent,
    onlineCpus: cpus,
    memoryUsed: used,
    memoryLimit: sample.memory.limit,
    memoryPercent: sample.memory.limit > 0 ? (used / sample.memory.limit) * 100 : undefined,
    network: sample.network,
    blockRead: sample.blockIo.readBytes,
    blockWrite: sample.blockIo.writeBytes,
    pids: sample.pids.current,
    pidsLimit: sample.pids.limit,
  };
}

export interface StatsRow {
  label: string;
  value: string;
  /** 0–100 for a bar, when the figure has a bound. */
  percent?: number;
}

function pct(value: number): string {
  return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} %`;
}

/** What the Stats view shows, in order. */
export function statsRows(f: StatsFigures, t: Translate): StatsRow[] {
  const rows: StatsRow[] = [];
  rows.push(
    f.cpuPercent === undefined
      ? { label: t('CPU'), value: t('measuring…') }
      : { label: t('CPU'), value: t('{0} of {1} CPUs', pct(f.cpuPercent), f.onlineCpus), percent: Math.min(100, f.cpuPercent / f.onlineCpus) },
  );
  rows.push({
    label: t('Memory'),
    value: f.memoryPercent === undefined ? formatBytes(f.memoryUsed) : t('{0} of {1} ({2})', formatBytes(f.memoryUsed), formatBytes(f.memoryLimit), pct(f.memoryPercent)),
    ...(f.memoryPercent === undefined ? {} : { percent: Math.min(100, f.memoryPercent) }),
  });
  rows.push({ label: t('Network I/O'), value: f.network ? t('{0} received / {1} sent', formatBytes(f.network.rxBytes), formatBytes(f.network.txBytes)) : t('no network') });
  rows.push({ label: t('Block I/O'), value: t('{0} read / {1} written', formatBytes(f.blockRead), formatBytes(f.blockWrite)) });
  rows.push(
    f.pidsLimit !== undefined && f.pidsLimit > 0
      ? { label: t('PIDs'), value: t('{0} of {1}', f.pids, f.pidsLimit), percent: Math.min(100, (f.pids / f.pidsLimit) * 100) }
      : { label: t('PIDs'), value: String(f.pids) },
  );
  return rows;
}

export type StatsEnd = { kind: 'stopped' } | { kind: 'failed'; message: string };

/**
 * Streams a container's stats while visible. Hiding the view aborts the engine stream; showing it
 * again opens a new one. The engine sends about one sample a second.
 */
export class StatsSession {
  private controller: AbortController | undefined;
  private disposed = false;
  /** How many engine streams this session has opened (for tests). */
  streamsOpened = 0;

  constructor(
    private readonly getEngine: () => Promise<ContainerEngine>,
    private readonly containerId: string,
    private readonly onSample: (figures: StatsFigures, sample: StatsSample) => void,
    private readonly onEnd: (end: StatsEnd) => void,
  ) {}

  get streaming(): boolean {
    return this.controller !== undefined;
  }

  setVisible(visible: boolean): void {
    if (this.disposed) return;
    if (visible && !this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      void this.stream(controller);
    } else if (!visible && this.controller) {
      this.controller.abort();
      this.controller = undefined;
    }
  }

  /**
   * Berth now connects to another engine: the open stream belongs to the old one. A visible panel
   * streams from the new engine instead (which says so if the container is not there).
   */
  engineChanged(): void {
    if (this.disposed || !this.controller) return;
    this.controller.abort();
    const controller = new AbortController();
    this.controller = controller;
    void this.stream(controller);
  }

  private async stream(controller: AbortController): Promise<void> {
    this.streamsOpened++;
    try {
      const engine = await this.getEngine();
      for await (const sample of engine.stats(this.containerId, { stream: true, signal: controller.signal })) {
        if (controller.signal.aborted) return;
        this.onSample(statsFigures(sample), sample);
      }
      if (!controller.signal.aborted) this.onEnd({ kind: 'stopped' });
    } catch (error) {
      const classified = classifyError(error);
      if (controller.signal.aborted || classified instanceof CancelledError) return;
      this.onEnd({ kind: 'failed', message: classified.message });
    } finally {
      if (this.controller === controller) this.controller = undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.controller?.abort();
    this.controller = undefined;
  }
}
