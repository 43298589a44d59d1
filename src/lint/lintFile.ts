/**
 * Berth's whole lint of one Dockerfile, the same for the editor's worker and the CLI: the rules,
 * then ShellCheck on the RUN scripts and dockerfile-utils' syntax checks (less what the rules
 * already reported), in source order.
 */
import type { ParsedDockerfile } from './dockerfile';
import type { Linter } from './linter';
import { runShellCheck } from './shellcheck';
import { SYNTAX_CODE, syntaxFindings } from './syntax';
import type { Finding, LintConfig } from './types';

export interface LintFileOptions {
  /** The ShellCheck executable, when ShellCheck should run. */
  shellcheck?: string | undefined;
  /** Whether to add dockerfile-utils' syntax checks. */
  syntax: boolean;
  signal?: AbortSignal | undefined;
}

export async function lintFile(linter: Linter, file: ParsedDockerfile, config: LintConfig, options: LintFileOptions): Promise<Finding[]> {
  const findings = linter.lintParsed(file, config);
  options.signal?.throwIfAborted();
  if (options.shellcheck) {
    // ShellCheck runs as child processes; it returns [] when the binary is absent.
    findings.push(...(await runShellCheck(file, config, { executable: options.shellcheck, shellParser: linter.shell, ...(options.signal ? { signal: options.signal } : {}) })));
  }
  options.signal?.throwIfAborted();
  if (options.syntax && !config.ignored.has(SYNTAX_CODE)) {
    try {
      // The configuration reaches them as `syntax`: `ignored: [syntax]`, or an override of its level.
      const override = config.overrides.get(SYNTAX_CODE);
      for (const finding of syntaxFindings(file, findings)) {
        if (override === 'ignore') break;
        findings.push(override ? { ...finding, severity: override } : finding);
      }
    } catch {
      // dockerfile-utils failing on odd input must not hide Berth's own findings.
    }
  }
  findings.sort((a, b) => a.span.start - b.span.start);
  return findings;
}
