/**
 * hadolint's configuration file (`.hadolint.yaml`), read the way hadolint reads it, so a project's
 * existing file keeps working in Berth. Pure: file access comes in as functions.
 */
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LabelSchema, LintConfig, RuleSeverity, Severity } from './types';
import { DEFAULT_CONFIG } from './types';

export interface ConfigPatch {
  ignored?: readonly string[];
  overrides?: ReadonlyArray<[string, RuleSeverity]>;
  trustedRegistries?: readonly string[];
  labelSchema?: LabelSchema;
  strictLabels?: boolean;
  failureThreshold?: Severity | 'none';
  noFail?: boolean;
}

export interface ParsedConfigFile {
  patch: ConfigPatch;
  /** Problems in the file, in plain words; the valid parts still apply. */
  problems: string[];
  /** Set when nothing in the file can be used (not YAML, or not a mapping): a CI run stops on it. */
  unusable?: string;
}

const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info', 'style']);
const LABEL_TYPES: ReadonlySet<string> = new Set(['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email']);
const RULE_CODE = /^((DL|SC)\d{4}|SYNTAX)$/;

function stringList(value: unknown, key: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`"${key}" should be a list.`);
    return [];
  }
  const result: string[] = [];
  for (const item of value) {
    if (typeof item === 'string' || typeof item === 'number') result.push(String(item).trim());
    else problems.push(`"${key}" holds a value that is not text: ${JSON.stringify(item)}.`);
  }
  return result;
}

/** A rule code as written by a user (`dl3008`, ` DL3008 `, `Syntax`) in the form findings carry. */
export function normalizeCode(code: string): string {
  const upper = code.trim().toUpperCase();
  return upper === 'SYNTAX' ? 'syntax' : upper;
}

function ruleCodes(value: unknown, key: string, problems: string[]): string[] {
  return stringList(value, key, problems)
    .filter((c) => {
      if (RULE_CODE.test(c.toUpperCase())) return true;
      problems.push(`"${key}" names an unknown rule code "${c.toUpperCase()}".`);
      return false;
    })
    .map(normalizeCode);
}

export function parseHadolintConfig(text: string): ParsedConfigFile {
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const unusable = `The file is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    return { patch: {}, problems: [unusable], unusable };
  }
  if (raw === null || raw === undefined) return { patch: {}, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    const unusable = 'The file should hold a mapping of settings.';
    return { patch: {}, problems: [unusable], unusable };
  }
  const doc = raw as Record<string, unknown>;
  const patch: ConfigPatch = {};

  if ('ignored' in doc) patch.ignored = ruleCodes(doc.ignored, 'ignored', problems);

  if ('override' in doc) {
    const override = doc.override;
    if (override && typeof override === 'object' && !Array.isArray(override)) {
      const pairs: Array<[string, RuleSeverity]> = [];
      for (const [level, list] of Object.entries(override as Record<string, unknown>)) {
        if (!SEVERITIES.has(level)) {
          problems.push(`"override" has an unknown level "${level}" (use error, warning, info or style).`);
          continue;
        }
        for (const code of ruleCodes(list, `override.${level}`, problems)) pairs.push([code, level as Severity]);
      }
      patch.overrides = pairs;
    } else if (override !== null) {
      problems.push('"override" should map levels (error, warning, info, style) to lists of rule codes.');
    }
  }

  if ('trustedRegistries' in doc) patch.trustedRegistries = stringList(doc.trustedRegistries, 'trustedRegistries', problems);

  if ('label-schema' in doc) {
    const schema = doc['label-schema'];
    if (schema && typeof schema === 'object' && !Array.isArray(schema)) {
      const labels: LabelSchema = {};
      for (const [label, type] of Object.entries(schema as Record<string, unknown>)) {
        if (typeof type === 'string' && LABEL_TYPES.has(type)) labels[label] = type;
        else problems.push(`"label-schema.${label}" has an unknown type ${JSON.stringify(type)} (use ${[...LABEL_TYPES].join(', ')}).`);
      }
      patch.labelSchema = labels;
    } else if (schema !== null) {
      problems.push('"label-schema" should map label names to types.');
    }
  }

  if ('strict-labels' in doc) {
    if (typeof doc['strict-labels'] === 'boolean') patch.strictLabels = doc['strict-labels'];
    else problems.push('"strict-labels" should be true or false.');
  }
  if ('no-fail' in doc) {
    if (typeof doc['no-fail'] === 'boolean') patch.noFail = doc['no-fail'];
    else problems.push('"no-fail" should be true or false.');
  }
  if ('failure-threshold' in doc) {
    const threshold = doc['failure-threshold'];
    if (typeof threshold === 'string' && (SEVERITIES.has(threshold) || threshold === 'none')) patch.failureThreshold = threshold as Severity | 'none';
    else problems.push(`"failure-threshold" should be error, warning, info, style or none, not ${JSON.stringify(threshold)}.`);
  }
  return { patch, problems };
}

/** Applies patches in order: later ones win for scalars and overrides; ignored lists add up. */
export function mergeConfig(base: LintConfig, ...patches: ConfigPatch[]): LintConfig {
  const ignored = new Set(base.ignored);
  const overrides = new Map(base.overrides);
  let { trustedRegistries, labelSchema, strictLabels, failureThreshold, noFail } = base;
  for (const p of patches) {
    for (const code of p.ignored ?? []) ignored.add(code);
    for (const [code, severity] of p.overrides ?? []) overrides.set(code, severity);
    if (p.trustedRegistries) trustedRegistries = p.trustedRegistries;
    if (p.labelSchema) labelSchema = p.labelSchema;
    if (p.strictLabels !== undefined) strictLabels = p.strictLabels;
    if (p.failureThreshold !== undefined) failureThreshold = p.failureThreshold;
    if (p.noFail !== undefined) noFail = p.noFail;
  }
  return { ignored, overrides, trustedRegistries, labelSchema, strictLabels, failureThreshold, noFail };
}

export function configFromFile(text: string): { config: LintConfig; problems: string[]; unusable?: string } {
  const { patch, problems, unusable } = parseHadolintConfig(text);
  return { config: mergeConfig(DEFAULT_CONFIG, patch), problems, ...(unusable === undefined ? {} : { unusable }) };
}

/**
 * Where hadolint looks for its configuration, in order: the working directory, then
 * `$XDG_CONFIG_HOME/hadolint.yaml`, `~/.config/hadolint.yaml`, `~/.hadolint/hadolint.yaml`,
 * `~/hadolint/config.yaml` (and `~/hadolint/hadolint.yaml`) and `~/.hadolint.yaml` (each also as
 * `.yml`).
 */
export function configCandidates(cwd: string, home: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const both = (path: string): string[] => [`${path}.yaml`, `${path}.yml`];
  const xdg = env.XDG_CONFIG_HOME || join(home, '.config');
  return [
    ...both(join(cwd, '.hadolint')),
    ...both(join(xdg, 'hadolint')),
    ...(xdg !== join(home, '.config') ? both(join(home, '.config', 'hadolint')) : []),
    ...both(join(home, '.hadolint', 'hadolint')),
    ...both(join(home, 'hadolint', 'config')),
    ...both(join(home, 'hadolint', 'hadolint')),
    ...both(join(home, '.hadolint')),
  ];
}

export function findConfigFile(cwd: string, home: string, env: Readonly<Record<string, string | undefined>>, exists: (path: string) => boolean): string | undefined {
  return configCandidates(cwd, home, env).find(exists);
}
