import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/lint/dockerfile';
import { ALL_RULES } from '../../src/lint/rules';
import { syntaxFindings } from '../../src/lint/syntax';
import { DEFAULT_CONFIG } from '../../src/lint/types';
import { linterFor } from './lintHelpers';

describe("dockerfile-utils' syntax checks beside Berth's rules", function () {
  this.timeout(20_000);
  const text = 'ARG X\nRUN echo hi\nFROM d:1 AS a\nFROM d:1 AS a\nONBUILD FROM x\nONBUILD ONBUILD RUN x\nCOPY a b c\nRUNN x\n';

  async function both(ignored: string[] = []): Promise<{ rules: string[]; syntax: string[] }> {
    const file = parseDockerfile(text);
    const reported = (await linterFor(ALL_RULES)).lintParsed(file, { ...DEFAULT_CONFIG, ignored: new Set(ignored) });
    return { rules: reported.map((f) => f.code), syntax: syntaxFindings(file, reported).map((f) => f.message) };
  }

  it('reports a problem a rule already reported only once: as the rule', async () => {
    const { rules, syntax } = await both();
    for (const code of ['DL3024', 'DL3061', 'DL3043', 'DL3021']) assert.ok(rules.includes(code), code);
    // What no rule checks stays.
    assert.deepEqual(syntax, ['Unknown instruction: RUNN']);
  });

  it('keeps the syntax check where the rule is switched off', async () => {
    const { syntax } = await both(['DL3024', 'DL3043', 'DL3061', 'DL3021']);
    assert.ok(syntax.includes('duplicate name a'), syntax.join(' | '));
    assert.ok(syntax.some((m) => /ONBUILD/.test(m)), syntax.join(' | '));
    assert.ok(syntax.some((m) => /No source image/.test(m)), syntax.join(' | '));
    assert.ok(syntax.some((m) => /destination must be a directory/.test(m)), syntax.join(' | '));
  });
});

describe('duplicate stage names, matched by name', () => {
  it('drops both of dockerfile-utils\' marks for a name DL3024 reported, and keeps those for a name it was told to ignore', async () => {
    const text = 'FROM d:1 AS a\nFROM d:1 AS a\nFROM d:1 AS b\n# hadolint ignore=DL3024\nFROM d:1 AS b\n';
    const file = parseDockerfile(text);
    const reported = (await linterFor(ALL_RULES)).lintParsed(file, DEFAULT_CONFIG);
    assert.deepEqual(
      reported.filter((f) => f.code === 'DL3024').map((f) => text.slice(f.span.start, f.span.end)),
      ['a'],
    );
    assert.deepEqual(
      syntaxFindings(file, reported).map((f) => f.message),
      ['duplicate name b', 'duplicate name b'],
    );
  });
});
