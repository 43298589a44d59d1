/**
 * The pure half of the LSP <-> VS Code conversions: the LSP shapes dockerfile-language-service
 * returns (structural subsets of vscode-languageserver-types, which is not a direct dependency),
 * the numeric kind tables, and normalizers that turn LSP unions into one plain shape each.
 * `../convert.ts` only constructs `vscode` objects from what this module returns.
 * No `vscode` import here, so the mappings are unit-tested in plain Node.
 */

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface LspTextEdit {
  range: LspRange;
  newText: string;
}

export interface LspInsertReplaceEdit {
  newText: string;
  insert: LspRange;
  replace: LspRange;
}

export interface LspMarkupContent {
  kind: string;
  value: string;
}

export type LspMarkedString = string | { language: string; value: string };

export interface LspCommand {
  title: string;
  command: string;
  arguments?: unknown[];
}

export interface LspCompletionItem {
  label: string;
  kind?: number;
  tags?: number[];
  detail?: string;
  documentation?: string | LspMarkupContent;
  deprecated?: boolean;
  preselect?: boolean;
  sortText?: string;
  filterText?: string;
  insertText?: string;
  insertTextFormat?: number;
  textEdit?: LspTextEdit | LspInsertReplaceEdit;
  additionalTextEdits?: LspTextEdit[];
  commitCharacters?: string[];
  command?: LspCommand;
  data?: unknown;
}

export interface LspHover {
  contents: LspMarkupContent | LspMarkedString | LspMarkedString[];
  range?: LspRange;
}

export interface LspParameterInformation {
  label: string | [number, number];
  documentation?: string | LspMarkupContent;
}

export interface LspSignatureInformation {
  label: string;
  documentation?: string | LspMarkupContent;
  parameters?: LspParameterInformation[];
  activeParameter?: number;
}

export interface LspSignatureHelp {
  signatures: LspSignatureInformation[];
  activeSignature?: number;
  activeParameter?: number;
}

export interface LspLocation {
  uri: string;
  range: LspRange;
}

export interface LspDocumentHighlight {
  range: LspRange;
  kind?: number;
}

export interface LspFoldingRange {
  startLine: number;
  endLine: number;
  startCharacter?: number;
  endCharacter?: number;
  kind?: string;
}

export interface LspDocumentLink {
  range: LspRange;
  target?: string;
  tooltip?: string;
  data?: unknown;
}

export interface LspSymbolInformation {
  name: string;
  kind: number;
  deprecated?: boolean;
  tags?: number[];
  location: LspLocation;
  containerName?: string;
}

export interface LspSemanticTokens {
  resultId?: string;
  data: number[];
}

// ---- Kinds. LSP enums are 1-based where VS Code's are 0-based; the tables say so explicitly. ----

/** LSP `CompletionItemKind` (1 = Text … 25 = TypeParameter) to `vscode.CompletionItemKind` (0 = Text …). */
export function completionKind(lspKind: number | undefined): number | undefined {
  if (lspKind === undefined || !Number.isInteger(lspKind) || lspKind < 1 || lspKind > 25) return undefined;
  return lspKind - 1;
}

/** LSP `SymbolKind` (1 = File … 26 = TypeParameter) to `vscode.SymbolKind` (0 = File …); unknown kinds become Null (20). */
export function symbolKind(lspKind: number): number {
  if (!Number.isInteger(lspKind) || lspKind < 1 || lspKind > 26) return VS_SYMBOL_KIND_NULL;
  return lspKind - 1;
}
const VS_SYMBOL_KIND_NULL = 20;

/** The LSP `SymbolKind` values Berth itself assigns. */
export const LSP_SYMBOL_KIND = { Module: 2, Class: 5, Property: 7, Function: 12 } as const;

/** LSP `DocumentHighlightKind` (1 Text, 2 Read, 3 Write) to `vscode.DocumentHighlightKind` (0, 1, 2). */
export function highlightKind(lspKind: number | undefined): number | undefined {
  if (lspKind === 1 || lspKind === 2 || lspKind === 3) return lspKind - 1;
  return undefined;
}

