/**
 * Dockerfile completion: dockerfile-language-service's items (keywords, flags, Docker Hub tags)
 * merged with Berth's own: engine images and earlier stages after `FROM ` and in `COPY --from=` /
 * `RUN --mount=…,from=`, and the ARG/ENV names in scope after `$` / `${`. One provider, so the
 * list never shows the same variable or stage twice: where Berth knows the context better (variables,
 * stage references) the library is not asked. Slow sources are bounded; a slow or failed one only
 * leaves its items out, and marks the list incomplete so that the next keystroke asks again.
 */
import type { DockerfileLanguageService } from 'dockerfile-language-service';
import * as vscode from 'vscode';
import { formatAge, formatBytes, shortId } from '../tree/format';
import { applyResolved, fromPosition, LspBackedCompletionItem, toCompletionItem } from './convert';
import type { LspCompletionItem } from './convert/lsp';
import { cursorContext } from './cursorContext';
import type { CursorContext, StageRef, VariableRef } from './cursorContext';
import type { EngineImageNames, ImageRef } from './engineImages';
import type { FeatureContext, ServiceRunner } from './providers';
import { dockerHubRepository, isTagPosition } from './registryTags';
import type { RegistryTags } from './registryTags';

export const COMPLETION_TRIGGERS = [' ', '=', '$', '{', '-', ':'];

export interface CompletionDeps extends FeatureContext {
  readonly runner: ServiceRunner;
  readonly images: EngineImageNames;
  readonly registry: Pick<RegistryTags, 'pending'>;
  readonly registryLookups: () => boolean;
  /** How long to wait for the library's items (which may wait for Docker Hub) before going without. */
  readonly libraryWaitMs?: number;
  /**
   * The same, when Berth has items of its own to show (local images, stages): a slow registry must
   * not hold them back. The list is then marked incomplete, so the next keystroke asks again and
   * gets the tags the lookup has cached meanwhile.
   */
  readonly libraryWaitWithOwnItemsMs?: number;
}

export class DockerfileCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly deps: CompletionDeps) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionList> {
    const offset = document.offsetAt(position);
    const context = cursorContext(this.deps.parsed.get(document), offset);
    const wantsImages = context.kind === 'fromImage' || context.kind === 'buildSource';
    const askLibrary = this.shouldAskLibrary(context);
    const bridge = abortSignalFor(token);
    try {
      // Asked at once, waited for after the engine's images: how long depends on what Berth has.
      const libraryRequest = askLibrary ? this.libraryRequest(document, position, token) : undefined;
      const images = wantsImages ? await this.deps.images.get(bridge.signal) : [];
      const own = berthItems(context, images, document);
      const library = libraryRequest
        ? await this.within(libraryRequest, own.length > 0 ? (this.deps.libraryWaitWithOwnItemsMs ?? 150) : (this.deps.libraryWaitMs ?? 1000))
        : undefined;
      const ownLabels = new Set(own.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)));
      const merged: vscode.CompletionItem[] = [...own];
      for (const item of library ?? []) {
        if (ownLabels.has(item.lsp.label)) continue;
        item.sortText = `2_${item.sortText ?? item.lsp.label}`;
        merged.push(item);
      }
      const incomplete = (wantsImages && this.deps.images.pending) || (askLibrary && (library === undefined || this.deps.registry.pending));
      return new vscode.CompletionList(merged, incomplete);
    } finally {
      bridge.dispose();
    }
  }

  async resolveCompletionItem(item: vscode.CompletionItem, token: vscode.CancellationToken): Promise<vscode.CompletionItem> {
    if (!(item instanceof LspBackedCompletionItem) || item.documentation) return item;
    try {
      const dls = await this.deps.service.get();
      if (token.isCancellationRequested) return item;
      // The item came from the library, so its LSP form is the library's own type.
      const original = { ...item.lsp } as Parameters<DockerfileLanguageService['resolveCompletionItem']>[0];
      return applyResolved(item, dls.resolveCompletionItem(original));
    } catch {
      return item;
    }
  }

  /**
   * The library owns keyword, flag and Docker Hub tag completion. Berth answers variables and stage
   * references alone, and the library is not asked for tags when lookups are off or the image lives
   * on another registry (the library would ask Docker Hub for it anyway).
   */
  private shouldAskLibrary(context: CursorContext): boolean {
    switch (context.kind) {
      case 'variable':
      case 'buildSource':
        return false;
      case 'fromImage':
        if (!isTagPosition(context.prefix)) return true;
        return this.deps.registryLookups() && dockerHubRepository(context.prefix) !== undefined && !context.stages.some((s) => s.name.toLowerCase() === repositoryOf(context.prefix));
      case 'none':
        return true;
    }
  }

  private libraryRequest(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<LspBackedCompletionItem[]> {
    return this.deps.runner
      .run('completion', 'passive', document, token, (dls) => dls.computeCompletionItems(document.getText(), fromPosition(position)))
      .then(
        (items) => (items ?? []).map((i: LspCompletionItem) => toCompletionItem(i)),
        // A failing library leaves its items out; Berth's own still show.
        () => [],
      );
  }

  /** The library's items, or undefined when they take longer than `ms` (the request goes on and fills its cache). */
  private async within(request: Promise<LspBackedCompletionItem[]>, ms: number): Promise<LspBackedCompletionItem[] | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ms);
    });
    try {
      const items = await Promise.race([request, late]);
      return items === 'late' ? undefined : items;
    } finally {
      clearTimeout(timer);
    }
  }
}

