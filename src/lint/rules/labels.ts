/** LABEL rules: key format, and the label schema from the configuration (required, strict, typed values). */
import type { Instruction, Span } from '../dockerfile';
import { toSource } from '../dockerfile';
import type { Rule, RuleContext } from '../types';
import { instructionsOf } from './util';

export interface LabelPair {
  /** The key with quotes removed. */
  key: string;
  keySpan: Span;
  /** The value with quotes removed (escapes resolved in double quotes). */
  value: string;
  /** The value as written; an empty span right after `=` when the value is empty. */
  valueSpan: Span;
  /** The whole `key=value`. */
  span: Span;
  instruction: Instruction;
}

/** Removes quotes from a LABEL word, the way Docker's word processing does. */
function unquote(raw: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < raw.length) out += raw[++i] ?? '';
      else out += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '\\' && i + 1 < raw.length) {
      out += raw[++i] ?? '';
    } else {
      out += c;
    }
  }
  return out;
}

/** Reads a token of `text` from `i` up to whitespace (or `=` when `stopAtEquals`), honouring quotes. */
function scanToken(text: string, i: number, stopAtEquals: boolean): number {
  let quote: string | undefined;
  while (i < text.length) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"' && i + 1 < text.length) i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '\\' && i + 1 < text.length) {
      i++;
    } else if (c === ' ' || c === '\t' || (stopAtEquals && c === '=')) {
      break;
    }
    i++;
  }
  return i;
}

/** The key/value pairs of a LABEL: `a=b "c d"="e f"`, or the legacy `key value with spaces`. */
export function labelPairs(instruction: Instruction): LabelPair[] {
  const text = instruction.args;
  const pairs: LabelPair[] = [];
  const span = (start: number, end: number): Span => toSource(instruction, start, end);
  let i = instruction.restOffset;
  const skipBlanks = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  skipBlanks();
  const first = i;
  const firstKeyEnd = scanToken(text, i, true);
  if (firstKeyEnd > first && text[firstKeyEnd] !== '=') {
    // Legacy form: the first word is the key, the rest of the line its value.
    i = firstKeyEnd;
    skipBlanks();
    let end = text.length;
    while (end > i && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    const valueSpan = span(i, Math.max(i, end));
    pairs.push({
      key: unquote(text.slice(first, firstKeyEnd)),
      keySpan: span(first, firstKeyEnd),
      value: unquote(text.slice(i, end)),
      valueSpan: end > i ? valueSpan : { start: valueSpan.start, end: valueSpan.start },
      span: span(first, Math.max(firstKeyEnd, end)),
      instruction,
    });
    return pairs;
  }
  while (i < text.length) {
    skipBlanks();
    if (i >= text.length) break;
    const keyStart = i;
    const keyEnd = scanToken(text, i, true);
    if (text[keyEnd] !== '=') {
      // A stray word without `=`: Docker rejects it; treat it as a key with an empty value.
      const keySpan = span(keyStart, keyEnd);
      pairs.push({ key: unquote(text.slice(keyStart, keyEnd)), keySpan, value: '', valueSpan: { start: keySpan.end, end: keySpan.end }, span: keySpan, instruction });
      i = Math.max(keyEnd, keyStart + 1);
      continue;
    }
    const valueStart = keyEnd + 1;
    const valueEnd = scanToken(text, valueStart, false);
    const keySpan = span(keyStart, keyEnd);
    const afterEquals = span(valueStart, valueStart).start;
    pairs.push({
      key: unquote(text.slice(keyStart, keyEnd)),
      keySpan,
      value: unquote(text.slice(valueStart, valueEnd)),
      valueSpan: valueEnd > valueStart ? span(valueStart, valueEnd) : { start: afterEquals, end: afterEquals },
      span: span(keyStart, valueEnd),
      instruction,
    });
    i = valueEnd;
  }
  return pairs;
}

/** Every label pair of the file, ONBUILD LABEL included. */
function allPairs(context: RuleContext): LabelPair[] {
  return instructionsOf(context.file, 'LABEL').flatMap(labelPairs);
}

// --- DL3048 --------------------------------------------------------------------------------------

const RESERVED_NAMESPACES = ['com.docker.', 'io.docker.', 'org.dockerproject.'];

/** Why a label key breaks Docker's recommended format, or undefined when it is fine. */
export function labelKeyProblem(key: string): string | undefined {
  if (key === '') return 'it is empty';
  const lower = key.toLowerCase();
  const reserved = RESERVED_NAMESPACES.find((ns) => lower.startsWith(ns));
  if (reserved) return `the \`${reserved}\` namespace is reserved for Docker`;
  if (!/^[a-z0-9.-]+$/.test(key)) return 'use only lower-case letters, digits, dots and dashes';
  if (/^[.-]|[.-]$/.test(key)) return 'it must not start or end with a dot or a dash';
  if (/[.-]{2}/.test(key)) return 'it must not contain consecutive dots or dashes';
  return undefined;
}

export const DL3048: Rule = {
  code: 'DL3048',
  severity: 'style',
  message: 'Invalid label key: use lower-case letters, digits, dots and dashes, in a namespace of your own.',
  explanation:
    'Docker recommends label keys made of lower-case alphanumerics separated by single dots or dashes, prefixed with the reverse DNS name of your organisation (`org.example.build-date`). The `com.docker.`, `io.docker.` and `org.dockerproject.` namespaces are reserved for Docker itself.',
  check(context) {
    for (const pair of allPairs(context)) {
      if (pair.key.includes('$')) continue;
      const problem = labelKeyProblem(pair.key);
      if (problem) context.report({ span: pair.keySpan, message: `Invalid label key \`${pair.key}\`: ${problem}.` });
    }
  },
};

// --- DL3049 / DL3050 -----------------------------------------------------------------------------

export const DL3049: Rule = {
  code: 'DL3049',
  severity: 'info',
  message: 'A label required by the label schema is missing in this stage.',
  explanation:
    'The project\'s label schema (the `label-schema` setting or `.hadolint.yaml`) lists labels every image must carry, such as its source or version. Add a LABEL with each missing key to the stage; a stage built FROM an earlier stage inherits that stage\'s labels.',
  check(context) {
    const required = Object.keys(context.config.labelSchema);
    if (required.length === 0) return;
    const labelsOfStage = new Map<string, Set<string>>();
    for (const stage of context.file.stages) {
      const present = new Set(labelsOfStage.get(stage.image.toLowerCase()) ?? []);
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'LABEL') continue;
        for (const pair of labelPairs(instruction)) present.add(pair.key);
      }
      if (stage.name) labelsOfStage.set(stage.name, present);
      const end = stage.nameSpan?.end ?? stage.imageSpan.end;
      const span = { start: stage.from.keywordSpan.start, end: Math.max(end, stage.from.keywordSpan.end) };
      for (const label of required) {
        if (!present.has(label)) context.report({ span, message: `Add the label \`${label}\` required by the label schema to this stage.` });
      }
    }
  },
};

