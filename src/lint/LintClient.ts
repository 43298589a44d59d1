/**
 * Talks to the lint worker. One worker serves every document; a newer request for the same
 * document supersedes an older one: the worker skips it if it has not started, and stops its
 * ShellCheck runs if it has. The worker starts on first use.
 */
import { Worker } from 'node:worker_threads';
import type { LintCancel, LintRequest, LintResponse, WireConfig } from './wire';

export class LintCancelled extends Error {
  constructor() {
    super('superseded');
    this.name = 'LintCancelled';
  }
}

interface Pending {
  key: string;
  resolve(response: LintResponse): void;
  reject(error: Error): void;
}

export class LintClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly latestByKey = new Map<string, number>();

  constructor(private readonly workerScript: string) {}

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerScript);
    worker.on('message', (response: LintResponse) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      this.pending.delete(response.id);
      if (this.latestByKey.get(pending.key) !== response.id) {
        pending.reject(new LintCancelled());
        return;
      }
      this.latestByKey.delete(pending.key);
      if (response.error) pending.reject(new Error(response.error));
      else pending.resolve(response);
    });
    const failAll = (error: Error): void => {
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      this.latestByKey.clear();
      this.worker = undefined;
    };
    worker.on('error', (error) => failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) failAll(new Error(`The lint worker stopped (exit code ${code}).`));
    });
    // The worker must not keep the extension host (or a test run) alive on its own.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /**
   * Lints `text` for the document `key`. Rejects with LintCancelled when a newer request for the
   * same key arrives first, or when `signal` aborts.
   */
  lint(key: string, text: string, config: WireConfig, options: { syntax: boolean; shellcheck: string | undefined }, signal?: AbortSignal): Promise<LintResponse> {
    if (signal?.aborted) return Promise.reject(new LintCancelled());
    const id = this.nextId++;
    const previous = this.latestByKey.get(key);
    this.latestByKey.set(key, id);
    const stale = previous === undefined ? undefined : this.pending.get(previous);
    if (previous !== undefined && stale) {
      this.pending.delete(previous);
      stale.reject(new LintCancelled());
    }
    return new Promise<LintResponse>((resolve, reject) => {
      this.pending.set(id, { key, resolve, reject });
      signal?.addEventListener(
        'abort',
        () => {
          if (this.pending.delete(id)) {
            if (this.latestByKey.get(key) === id) this.latestByKey.delete(key);
            this.cancelInWorker(id);
            reject(new LintCancelled());
          }
        },
        { once: true },
      );
      const request: LintRequest = { id, text, config, syntax: options.syntax, shellcheck: options.shellcheck };
      this.ensureWorker().postMessage(request);
      // After the new request, so that it can join the ShellCheck runs of unchanged scripts first.
      if (previous !== undefined && stale) this.cancelInWorker(previous);
    });
  }

  private cancelInWorker(id: number): void {
    this.worker?.postMessage({ cancel: id } satisfies LintCancel);
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new LintCancelled());
    this.pending.clear();
    void worker?.terminate();
  }
}