/** LSP `FoldingRangeKind` strings to `vscode.FoldingRangeKind` (1 Comment, 2 Imports, 3 Region). */
export function foldingKind(lspKind: string | undefined): number | undefined {
  switch (lspKind) {
    case 'comment':
      return 1;
    case 'imports':
      return 2;
    case 'region':
      return 3;
    default:
      return undefined;
  }
}

/** `CompletionItemTag.Deprecated` and `SymbolTag.Deprecated` are 1 in both LSP and VS Code. */
export const DEPRECATED_TAG = 1;

/** LSP `InsertTextFormat.Snippet`. */
export const SNIPPET_FORMAT = 2;

/** The VS Code tags of a completion item: its LSP tags, plus Deprecated for the older `deprecated` flag. */
export function completionTags(item: Pick<LspCompletionItem, 'tags' | 'deprecated'>): number[] {
  const tags = (item.tags ?? []).filter((t) => t === DEPRECATED_TAG);
  if (item.deprecated && !tags.includes(DEPRECATED_TAG)) tags.push(DEPRECATED_TAG);
  return tags;
}

// ---- Semantic tokens ----

/**
 * dockerfile-language-service's legend (`TokensLegend` in lib/dockerSemanticTokens.js), copied so
 * that registering the provider does not load the library. A unit test checks it against the library.
 */
export const SEMANTIC_TOKEN_TYPES: readonly string[] = ['keyword', 'comment', 'parameter', 'property', 'namespace', 'class', 'macro', 'string', 'variable', 'operator', 'modifier'];
/** Bit 0 = declaration, bit 1 = definition, bit 2 = deprecated, as the library encodes them. */
export const SEMANTIC_TOKEN_MODIFIERS: readonly string[] = ['declaration', 'definition', 'deprecated'];

/** The encoded token data VS Code takes. A truncated final token (fewer than 5 numbers) is dropped. */
export function semanticTokenData(data: readonly number[]): Uint32Array {
  const usable = data.length - (data.length % 5);
  const out = new Uint32Array(usable);
  for (let i = 0; i < usable; i++) {
    const v = data[i] ?? 0;
    out[i] = Number.isFinite(v) && v > 0 ? v : 0;
  }
  return out;
}

// ---- Positions and ranges ----

/** Clamps a position to non-negative integers (VS Code's Position throws on negatives). */
export function clampPosition(p: LspPosition): LspPosition {
  return { line: clampInt(p.line), character: clampInt(p.character) };
}

function clampInt(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** Orders a range's ends: some producers emit end before start for empty or inverted spans. */
export function normalizeRange(r: LspRange): LspRange {
  const start = clampPosition(r.start);
  const end = clampPosition(r.end);
  return comparePositions(start, end) <= 0 ? { start, end } : { start: end, end: start };
}

export function comparePositions(a: LspPosition, b: LspPosition): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(outer: LspRange, inner: LspRange): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}

// ---- Markup ----

export type Markup = { kind: 'markdown' | 'plaintext'; value: string } | { kind: 'code'; language: string; value: string };

/** LSP documentation: a bare string is plain text; MarkupContent says its kind. */
export function documentationMarkup(doc: string | LspMarkupContent | undefined): Markup | undefined {
  if (doc === undefined) return undefined;
  if (typeof doc === 'string') return doc ? { kind: 'plaintext', value: doc } : undefined;
  if (!doc.value) return undefined;
  return { kind: doc.kind === 'markdown' ? 'markdown' : 'plaintext', value: doc.value };
}