export const DL3050: Rule = {
  code: 'DL3050',
  severity: 'info',
  message: 'Superfluous label: strict labels allow only the labels in the label schema.',
  explanation:
    'With strict labels on, only the labels the schema lists may be set, which keeps image metadata consistent across a project. Remove the label or add it to the schema.',
  check(context) {
    if (!context.config.strictLabels) return;
    const schema = context.config.labelSchema;
    for (const pair of allPairs(context)) {
      if (!Object.prototype.hasOwnProperty.call(schema, pair.key)) {
        context.report({ span: pair.keySpan, message: `Superfluous label \`${pair.key}\`: it is not in the label schema (strict labels).` });
      }
    }
  },
};

// --- Typed values: DL3051–DL3058 ---------------------------------------------------------------

export function isUrl(value: string): boolean {
  if (/\s/.test(value) || !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)) return false;
  try {
    const url = new URL(value);
    if (['http:', 'https:', 'ftp:', 'ws:', 'wss:'].includes(url.protocol)) return url.hostname !== '';
    return true;
  } catch {
    return false;
  }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

export function isRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

/** Common SPDX license identifiers (compared case-insensitively, as the SPDX spec allows). */
const SPDX_IDS = new Set(
  [
    '0BSD', 'AFL-3.0', 'AGPL-3.0', 'AGPL-3.0-only', 'AGPL-3.0-or-later', 'Apache-1.1', 'Apache-2.0', 'APSL-2.0', 'Artistic-1.0', 'Artistic-2.0',
    'BlueOak-1.0.0', 'BSD-1-Clause', 'BSD-2-Clause', 'BSD-2-Clause-Patent', 'BSD-3-Clause', 'BSD-3-Clause-Clear', 'BSD-4-Clause', 'BSL-1.0',
    'BUSL-1.1', 'CAL-1.0', 'CC-BY-3.0', 'CC-BY-4.0', 'CC-BY-SA-3.0', 'CC-BY-SA-4.0', 'CC-BY-NC-4.0', 'CC-BY-NC-SA-4.0', 'CC-BY-ND-4.0', 'CC0-1.0',
    'CDDL-1.0', 'CDDL-1.1', 'CECILL-2.1', 'CPL-1.0', 'ECL-2.0', 'EFL-2.0', 'EPL-1.0', 'EPL-2.0', 'EUPL-1.1', 'EUPL-1.2', 'GFDL-1.3', 'GFDL-1.3-only',
    'GFDL-1.3-or-later', 'GPL-1.0', 'GPL-1.0-only', 'GPL-1.0-or-later', 'GPL-2.0', 'GPL-2.0-only', 'GPL-2.0-or-later', 'GPL-3.0', 'GPL-3.0-only',
    'GPL-3.0-or-later', 'HPND', 'ICU', 'IJG', 'ISC', 'LGPL-2.0', 'LGPL-2.0-only', 'LGPL-2.0-or-later', 'LGPL-2.1', 'LGPL-2.1-only', 'LGPL-2.1-or-later',
    'LGPL-3.0', 'LGPL-3.0-only', 'LGPL-3.0-or-later', 'LPPL-1.3c', 'MIT', 'MIT-0', 'MPL-1.1', 'MPL-2.0', 'MPL-2.0-no-copyleft-exception', 'MS-PL',
    'MS-RL', 'MulanPSL-2.0', 'NCSA', 'ODbL-1.0', 'OFL-1.1', 'OpenSSL', 'OSL-3.0', 'PHP-3.01', 'PostgreSQL', 'PSF-2.0', 'Python-2.0', 'Ruby', 'SSPL-1.0',
    'Unicode-DFS-2016', 'Unicode-3.0', 'Unlicense', 'UPL-1.0', 'Vim', 'W3C', 'WTFPL', 'X11', 'Zlib', 'ZPL-2.1',
  ].map((id) => id.toLowerCase()),
);

