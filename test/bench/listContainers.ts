/**
 * Listing 1,000 containers: Berth's engine layer (a warm, long-lived client, as in the extension)
 * against the docker CLI on the same private engine, interleaved run by run. A bare HTTP request
 * on the socket is measured alongside, to show how much of Berth's time is the engine's own.
 */
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PrivateDockerd } from '../harness/dockerd';
import { runBusybox } from '../harness/dockerd';
import { connectEngine, resolveEngineConnection } from '../../src/engine';
import type { ContainerEngine } from '../../src/engine';
import type { Cleanup, Log } from './util';
import { execFileText, median, ms, pool } from './util';

export interface ListResult {
  berth: number[];
  cli: number[];
  /** The same command with --size=false: what the CLI costs when it does not ask for sizes. */
  cliNoSize: number[];
  bareHttp: number[];
  /** What each side returned (the same on every run, checked). */
  counts: Record<Side, number>;
  cliPath: string;
  cliVersion: string;
  engineVersion: string;
}

type Side = 'berth' | 'cli' | 'cliNoSize' | 'bareHttp';

export async function createContainers(dockerd: PrivateDockerd, count: number, concurrency: number, log: Log): Promise<void> {
  const existing = (await dockerd.docker.listContainers({ all: true, filters: JSON.stringify({ label: ['berth.bench=1'] }) })).length;
  if (existing >= count) return;
  const started = performance.now();
  let done = 0;
  log(`creating ${count - existing} containers (created, not started; network none; ${concurrency} at a time)`);
  await pool(count - existing, concurrency, async (i) => {
    const name = `berth-bench-${String(existing + i).padStart(4, '0')}`;
    await runBusybox(dockerd.docker, name, ['true'], { start: false, labels: { 'berth.bench': '1' } });
    done++;
    if (done % 100 === 0 || done === count - existing) {
      const seconds = (performance.now() - started) / 1000;
      log(`  ${done}/${count - existing} created (${seconds.toFixed(1)} s, ${(done / seconds).toFixed(0)}/s)`);
    }
  });
}

/** Removes the benchmark's containers a few at a time, so the engine's shutdown stays quick. */
export async function removeContainers(dockerd: PrivateDockerd, concurrency: number, log: Log): Promise<void> {
  const all = await dockerd.docker.listContainers({ all: true });
  const started = performance.now();
  await pool(all.length, concurrency, async (i) => {
    const c = all[i];
    if (c) await dockerd.docker.getContainer(c.Id).remove({ force: true });
  });
  log(`removed ${all.length} containers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The first `docker` on PATH, as execFile would find it. */
export function dockerOnPath(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'docker');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('No docker CLI on PATH: the list benchmark compares Berth with `docker ps`.');
}

/** GET /containers/json?all=1 on the socket with Node's http module, and JSON.parse: the floor. */
function bareList(socketPath: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: '/containers/json?all=1', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        try {
          if (res.statusCode !== 200) throw new Error(`GET /containers/json answered ${res.statusCode}`);
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[];
          resolve(body.length);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', reject);
  });
}

export async function measureList(options: { dockerd: PrivateDockerd; runs: number; expected: number; cleanup: Cleanup; log: Log }): Promise<ListResult> {
  const { dockerd, runs, expected, cleanup, log } = options;
  const cliPath = dockerOnPath();
  const cliVersion = (await execFileText(cliPath, ['--version'])).stdout.trim();
  const cliEnv: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerd.host };
  delete cliEnv.DOCKER_CONTEXT;
  const cliArgs = ['ps', '-a', '--no-trunc', '--format', '{{json .}}'];
  // `{{json .}}` touches .Size, so the CLI asks the engine to compute every container's size
  // (`size=1`), which Berth never does; this variant shows the CLI without that extra work.
  const cliNoSizeArgs = ['ps', '-a', '--no-trunc', '--size=false', '--format', '{{json .}}'];
  const cliCount = async (args: readonly string[]): Promise<number> => {
    const { stdout } = await execFileText(cliPath, args, { env: cliEnv });
    return stdout.split('\n').filter((line) => line.startsWith('{')).length;
  };

  // As the extension does it: resolve the address, connect once, keep the client.
  const resolution = resolveEngineConnection(dockerd.host, {});
  if (!resolution.ok) throw new Error(`resolveEngineConnection(${dockerd.host}) failed: ${resolution.detail}`);
  const engine: ContainerEngine = await connectEngine(resolution, 60_000, {});
  const disposeEngine = cleanup.add('engine client', () => Promise.resolve(engine.dispose()));
  const agent = new http.Agent({ keepAlive: true });
  try {
    const info = await engine.info();
    const engineVersion = `${info.flavor} ${info.version} (API ${info.apiVersion})`;

    const sides: Record<Side, () => Promise<number>> = {
      berth: async () => (await engine.listContainers()).length,
      cli: () => cliCount(cliArgs),
      cliNoSize: () => cliCount(cliNoSizeArgs),
      bareHttp: () => bareList(dockerd.socketPath, agent),
    };
    const order: readonly Side[] = ['berth', 'cli', 'cliNoSize', 'bareHttp'];
    const result: ListResult = {
      berth: [],
      cli: [],
      cliNoSize: [],
      bareHttp: [],
      counts: { berth: 0, cli: 0, cliNoSize: 0, bareHttp: 0 },
      cliPath,
      cliVersion,
      engineVersion,
    };

    const once = async (side: Side): Promise<number> => {
      const start = performance.now();
      const count = await sides[side]();
      const elapsed = performance.now() - start;
      if (count < expected) throw new Error(`${side} listed ${count} containers, expected at least ${expected}`);
      result.counts[side] = count;
      return elapsed;
    };

    // Warm-up: the client's socket, the engine's caches, the CLI binary in the page cache.
    for (const side of order) for (let i = 0; i < 2; i++) await once(side);
    for (let run = 0; run < runs; run++) {
      // Rotate who goes first, so no side always follows another's garbage or the engine's idle.
      for (let k = 0; k < order.length; k++) {
        const side = order[(run + k) % order.length] ?? 'berth';
        result[side].push(await once(side));
      }
    }
    log(`Berth listContainers(): ${ms(result.berth)} ms (median ${median(result.berth).toFixed(1)})`);
    log(`docker ps -a:          ${ms(result.cli)} ms (median ${median(result.cli).toFixed(1)})`);
    log(`  same, --size=false:  ${ms(result.cliNoSize)} ms (median ${median(result.cliNoSize).toFixed(1)})`);
    log(`bare GET on socket:    ${ms(result.bareHttp)} ms (median ${median(result.bareHttp).toFixed(1)})`);
    return result;
  } finally {
    agent.destroy();
    await disposeEngine();
  }
}