function repositoryOf(prefix: string): string {
  return prefix.slice(0, prefix.lastIndexOf(':')).toLowerCase();
}

function abortSignalFor(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const subscription = token.onCancellationRequested(() => controller.abort());
  return {
    signal: controller.signal,
    dispose: () => {
      subscription.dispose();
    },
  };
}

function berthItems(context: CursorContext, images: readonly ImageRef[], document: vscode.TextDocument): vscode.CompletionItem[] {
  if (context.kind === 'none') return [];
  const range = new vscode.Range(document.positionAt(context.replace.start), document.positionAt(context.replace.end));
  switch (context.kind) {
    case 'variable':
      return context.variables.map((v, i) => variableItem(v, i, context.brace, range));
    case 'fromImage':
    case 'buildSource': {
      const now = Date.now();
      return [...context.stages.map((s) => stageItem(s, range)), ...images.map((image) => imageItem(image, range, now))];
    }
  }
}

function stageItem(stage: StageRef, range: vscode.Range): vscode.CompletionItem {
  const item = new vscode.CompletionItem({ label: stage.name, description: vscode.l10n.t('build stage') }, vscode.CompletionItemKind.Reference);
  item.detail = stage.named ? vscode.l10n.t('Stage {0}: FROM {1}', stage.index, stage.image) : vscode.l10n.t('Unnamed stage {0}: FROM {1}', stage.index, stage.image);
  item.range = range;
  item.insertText = stage.name;
  item.filterText = stage.name;
  item.sortText = `0_${String(stage.index).padStart(4, '0')}`;
  return item;
}

function imageItem(image: ImageRef, range: vscode.Range, now: number): vscode.CompletionItem {
  const item = new vscode.CompletionItem({ label: image.reference, description: formatBytes(image.size) }, vscode.CompletionItemKind.Module);
  item.detail =
    image.tag === undefined
      ? vscode.l10n.t('Local image {0}, newest tag {1}', shortId(image.imageId), formatAge(image.created, now, vscode.l10n.t))
      : vscode.l10n.t('Local image {0}, created {1}', shortId(image.imageId), formatAge(image.created, now, vscode.l10n.t));
  item.range = range;
  item.insertText = image.reference;
  item.filterText = image.reference;
  item.sortText = `1_${image.reference}`;
  return item;
}

function variableItem(variable: VariableRef, index: number, brace: boolean, range: vscode.Range): vscode.CompletionItem {
  const text = brace ? `\${${variable.name}}` : `$${variable.name}`;
  const predefined = variable.source === 'platform' || variable.source === 'proxy';
  const item = new vscode.CompletionItem({ label: variable.name, description: variableDescription(variable) }, predefined ? vscode.CompletionItemKind.Constant : vscode.CompletionItemKind.Variable);
  item.insertText = text;
  item.filterText = text;
  item.range = range;
  item.sortText = `0_${String(index).padStart(4, '0')}`;
  if (variable.source === 'ARG' || variable.source === 'ENV') {
    const declaration = variable.value === undefined ? `${variable.source} ${variable.name}` : `${variable.source} ${variable.name}=${variable.value}`;
    item.documentation = new vscode.MarkdownString().appendCodeblock(declaration, 'dockerfile');
    if (variable.line !== undefined) item.detail = vscode.l10n.t('Declared on line {0}', variable.line + 1);
  } else if (variable.source === 'platform') {
    item.detail = vscode.l10n.t('Set by BuildKit for the build or target platform');
  } else {
    item.detail = vscode.l10n.t('Predefined proxy argument, passed to RUN when set');
  }
  return item;
}

function variableDescription(variable: VariableRef): string {
  switch (variable.source) {
    case 'ARG':
      return variable.scope === 'global' ? vscode.l10n.t('global ARG') : 'ARG';
    case 'ENV':
      return variable.scope === 'parent' ? vscode.l10n.t('ENV from parent stage') : 'ENV';
    case 'platform':
      return vscode.l10n.t('automatic ARG');
    case 'proxy':
      return vscode.l10n.t('predefined ARG');
  }
}
