/**
 * The extension-host test entry, shared by both runners: code-server (passed in the workbench
 * URL's payload) and @vscode/test-electron. It runs every *.test.js beside it with mocha and
 * writes the counts to $BERTH_EXTHOST_RESULTS, since the host's exit code carries only pass/fail.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const failures: string[] = [];
    const runner = mocha.run((failed) => {
      const file = process.env.BERTH_EXTHOST_RESULTS;
      if (file) {
        const stats = runner.stats ?? { passes: 0, failures: failed, pending: 0 };
        writeFileSync(file, JSON.stringify({ passed: stats.passes, failed: stats.failures, skipped: stats.pending, failures }));
      }
      if (failed > 0) reject(new Error(`${failed} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('fail', (test) => failures.push(test.fullTitle()));
  });
}