const SPDX_EXCEPTIONS = new Set(
  ['Classpath-exception-2.0', 'LLVM-exception', 'GCC-exception-3.1', 'Autoconf-exception-3.0', 'Bison-exception-2.2', 'OpenJDK-assembly-exception-1.0', 'Font-exception-2.0', 'Qt-exception-1.1', 'Universal-FOSS-exception-1.0'].map((id) =>
    id.toLowerCase(),
  ),
);

function isSpdxId(token: string): boolean {
  if (/^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/.test(token)) return true;
  const id = token.endsWith('+') ? token.slice(0, -1) : token;
  return SPDX_IDS.has(id.toLowerCase());
}

/** An SPDX license expression: ids (or `LicenseRef-…`) joined by AND/OR, with `WITH <exception>` and parentheses. */
export function isSpdxExpression(value: string): boolean {
  const tokens = value.replace(/[()]/g, (p) => ` ${p} `).split(/\s+/).filter((t) => t !== '');
  let i = 0;
  const operator = (t: string | undefined, op: string): boolean => t === op || t === op.toLowerCase();
  const parseTerm = (): boolean => {
    const t = tokens[i];
    if (t === '(') {
      i++;
      if (!parseExpr()) return false;
      if (tokens[i] !== ')') return false;
      i++;
      return true;
    }
    if (t === undefined || !isSpdxId(t)) return false;
    i++;
    if (operator(tokens[i], 'WITH')) {
      const exception = tokens[i + 1];
      if (exception === undefined || !SPDX_EXCEPTIONS.has(exception.toLowerCase())) return false;
      i += 2;
    }
    return true;
  };
  const parseExpr = (): boolean => {
    if (!parseTerm()) return false;
    while (operator(tokens[i], 'AND') || operator(tokens[i], 'OR')) {
      i++;
      if (!parseTerm()) return false;
    }
    return true;
  };
  return tokens.length > 0 && parseExpr() && i === tokens.length;
}

