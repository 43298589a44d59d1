/**
 * The editor features dockerfile-language-service (DLS) provides: hover, signature help,
 * formatting, outline, folding, links, definition, highlights, rename and semantic tokens.
 * Each provider loads DLS on first use, skips files too large for it (see LINE_LIMITS), converts
 * through ./convert.ts, and logs (never shows) the library's failures.
 */
import * as vscode from 'vscode';
import { parseDockerfile } from '../lint/dockerfile';
import type { ParsedDockerfile } from '../lint/dockerfile';
import type { DockerfileLanguageService } from 'dockerfile-language-service';
import type {
  LspBackedDocumentLink} from './convert';
import {
  SEMANTIC_TOKENS_LEGEND,
  fromPosition,
  fromRange,
  toDocumentHighlights,
  toDocumentLinks,
  toDocumentSymbols,
  toFoldingRanges,
  toFormatterSettings,
  toHover,
  toLocation,
  toRange,
  toSemanticTokens,
  toSignatureHelp,
  toTextEdits,
  toWorkspaceEdit,
} from './convert';
import { isValidName, renameKindAt } from './cursorContext';
import { buildOutline, stageFoldingRanges } from './outline';
import { yieldShellToGrammar } from './semanticTokens';
import { LINE_LIMITS, withinLimit } from './service';
import type { FeatureWeight, LazyDockerfileService } from './service';

/** Berth's parse of each open document, reused while its version does not change. */
export class ParsedDocuments {
  private readonly cache = new WeakMap<vscode.TextDocument, { version: number; parsed: ParsedDockerfile }>();

  get(document: vscode.TextDocument): ParsedDockerfile {
    const hit = this.cache.get(document);
    if (hit && hit.version === document.version) return hit.parsed;
    const parsed = parseDockerfile(document.getText());
    this.cache.set(document, { version: document.version, parsed });
    return parsed;
  }
}

export interface FeatureContext {
  readonly service: LazyDockerfileService;
  readonly log: vscode.LogOutputChannel;
  readonly parsed: ParsedDocuments;
}

const LIMITED_FEATURES: Record<FeatureWeight, string> = {
  semanticTokens: 'semantic highlighting',
  passive: "hover, highlights, outline, folding, links, signature help and the library's completions",
  explicit: 'formatting, rename and go to definition',
};

/**
 * Runs one DLS call for `document`, or returns undefined when the file is over the feature's size
 * limit, the request was cancelled, or the library failed (logged once per feature and message).
 */
export class ServiceRunner {
  private readonly reported = new Set<string>();

  constructor(private readonly context: FeatureContext) {}

  async run<T>(feature: string, weight: FeatureWeight, document: vscode.TextDocument, token: vscode.CancellationToken, call: (dls: DockerfileLanguageService) => T | PromiseLike<T>): Promise<T | undefined> {
    if (!withinLimit(weight, document.lineCount)) {
      this.once(`limit:${weight}:${document.uri.toString()}`, () =>
        this.context.log.info(`${document.uri.fsPath || document.uri.toString()} has ${document.lineCount} lines: Dockerfile ${LIMITED_FEATURES[weight]} stay off above ${LINE_LIMITS[weight]} lines`),
      );
      return undefined;
    }
    let dls: DockerfileLanguageService;
    try {
      dls = await this.context.service.get();
    } catch (error) {
      this.once('load', () => this.context.log.error(`dockerfile-language-service could not be loaded: ${describe(error)}`));
      return undefined;
    }
    if (token.isCancellationRequested) return undefined;
    try {
      const result = await call(dls);
      return token.isCancellationRequested ? undefined : result;
    } catch (error) {
      const message = describe(error);
      this.once(`${feature}:${message}`, () => this.context.log.warn(`Dockerfile ${feature} failed: ${message}`));
      return undefined;
    }
  }

