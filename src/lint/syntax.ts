/**
 * dockerfile-utils' syntax checks (unknown instructions, bad flags, malformed JSON, …), brought
 * into Berth's findings. Checks that Berth's own rules already make (a second MAINTAINER warning,
 * multiple CMDs, relative WORKDIR) are switched off there, so nothing is reported twice.
 */
import { ValidationSeverity, validate } from 'dockerfile-utils';
import type { ParsedDockerfile } from './dockerfile';
import { offsetAt } from './dockerfile';
import type { Finding, Severity } from './types';

/** dockerfile-utils is quadratic on large files (seconds at 20,000 lines); above this, skip it. */
export const SYNTAX_CHECK_MAX_LINES = 3000;

export const SYNTAX_CODE = 'syntax';

const DUPLICATED_BY_RULES = {
  deprecatedMaintainer: ValidationSeverity.IGNORE, // DL4000
  instructionCmdMultiple: ValidationSeverity.IGNORE, // DL4003
  instructionEntrypointMultiple: ValidationSeverity.IGNORE, // DL4004
  instructionHealthcheckMultiple: ValidationSeverity.IGNORE, // DL3012
  instructionWorkdirRelative: ValidationSeverity.IGNORE, // DL3000
};

export function syntaxFindings(file: ParsedDockerfile): Finding[] {
  if (file.lineStarts.length > SYNTAX_CHECK_MAX_LINES) return [];
  const diagnostics = validate(file.text, DUPLICATED_BY_RULES);
  return diagnostics.map((d) => {
    const severity: Severity = d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info';
    return {
      code: SYNTAX_CODE,
      severity,
      message: typeof d.message === 'string' ? d.message : d.message.value,
      span: { start: offsetAt(file.lineStarts, file.text, d.range.start), end: offsetAt(file.lineStarts, file.text, d.range.end) },
      fixes: [],
    };
  });
}
