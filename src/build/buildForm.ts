/** The build form's pure parts: defaults, build-arg text, and the remembered settings per Dockerfile. */
import { posix } from 'node:path';
import type { Translate } from '../l10n';
import { parseDockerfile } from '../lint/dockerfile';

export interface BuildSettings {
  tag: string;
  /** Absolute path of the context folder. */
  contextDir: string;
  buildArgs: Record<string, string>;
  target: string | undefined;
  noCache: boolean;
}

/** `my-app:latest` from the Dockerfile's folder name: what most people tag a first build. */
export function defaultTag(dockerfilePath: string): string {
  const folder = posix.basename(posix.dirname(dockerfilePath.replace(/\\/g, '/')));
  const repo =
    folder
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'image';
  return `${repo}:latest`;
}

/** The named stages of a Dockerfile, in order, for the target picker. */
export function stageNames(dockerfileText: string): string[] {
  return parseDockerfile(dockerfileText)
    .stages.map((s) => s.name)
    .filter((n): n is string => n !== undefined);
}

/** `A=1 "B=two words"` words (already split) to build args; an error names the bad word. */
export function parseBuildArgs(words: readonly string[], t: Translate): Record<string, string> | { error: string } {
  const args: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) return { error: t('"{0}" is not NAME=value.', word) };
    const name = word.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { error: t('"{0}" is not a valid build-arg name.', name) };
    args[name] = word.slice(eq + 1);
  }
  return args;
}

export function formatBuildArgs(args: Readonly<Record<string, string>>): string {
  return Object.entries(args)
    .map(([k, v]) => (/^[\w@%+=:,./-]*$/.test(v) ? `${k}=${v}` : `'${`${k}=${v}`.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** Reads remembered settings defensively (workspace storage may hold anything). */
export function readBuildSettings(stored: unknown, fallback: BuildSettings): BuildSettings {
  const o = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const rawArgs = o.buildArgs && typeof o.buildArgs === 'object' ? (o.buildArgs as Record<string, unknown>) : undefined;
  const buildArgs = rawArgs ? Object.fromEntries(Object.entries(rawArgs).filter((e): e is [string, string] => typeof e[1] === 'string')) : fallback.buildArgs;
  return {
    tag: typeof o.tag === 'string' && o.tag ? o.tag : fallback.tag,
    contextDir: typeof o.contextDir === 'string' && o.contextDir ? o.contextDir : fallback.contextDir,
    buildArgs,
    target: typeof o.target === 'string' && o.target ? o.target : undefined,
    noCache: o.noCache === true,
  };
}
