/**
 * Read-only Markdown reports about one object, as virtual documents (`berth-report:`) opened in
 * the Markdown preview: a container's isolation, an image's layers, a container's file changes.
 */
import * as vscode from 'vscode';
import type { ContainerEngine } from '../engine/ContainerEngine';
import { RequestFailedError } from '../engine/errors';
import type { EngineProvider } from '../EngineProvider';
import { shortId } from '../tree/format';
import { diffMarkdown, summarizeChanges } from './diff';
import { isolationMarkdown, isolationReport } from './isolation';
import type { OtherImage } from './layers';
import { layersMarkdown, layersReport } from './layers';

export const REPORT_SCHEME = 'berth-report';
export type ReportKind = 'isolation' | 'layers' | 'diff';
const KINDS: ReadonlySet<string> = new Set<ReportKind>(['isolation', 'layers', 'diff']);

/** `berth-report:/layers/busybox%3Alatest.md?id=…`: the path names the tab, the query says what to fetch. */
export function reportUri(kind: ReportKind, id: string, title: string): vscode.Uri {
  const safe = title.replace(/[/\\?#%]/g, '_') || shortId(id);
  return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${kind}/${safe}.md`, query: new URLSearchParams({ id, title }).toString() });
}

/** How many images are inspected at once when looking for shared layers. */
const INSPECT_CONCURRENCY = 8;

export class ReportDocumentProvider implements vscode.TextDocumentContentProvider {
  /** Layer digests by image id. Image ids are content hashes, so an entry never goes stale. */
  private readonly layerCache = new Map<string, string[]>();

  constructor(private readonly engines: EngineProvider) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const kind = uri.path.split('/')[1] ?? '';
    const params = new URLSearchParams(uri.query);
    const id = params.get('id') ?? '';
    const title = params.get('title') || shortId(id);
    if (!KINDS.has(kind) || !id) {
      return vscode.l10n.t('Berth cannot show {0}: the address is not one Berth made.', uri.toString());
    }
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const engine = await this.engines.get();
      const signal = controller.signal;
      switch (kind as ReportKind) {
        case 'isolation':
          return isolationMarkdown(isolationReport(await engine.inspect('container', id, { signal }), vscode.l10n.t), vscode.l10n.t);
        case 'diff':
          return diffMarkdown(title, summarizeChanges(await engine.containerChanges(id, { signal })), vscode.l10n.t);
        case 'layers':
          return await this.layers(engine, id, title, signal);
      }
    } finally {
      subscription.dispose();
    }
  }

  private async layersOf(engine: ContainerEngine, id: string, signal: AbortSignal): Promise<string[]> {
    const cached = this.layerCache.get(id);
    if (cached) return cached;
    const inspect = await engine.inspect('image', id, { signal });
    const rootfs = inspect.RootFS as { Layers?: unknown } | undefined;
    const layers = Array.isArray(rootfs?.Layers) ? rootfs.Layers.filter((l): l is string => typeof l === 'string') : [];
    this.layerCache.set(id, layers);
    return layers;
  }

  private async layers(engine: ContainerEngine, id: string, title: string, signal: AbortSignal): Promise<string> {
    const [history, layers, images] = await Promise.all([engine.imageHistory(id, { signal }), this.layersOf(engine, id, signal), engine.listImages({ signal })]);
    const others: OtherImage[] = [];
    const queue = images.filter((i) => i.id !== id);
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        try {
          others.push({ id: next.id, tags: next.repoTags, layers: await this.layersOf(engine, next.id, signal) });
        } catch (error) {
          // An image removed meanwhile shares nothing any more; anything else is a real failure.
          if (!(error instanceof RequestFailedError && error.statusCode === 404)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: INSPECT_CONCURRENCY }, worker));
    // Forget images that are gone, so the cache follows the engine.
    const present = new Set(images.map((i) => i.id));
    for (const key of this.layerCache.keys()) if (!present.has(key)) this.layerCache.delete(key);
    return layersMarkdown(layersReport(title, id, history, layers, others), vscode.l10n.t);
  }
}

export async function showReport(kind: ReportKind, id: string, title: string): Promise<vscode.TextDocument> {
  const uri = reportUri(kind, id, title);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return document;
}
