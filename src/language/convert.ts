/**
 * Every LSP <-> VS Code conversion for the Dockerfile features, in one place. The mapping decisions
 * (kind tables, unions, clamping) are pure and live in ./convert/lsp.ts; this module only builds
 * `vscode` objects from their results.
 */
import * as vscode from 'vscode';
import {
  DEPRECATED_TAG,
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  clampPosition,
  completionEdit,
  completionKind,
  completionTags,
  documentationMarkup,
  formatterSettings,
  highlightKind,
  hoverMarkup,
  lineFolds,
  normalizeRange,
  normalizeSignatureHelp,
  semanticTokenData,
  symbolKind,
} from './convert/lsp';
import type {
  FormatterSettings,
  LspCompletionItem,
  LspDocumentHighlight,
  LspDocumentLink,
  LspFoldingRange,
  LspHover,
  LspLocation,
  LspPosition,
  LspRange,
  LspSemanticTokens,
  LspSignatureHelp,
  LspTextEdit,
  Markup,
} from './convert/lsp';
import type { OutlineNode } from './outline';

export function toPosition(p: LspPosition): vscode.Position {
  const c = clampPosition(p);
  return new vscode.Position(c.line, c.character);
}

export function fromPosition(p: vscode.Position): LspPosition {
  return { line: p.line, character: p.character };
}

export function toRange(r: LspRange): vscode.Range {
  const n = normalizeRange(r);
  return new vscode.Range(n.start.line, n.start.character, n.end.line, n.end.character);
}

export function fromRange(r: vscode.Range): LspRange {
  return { start: fromPosition(r.start), end: fromPosition(r.end) };
}

export function toTextEdits(edits: readonly LspTextEdit[] | null | undefined): vscode.TextEdit[] {
  return (edits ?? []).map((e) => new vscode.TextEdit(toRange(e.range), e.newText));
}

export function toWorkspaceEdit(uri: vscode.Uri, edits: readonly LspTextEdit[]): vscode.WorkspaceEdit {
  const workspaceEdit = new vscode.WorkspaceEdit();
  workspaceEdit.set(uri, toTextEdits(edits));
  return workspaceEdit;
}

export function toFormatterSettings(options: vscode.FormattingOptions): FormatterSettings {
  return formatterSettings(options);
}

export function toMarkdown(markup: Markup): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  if (markup.kind === 'markdown') md.appendMarkdown(markup.value);
  else if (markup.kind === 'code') md.appendCodeblock(markup.value, markup.language);
  else md.appendText(markup.value);
  return md;
}

function toDocumentation(doc: LspCompletionItem['documentation']): vscode.MarkdownString | string | undefined {
  const markup = documentationMarkup(doc);
  if (!markup) return undefined;
  return markup.kind === 'plaintext' ? markup.value : toMarkdown(markup);
}

/** A completion item from the library, remembering its LSP form for `resolveCompletionItem`. */
export class LspBackedCompletionItem extends vscode.CompletionItem {
  constructor(readonly lsp: LspCompletionItem) {
    super(lsp.label);
  }
}

export function toCompletionItem(lsp: LspCompletionItem): LspBackedCompletionItem {
  const item = new LspBackedCompletionItem(lsp);
  const kind = completionKind(lsp.kind);
  if (kind !== undefined) item.kind = kind;
  if (lsp.detail) item.detail = lsp.detail;
  const documentation = toDocumentation(lsp.documentation);
  if (documentation) item.documentation = documentation;
  const tags = completionTags(lsp);
  if (tags.length) item.tags = tags;
  if (lsp.sortText) item.sortText = lsp.sortText;
  if (lsp.filterText) item.filterText = lsp.filterText;
  if (lsp.preselect) item.preselect = true;
  if (lsp.commitCharacters) item.commitCharacters = lsp.commitCharacters;
  const edit = completionEdit(lsp);
  item.insertText = edit.isSnippet ? new vscode.SnippetString(edit.newText) : edit.newText;
  if (edit.range && 'insert' in edit.range) item.range = { inserting: toRange(edit.range.insert), replacing: toRange(edit.range.replace) };
  else if (edit.range) item.range = toRange(edit.range);
  if (lsp.additionalTextEdits?.length) item.additionalTextEdits = toTextEdits(lsp.additionalTextEdits);
  if (lsp.command) item.command = { title: lsp.command.title, command: lsp.command.command, arguments: lsp.command.arguments };
  return item;
}

