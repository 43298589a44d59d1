/**
 * The pure half of the LSP <-> VS Code conversions (src/language/convert/lsp.ts) and the outline
 * (src/language/outline.ts). The kind tables are checked against both sources of truth: the LSP
 * enums in vscode-languageserver-types (as dockerfile-language-service ships it) and the `vscode`
 * enums as declared in @types/vscode, so neither side can drift silently.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  LSP_SYMBOL_KIND,
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  clampPosition,
  completionEdit,
  completionKind,
  completionTags,
  documentationMarkup,
  foldingKind,
  formatterSettings,
  highlightKind,
  hoverMarkup,
  lineFolds,
  normalizeRange,
  normalizeSignatureHelp,
  rangeContains,
  semanticTokenData,
  symbolKind,
} from '../../src/language/convert/lsp';
import type { LspSymbolInformation } from '../../src/language/convert/lsp';
import { buildOutline, outlineDetail, stageFoldingRanges } from '../../src/language/outline';
import { yieldShellToGrammar } from '../../src/language/semanticTokens';
import { parseDockerfile } from '../../src/lint/dockerfile';

type EnumTable = Record<string, number>;

const dlsDir = dirname(require.resolve('dockerfile-language-service'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lspTypes = require(require.resolve('vscode-languageserver-types', { paths: [dlsDir] })) as Record<string, EnumTable>;

/** Reads `export enum Name { A = 0, … }` from @types/vscode. */
function vscodeEnum(name: string): EnumTable {
  const dts = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  const start = dts.indexOf(`export enum ${name} {`);
  assert.notEqual(start, -1, `enum ${name} in @types/vscode`);
  const body = dts.slice(start, dts.indexOf('\n\t}', start));
  const table: EnumTable = {};
  for (const m of body.matchAll(/^\s*(\w+) = (\d+)/gm)) {
    if (m[1] && m[2]) table[m[1]] = Number(m[2]);
  }
  return table;
}

function lspEnum(name: string): EnumTable {
  const table = lspTypes[name];
  assert.ok(table, `${name} in vscode-languageserver-types`);
  return Object.fromEntries(Object.entries(table).filter(([, v]) => typeof v === 'number'));
}

const r = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

