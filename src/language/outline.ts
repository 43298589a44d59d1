/**
 * The outline: dockerfile-language-service's flat symbol list (one entry per directive and
 * instruction, ranged over the keyword only), nested under build stages and given full extents and
 * a detail from Berth's parser. Also the stage folding ranges. Pure: no `vscode` import.
 */
import { positionAt } from '../lint/dockerfile';
import type { Instruction, ParsedDockerfile, Span } from '../lint/dockerfile';
import { LSP_SYMBOL_KIND, comparePositions, normalizeRange, rangeContains } from './convert/lsp';
import type { LspFoldingRange, LspRange, LspSymbolInformation } from './convert/lsp';

export interface OutlineNode {
  name: string;
  detail: string;
  /** An LSP SymbolKind. */
  kind: number;
  deprecated: boolean;
  /** The whole construct: the instruction with its continuation lines, or the stage. */
  range: LspRange;
  /** What is revealed and highlighted: the keyword. Always inside `range`. */
  selectionRange: LspRange;
  children: OutlineNode[];
}

const DETAIL_MAX = 60;

/** Collapses whitespace and cuts long argument text for the outline's detail column. */
export function outlineDetail(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > DETAIL_MAX ? `${flat.slice(0, DETAIL_MAX - 1)}…` : flat;
}

export function buildOutline(symbols: readonly LspSymbolInformation[], parsed: ParsedDockerfile): OutlineNode[] {
  const toRange = (span: Span): LspRange => ({ start: positionAt(parsed.lineStarts, span.start), end: positionAt(parsed.lineStarts, span.end) });
  const byKeywordStart = new Map<number, Instruction>();
  for (const instruction of parsed.instructions) byKeywordStart.set(instruction.keywordSpan.start, instruction);
  const directiveByLine = new Map(parsed.directives.map((d) => [positionAt(parsed.lineStarts, d.span.start).line, d]));

  const roots: OutlineNode[] = [];
  let stage: OutlineNode | undefined;
  const sorted = [...symbols].sort((a, b) => comparePositions(a.location.range.start, b.location.range.start));
  for (const symbol of sorted) {
    const selectionRange = normalizeRange(symbol.location.range);
    const start = (parsed.lineStarts[selectionRange.start.line] ?? parsed.text.length) + selectionRange.start.character;
    const instruction = byKeywordStart.get(start);
    const directive = instruction ? undefined : directiveByLine.get(selectionRange.start.line);
    let range = instruction ? toRange(instruction.span) : directive ? toRange(directive.span) : selectionRange;
    if (!rangeContains(range, selectionRange)) range = union(range, selectionRange);
    const node: OutlineNode = {
      name: symbol.name,
      detail: instruction ? outlineDetail(instruction.args) : directive ? outlineDetail(directive.value) : '',
      kind: symbol.kind,
      deprecated: symbol.deprecated === true || (symbol.tags ?? []).includes(1),
      range,
      selectionRange,
      children: [],
    };
    if (instruction?.keyword === 'FROM') {
      node.kind = LSP_SYMBOL_KIND.Class;
      stage = node;
      roots.push(node);
    } else if (stage && !directive && (instruction === undefined || instruction.stage >= 0)) {
      stage.children.push(node);
      if (comparePositions(stage.range.end, node.range.end) < 0) stage.range = { start: stage.range.start, end: node.range.end };
    } else {
      roots.push(node);
    }
  }
  return roots;
}

function union(a: LspRange, b: LspRange): LspRange {
  return {
    start: comparePositions(a.start, b.start) <= 0 ? a.start : b.start,
    end: comparePositions(a.end, b.end) >= 0 ? a.end : b.end,
  };
}

/** One fold per multi-line build stage, from its FROM line to its last instruction. */
export function stageFoldingRanges(parsed: ParsedDockerfile): LspFoldingRange[] {
  const folds: LspFoldingRange[] = [];
  for (const stage of parsed.stages) {
    const last = stage.instructions[stage.instructions.length - 1];
    const endOffset = Math.max(stage.from.span.end, last?.span.end ?? 0);
    const startLine = stage.from.line;
    const endLine = positionAt(parsed.lineStarts, endOffset).line;
    if (endLine > startLine) folds.push({ startLine, endLine });
  }
  return folds;
}
