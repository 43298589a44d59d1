/** Checks on package.json's contributions that no compiler catches. */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('package.json', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { problemMatchers: Array<{ name: string; owner: string }> };
  };

  it('gives each problem matcher an owner no diagnostic collection uses', () => {
    // VS Code hides markers of an owner the extension host also uses for a DiagnosticCollection,
    // and a collection's update replaces that owner's markers: a shared name loses the task's marks.
    const collections = sourceFiles(join(ROOT, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/createDiagnosticCollection\(\s*'([^']+)'/g)].map((m) => m[1]),
    );
    assert.ok(collections.includes('berth'), `the linter's collection was found: ${collections.join(', ')}`);
    assert.ok(manifest.contributes.problemMatchers.length > 0);
    for (const matcher of manifest.contributes.problemMatchers) {
      assert.ok(!collections.includes(matcher.owner), `problem matcher ${matcher.name} shares the owner "${matcher.owner}" with a diagnostic collection`);
    }
  });
});
