/** Shared helpers for lint rule tests. */
import * as assert from 'node:assert/strict';
import { DockerfileParser } from 'dockerfile-ast';
import { parseDockerfile, positionAt } from '../../src/lint/dockerfile';
import { Linter } from '../../src/lint/linter';
import type { Finding, Fix, LintConfig, Rule } from '../../src/lint/types';
import { DEFAULT_CONFIG } from '../../src/lint/types';

const linters = new Map<readonly Rule[], Promise<Linter>>();

/** A linter over just these rules (created once per rule list). */
export function linterFor(rules: readonly Rule[]): Promise<Linter> {
  let linter = linters.get(rules);
  if (!linter) {
    linter = Linter.create(rules);
    linters.set(rules, linter);
  }
  return linter;
}

export async function lint(text: string, rules: readonly Rule[], config: Partial<LintConfig> = {}): Promise<Finding[]> {
  return (await linterFor(rules)).lint(text, { ...DEFAULT_CONFIG, ...config });
}

/** "DL3008@3:5" for each finding (1-based line:column of its start), for compact assertions. */
export function where(text: string, findings: readonly Finding[]): string[] {
  const { lineStarts } = parseDockerfile(text);
  return findings.map((f) => {
    const p = positionAt(lineStarts, f.span.start);
    return `${f.code}@${p.line + 1}:${p.character + 1}`;
  });
}

export function codes(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.code);
}

/** The text a finding points at. */
export function spanText(text: string, finding: Finding): string {
  return text.slice(finding.span.start, finding.span.end);
}

/** Applies a fix's edits (non-overlapping) to the text. */
export function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.span.start - a.span.start);
  let result = text;
  for (const edit of edits) result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
  return result;
}

/**
 * Applies the first fix of the first finding with `code`, and checks what every fix must
 * guarantee: that finding is gone, and the file still parses (with our parser and dockerfile-ast).
 * Returns the fixed text.
 */
export async function assertFixRemoves(text: string, code: string, rules: readonly Rule[]): Promise<string> {
  const before = (await lint(text, rules)).filter((f) => f.code === code);
  const target = before[0];
  assert.ok(target, `expected a ${code} finding in:\n${text}`);
  const fix = target.fixes[0];
  assert.ok(fix, `${code} offers a fix`);
  const fixed = applyFix(text, fix);
  const after = (await lint(fixed, rules)).filter((f) => f.code === code);
  assert.equal(after.length, before.length - 1, `${code} fixed once should leave ${before.length - 1} finding(s); got:\n${fixed}`);
  const parsed = parseDockerfile(fixed);
  assert.equal(parsed.instructions.length >= parseDockerfile(text).instructions.length - 1, true, 'the fix keeps the instructions');
  assert.doesNotThrow(() => DockerfileParser.parse(fixed));
  return fixed;
}

/** Per-rule-family helpers: a rule's findings, their positions, and the text after its first fix. */
export function ruleHelpers(rules: readonly Rule[]): {
  at: (code: string, text: string) => Promise<string[]>;
  findings: (code: string, text: string) => Promise<Finding[]>;
  firstFixed: (code: string, text: string) => Promise<string>;
} {
  const findings = async (code: string, text: string): Promise<Finding[]> => (await lint(text, rules)).filter((f) => f.code === code);
  return {
    findings,
    /** Findings of one rule, as `CODE@line:col`. */
    at: async (code, text) => where(text, await findings(code, text)),
    firstFixed: async (code, text) => {
      const [finding] = await findings(code, text);
      assert.ok(finding?.fixes[0], `${code} has a fix`);
      return applyFix(text, finding.fixes[0]);
    },
  };
}

/** Every rule has a DL code of its own, a one-line message and an explanation; their codes, sorted. */
export function assertRuleShapes(rules: readonly Rule[]): string[] {
  const seen = new Set<string>();
  for (const rule of rules) {
    assert.match(rule.code, /^DL\d{4}$/);
    assert.ok(!seen.has(rule.code), rule.code);
    seen.add(rule.code);
    assert.ok(!rule.message.includes('\n') && rule.message.length > 10, rule.code);
    assert.ok(rule.explanation.length > 40, rule.code);
  }
  return [...seen].sort();
}
