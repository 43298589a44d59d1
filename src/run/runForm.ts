/**
 * The run form's fields: how each shows its current value, and how text the user types becomes
 * options, by reading it as that flag's values in a `docker run` line (one parser for the form and
 * the pasted command line). Pure.
 */
import type { Translate } from '../l10n';
import type { ParseContext, RunOptions } from './runOptions';
import { dockerRunWords, parseDockerRun, shellWords } from './runOptions';

export type RunFieldId = 'name' | 'ports' | 'env' | 'envFiles' | 'volumes' | 'network' | 'restart' | 'memory' | 'cpus' | 'command';

export interface RunField {
  id: RunFieldId;
  label: string;
  /** The flag whose values the field edits; none for the command. */
  flag: string | undefined;
  /** An example, for the input box. */
  placeholder: string;
}

export function runFields(t: Translate): RunField[] {
  return [
    { id: 'name', label: t('Name'), flag: '--name', placeholder: t('e.g. web (empty: the engine picks one)') },
    { id: 'ports', label: t('Published ports'), flag: '-p', placeholder: t('host:container, e.g. 8080:80 127.0.0.1:5432:5432 53:53/udp') },
    { id: 'env', label: t('Environment'), flag: '-e', placeholder: t('NAME=value, e.g. MODE=dev "GREETING=hello world"') },
    { id: 'envFiles', label: t('Env files'), flag: '--env-file', placeholder: t('paths, relative to the workspace folder, e.g. .env') },
    { id: 'volumes', label: t('Volumes and binds'), flag: '-v', placeholder: t('source:target[:ro], e.g. ./data:/data pgdata:/var/lib/postgresql/data') },
    { id: 'network', label: t('Network'), flag: '--network', placeholder: t('e.g. host, none or a network name (empty: the default bridge)') },
    { id: 'restart', label: t('Restart policy'), flag: '--restart', placeholder: t('no, always, unless-stopped or on-failure[:max-retries]') },
    { id: 'memory', label: t('Memory limit'), flag: '--memory', placeholder: t('e.g. 512m or 2g (empty: no limit)') },
    { id: 'cpus', label: t('CPU limit'), flag: '--cpus', placeholder: t('CPUs, e.g. 0.5 or 2 (empty: no limit)') },
    { id: 'command', label: t('Command'), flag: undefined, placeholder: t('replaces the image\'s CMD, e.g. sh -c "echo hi" (empty: the image\'s own)') },
  ];
}

/** Quotes a word for the field's text when it needs it. */
function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The field's current values as the user would type them. */
export function fieldText(field: RunField, options: RunOptions): string {
  if (field.id === 'command') return (options.command ?? []).map(quoteWord).join(' ');
  const words = dockerRunWords(options);
  const values: string[] = [];
  const flags = field.id === 'volumes' ? new Set(['-v', '--mount']) : new Set([field.flag]);
  for (let i = 2; i < words.length - 1; i++) {
    if (flags.has(words[i])) values.push(words[i + 1] ?? '');
  }
  return values.map(quoteWord).join(' ');
}

/** Applies the field's new text, or says what is wrong with it (naming the flag, as the parser does). */
export function applyField(field: RunField, text: string, options: RunOptions, t: Translate, context: ParseContext = {}): { options: RunOptions } | { error: string } {
  const split = shellWords(text, t, context);
  if ('error' in split) return split;
  const image = options.image;
  if (field.id === 'command') return { options: { ...options, command: split.words.length > 0 ? split.words : undefined } };
  const flag = field.flag ?? '';
  const single = field.id !== 'ports' && field.id !== 'env' && field.id !== 'envFiles' && field.id !== 'volumes';
  if (single && split.words.length > 1) return { error: t('{0} takes one value.', flag) };
  const line = [...split.words.flatMap((w) => [flag, quoteWord(w)]), quoteWord(image)].join(' ');
  const parsed = parseDockerRun(line, t, context);
  if ('error' in parsed) return parsed;
  const p = parsed.options;
  switch (field.id) {
    case 'name':
      return { options: { ...options, name: p.name } };
    case 'ports':
      return { options: { ...options, ports: p.ports } };
    case 'env':
      return { options: { ...options, env: p.env } };
    case 'envFiles':
      return { options: { ...options, envFiles: p.envFiles } };
    case 'volumes':
      return { options: { ...options, volumes: p.volumes } };
    case 'network':
      return { options: { ...options, network: p.network } };
    case 'restart':
      return { options: { ...options, restart: p.restart } };
    case 'memory':
      return { options: { ...options, memoryBytes: p.memoryBytes } };
    case 'cpus':
      return { options: { ...options, cpus: p.cpus } };
  }
}