  private once(key: string, report: () => void): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    report();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export const SIGNATURE_TRIGGERS = [' ', '-', '[', ',', '='];

export function registerServiceProviders(selector: vscode.DocumentSelector, context: FeatureContext, runner: ServiceRunner): vscode.Disposable[] {
  const textDocument = (document: vscode.TextDocument) => ({ uri: document.uri.toString() });

  return [
    vscode.languages.registerHoverProvider(selector, {
      provideHover: async (document, position, token) => toHover(await runner.run('hover', 'passive', document, token, (dls) => dls.computeHover(document.getText(), fromPosition(position)))),
    }),

    vscode.languages.registerSignatureHelpProvider(
      selector,
      {
        provideSignatureHelp: async (document, position, token) =>
          toSignatureHelp(await runner.run('signature help', 'passive', document, token, (dls) => dls.computeSignatureHelp(document.getText(), fromPosition(position)))),
      },
      { triggerCharacters: SIGNATURE_TRIGGERS, retriggerCharacters: [] },
    ),

    vscode.languages.registerDocumentFormattingEditProvider(selector, {
      provideDocumentFormattingEdits: async (document, options, token) =>
        toTextEdits(await runner.run('formatting', 'explicit', document, token, (dls) => dls.format(document.getText(), toFormatterSettings(options)))),
    }),

    vscode.languages.registerDocumentRangeFormattingEditProvider(selector, {
      provideDocumentRangeFormattingEdits: async (document, range, options, token) =>
        toTextEdits(await runner.run('range formatting', 'explicit', document, token, (dls) => dls.formatRange(document.getText(), fromRange(range), toFormatterSettings(options)))),
    }),

    // dockerfile-utils indents the next line when the escape character is typed at a line's end.
    vscode.languages.registerOnTypeFormattingEditProvider(
      selector,
      {
        provideOnTypeFormattingEdits: async (document, position, ch, options, token) =>
          toTextEdits(await runner.run('on-type formatting', 'passive', document, token, (dls) => dls.formatOnType(document.getText(), fromPosition(position), ch, toFormatterSettings(options)))),
      },
      '\\',
      '`',
    ),

    vscode.languages.registerDocumentSymbolProvider(
      selector,
      {
        provideDocumentSymbols: async (document, token) => {
          const symbols = await runner.run('outline', 'passive', document, token, (dls) => dls.computeSymbols(textDocument(document), document.getText()));
          return symbols ? toDocumentSymbols(buildOutline(symbols, context.parsed.get(document))) : undefined;
        },
      },
      { label: 'Dockerfile' },
    ),

    vscode.languages.registerFoldingRangeProvider(selector, {
      provideFoldingRanges: async (document, _foldingContext, token) => {
        const ranges = await runner.run('folding', 'passive', document, token, (dls) => dls.computeFoldingRanges(document.getText()));
        return ranges ? toFoldingRanges([...stageFoldingRanges(context.parsed.get(document)), ...ranges]) : undefined;
      },
    }),

    vscode.languages.registerDocumentLinkProvider(selector, {
      provideDocumentLinks: async (document, token) => toDocumentLinks(await runner.run('links', 'passive', document, token, (dls) => dls.computeLinks(document.getText()))),
      resolveDocumentLink: async (link: LspBackedDocumentLink, token) => {
        if (link.target) return link;
        const dls = await context.service.get();
        if (token.isCancellationRequested) return undefined;
        const resolved = dls.resolveLink({ ...link.lsp });
        if (resolved.target) link.target = vscode.Uri.parse(resolved.target);
        return link;
      },
    }),

    vscode.languages.registerDefinitionProvider(selector, {
      provideDefinition: async (document, position, token) =>
        toLocation(await runner.run('go to definition', 'explicit', document, token, (dls) => dls.computeDefinition(textDocument(document), document.getText(), fromPosition(position))), document),
    }),

    vscode.languages.registerDocumentHighlightProvider(selector, {
      provideDocumentHighlights: async (document, position, token) =>
        toDocumentHighlights(await runner.run('highlights', 'passive', document, token, (dls) => dls.computeHighlightRanges(document.getText(), fromPosition(position)))),
    }),

    vscode.languages.registerRenameProvider(selector, {
      prepareRename: async (document, position, token) => {
        const range = await runner.run('rename', 'explicit', document, token, (dls) => dls.prepareRename(document.getText(), fromPosition(position)));
        if (!range) {
          if (token.isCancellationRequested) return undefined;
          throw new Error(
            withinLimit('explicit', document.lineCount)
              ? vscode.l10n.t('Only build stage names and ARG or ENV variables can be renamed.')
              : vscode.l10n.t('This Dockerfile is too large to rename in ({0} lines).', document.lineCount),
          );
        }
        return toRange(range);
      },
      provideRenameEdits: async (document, position, newName, token) => {
        const kind = renameKindAt(context.parsed.get(document), document.offsetAt(position));
        if (!isValidName(kind, newName)) {
          throw new Error(kind === 'stage' ? vscode.l10n.t('"{0}" is not a valid build stage name.', newName) : vscode.l10n.t('"{0}" is not a valid variable name.', newName));
        }
        const edits = await runner.run('rename', 'explicit', document, token, (dls) => dls.computeRename(textDocument(document), document.getText(), fromPosition(position), newName));
        return edits ? toWorkspaceEdit(document.uri, edits) : undefined;
      },
    }),

    vscode.languages.registerDocumentSemanticTokensProvider(
      selector,
      {
        provideDocumentSemanticTokens: async (document, token) => {
          const tokens = await runner.run('semantic tokens', 'semanticTokens', document, token, async () => {
            const text = document.getText();
            const all = await context.service.semanticTokens(text);
            return { data: yieldShellToGrammar(all.data, context.parsed.get(document)) };
          });
          return tokens ? toSemanticTokens(tokens) : undefined;
        },
      },
      SEMANTIC_TOKENS_LEGEND,
    ),
  ];
}
