/** Berth's Dockerfile grammar with VS Code's own shellscript grammar embedded, as in the editor. */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type * as vsctm from 'vscode-textmate';
import type { Doc} from '../harness/grammar';
import { DELIMITER, KEYWORD, SHELL_LINE, VSCODE_SHELL, describeTokens, expectEveryInstructionRecognised, expectNoScope, expectScope, expectToken, fixture, loadGrammar, tokenize, tokensOver } from '../harness/grammar';

describe('Dockerfile grammar with VS Code shellscript grammar', function () {
  let grammar: vsctm.IGrammar;

  /** `needle` is highlighted by the shell grammar: it has a scope of its own, not only the embedding region's. */
  function expectShellHighlight(doc: Doc, lineNo: number, needle: string): void {
    const tokens = tokensOver(doc, lineNo, needle);
    assert.ok(
      tokens.every((t) => t.scopes.some((s) => !s.startsWith('meta.') && !s.endsWith('.dockerfile') && !s.endsWith('.berth'))),
      `${JSON.stringify(needle)} on line ${lineNo} is highlighted as shell:\n  ${describeTokens(tokens)}`,
    );
  }

  before(async function () {
    // The e2e fixture installs code-server, which ships VS Code's shellscript grammar.
    assert.ok(existsSync(VSCODE_SHELL), `VS Code's shell grammar is missing at ${VSCODE_SHELL}`);
    grammar = await loadGrammar('source.dockerfile.berth', VSCODE_SHELL);
  });

  it('keeps every instruction line an instruction (no shell region leaks)', () => {
    for (const name of ['Dockerfile.sample', 'heredoc.Dockerfile']) {
      expectEveryInstructionRecognised(fixture(grammar, name), name);
    }
  });

  it('highlights the command of a shell-form RUN as a shell command', () => {
    const doc = fixture(grammar, 'Dockerfile.sample');
    expectToken(doc, 14, 'apt-get', 'entity.name.command.shell');
    expectScope(doc, 14, 'apt-get', SHELL_LINE);
    expectShellHighlight(doc, 10, '--no-install-recommends');
    expectToken(doc, 13, 'rm', 'entity.name.command.shell');
  });

  it('highlights heredoc scripts as shell and closes them at the delimiter', () => {
    const doc = fixture(grammar, 'heredoc.Dockerfile');
    expectShellHighlight(doc, 4, 'set');
    expectShellHighlight(doc, 5, '"a quote that never closes');
    expectToken(doc, 6, 'EOF', DELIMITER);
    expectToken(doc, 7, 'RUN', KEYWORD);
  });

  it('keeps a multi-line shell construct inside its instruction', () => {
    const doc = tokenize(grammar, 'RUN if [ -f /a ]; then \\\n      echo "yes"; \\\n    fi\nWORKDIR /app\n');
    expectShellHighlight(doc, 1, 'if');
    expectScope(doc, 2, 'echo', SHELL_LINE);
    expectScope(doc, 3, 'fi', SHELL_LINE);
    expectToken(doc, 4, 'WORKDIR', KEYWORD);
    expectNoScope(doc, 4, 'WORKDIR', SHELL_LINE);
  });
});
