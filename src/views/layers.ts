/**
 * The Image layers view: each step of an image with the instruction that made it and its size,
 * the total, and which layers it shares with other local images. Pure: from the engine's history
 * and the layer digests (`RootFS.Layers`) of this and the other images, to a report and Markdown.
 */
import type { ImageHistoryEntry } from '../engine/ContainerEngine';
import type { Translate } from '../l10n';
import { formatBytes, shortId } from '../tree/format';
import { escapeMarkdown, inlineCode } from './markdown';

/** Instructions that change only the image's configuration, never its files. */
const METADATA_ONLY = /^(ENV|LABEL|CMD|ENTRYPOINT|EXPOSE|USER|ARG|SHELL|STOPSIGNAL|HEALTHCHECK|VOLUME|ONBUILD|MAINTAINER)\b/i;

const INSTRUCTION = /^(FROM|ADD|COPY|RUN|CMD|ENTRYPOINT|ENV|LABEL|EXPOSE|USER|WORKDIR|ARG|SHELL|STOPSIGNAL|HEALTHCHECK|VOLUME|ONBUILD|MAINTAINER)\b/;

/**
 * The Dockerfile instruction behind a history entry: `/bin/sh -c #(nop)  CMD ["sh"]` → `CMD ["sh"]`,
 * `/bin/sh -c apk add x` → `RUN apk add x`, `RUN /bin/sh -c make # buildkit` → `RUN make`, and the
 * legacy builder's `|2 A=1 B=2 /bin/sh -c …` build-arg prefix dropped.
 */
export function instructionOf(createdBy: string): string {
  // The legacy builder names copied content by its full hash: the first 12 digits tell them apart.
  let text = createdBy
    .trim()
    .replace(/\s+# buildkit$/, '')
    .replace(/\b(file|dir|multi):([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1:$2…');
  text = text.replace(/^\|\d+(?:\s+\S+=\S*)*\s+(?=\/bin\/sh|RUN|cmd)/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s*(.*)$/s.exec(text);
  if (nop) return (nop[1] ?? '').trim();
  const shell = /^\/bin\/sh -c (.*)$/s.exec(text);
  if (shell) return `RUN ${(shell[1] ?? '').trim()}`;
  const buildkitRun = /^RUN \/bin\/sh -c (.*)$/s.exec(text);
  if (buildkitRun) return `RUN ${(buildkitRun[1] ?? '').trim()}`;
  // The legacy builder records an exec-form RUN as the bare command line.
  if (text && !INSTRUCTION.test(text)) return `RUN ${text}`;
  return text;
}

/** Whether a history step produced a filesystem layer (the API does not say; this is what `docker history` implies). */
export function makesLayer(entry: ImageHistoryEntry): boolean {
  return entry.size > 0 || !METADATA_ONLY.test(instructionOf(entry.createdBy));
}

export interface OtherImage {
  id: string;
  /** Its tags, for naming it ("busybox:latest"); empty for a dangling image. */
  tags: readonly string[];
  /** Its layer digests, base first. */
  layers: readonly string[];
}

export interface LayerRow {
  instruction: string;
  size: number;
  created: number;
  /** The layer digest, when the step made a layer and history and digests line up. */
  digest: string | undefined;
  /** Other local images that have this layer (same digest at the same depth over the same base). */
  sharedWith: string[];
}

export interface LayersReport {
  name: string;
  id: string;
  /** Oldest (base) first. */
  rows: LayerRow[];
  totalSize: number;
  layerCount: number;
  sharedLayers: number;
  /** Bytes of layers shared with at least one other image: disk the image costs nobody extra. */
  sharedSize: number;
  /** False when the history steps could not be matched to the layer digests (sharing then counts whole layers only). */
  matched: boolean;
}

function imageName(image: OtherImage): string {
  return image.tags[0] ?? shortId(image.id);
}

/**
 * Layers are stored once per chain: a layer is shared with another image only if that image has
 * the same digests from the base up to and including it.
 */
export function layersReport(name: string, id: string, historyNewestFirst: readonly ImageHistoryEntry[], layers: readonly string[], others: readonly OtherImage[]): LayersReport {
  const steps = [...historyNewestFirst].reverse();
  const sharedDepth = others
    .filter((o) => o.id !== id)
    .map((o) => {
      let depth = 0;
      while (depth < layers.length && depth < o.layers.length && layers[depth] === o.layers[depth]) depth++;
      return { name: imageName(o), depth };
    })
    .filter((o) => o.depth > 0);
  const sharersOf = (layerIndex: number): string[] => sharedDepth.filter((o) => o.depth > layerIndex).map((o) => o.name).sort();

  const layerSteps = steps.filter(makesLayer);
  const matched = layerSteps.length === layers.length;
  let layerIndex = 0;
  const rows: LayerRow[] = steps.map((step) => {
    const isLayer = makesLayer(step);
    const digest = matched && isLayer ? layers[layerIndex] : undefined;
    const sharedWith = matched && isLayer ? sharersOf(layerIndex) : [];
    if (isLayer) layerIndex++;
    return { instruction: instructionOf(step.createdBy) || '—', size: step.size, created: step.created, digest, sharedWith };
  });
  const sharedLayers = layers.filter((_, i) => sharersOf(i).length > 0).length;
  const sharedSize = matched ? rows.filter((r) => r.sharedWith.length > 0).reduce((sum, r) => sum + r.size, 0) : 0;
  return { name, id, rows, totalSize: steps.reduce((sum, s) => sum + s.size, 0), layerCount: layers.length, sharedLayers, sharedSize, matched };
}

export function layersMarkdown(report: LayersReport, t: Translate): string {
  const lines: string[] = [];
  lines.push(`# ${t('Layers of {0}', escapeMarkdown(report.name))}`, '');
  lines.push(
    t('{0} layers, {1} in total. An image is a stack of read-only layers: a container adds one writable layer on top, and its changes are lost when it is removed.', report.layerCount, formatBytes(report.totalSize)),
    '',
  );
  if (report.sharedLayers > 0) {
    lines.push(
      report.matched
        ? t('{0} of its layers ({1}) are shared with other local images and stored only once.', report.sharedLayers, formatBytes(report.sharedSize))
        : t('{0} of its layers are shared with other local images and stored only once.', report.sharedLayers),
      '',
    );
  } else {
    lines.push(t('It shares no layer with another local image.'), '');
  }
  lines.push(`| # | ${t('Instruction')} | ${t('Size')} | ${t('Layer')} | ${t('Shared with')} |`, '|---:|---|---:|---|---|');
  report.rows.forEach((row, index) => {
    const layer = row.digest ? inlineCode(shortId(row.digest.replace(/^sha256:/, ''))) : row.size > 0 ? t('yes') : '';
    const instruction = row.instruction.length > 200 ? `${row.instruction.slice(0, 200)}…` : row.instruction;
    lines.push(`| ${index + 1} | ${inlineCode(instruction)} | ${formatBytes(row.size)} | ${layer} | ${row.sharedWith.map(escapeMarkdown).join(', ')} |`);
  });
  lines.push('', `**${t('Total')}: ${formatBytes(report.totalSize)}**`, '');
  return lines.join('\n');
}
