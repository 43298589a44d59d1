// `npm run bench`: builds and packages Berth as it ships, compiles the benchmarks, then runs
// out/test/bench/run.js, which prints a table and writes test-results/bench.json.
// Targets are reported, not enforced: this exits non-zero only when something could not run.
// `npm run bench -- list` (or sizes, activation, lint) runs only those benchmarks.
// `npm run bench -- lint` alone needs neither root nor dockerd, and only compiles (tsc).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const started = Date.now();

function say(message) {
  console.log(`\n\x1b[1m▸ ${message}\x1b[0m`);
}

const lintOnly = process.argv.length > 2 && process.argv.slice(2).every((name) => name === 'lint');

if (!lintOnly && process.getuid?.() !== 0) {
  console.error(
    'npm run bench needs root: it starts a private dockerd (its own data-root, exec-root and socket under /tmp, ' +
      'never your engine) to create 1,000 containers and to give VS Code an engine to talk to, and dockerd only runs as root. ' +
      'Run it as root, e.g. `sudo npm run bench`.',
  );
  process.exit(1);
}

const PREREQUISITES = [
  ['/usr/sbin/dockerd', 'docker.io'],
  ['/bin/busybox', 'busybox-static'],
  ['/usr/bin/chromium', 'chromium'],
  ['/usr/bin/rg', 'ripgrep'],
];
const missing = lintOnly ? [] : PREREQUISITES.filter(([file]) => !existsSync(file));
if (missing.length > 0) {
  console.error(`npm run bench needs ${missing.map(([f, p]) => `${f} (Debian package ${p})`).join(', ')}.`);
  console.error(`Install with: apt-get install -y ${missing.map(([, p]) => p).join(' ')}  (or run \`npm test\` once, which installs them)`);
  process.exit(1);
}
const docker = lintOnly ? { status: 0 } : spawnSync('docker', ['--version'], { encoding: 'utf8' });
if (docker.status !== 0) {
  console.error('npm run bench needs a docker CLI on PATH: it compares Berth with `docker ps`.');
  process.exit(1);
}

say(lintOnly ? 'Compiling' : 'Building, packaging and compiling');
for (const script of lintOnly ? ['compile'] : ['build', 'package', 'compile']) {
  const t0 = Date.now();
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nnpm run ${script} failed (${r.signal ?? `exit ${r.status}`}); no benchmark was run.`);
    process.exit(1);
  }
  console.log(`  npm run ${script}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

say('Running the benchmarks');
const child = spawn(process.execPath, [join(root, 'out', 'test', 'bench', 'run.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the child too (same process group); let it stop its engine and servers first.
const ignore = () => undefined;
process.on('SIGINT', ignore);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`\nnpm run bench took ${minutes} min in all (build, package, compile and benchmarks).`);
  process.exit(code ?? (signal ? 1 : 0));
});