describe('language: LSP → VS Code conversions', () => {
  describe('kind tables agree with both enums, name by name', () => {
    it('CompletionItemKind', () => {
      const vs = vscodeEnum('CompletionItemKind');
      for (const [name, lsp] of Object.entries(lspEnum('CompletionItemKind'))) assert.equal(completionKind(lsp), vs[name], name);
      assert.equal(completionKind(undefined), undefined);
      assert.equal(completionKind(0), undefined);
      assert.equal(completionKind(99), undefined);
    });

    it('SymbolKind', () => {
      const vs = vscodeEnum('SymbolKind');
      for (const [name, lsp] of Object.entries(lspEnum('SymbolKind'))) assert.equal(symbolKind(lsp), vs[name], name);
      assert.equal(symbolKind(0), vs.Null);
      assert.equal(LSP_SYMBOL_KIND.Class, lspEnum('SymbolKind').Class);
      assert.equal(LSP_SYMBOL_KIND.Function, lspEnum('SymbolKind').Function);
    });

    it('DocumentHighlightKind', () => {
      const vs = vscodeEnum('DocumentHighlightKind');
      for (const [name, lsp] of Object.entries(lspEnum('DocumentHighlightKind'))) assert.equal(highlightKind(lsp), vs[name], name);
      assert.equal(highlightKind(undefined), undefined);
    });

    it('FoldingRangeKind (strings in LSP, numbers in VS Code)', () => {
      const vs = vscodeEnum('FoldingRangeKind');
      const lsp = lspTypes.FoldingRangeKind as unknown as Record<string, string>;
      for (const [name, value] of Object.entries(lsp)) assert.equal(foldingKind(value), vs[name], name);
      assert.equal(foldingKind('other'), undefined);
    });

    it('the deprecated tag, in completion items with either the tag or the old flag', () => {
      assert.equal(vscodeEnum('CompletionItemTag').Deprecated, lspEnum('CompletionItemTag').Deprecated);
      assert.deepEqual(completionTags({ deprecated: true }), [1]);
      assert.deepEqual(completionTags({ tags: [1], deprecated: true }), [1]);
      assert.deepEqual(completionTags({}), []);
    });
  });

  it('semantic token legend matches the library’s, index by index', async () => {
    const { TokensLegend } = await import('dockerfile-language-service/lib/dockerSemanticTokens');
    SEMANTIC_TOKEN_TYPES.forEach((type, index) => assert.equal(TokensLegend.getTokenType(type), index, type));
    SEMANTIC_TOKEN_MODIFIERS.forEach((modifier, bit) => assert.equal(TokensLegend.getTokenModifiers([modifier]), 1 << bit, modifier));
  });

  it('semanticTokenData keeps whole tokens and clamps odd numbers', () => {
    assert.deepEqual([...semanticTokenData([0, 0, 4, 0, 0, 1, 2, 3, 8, 1, 7])], [0, 0, 4, 0, 0, 1, 2, 3, 8, 1]);
    assert.deepEqual([...semanticTokenData([0, -1, Number.NaN, 2, 0])], [0, 0, 0, 2, 0]);
  });

  it('positions and ranges: clamped, and inverted ranges put in order', () => {
    assert.deepEqual(clampPosition({ line: -1, character: 2.7 }), { line: 0, character: 2 });
    assert.deepEqual(normalizeRange(r(3, 4, 1, 0)), r(1, 0, 3, 4));
    assert.equal(rangeContains(r(0, 0, 5, 0), r(1, 2, 1, 4)), true);
    assert.equal(rangeContains(r(1, 3, 5, 0), r(1, 2, 1, 4)), false);
  });

  describe('markup', () => {
    it('documentation: a bare string is plain text; MarkupContent keeps its kind; empty is nothing', () => {
      assert.deepEqual(documentationMarkup('1'), { kind: 'plaintext', value: '1' });
      assert.deepEqual(documentationMarkup({ kind: 'markdown', value: '**x**' }), { kind: 'markdown', value: '**x**' });
      assert.deepEqual(documentationMarkup({ kind: 'plaintext', value: 'x' }), { kind: 'plaintext', value: 'x' });
      assert.equal(documentationMarkup(''), undefined);
      assert.equal(documentationMarkup(undefined), undefined);
    });

    it('hover: MarkupContent, a MarkedString (bare string = markdown), code blocks and arrays', () => {
      assert.deepEqual(hoverMarkup({ kind: 'markdown', value: 'RUN' }), [{ kind: 'markdown', value: 'RUN' }]);
      assert.deepEqual(hoverMarkup('1'), [{ kind: 'markdown', value: '1' }]);
      assert.deepEqual(hoverMarkup([{ language: 'sh', value: 'ls' }, '', 'x']), [
        { kind: 'code', language: 'sh', value: 'ls' },
        { kind: 'markdown', value: 'x' },
      ]);
    });
  });

  describe('completion edits', () => {
    it('a TextEdit gives one range; snippets are marked', () => {
      assert.deepEqual(completionEdit({ label: 'ADD', insertTextFormat: 2, textEdit: { range: r(3, 0, 3, 0), newText: 'ADD ${1:source}' } }), {
        newText: 'ADD ${1:source}',
        isSnippet: true,
        range: r(3, 0, 3, 0),
      });
    });

    it('an InsertReplaceEdit gives both ranges', () => {
      assert.deepEqual(completionEdit({ label: 'x', textEdit: { newText: 'x', insert: r(0, 1, 0, 2), replace: r(0, 1, 0, 5) } }), {
        newText: 'x',
        isSnippet: false,
        range: { insert: r(0, 1, 0, 2), replace: r(0, 1, 0, 5) },
      });
    });

    it('without an edit: insertText, else the label, at the word', () => {
      assert.deepEqual(completionEdit({ label: 'a', insertText: 'b' }), { newText: 'b', isSnippet: false, range: undefined });
      assert.deepEqual(completionEdit({ label: 'a' }), { newText: 'a', isSnippet: false, range: undefined });
    });
  });

  it('signature help: documentation normalized, indexes clamped, nothing for no signatures', () => {
    const help = normalizeSignatureHelp({
      signatures: [{ label: 'COPY [flags] source ... dest', documentation: 'Copy files.', parameters: [{ label: '[flags]', documentation: { kind: 'markdown', value: '*x*' } }, { label: [6, 12] }] }],
      activeSignature: 5,
      activeParameter: -1,
    });
    assert.deepEqual(help, {
      signatures: [
        {
          label: 'COPY [flags] source ... dest',
          documentation: { kind: 'plaintext', value: 'Copy files.' },
          parameters: [
            { label: '[flags]', documentation: { kind: 'markdown', value: '*x*' } },
            { label: [6, 12], documentation: undefined },
          ],
          activeParameter: undefined,
        },
      ],
      activeSignature: 0,
      activeParameter: 0,
    });
    assert.equal(normalizeSignatureHelp({ signatures: [] }), undefined);
  });

  it('folding: whole lines, no empty or inverted ranges, one per start line (the largest)', () => {
    assert.deepEqual(
      lineFolds([
        { startLine: 3, endLine: 4 },
        { startLine: 1, endLine: 4, kind: 'comment' },
        { startLine: 3, endLine: 9 },
        { startLine: 5, endLine: 5 },
        { startLine: 7, endLine: 6 },
      ]),
      [
        { start: 1, end: 4, kind: 1 },
        { start: 3, end: 9, kind: undefined },
      ],
    );
  });

  it('formatter settings follow the editor, with fallbacks for odd values', () => {
    assert.deepEqual(formatterSettings({ tabSize: 2, insertSpaces: true }), { tabSize: 2, insertSpaces: true });
    assert.deepEqual(formatterSettings({ tabSize: 8, insertSpaces: false }), { tabSize: 8, insertSpaces: false });
    assert.deepEqual(formatterSettings({ tabSize: 'auto', insertSpaces: undefined }), { tabSize: 4, insertSpaces: true });
  });
});

