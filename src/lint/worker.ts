/**
 * The lint worker: runs the linter (and dockerfile-utils' syntax checks, and ShellCheck when
 * present) off the extension host's thread, so a huge Dockerfile never freezes the editor.
 * Messages are plain data; see LintRequest / LintResponse.
 */
import { parentPort } from 'node:worker_threads';
import { parseDockerfile } from './dockerfile';
import { Linter } from './linter';
import { lintFile } from './lintFile';
import type { LintRequest, LintResponse } from './wire';
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
  port.on('message', (request: LintRequest) => {
    void ready.then(
      async (linter) => {
        try {
          port.postMessage(await handleRequest(linter, request));
        } catch (error) {
          port.postMessage({ id: request.id, findings: [], explanations: {}, error: error instanceof Error ? error.message : String(error), durationMs: 0 } satisfies LintResponse);
        }
      },
      (error: unknown) => {
        port.postMessage({ id: request.id, findings: [], explanations: {}, error: `The linter could not start: ${error instanceof Error ? error.message : String(error)}`, durationMs: 0 } satisfies LintResponse);
      },
    );
  });
}
