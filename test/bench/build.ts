/**
 * The build context: memory and upload speed on a generated 1 GB context (64 files of 16 MB of
 * random bytes), on the private engine.
 *
 * - `build_context_1gb_rss_mb`: peak RSS growth of a fresh Node process (this file run as a
 *   worker) while `buildImage` streams the context to the engine, sampled every 50 ms and checked
 *   against the kernel's own high-water mark. The Dockerfile (`FROM scratch`, `COPY small.txt`)
 *   copies nothing big, so the engine's side is receiving and unpacking the context. The same
 *   stream into a discarding sink is the baseline: what the tar itself costs.
 * - `build_context_vs_cli`: the same build, Berth's `buildImage` against `docker build -q` with
 *   DOCKER_BUILDKIT=0, so both take the classic builder's path (one tar upload on POST /build),
 *   interleaved run by run; the ratio is CLI time / Berth time.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import { buildImage } from '../../src/engine/build';
import { createBuildContext } from '../../src/engine/buildContext';
import type { PrivateDockerd } from '../harness/dockerd';
import { dockerOnPath } from './listContainers';
import type { Row } from './report';
import type { Log } from './util';
import { execFileText, median, ms } from './util';

const FILES = 64;
const FILE_BYTES = 16 * 1024 * 1024;
const ROUNDS = 3;
const SAMPLE_MS = 50;
const MB = 1024 * 1024;
const DOCKERFILE = 'FROM scratch\nCOPY small.txt /small.txt\n';

export interface BuildBenchResult {
  rows: Row[];
  extra: Record<string, number>;
}

interface RssReport {
  mode: 'sink' | 'engine';
  baselineRss: number;
  peakSampledRss: number;
  /** The kernel's high-water mark (getrusage maxrss) at the end, in bytes. */
  maxRss: number;
  ms: number;
  bytes: number;
  samples: number;
}

/** 64 × 16 MB: one random block, each file made unique by its first bytes. */
function generateContext(dir: string): number {
  mkdirSync(dir, { recursive: true });
  const block = randomBytes(FILE_BYTES);
  for (let i = 0; i < FILES; i++) {
    block.writeUInt32BE(i, 0);
    writeFileSync(join(dir, `data-${String(i).padStart(2, '0')}.bin`), block);
  }
  writeFileSync(join(dir, 'small.txt'), 'small\n');
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  return FILES * FILE_BYTES;
}

/** Runs this file as a fresh process that streams the context once and reports its RSS. */
function rssWorker(mode: RssReport['mode'], contextDir: string, socketPath: string): Promise<RssReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', __filename, 'rss-worker', mode, contextDir, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`the ${mode} RSS worker exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(line) as RssReport);
      } catch {
        reject(new Error(`the ${mode} RSS worker printed no report: ${out}`));
      }
    });
  });
}

