/**
 * `npm run bench` (after test/tools/bench.mjs has built, packaged and compiled): measures what
 * ships, activation in a real extension host, listing 1,000 containers, and the explorer's model
 * (event-to-tree latency, idle engine calls, first render, engine work per event), each against a
 * baseline measured in this same run. Writes test-results/bench.json and prints a table.
 *
 * Targets are reported, never enforced: the exit code is non-zero only when a benchmark could
 * not run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PrivateDockerd } from '../harness/dockerd';
import { buildBusyboxImage, dockerdUnavailableReason, startPrivateDockerd } from '../harness/dockerd';
import { measureActivation } from './activation';
import { measureBuild } from './build';
import { measureExplorer } from './explorer';
import { measureLint } from './lint';
import { measureLogs } from './logs';
import { createContainers, measureList, removeContainers } from './listContainers';
import type { Row } from './report';
import { met, renderTable, toJson, writeJson } from './report';
import { measureSizes } from './sizes';
import { Cleanup, log, median, sleep } from './util';

const REPO = resolve(__dirname, '..', '..', '..');
const RESULTS_FILE = join(REPO, 'test-results', 'bench.json');
/** Where a run of only some benchmarks writes, so bench.json always holds one complete run. */
const PARTIAL_RESULTS_FILE = join(REPO, 'test-results', 'bench-partial.json');
const ACTIVATION_SAMPLES = 5;
const CONTAINERS = 1000;
const CREATE_CONCURRENCY = 8;
const LIST_RUNS = 11;

/** Marks every process this run starts (they inherit the environment), to find leftovers by pid. */
const RUN_VAR = 'BERTH_BENCH_RUN';
const RUN_TOKEN = randomBytes(8).toString('hex');
const RUN_MARK = `${RUN_VAR}=${RUN_TOKEN}`;

function processesOfThisRun(): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(RUN_MARK)) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid, cmd: cmd.length > 140 ? `${cmd.slice(0, 140)}…` : cmd });
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return found;
}

async function killLeftovers(): Promise<void> {
  const leftovers = processesOfThisRun();
  if (leftovers.length === 0) {
    log('no processes left behind');
    return;
  }
  log(`left behind by this run, now killed: ${leftovers.map((p) => `${p.pid} (${p.cmd})`).join('; ')}`);
  for (const p of leftovers) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 5_000;
  while (processesOfThisRun().length > 0 && Date.now() < deadline) await sleep(100);
}

interface Section {
  name: string;
  /** Runs without root or dockerd (and without the build, see test/tools/bench.mjs). */
  standalone?: boolean;
  run(): Promise<void>;
}

