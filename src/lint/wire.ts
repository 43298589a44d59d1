/** The lint worker's message shapes, kept apart from the worker so the extension host can import them cheaply. */
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
  /** Run ShellCheck on RUN scripts: the executable's path or name, or undefined for no. */
  shellcheck: string | undefined;
}

/** Tells the worker a request is stale: it is skipped if not started, and its ShellCheck runs stop. */
export interface LintCancel {
  cancel: number;
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