/** Copies what resolving added (documentation, detail) onto the item VS Code holds. */
export function applyResolved(item: vscode.CompletionItem, resolved: LspCompletionItem): vscode.CompletionItem {
  const documentation = toDocumentation(resolved.documentation);
  if (documentation) item.documentation = documentation;
  if (resolved.detail) item.detail = resolved.detail;
  return item;
}

export function toHover(hover: LspHover | null | undefined): vscode.Hover | undefined {
  if (!hover) return undefined;
  const contents = hoverMarkup(hover.contents).map(toMarkdown);
  if (contents.length === 0) return undefined;
  return new vscode.Hover(contents, hover.range ? toRange(hover.range) : undefined);
}

export function toSignatureHelp(help: LspSignatureHelp | null | undefined): vscode.SignatureHelp | undefined {
  const normalized = help ? normalizeSignatureHelp(help) : undefined;
  if (!normalized) return undefined;
  const result = new vscode.SignatureHelp();
  result.signatures = normalized.signatures.map((s) => {
    const signature = new vscode.SignatureInformation(s.label, s.documentation ? toMarkdown(s.documentation) : undefined);
    signature.parameters = s.parameters.map((p) => new vscode.ParameterInformation(p.label, p.documentation ? toMarkdown(p.documentation) : undefined));
    if (s.activeParameter !== undefined) signature.activeParameter = s.activeParameter;
    return signature;
  });
  result.activeSignature = normalized.activeSignature;
  result.activeParameter = normalized.activeParameter;
  return result;
}

/** A location in `document` when the library echoes its URI back, else wherever it points. */
export function toLocation(location: LspLocation | null | undefined, document: vscode.TextDocument): vscode.Location | undefined {
  if (!location) return undefined;
  const uri = location.uri === document.uri.toString() ? document.uri : vscode.Uri.parse(location.uri);
  return new vscode.Location(uri, toRange(location.range));
}

export function toDocumentHighlights(highlights: readonly LspDocumentHighlight[] | null | undefined): vscode.DocumentHighlight[] {
  return (highlights ?? []).map((h) => new vscode.DocumentHighlight(toRange(h.range), highlightKind(h.kind) as vscode.DocumentHighlightKind | undefined));
}

export function toFoldingRanges(ranges: readonly LspFoldingRange[]): vscode.FoldingRange[] {
  return lineFolds(ranges).map((f) => new vscode.FoldingRange(f.start, f.end, f.kind as vscode.FoldingRangeKind | undefined));
}

/** A document link from the library, keeping its `data` for `resolveDocumentLink`. */
export class LspBackedDocumentLink extends vscode.DocumentLink {
  constructor(readonly lsp: LspDocumentLink) {
    super(toRange(lsp.range), lsp.target ? vscode.Uri.parse(lsp.target) : undefined);
    if (lsp.tooltip) this.tooltip = lsp.tooltip;
  }
}

export function toDocumentLinks(links: readonly LspDocumentLink[] | null | undefined): LspBackedDocumentLink[] {
  return (links ?? []).map((l) => new LspBackedDocumentLink(l));
}

export const SEMANTIC_TOKENS_LEGEND = new vscode.SemanticTokensLegend([...SEMANTIC_TOKEN_TYPES], [...SEMANTIC_TOKEN_MODIFIERS]);

export function toSemanticTokens(tokens: LspSemanticTokens): vscode.SemanticTokens {
  return new vscode.SemanticTokens(semanticTokenData(tokens.data), tokens.resultId);
}

export function toDocumentSymbols(nodes: readonly OutlineNode[]): vscode.DocumentSymbol[] {
  return nodes.map((node) => {
    const symbol = new vscode.DocumentSymbol(node.name || '?', node.detail, symbolKind(node.kind), toRange(node.range), toRange(node.selectionRange));
    if (node.deprecated) symbol.tags = [DEPRECATED_TAG];
    symbol.children = toDocumentSymbols(node.children);
    return symbol;
  });
}
