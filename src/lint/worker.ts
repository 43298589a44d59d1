/**
 * The lint worker: runs the linter (and dockerfile-utils' syntax checks, and ShellCheck when
 * present) off the extension host's thread, so a huge Dockerfile never freezes the editor.
 * Messages are plain data; see LintRequest / LintResponse.
 */
import { parentPort } from 'node:worker_threads';
import { parseDockerfile } from './dockerfile';
import { Linter } from './linter';
import { lintFile } from './lintFile';
import type { LintCancel, LintRequest, LintResponse } from './wire';
import { fromWireConfig } from './wire';

/** Lints one request; shared by the worker and by tests that run it in-process. */
export async function handleRequest(linter: Linter, request: LintRequest, signal?: AbortSignal): Promise<LintResponse> {
  const started = performance.now();
  const file = parseDockerfile(request.text);
  const config = fromWireConfig(request.config);
  const findings = await lintFile(linter, file, config, { shellcheck: request.shellcheck, syntax: request.syntax, signal });
  const explanations: Record<string, string> = {};
  for (const f of findings) {
    const rule = linter.ruleList.find((r) => r.code === f.code);
    if (rule) explanations[f.code] = rule.explanation;
  }
  return { id: request.id, findings, explanations, durationMs: performance.now() - started };
}

if (parentPort) {
  const port = parentPort;
  const ready = Linter.create();
  /** Requests in progress, to stop when they go stale. */
  const running = new Map<number, AbortController>();
  /** Stale before they started (ids only grow, and requests start in order). */
  const staleBeforeStart = new Set<number>();
  let lastStarted = 0;
  port.on('message', (message: LintRequest | LintCancel) => {
    if ('cancel' in message) {
      const controller = running.get(message.cancel);
      if (controller) controller.abort();
      else if (message.cancel > lastStarted) staleBeforeStart.add(message.cancel);
      return;
    }
    const request = message;
    void ready.then(
      async (linter) => {
        lastStarted = Math.max(lastStarted, request.id);
        if (staleBeforeStart.delete(request.id)) return;
        const controller = new AbortController();
        running.set(request.id, controller);
        try {
          port.postMessage(await handleRequest(linter, request, controller.signal));
        } catch (error) {
          // A stale request's answer is not awaited: nothing to send.
          if (!controller.signal.aborted) {
            port.postMessage({ id: request.id, findings: [], explanations: {}, error: error instanceof Error ? error.message : String(error), durationMs: 0 } satisfies LintResponse);
          }
        } finally {
          running.delete(request.id);
        }
      },
      (error: unknown) => {
        port.postMessage({ id: request.id, findings: [], explanations: {}, error: `The linter could not start: ${error instanceof Error ? error.message : String(error)}`, durationMs: 0 } satisfies LintResponse);
      },
    );
  });
}