export function isGitHash(value: string): boolean {
  return /^[0-9a-fA-F]{7,40}$/.test(value) || /^[0-9a-fA-F]{64}$/.test(value);
}

/** Semantic Versioning 2.0.0, exactly (no leading `v`). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export function isSemver(value: string): boolean {
  return SEMVER.test(value);
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function isEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || value.length > 254) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  return local.length <= 64 && EMAIL_LOCAL.test(local) && EMAIL_DOMAIN.test(domain);
}

/** The schema-typed labels of the file with their type. */
function typedPairs(context: RuleContext, type: string): LabelPair[] {
  const schema = context.config.labelSchema;
  return allPairs(context).filter(
    (pair) => Object.prototype.hasOwnProperty.call(schema, pair.key) && schema[pair.key]?.toLowerCase() === type && pair.value !== '' && !pair.value.includes('$'),
  );
}

function typedRule(code: string, type: string, what: string, valid: (value: string) => boolean, explanation: string): Rule {
  return {
    code,
    severity: 'warning',
    message: `Label value is not ${what}.`,
    explanation,
    check(context) {
      for (const pair of typedPairs(context, type)) {
        if (!valid(pair.value)) context.report({ span: pair.valueSpan, message: `Label \`${pair.key}\` should be ${what}; \`${pair.value}\` is not.` });
      }
    },
  };
}

export const DL3051: Rule = {
  code: 'DL3051',
  severity: 'warning',
  message: 'A label from the label schema is empty.',
  explanation:
    'The label schema says this label carries information, but its value is empty, so tools reading the image metadata get nothing. Give it a value, for example from a build argument (`LABEL org.example.version=$VERSION`).',
  check(context) {
    const schema = context.config.labelSchema;
    for (const pair of allPairs(context)) {
      if (Object.prototype.hasOwnProperty.call(schema, pair.key) && pair.value.trim() === '') {
        context.report({ span: pair.span, message: `Label \`${pair.key}\` from the label schema is empty.` });
      }
    }
  },
};

export const DL3052 = typedRule(
  'DL3052',
  'url',
  'a valid URL',
  isUrl,
  'The label schema types this label as a URL, so tools may link to it. Write an absolute URL with its scheme, such as `https://github.com/example/app`.',
);

export const DL3053 = typedRule(
  'DL3053',
  'rfc3339',
  'an RFC 3339 date and time',
  isRfc3339,
  'The label schema types this label as a timestamp, which tools parse as RFC 3339: a full date, a time and a time zone, such as `2024-05-01T12:30:00Z`. A build argument filled with `date -u +%Y-%m-%dT%H:%M:%SZ` produces one.',
);

export const DL3054 = typedRule(
  'DL3054',
  'spdx',
  'an SPDX license identifier',
  isSpdxExpression,
  'The label schema types this label as a license, written as an SPDX identifier (`MIT`, `Apache-2.0`, `GPL-3.0-only`) or an expression of them joined by AND/OR, or `LicenseRef-…` for a license of your own. Free-form text such as "Apache License" cannot be matched by scanners.',
);

export const DL3055 = typedRule(
  'DL3055',
  'hash',
  'a git commit hash',
  isGitHash,
  'The label schema types this label as a git commit, written as a hexadecimal hash: the full 40 characters or an abbreviation of at least 7. A build argument filled with `git rev-parse HEAD` gives one.',
);

export const DL3056 = typedRule(
  'DL3056',
  'semver',
  'a semantic version',
  isSemver,
  'The label schema types this label as a version following Semantic Versioning, `MAJOR.MINOR.PATCH` with optional `-prerelease` and `+build` parts, such as `1.4.2` or `2.0.0-rc.1`. A leading `v` is not part of the version.',
);

export const DL3058 = typedRule(
  'DL3058',
  'email',
  'a valid email address',
  isEmail,
  'The label schema types this label as an email address, so write just the address (`team@example.com`), without a display name or angle brackets.',
);

export const LABEL_RULES: readonly Rule[] = [DL3048, DL3049, DL3050, DL3051, DL3052, DL3053, DL3054, DL3055, DL3056, DL3058];
