/**
 * The lint worker: runs the linter (and dockerfile-utils' syntax checks, and ShellCheck when
 * present) off the extension host's thread, so a huge Dockerfile never freezes the editor.
 * Messages are plain data; see LintRequest / LintResponse.
 */
import { parentPort } from 'node:worker_threads';
import { parseDockerfile } from './dockerfile';
import { Linter } from './linter';
import { syntaxFindings } from './syntax';
import type { Finding, LintConfig, RuleSeverity } from './types';
import { DEFAULT_CONFIG } from './types';

/** LintConfig with its sets and maps flattened for postMessage. */
export interface WireConfig {
  ignored: string[];
  overrides: Array<[string, RuleSeverity]>;
  trustedRegistries: string[];
  labelSchema: Record<string, string>;
  strictLabels: boolean;
}

export interface LintRequest {
  id: number;
  text: string;
  config: WireConfig;
  syntax: boolean;
}

export interface LintResponse {
  id: number;
  findings: Finding[];
  /** Our explanation for each rule code that has findings, for hovers. */
  explanations: Record<string, string>;
  error?: string;
  durationMs: number;
}

export function toWireConfig(config: LintConfig): WireConfig {
  return {
    ignored: [...config.ignored],
    overrides: [...config.overrides],
    trustedRegistries: [...config.trustedRegistries],
    labelSchema: { ...config.labelSchema },
    strictLabels: config.strictLabels,
  };
}

export function fromWireConfig(wire: WireConfig): LintConfig {
  return {
    ...DEFAULT_CONFIG,
    ignored: new Set(wire.ignored),
    overrides: new Map(wire.overrides),
    trustedRegistries: wire.trustedRegistries,
    labelSchema: wire.labelSchema,
    strictLabels: wire.strictLabels,
  };
}

/** Lints one request; shared by the worker and by tests that run it in-process. */
export function handleRequest(linter: Linter, request: LintRequest): LintResponse {
  const started = performance.now();
  const file = parseDockerfile(request.text);
  const config = fromWireConfig(request.config);
  const findings = linter.lintParsed(file, config);
  if (request.syntax) {
    try {
      findings.push(...syntaxFindings(file));
    } catch {
      // dockerfile-utils failing on odd input must not hide Berth's own findings.
    }
  }
  findings.sort((a, b) => a.span.start - b.span.start);
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
      (linter) => {
        try {
          port.postMessage(handleRequest(linter, request));
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