describe('language: outline', () => {
  const text = '# syntax=docker/dockerfile:1\nARG BASE=node\nFROM ${BASE}:20 AS build\nRUN npm ci \\\n  && npm run build\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\nMAINTAINER someone\n';
  const parsed = parseDockerfile(text);

  async function dlsSymbols(): Promise<LspSymbolInformation[]> {
    const { DockerfileLanguageServiceFactory } = await import('dockerfile-language-service');
    return DockerfileLanguageServiceFactory.createLanguageService().computeSymbols({ uri: 'file:///Dockerfile' }, text);
  }

  it('nests instructions under their stage, with full extents and details', async () => {
    const outline = buildOutline(await dlsSymbols(), parsed);
    const shape = outline.map((n) => ({ name: n.name, detail: n.detail, lines: [n.range.start.line, n.range.end.line], children: n.children.map((c) => `${c.name} ${c.range.start.line}-${c.range.end.line}${c.deprecated ? ' deprecated' : ''}`) }));
    assert.deepEqual(shape, [
      { name: 'syntax', detail: 'docker/dockerfile:1', lines: [0, 0], children: [] },
      { name: 'ARG', detail: 'BASE=node', lines: [1, 1], children: [] },
      { name: 'FROM', detail: '${BASE}:20 AS build', lines: [2, 4], children: ['RUN 3-4'] },
      { name: 'FROM', detail: 'nginx', lines: [5, 7], children: ['COPY 6-6', 'MAINTAINER 7-7 deprecated'] },
    ]);
    assert.equal(outline[2]?.kind, LSP_SYMBOL_KIND.Class);
  });

  it('every selection range lies inside its range', async () => {
    const check = (nodes: ReturnType<typeof buildOutline>): void => {
      for (const n of nodes) {
        assert.ok(rangeContains(n.range, n.selectionRange), n.name);
        check(n.children);
      }
    };
    check(buildOutline(await dlsSymbols(), parsed));
    // A symbol the parser does not know still gets a valid node.
    check(buildOutline([{ name: 'X', kind: 12, location: { uri: 'u', range: r(40, 0, 40, 1) } }], parsed));
  });

  it('outlineDetail flattens and shortens', () => {
    assert.equal(outlineDetail('  a \n\t b  '), 'a b');
    assert.equal(outlineDetail('x'.repeat(100)).length, 60);
  });

  it('stage folding ranges span each multi-line stage', () => {
    assert.deepEqual(stageFoldingRanges(parsed), [
      { startLine: 2, endLine: 4 },
      { startLine: 5, endLine: 7 },
    ]);
    assert.deepEqual(stageFoldingRanges(parseDockerfile('FROM a\n')), []);
  });
});

