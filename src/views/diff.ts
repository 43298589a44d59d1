/**
 * The Container diff view: what the container added, changed and deleted against its image. Those
 * changes live in the container's writable layer and are lost when it is removed. Pure.
 */
import type { FileChange, FileChangeKind } from '../engine/ContainerEngine';
import type { Translate } from '../l10n';
import { escapeMarkdown, inlineCode } from './markdown';

/** The most paths listed per kind; the rest are counted. */
const MAX_LISTED = 2000;

export interface DiffSummary {
  added: string[];
  modified: string[];
  deleted: string[];
}

export function summarizeChanges(changes: readonly FileChange[]): DiffSummary {
  const by: Record<FileChangeKind, string[]> = { added: [], modified: [], deleted: [] };
  for (const c of changes) by[c.kind].push(c.path);
  for (const list of Object.values(by)) list.sort();
  return by;
}

export function diffMarkdown(name: string, summary: DiffSummary, t: Translate): string {
  const lines: string[] = [`# ${t('Changes in {0}', escapeMarkdown(name))}`, ''];
  const total = summary.added.length + summary.modified.length + summary.deleted.length;
  if (total === 0) {
    lines.push(t('The container has not changed any file of its image.'), '');
    return lines.join('\n');
  }
  lines.push(
    t('{0} added, {1} changed, {2} deleted.', summary.added.length, summary.modified.length, summary.deleted.length),
    '',
    `> ${t('These changes live in the container\'s writable layer: they are lost when this container is removed. Keep data in a volume, or bake it into the image.')}`,
    '',
  );
  const section = (title: string, marker: string, paths: readonly string[]): void => {
    if (paths.length === 0) return;
    lines.push(`## ${title} (${paths.length})`, '');
    for (const path of paths.slice(0, MAX_LISTED)) lines.push(`- ${marker} ${inlineCode(path)}`);
    if (paths.length > MAX_LISTED) lines.push(`- ${t('… and {0} more', paths.length - MAX_LISTED)}`);
    lines.push('');
  };
  section(t('Added'), 'A', summary.added);
  section(t('Changed'), 'C', summary.modified);
  section(t('Deleted'), 'D', summary.deleted);
  return lines.join('\n');
}
