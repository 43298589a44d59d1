/**
 * Mocha's spec output, plus the run's counts written as JSON to $BERTH_RESULTS_FILE so that
 * `npm test` can add the suites up into one summary line.
 */
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const failures: string[] = [];
    runner.on('fail', (test: Mocha.Test | Mocha.Hook) => failures.push(test.fullTitle()));
    runner.once('end', () => {
      const file = process.env.BERTH_RESULTS_FILE;
      if (!file) return;
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      writeFileSync(file, JSON.stringify({ passed: stats.passes, failed: stats.failures, skipped: stats.pending, failures }));
    });
  }
}

export = CountingReporter;