describe('language: semantic tokens over the grammar', () => {
  const text = 'FROM node:20 AS b\nRUN --mount=type=cache,target=/x apt-get install -y "curl" \\\n  && echo $HOME\nCMD ["node", "x.js"]\nHEALTHCHECK --interval=5s CMD curl -f http://x\nENV A="b c"\nONBUILD RUN make\nRUN <<EOF\necho hi\nEOF\n';

  /** Decodes to `line:char text type` strings. */
  function decode(data: readonly number[]): string[] {
    const lines = text.split('\n');
    const out: string[] = [];
    let line = 0;
    let ch = 0;
    for (let i = 0; i + 4 < data.length; i += 5) {
      const dl = data[i] ?? 0;
      line += dl;
      ch = dl === 0 ? ch + (data[i + 1] ?? 0) : (data[i + 1] ?? 0);
      out.push(`${line}:${ch} ${(lines[line] ?? '').slice(ch, ch + (data[i + 2] ?? 0))} ${SEMANTIC_TOKEN_TYPES[data[i + 3] ?? 0] ?? '?'}`);
    }
    return out;
  }

  it('drops parameter and string tokens in shell commands only, and re-encodes the rest exactly', async () => {
    const { DockerfileLanguageServiceFactory } = await import('dockerfile-language-service');
    const all = DockerfileLanguageServiceFactory.createLanguageService().computeSemanticTokens(text).data;
    const kept = decode(yieldShellToGrammar(all, parseDockerfile(text)));
    const dropped = decode(all).filter((t) => !kept.includes(t));
    assert.deepEqual(dropped, [
      '1:33 apt-get parameter',
      '1:41 install parameter',
      '1:49 -y parameter',
      '1:52 "curl" string',
      '2:2 && parameter',
      '2:5 echo parameter',
      '3:4 [ parameter',
      '3:5 "node" string',
      '3:11 , parameter',
      '3:13 "x.js" string',
      '3:19 ] parameter',
      '4:30 curl parameter',
      '4:35 -f parameter',
      '4:38 http://x parameter',
      '6:12 make parameter',
      '7:4 <<EOF parameter',
      '8:0 echo parameter',
      '8:5 hi parameter',
      '9:0 EOF parameter',
    ]);
    // Flags, variables, escapes, keywords and other instructions keep theirs.
    for (const token of ['1:4 --mount parameter', '1:17 cache property', '1:59 \\ macro', '2:10 $HOME variable', '4:26 CMD keyword', '5:6 "b c" string', '0:5 node class']) {
      assert.ok(kept.includes(token), token);
    }
    assert.equal(kept.length + dropped.length, decode(all).length);
  });
});
