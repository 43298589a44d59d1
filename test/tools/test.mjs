// `npm test`: installs what the suites need (as root), builds and packages Berth, then runs the
// unit, engine and e2e suites and ends with one line: "N passed, N failed".
// With CI=true a suite that cannot run (no engine, no VS Code) is a failure, never a skip.
import { spawnSync } from 'node:child_process';
import { APT_PACKAGES, ensurePackages } from './prereqs.mjs';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const results = join(root, 'test-results');
const ci = ['true', '1'].includes(String(process.env.CI).toLowerCase());
const started = Date.now();
const only = process.argv.slice(2); // e.g. `npm test -- unit engine`

const SUITES = [
  { name: 'unit', needs: [], args: ['out/test/unit/**/*.test.js'] },
  { name: 'engine', needs: ['docker.io', 'busybox-static'], root: true, args: ['--require', 'out/test/engine/hooks.js', '--timeout', '60000', 'out/test/engine/**/*.test.js'] },
  { name: 'e2e', needs: Object.keys(APT_PACKAGES), root: true, args: ['--require', 'out/test/e2e/hooks.js', '--timeout', '300000', 'out/test/e2e/*.test.js'] },
];

function say(message) {
  console.log(`\n\x1b[1m▸ ${message}\x1b[0m`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status ?? 1;
}

rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

say('Checking prerequisites');
const missing = ensurePackages();
if (missing.length === 0) console.log('  all present');

say('Building, packaging and compiling the tests');
for (const script of ['build', 'package', 'compile']) {
  if (run('npm', ['run', '--silent', script]) !== 0) {
    console.log(`\nnpm run ${script} failed.\n0 passed, 1 failed`);
    process.exit(1);
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
for (const suite of SUITES) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  const lacking = suite.needs.filter((p) => missing.includes(p));
  const reason = lacking.length > 0 ? `missing ${lacking.join(', ')}` : suite.root && process.getuid?.() !== 0 ? 'needs root to start a private dockerd' : undefined;
  if (reason) {
    if (ci) {
      totals.failed++;
      lines.push(`${suite.name}: FAILED, cannot run (${reason})`);
    } else {
      totals.skipped++;
      lines.push(`${suite.name}: skipped (${reason})`);
    }
    continue;
  }
  say(`Running the ${suite.name} suite`);
  const file = join(results, `results-${suite.name}.json`);
  const status = run(process.execPath, [join(root, 'node_modules/mocha/bin/mocha.js'), '--reporter', 'out/test/harness/countingReporter.js', ...suite.args], {
    env: { ...process.env, BERTH_RESULTS_FILE: file },
  });
  if (!existsSync(file)) {
    totals.failed++;
    lines.push(`${suite.name}: FAILED before reporting results (exit ${status})`);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  // A crash after the reporter wrote (e.g. in teardown) still fails the suite.
  const crashed = status !== 0 && r.failed === 0 ? 1 : 0;
  addCounts(suite.name, { ...r, failed: r.failed + crashed }, crashed ? ` (mocha exited ${status})` : '');
  // Nested runs (the extension-host suite inside VS Code) report in results-<suite>-<part>.json.
  for (const nested of readdirSync(results).filter((f) => f.startsWith(`results-${suite.name}-`) && f.endsWith('.json'))) {
    addCounts(nested.slice('results-'.length, -'.json'.length), JSON.parse(readFileSync(join(results, nested), 'utf8')), '');
  }
}

function addCounts(name, r, note) {
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped ?? 0;
  lines.push(`${name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}${note}`);
}

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
say(`Summary (${minutes} min)`);
for (const line of lines) console.log(`  ${line}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