async function main(): Promise<number> {
  const started = performance.now();
  process.env[RUN_VAR] = RUN_TOKEN;
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = join(REPO, `${manifest.name}-${manifest.version}.vsix`);

  const cleanup = new Cleanup();
  const workDir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  let shuttingDown: Promise<void> | undefined;
  /** Stops what this run started, kills anything that outlived that, then removes the work folder. */
  const shutdown = (): Promise<void> =>
    (shuttingDown ??= (async () => {
      await cleanup.runAll();
      await killLeftovers();
      rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
    })());
  let interruptedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruptedBy) {
      // Leaving now would strand a root dockerd; the first signal's shutdown is still at work.
      log(`${signal}: still stopping the engine and servers, a few more seconds`);
      return;
    }
    interruptedBy = signal;
    log(`${signal}: stopping everything this run started`);
    void shutdown().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // `npm run bench -- list` runs only the named sections (sizes, activation, list, explorer, lint, build, logs).
  const only = process.argv.slice(2);
  const selected = (name: string): boolean => only.length === 0 || only.includes(name);

  const rows: Row[] = [];
  const extra: Record<string, number> = {};
  const failures: string[] = [];
  let dockerd: PrivateDockerd | undefined;
  const engine = async (): Promise<PrivateDockerd> => {
    if (dockerd) return dockerd;
    const d = await startPrivateDockerd(log);
    cleanup.add('private dockerd', () => d.stop());
    await buildBusyboxImage(d.docker);
    log('test image built');
    dockerd = d;
    return d;
  };

  const sections: Section[] = [
    {
      name: 'sizes',
      async run() {
        const s = await measureSizes(REPO);
        const baseline = { label: 'prod dependency tree', value: s.dependencyTreeBytes, unit: 'bytes' as const };
        rows.push({
          key: 'bundle_bytes',
          value: s.bundleBytes,
          unit: 'bytes',
          baseline,
          target: { op: '<=', value: 2_000_000 },
          note: `${s.bundleFiles.map((f) => `dist/${f.name} ${f.bytes.toLocaleString('en')} B`).join(' + ')}; the tree is ${s.dependencyPackages} packages (npm ls --omit=dev), ${s.dependencyTreeBytes.toLocaleString('en')} B`,
        });
        rows.push({ key: 'vsix_bytes', value: s.vsixBytes, unit: 'bytes', baseline, target: { op: '<=', value: 3_000_000 }, note: s.vsixName });
        extra.cli_bytes = s.cliBytes;
        extra.bundle_baseline_dependency_tree_bytes = s.dependencyTreeBytes;
        extra.bundle_vs_dependency_tree_ratio = s.bundleBytes / s.dependencyTreeBytes;
        extra.vsix_vs_dependency_tree_ratio = s.vsixBytes / s.dependencyTreeBytes;
      },
    },
    {
      name: 'activation',
      async run() {
        const r = await measureActivation({ dockerd: await engine(), vsix, workDir: join(workDir, 'activation'), samples: ACTIVATION_SAMPLES, cleanup, log });
        const activation = median(r.samples);
        const eager = median(r.eagerRequireSamples);
        rows.push({
          key: 'activation_ms',
          value: activation,
          unit: 'ms',
          baseline: { label: 'eager require(dist/dockerodeEngine.js)', value: eager, unit: 'ms' },
          target: { op: '<=', value: 50 },
          note: `median of ${r.samples.length} fresh extension hosts: ${r.samples.map((v) => v.toFixed(2)).join(', ')} ms; eager require: ${r.eagerRequireSamples.map((v) => v.toFixed(0)).join(', ')} ms`,
        });
        extra.activation_baseline_eager_dockerode_ms = eager;
        extra.activation_vs_eager_dockerode_ratio = activation / eager;
      },
    },
    {
      name: 'list',
      async run() {
        const d = await engine();
        await createContainers(d, CONTAINERS, CREATE_CONCURRENCY, log);
        const r = await measureList({ dockerd: d, runs: LIST_RUNS, expected: CONTAINERS, cleanup, log });
        const berth = median(r.berth);
        const cli = median(r.cli);
        const cliNoSize = median(r.cliNoSize);
        const bare = median(r.bareHttp);
        rows.push({
          key: 'list_containers_1000_vs_cli',
          value: cli / berth,
          unit: 'x',
          baseline: { label: 'docker ps -a', value: cli, unit: 'ms' },
          ratio: { value: cli / berth, label: 'CLI/Berth' },
          target: { op: '>=', value: 1.8 },
          note:
            `medians of ${LIST_RUNS} interleaved runs; Berth ${r.counts.berth}, CLI ${r.counts.cli}, bare ${r.counts.bareHttp} entries; ${r.cliVersion} (${r.cliPath}); engine ${r.engineVersion}.\n` +
            "    `--format '{{json .}}'` makes the CLI request size=1 (the engine sizes every container); Berth does not. Without it:",
        });
        rows.push({
          key: 'list_containers_1000_vs_cli_nosize',
          value: cliNoSize / berth,
          unit: 'x',
          baseline: { label: 'docker ps -a --size=false', value: cliNoSize, unit: 'ms' },
          ratio: { value: cliNoSize / berth, label: 'CLI/Berth' },
        });
        const bareBaseline = { label: 'bare GET on the socket', value: bare, unit: 'ms' as const };
        rows.push({ key: 'list_containers_1000_berth_ms', value: berth, unit: 'ms', baseline: bareBaseline });
        rows.push({ key: 'list_containers_1000_cli_ms', value: cli, unit: 'ms', baseline: bareBaseline });
        rows.push({ key: 'list_containers_1000_cli_nosize_ms', value: cliNoSize, unit: 'ms', baseline: bareBaseline });
        rows.push({ key: 'list_containers_1000_bare_http_ms', value: bare, unit: 'ms', note: 'http.get + JSON.parse, keep-alive agent: what the engine itself costs' });
        extra.list_containers_1000_berth_vs_bare_http_ratio = berth / bare;
        // The explorer benchmark needs the same 1,000 containers; it removes them when done.
        // The engine's stop() removes containers all at once; a few at a time is gentler.
        if (!selected('explorer')) await removeContainers(d, 16, log);
      },
    },
    {
      name: 'explorer',
      async run() {
        const d = await engine();
        await createContainers(d, CONTAINERS, CREATE_CONCURRENCY, log);
        try {
          const r = await measureExplorer({ dockerd: d, containers: CONTAINERS, cleanup, log });
          rows.push(...r.rows);
          Object.assign(extra, r.extra);
        } finally {
          await removeContainers(d, 16, log);
        }
      },
    },
    {
      name: 'lint',
      standalone: true,
      async run() {
        const r = await measureLint(log);
        rows.push(...r.rows);
        Object.assign(extra, r.extra);
      },
    },
    {
      name: 'build',
      async run() {
        const r = await measureBuild({ dockerd: await engine(), workDir: join(workDir, 'build'), log });
        rows.push(...r.rows);
        Object.assign(extra, r.extra);
      },
    },
    {
      name: 'logs',
      async run() {
        const r = await measureLogs({ dockerd: await engine(), workDir: join(workDir, 'logs'), cleanup, log });
        rows.push(...r.rows);
        Object.assign(extra, r.extra);
      },
    },
  ];

  const unknown = only.filter((name) => !sections.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`[bench] unknown benchmark ${unknown.join(', ')}; known: ${sections.map((s) => s.name).join(', ')}`);
    await shutdown();
    return 1;
  }
  const reason = sections.some((s) => !s.standalone && selected(s.name)) ? dockerdUnavailableReason() : undefined;
  if (reason) {
    console.error(`[bench] cannot run: ${reason}`);
    await shutdown();
    return 1;
  }
  const loadAtStart = loadavg()[0] ?? 0;
  log(`${cpus().length} CPUs, load average ${loadAtStart.toFixed(2)} at start`);
  try {
    for (const section of sections) {
      if (!selected(section.name)) continue;
      if (interruptedBy) break;
      const t0 = performance.now();
      log(`— ${section.name}`);
      try {
        await section.run();
        log(`${section.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      } catch (error) {
        if (interruptedBy) break;
        failures.push(section.name);
        console.error(`[bench] ${section.name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  } finally {
    await shutdown();
  }

  if (interruptedBy) return 130;
  const resultsFile = only.length > 0 ? PARTIAL_RESULTS_FILE : RESULTS_FILE;
  writeJson(resultsFile, toJson(rows, extra));
  const seconds = (performance.now() - started) / 1000;
  const load = `load average ${loadAtStart.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end on ${cpus().length} CPUs`;
  console.log(`\nBerth benchmarks (${new Date().toISOString()}, node ${process.version}, ${seconds.toFixed(0)} s; ${load})\n`);
  // Other work on the machine (another test run, a build) inflates and scatters every time here.
  if (loadAtStart > cpus().length / 2) console.log(`Note: the machine was busy when the run started (${load}); times are noisier than usual.\n`);
  console.log(renderTable(rows));
  const missed = rows.filter((r) => met(r) === false).map((r) => r.key);
  console.log(`\n${rows.filter((r) => met(r) === true).length} targets met${missed.length ? `, missed: ${missed.join(', ')}` : ''}. Figures: ${resultsFile}`);
  if (failures.length > 0) {
    console.error(`These benchmarks could not run: ${failures.join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
