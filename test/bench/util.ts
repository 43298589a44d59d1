/** Small helpers shared by the benchmarks: statistics, timing, bounded concurrency, cleanup. */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export type Log = (message: string) => void;

export const log: Log = (message) => console.log(`[bench] ${message}`);

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/** Rounds for the JSON file: enough digits to compare runs, no float noise. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function ms(values: readonly number[]): string {
  return values.map((v) => v.toFixed(1)).join(', ');
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Runs `worker` over 0..count-1 with at most `concurrency` calls in flight; the first error wins. */
export async function pool(count: number, concurrency: number, worker: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++;
      await worker(index);
    }
  });
  await Promise.all(lanes);
}

export function execFileText(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { env: options.env, cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        if (error && !options.allowFailure) {
          reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr.trim().split('\n').slice(-20).join('\n')}`));
        } else {
          resolve({ stdout, stderr, code });
        }
      },
    );
  });
}

/**
 * Teardown steps, run newest first. Each step runs once, whether from the `finally` of the code
 * that created it (`release`) or from `runAll` when the run fails or is interrupted.
 */
export class Cleanup {
  private readonly steps: Array<{ name: string; fn: () => Promise<void> }> = [];

  add(name: string, fn: () => Promise<void>): () => Promise<void> {
    const step = { name, fn };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await this.runStep(step);
    };
  }

  private running: Promise<void> | undefined;

  /** Runs every remaining step; a second caller (a signal handler, say) waits for the same run. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) await this.runStep(step);
    })();
    return this.running;
  }

  private async runStep(step: { name: string; fn: () => Promise<void> }): Promise<void> {
    try {
      await step.fn();
    } catch (error) {
      log(`cleanup: stopping ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
