/**
 * Loading and tokenizing Berth's TextMate grammars with vscode-textmate + vscode-oniguruma, shared by
 * the unit grammar tests (with a stand-in shell grammar) and the e2e ones (with VS Code's own).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

/** The first `parts` path that exists in this folder or one above it (works from out/ and from the sources). */
export function repoPath(...parts: string[]): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, ...parts);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`${parts.join('/')} not found above ${__dirname}`);
  }
}

export const DOCKERFILE_GRAMMAR = repoPath('syntaxes', 'dockerfile.tmLanguage.json');
export const DOCKERIGNORE_GRAMMAR = repoPath('syntaxes', 'dockerignore.tmLanguage.json');
export const FIXTURES = repoPath('test', 'fixtures', 'grammar');
export const SHELL_STANDIN = join(FIXTURES, 'shell-standin.tmLanguage.json');
export const VSCODE_SHELL = join(
  dirname(dirname(FIXTURES)),
  'e2e/vscode/node_modules/code-server/lib/vscode/extensions/shellscript/syntaxes/shell-unix-bash.tmLanguage.json',
);

export const KEYWORD = 'keyword.other.special-method.dockerfile';
export const SHELL_LINE = 'meta.embedded.line.shell';
export const SHELL_BLOCK = 'meta.embedded.block.shell';
export const DELIMITER = 'keyword.control.heredoc-delimiter.dockerfile';
export const INSTRUCTIONS = ['FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'EXPOSE', 'VOLUME', 'USER', 'WORKDIR', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'STOPSIGNAL', 'MAINTAINER'];

let onigurumaLoaded: Promise<void> | undefined;
export function loadOniguruma(): Promise<void> {
  onigurumaLoaded ??= (async () => {
    const wasm = readFileSync(repoPath('node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  return onigurumaLoaded;
}

export async function loadGrammar(scopeName: string, shellGrammar: string): Promise<vsctm.IGrammar> {
  await loadOniguruma();
  const files: Record<string, string> = {
    'source.dockerfile.berth': DOCKERFILE_GRAMMAR,
    'source.dockerignore': DOCKERIGNORE_GRAMMAR,
    'source.shell': shellGrammar,
  };
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: (scope: string) => {
      const file = files[scope];
      return Promise.resolve(file ? vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file) : null);
    },
  });
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName}`);
  return grammar;
}

export interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}
export interface Line {
  text: string;
  tokens: Token[];
}
export type Doc = Line[];

export function tokenize(grammar: vsctm.IGrammar, text: string): Doc {
  let state = vsctm.INITIAL;
  return text.split(/\r?\n/).map((lineText) => {
    const result = grammar.tokenizeLine(lineText, state);
    state = result.ruleStack;
    return {
      text: lineText,
      tokens: result.tokens.map((t) => ({ text: lineText.slice(t.startIndex, t.endIndex), start: t.startIndex, end: t.endIndex, scopes: t.scopes })),
    };
  });
}

export function fixture(grammar: vsctm.IGrammar, name: string): Doc {
  return tokenize(grammar, readFileSync(join(FIXTURES, name), 'utf8'));
}

/** True when `scopes` holds `wanted` itself or a more specific scope under it. */
export function hasScope(scopes: readonly string[], wanted: string): boolean {
  return scopes.some((s) => s === wanted || s.startsWith(`${wanted}.`));
}

/** The tokens covering the `nth` occurrence of `needle` on 1-based line `lineNo`. */
export function tokensOver(doc: Doc, lineNo: number, needle: string, nth = 0): Token[] {
  const line = doc[lineNo - 1];
  assert.ok(line, `line ${lineNo} exists`);
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = line.text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `line ${lineNo} ${JSON.stringify(line.text)} contains ${JSON.stringify(needle)} (occurrence ${nth})`);
  }
  const end = at + needle.length;
  return line.tokens.filter((t) => t.end > at && t.start < end);
}

export function describeTokens(tokens: Token[]): string {
  return tokens.map((t) => `${JSON.stringify(t.text)}: ${t.scopes.join(' ')}`).join('\n  ');
}

/** Every token of `needle` on line `lineNo` carries `scope`. */
export function expectScope(doc: Doc, lineNo: number, needle: string, scope: string, nth = 0): void {
  const tokens = tokensOver(doc, lineNo, needle, nth);
  assert.ok(
    tokens.every((t) => hasScope(t.scopes, scope)),
    `${JSON.stringify(needle)} on line ${lineNo} should be ${scope}:\n  ${describeTokens(tokens)}`,
  );
}

/** No token of `needle` on line `lineNo` carries `scope`. */
export function expectNoScope(doc: Doc, lineNo: number, needle: string, scope: string, nth = 0): void {
  const tokens = tokensOver(doc, lineNo, needle, nth);
  assert.ok(
    tokens.every((t) => !hasScope(t.scopes, scope)),
    `${JSON.stringify(needle)} on line ${lineNo} should not be ${scope}:\n  ${describeTokens(tokens)}`,
  );
}

/** `needle` on line `lineNo` is exactly one token, and it carries `scope`. */
export function expectToken(doc: Doc, lineNo: number, needle: string, scope: string, nth = 0): void {
  const tokens = tokensOver(doc, lineNo, needle, nth);
  assert.equal(tokens.length, 1, `${JSON.stringify(needle)} on line ${lineNo} is one token:\n  ${describeTokens(tokens)}`);
  assert.equal(tokens[0]?.text, needle, `${JSON.stringify(needle)} on line ${lineNo} is a whole token:\n  ${describeTokens(tokens)}`);
  expectScope(doc, lineNo, needle, scope, nth);
}

const instructionLine = new RegExp(`^(?:${INSTRUCTIONS.join('|')})\\s`, 'i');

/** Every line of `doc` that starts with an instruction keyword is tokenized as an instruction: no region leaked into it. */
export function expectEveryInstructionRecognised(doc: Doc, name: string): void {
  const lines = doc.map((line, i) => ({ line, no: i + 1 })).filter(({ line }) => instructionLine.test(line.text));
  assert.ok(lines.length > 5, `${name} has instructions`);
  for (const { line, no } of lines) {
    const first = line.tokens[0];
    assert.ok(first && hasScope(first.scopes, KEYWORD), `${name} line ${no} ${JSON.stringify(line.text)} starts with an instruction keyword:\n  ${describeTokens(line.tokens)}`);
  }
}