/** Hover contents: MarkupContent, or the older MarkedString(s), where a bare string is markdown. */
export function hoverMarkup(contents: LspHover['contents']): Markup[] {
  const one = (c: LspMarkedString): Markup | undefined => {
    if (typeof c === 'string') return c ? { kind: 'markdown', value: c } : undefined;
    return c.value ? { kind: 'code', language: c.language, value: c.value } : undefined;
  };
  if (Array.isArray(contents)) return contents.map(one).filter((m): m is Markup => m !== undefined);
  if (typeof contents === 'object' && 'kind' in contents) {
    const m = documentationMarkup(contents);
    return m ? [m] : [];
  }
  const m = one(contents);
  return m ? [m] : [];
}

// ---- Completion ----

export interface CompletionEdit {
  newText: string;
  isSnippet: boolean;
  /** One range, or the insert/replace pair; undefined means "the word at the cursor". */
  range: LspRange | { insert: LspRange; replace: LspRange } | undefined;
}

/** Where and what a completion item inserts, from `textEdit` or `insertText` or its label. */
export function completionEdit(item: LspCompletionItem): CompletionEdit {
  const isSnippet = item.insertTextFormat === SNIPPET_FORMAT;
  const edit = item.textEdit;
  if (edit && 'range' in edit) return { newText: edit.newText, isSnippet, range: normalizeRange(edit.range) };
  if (edit) return { newText: edit.newText, isSnippet, range: { insert: normalizeRange(edit.insert), replace: normalizeRange(edit.replace) } };
  return { newText: item.insertText ?? item.label, isSnippet, range: undefined };
}

// ---- Signature help ----

export interface NormalizedSignatureHelp {
  signatures: Array<{
    label: string;
    documentation: Markup | undefined;
    parameters: Array<{ label: string | [number, number]; documentation: Markup | undefined }>;
    activeParameter: number | undefined;
  }>;
  activeSignature: number;
  activeParameter: number;
}

export function normalizeSignatureHelp(help: LspSignatureHelp): NormalizedSignatureHelp | undefined {
  if (help.signatures.length === 0) return undefined;
  const activeSignature = clampIndex(help.activeSignature, help.signatures.length);
  return {
    signatures: help.signatures.map((s) => ({
      label: s.label,
      documentation: documentationMarkup(s.documentation),
      parameters: (s.parameters ?? []).map((p) => ({ label: p.label, documentation: documentationMarkup(p.documentation) })),
      activeParameter: s.activeParameter,
    })),
    activeSignature,
    activeParameter: help.activeParameter !== undefined && help.activeParameter >= 0 ? help.activeParameter : 0,
  };
}

function clampIndex(index: number | undefined, length: number): number {
  if (index === undefined || !Number.isInteger(index) || index < 0) return 0;
  return Math.min(index, length - 1);
}

// ---- Folding ----

export interface LineFold {
  start: number;
  end: number;
  kind: number | undefined;
}

/** VS Code folds whole lines. Empty or inverted ranges are dropped; duplicates by start line keep the largest. */
export function lineFolds(ranges: readonly LspFoldingRange[]): LineFold[] {
  const byStart = new Map<number, LineFold>();
  for (const r of ranges) {
    if (!Number.isInteger(r.startLine) || !Number.isInteger(r.endLine) || r.startLine < 0 || r.endLine <= r.startLine) continue;
    const fold = { start: r.startLine, end: r.endLine, kind: foldingKind(r.kind) };
    const existing = byStart.get(fold.start);
    if (!existing || existing.end < fold.end) byStart.set(fold.start, fold);
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

// ---- Formatting ----

// A type alias rather than an interface: it must fit the library's index-signature type.
export type FormatterSettings = {
  tabSize: number;
  insertSpaces: boolean;
};

/** The editor's options as dockerfile-utils takes them, with sane fallbacks for odd values. */
export function formatterSettings(options: { tabSize?: unknown; insertSpaces?: unknown }): FormatterSettings {
  const tabSize = typeof options.tabSize === 'number' && Number.isInteger(options.tabSize) && options.tabSize > 0 ? options.tabSize : 4;
  return { tabSize, insertSpaces: options.insertSpaces !== false };
}