/** The worker: warm up (modules, the socket, a small build), then measure one 1 GB stream. */
async function runRssWorker(mode: RssReport['mode'], contextDir: string, socketPath: string): Promise<void> {
  const docker = new Docker({ socketPath });
  const warm = join(contextDir, '..', 'warm');
  mkdirSync(warm, { recursive: true });
  writeFileSync(join(warm, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(warm, 'small.txt'), 'small\n');
  const warmResult = await buildImage(docker, { contextDir: warm, dockerfile: 'Dockerfile', tags: [], buildArgs: {}, noCache: false }, { onEvent: () => undefined });
  if (warmResult.error) throw new Error(`warm-up build failed: ${warmResult.error.message}`);
  await discard(createBuildContext(warm, { dockerfile: 'Dockerfile' }));

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const baselineRss = process.memoryUsage().rss;
  let peak = baselineRss;
  let samples = 0;
  const timer = setInterval(() => {
    samples++;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, SAMPLE_MS);
  const started = performance.now();
  let bytes = 0;
  try {
    if (mode === 'sink') {
      bytes = (await discard(createBuildContext(contextDir, { dockerfile: 'Dockerfile' }))).bytes;
    } else {
      const result = await buildImage(docker, { contextDir, dockerfile: 'Dockerfile', tags: [], buildArgs: {}, noCache: false }, { onEvent: () => undefined });
      if (result.error) throw new Error(`build failed: ${result.error.message}`);
    }
  } finally {
    clearInterval(timer);
  }
  const elapsed = performance.now() - started;
  peak = Math.max(peak, process.memoryUsage().rss);
  const report: RssReport = { mode, baselineRss, peakSampledRss: peak, maxRss: process.resourceUsage().maxRSS * 1024, ms: elapsed, bytes, samples };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Drops the tar, handing each chunk back for reuse as a socket's write callback would. */
async function discard(context: ReturnType<typeof createBuildContext>): Promise<{ files: number; bytes: number }> {
  const sink = new Writable({
    highWaterMark: MB,
    write(chunk: Buffer, _encoding, callback) {
      context.recycle(chunk);
      callback();
    },
  });
  context.stream.pipe(sink);
  return context.done;
}

export async function measureBuild(options: { dockerd: PrivateDockerd; workDir: string; log: Log }): Promise<BuildBenchResult> {
  const { dockerd, workDir, log } = options;
  const contextDir = join(workDir, 'context');
  try {
    const generated = performance.now();
    const contextBytes = generateContext(contextDir);
    log(`generated a ${(contextBytes / MB).toFixed(0)} MB context (${FILES} files) in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

    const sink = await rssWorker('sink', contextDir, dockerd.socketPath);
    const engine = await rssWorker('engine', contextDir, dockerd.socketPath);
    const growth = (r: RssReport): number => (r.peakSampledRss - r.baselineRss) / MB;
    const kernelGrowth = (r: RssReport): number => (r.maxRss - r.baselineRss) / MB;
    log(`RSS growth: to the engine ${growth(engine).toFixed(1)} MB (high-water mark ${kernelGrowth(engine).toFixed(1)} MB), to a sink ${growth(sink).toFixed(1)} MB`);

    const cliPath = dockerOnPath();
    const cliVersion = (await execFileText(cliPath, ['--version'])).stdout.trim();
    const cliEnv: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerd.host, DOCKER_BUILDKIT: '0' };
    delete cliEnv.DOCKER_CONTEXT;
    const berth: number[] = [];
    const cli: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate who goes first, so neither always meets a warm page cache or a busy engine.
      const order = round % 2 === 0 ? ['berth', 'cli'] : ['cli', 'berth'];
      for (const side of order) {
        const started = performance.now();
        if (side === 'berth') {
          const result = await buildImage(dockerd.docker, { contextDir, dockerfile: 'Dockerfile', tags: [], buildArgs: {}, noCache: false }, { onEvent: () => undefined });
          if (result.error || !result.imageId) throw new Error(`Berth's build failed: ${result.error?.message ?? 'no image'}`);
          berth.push(performance.now() - started);
        } else {
          const { stdout } = await execFileText(cliPath, ['build', '-q', '-f', join(contextDir, 'Dockerfile'), contextDir], { env: cliEnv, timeoutMs: 300_000 });
          if (!/sha256:[0-9a-f]{64}/.test(stdout)) throw new Error(`docker build printed no image id: ${stdout}`);
          cli.push(performance.now() - started);
        }
      }
      log(`round ${round + 1}/${ROUNDS}: Berth ${berth.at(-1)?.toFixed(0)} ms, CLI ${cli.at(-1)?.toFixed(0)} ms`);
    }
    const berthMs = median(berth);
    const cliMs = median(cli);
    const sinkMbPerS = sink.bytes / MB / (sink.ms / 1000);

    const rows: Row[] = [
      {
        key: 'build_context_1gb_rss_mb',
        value: growth(engine),
        unit: 'count',
        baseline: { label: 'the same tar into a discarding sink (MB)', value: growth(sink), unit: 'count' },
        target: { op: '<=', value: 100 },
        note:
          `MB of peak RSS growth of a fresh process streaming ${(contextBytes / MB).toFixed(0)} MB to the engine (${engine.samples} samples every ${SAMPLE_MS} ms; ` +
          `kernel high-water mark +${kernelGrowth(engine).toFixed(1)} MB; ${(engine.ms / 1000).toFixed(1)} s). Into a sink: +${growth(sink).toFixed(1)} MB, ${sinkMbPerS.toFixed(0)} MB/s`,
      },
      {
        key: 'build_context_vs_cli',
        value: cliMs / berthMs,
        unit: 'x',
        baseline: { label: 'docker build -q, DOCKER_BUILDKIT=0', value: cliMs, unit: 'ms' },
        ratio: { value: cliMs / berthMs, label: 'CLI/Berth' },
        target: { op: '>=', value: 0.9 },
        note: `medians of ${ROUNDS} interleaved builds of the ${(contextBytes / MB).toFixed(0)} MB context (upload, engine unpacks, COPY of one small file); Berth ${ms(berth)} ms, CLI ${ms(cli)} ms; ${cliVersion}`,
      },
      { key: 'build_context_1gb_berth_ms', value: berthMs, unit: 'ms' },
      { key: 'build_context_1gb_cli_ms', value: cliMs, unit: 'ms' },
    ];
    const extra: Record<string, number> = {
      build_context_1gb_sink_rss_mb: growth(sink),
      build_context_1gb_rss_high_water_mb: kernelGrowth(engine),
      build_context_sink_mb_per_s: sinkMbPerS,
      build_context_berth_mb_per_s: contextBytes / MB / (berthMs / 1000),
      build_context_cli_mb_per_s: contextBytes / MB / (cliMs / 1000),
    };
    return { rows, extra };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (require.main === module && process.argv[2] === 'rss-worker') {
  const [, , , mode, contextDir, socketPath] = process.argv;
  runRssWorker(mode === 'sink' ? 'sink' : 'engine', contextDir ?? '', socketPath ?? '').then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
