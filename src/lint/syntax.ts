/**
 * dockerfile-utils' syntax checks (unknown instructions, bad flags, malformed JSON, …), brought
 * into Berth's findings. Checks that Berth's own rules already make (a second MAINTAINER warning,
 * multiple CMDs, relative WORKDIR) are switched off there, and the ones dockerfile-utils cannot
 * switch off are dropped where a rule reported the same problem, so nothing is reported twice.
 */
import { ValidationCode, ValidationSeverity, validate } from 'dockerfile-utils';
import type { ParsedDockerfile } from './dockerfile';
import { offsetAt, positionAt } from './dockerfile';
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

/**
 * Checks dockerfile-utils always makes that a Berth rule also makes. Dropped when that rule
 * reported the problem (on the same line, or anywhere in the file for problems dockerfile-utils
 * reports at both ends); kept when the rule is switched off or ignored there, so it still shows.
 */
const SAME_PROBLEM: ReadonlyMap<number, { rule: string; scope: 'line' | 'file' | 'stage-name' }> = new Map([
  // dockerfile-utils marks every stage with the name; DL3024 the repeats: matched by the name.
  [ValidationCode.DUPLICATE_BUILD_STAGE_NAME, { rule: 'DL3024', scope: 'stage-name' }],
  [ValidationCode.NO_SOURCE_IMAGE, { rule: 'DL3061', scope: 'file' }],
  [ValidationCode.ONBUILD_CHAINING_DISALLOWED, { rule: 'DL3043', scope: 'line' }],
  [ValidationCode.ONBUILD_TRIGGER_DISALLOWED, { rule: 'DL3043', scope: 'line' }],
  [ValidationCode.INVALID_DESTINATION, { rule: 'DL3021', scope: 'line' }],
]);

/** dockerfile-utils' findings on the file, less those `reported` (Berth's own findings) already make. */
export function syntaxFindings(file: ParsedDockerfile, reported: readonly Finding[] = []): Finding[] {
  if (file.lineStarts.length > SYNTAX_CHECK_MAX_LINES) return [];
  const lineOf = (offset: number): number => positionAt(file.lineStarts, offset).line;
  const diagnostics = validate(file.text, DUPLICATED_BY_RULES).filter((d) => {
    const same = d.code === undefined ? undefined : SAME_PROBLEM.get(d.code as number);
    if (!same) return true;
    const name = same.scope === 'stage-name' ? file.text.slice(offsetAt(file.lineStarts, file.text, d.range.start), offsetAt(file.lineStarts, file.text, d.range.end)).toLowerCase() : '';
    return !reported.some(
      (f) =>
        f.code === same.rule &&
        (same.scope === 'file' ||
          (same.scope === 'line' && lineOf(f.span.start) === d.range.start.line) ||
          (same.scope === 'stage-name' && file.text.slice(f.span.start, f.span.end).toLowerCase() === name)),
    );
  });
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
