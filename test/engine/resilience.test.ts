/**
 * The explorer model under stress on the shared private dockerd: an engine crash and restart, a
 * burst of hundreds of events per second, and silence while no view is visible. The engine is
 * killed here, so every test leaves it running again for the files that follow.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { ContainerEngine, EngineEvent } from '../../src/engine/ContainerEngine';
import { connectEngine, resolveEngineConnection } from '../../src/engine';
import type { ExplorerModelOptions } from '../../src/tree/ExplorerModel';
import { ExplorerModel } from '../../src/tree/ExplorerModel';
import type { PrivateDockerd } from '../harness/dockerd';
import { TEST_IMAGE, runBusybox } from '../harness/dockerd';
import { privateDockerd } from './hooks';
import { nextChange, quietLog } from '../harness/model';


const FAST: ExplorerModelOptions = { debounceMs: 20, fullListThreshold: 100, backoffInitialMs: 100, backoffMaxMs: 1000 };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function stamp(): string {
  return `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}


/** Polls `condition` every 50 ms; rejects with `describe()` after `ms`. */
async function waitFor(condition: () => boolean | Promise<boolean>, ms: number, describe: () => string | Promise<string>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(50);
  }
  if (await condition()) return;
  throw new Error(`timed out after ${ms} ms: ${await describe()}`);
}

/** Resolves once the model has not changed for `quietMs`. */
async function settled(model: ExplorerModel, quietMs = 500, maxMs = 30_000): Promise<void> {
  let last = Date.now();
  const sub = model.onDidChange(() => {
    last = Date.now();
  });
  try {
    const deadline = Date.now() + maxMs;
    while (Date.now() - last < quietMs) {
      if (Date.now() > deadline) throw new Error(`the model kept changing for ${maxMs} ms`);
      await sleep(Math.max(10, quietMs - (Date.now() - last)));
    }
  } finally {
    sub.dispose();
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True while the process exists, zombies included: dockerd refuses to start while its containerd's pid does. */
function processExists(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

/** The containerd shims of this private engine, found by the containerd address on their command line. */
function shimPids(root: string): number[] {
  const address = join(root, 'exec', 'containerd', 'containerd.sock');
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('containerd-shim') && cmdline.includes(address)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Processes of a crashed engine that must be gone before it can start again. `kill()` kills
 * dockerd's process group, but containerd (which dies with dockerd, yet lingers as a zombie for a
 * while) and the shims (which outlive it, and make the next start wait ~10 s) have groups of their own.
 */
let leftovers: number[] = [];

/** Crashes the engine together with its containers, as a machine-level crash would. */
async function crash(dockerd: PrivateDockerd): Promise<void> {
  const containerd = readPid(join(dockerd.root, 'exec', 'containerd', 'containerd.pid'));
  await dockerd.kill();
  const shims = shimPids(dockerd.root);
  for (const pid of shims) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  leftovers = [...(containerd === undefined ? [] : [containerd]), ...shims];
}

/** Starts the engine again once the crashed one's processes are gone. */
async function revive(dockerd: PrivateDockerd): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && leftovers.some(processExists)) await sleep(50);
  leftovers = [];
  await dockerd.start();
}

type Snapshot = Record<string, string>;

function modelSnapshot(model: ExplorerModel): Snapshot {
  const out: Snapshot = {};
  for (const [id, c] of [...model.containers].sort(([a], [b]) => a.localeCompare(b))) out[id] = `${c.name} ${c.state}`;
  return out;
}

async function engineSnapshot(engine: ContainerEngine): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const c of (await engine.listContainers()).sort((a, b) => a.id.localeCompare(b.id))) out[c.id] = `${c.name} ${c.state}`;
  return out;
}

function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function describeDiff(model: Snapshot, engine: Snapshot): string {
  const lines: string[] = [];
  for (const id of new Set([...Object.keys(model), ...Object.keys(engine)])) {
    if (model[id] !== engine[id]) lines.push(`${id.slice(0, 12)}: model=${model[id] ?? '(absent)'} engine=${engine[id] ?? '(absent)'}`);
  }
  return lines.length ? lines.join('; ') : 'no difference';
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * dockerd records a pause or unpause when containerd reports it, shortly after answering the
 * request, so an immediate opposite request can fail with "already paused" (409) or "is not
 * paused" (500). Such a request is repeated until the state has caught up.
 */
async function untilNoConflict(fn: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fn();
      return;
    } catch (error) {
      const conflict = /already paused|is not paused/.test(String((error as Error).message));
      if (!conflict || attempt >= 100) throw error;
      await sleep(10);
    }
  }
}

async function removeByPrefix(docker: Docker, prefix: string): Promise<void> {
  const all = await docker.listContainers({ all: true, filters: JSON.stringify({ name: [prefix] }) });
  await pool(all, 10, async (c) => {
    await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  });
}

/** An engine whose every method call is counted, and whose event streams report when they end. */
function countingEngine(inner: ContainerEngine): { engine: ContainerEngine; calls: string[]; seen: EngineEvent[]; openStreams: () => number } {
  const calls: string[] = [];
  const seen: EngineEvent[] = [];
  let open = 0;
  const engine = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      if (name === 'events') {
        return (options: Parameters<ContainerEngine['events']>[0]): AsyncIterable<EngineEvent> => {
          calls.push(name);
          const source = target.events(options);
          return {
            async *[Symbol.asyncIterator]() {
              open++;
              try {
                for await (const event of source) {
                  seen.push(event);
                  yield event;
                }
              } finally {
                open--;
              }
            },
          };
        };
      }
      return (...args: unknown[]): unknown => {
        calls.push(name);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { engine, calls, seen, openStreams: () => open };
}

describe('ExplorerModel resilience on a real engine', function () {
  this.timeout(120_000);
  let engine: ContainerEngine;
  let model: ExplorerModel | undefined;
  /** Set while this file has the shared engine down; `afterEach` brings it back. */
  let engineDown = false;

  before(async () => {
    const resolution = resolveEngineConnection(privateDockerd().host, {});
    assert.ok(resolution.ok);
    engine = await connectEngine(resolution, 10_000, {});
  });

  afterEach(async () => {
    model?.dispose();
    model = undefined;
    if (engineDown) {
      await revive(privateDockerd());
      engineDown = false;
    }
    await removeByPrefix(privateDockerd().docker, 'berth-test-resil-');
    await removeByPrefix(privateDockerd().docker, 'berth-test-burst-');
  });

  after(() => engine.dispose());

  it('the event stream reconnects after the engine is killed and restarted, then resyncs fully', async () => {
    const dockerd = privateDockerd();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const counted = countingEngine(engine);
      let connections = 0;
      const m = new ExplorerModel(
        () => {
          connections++;
          return Promise.resolve(counted.engine);
        },
        quietLog,
        FAST,
      );
      model = m;
      const statuses: string[] = [];
      // A listener that reads the model on every change: reading must never throw, even mid-outage.
      m.onDidChange((change) => {
        if (change.status) statuses.push(m.status);
        void [...m.containers.values()].map((c) => c.state);
      });
      const synced = nextChange(m, (c) => c.containers === 'all');
      m.setActive(true);
      await synced;
      assert.equal(m.status, 'ready');

      const before = await runBusybox(dockerd.docker, `berth-test-resil-before-${stamp()}`, ['sleep', '300']);
      await waitFor(() => m.containers.get(before.id)?.state === 'running', 10_000, () => `model: ${m.containers.get(before.id)?.state ?? 'absent'}`);

      const killedAt = Date.now();
      engineDown = true;
      await crash(dockerd);
      await waitFor(() => m.status !== 'ready', 5_000, () => `status still ${m.status}`);
      await waitFor(() => m.status === 'unavailable', 5_000, () => `status ${m.status}`);
      const noticedMs = Date.now() - killedAt;
      assert.equal(m.error?.kind, 'unavailable');
      assert.equal(m.isSynced, false);

      // Down for 2 s: the model retries with backoff (100, 200, 400, 800, 1000 ms), not in a hot loop.
      const attemptsBefore = connections;
      await sleep(2000);
      const attemptsWhileDown = connections - attemptsBefore;
      assert.equal(m.status, 'unavailable');
      assert.ok(attemptsWhileDown >= 2 && attemptsWhileDown <= 8, `${attemptsWhileDown} reconnection attempts in 2 s`);
      // The last list survives the outage, so the views keep showing something.
      assert.ok(m.containers.has(before.id));
      // Retry pressed while the engine is down: still unavailable, nothing thrown.
      m.restart();
      await sleep(300);
      assert.equal(m.status, 'unavailable');

      const startedAt = Date.now();
      await revive(dockerd);
      engineDown = false;
      const upMs = Date.now() - startedAt;
      let fresh: Snapshot = {};
      await waitFor(
        async () => {
          if (m.status !== 'ready' || !m.isSynced) return false;
          fresh = await engineSnapshot(engine);
          return sameSnapshot(modelSnapshot(m), fresh);
        },
        15_000,
        () => `status ${m.status}; ${describeDiff(modelSnapshot(m), fresh)}`,
      );
      const resyncMs = Date.now() - startedAt;
      const afterRestart = fresh[before.id];
      assert.ok(afterRestart, 'the container made before the crash is still listed');
      // Its process died with the engine and nothing restarts it.
      assert.equal(afterRestart.split(' ')[1], 'exited');
      assert.equal(m.containers.get(before.id)?.state, 'exited');

      // The stream is live again: a new container arrives through an event, not a resync.
      const name = `berth-test-resil-after-${stamp()}`;
      const appeared = nextChange(m, (c) => c.containers instanceof Set && [...c.containers].some((id) => m.containers.get(id)?.name === name && m.containers.get(id)?.state === 'running'));
      const after = await runBusybox(dockerd.docker, name, ['sleep', '300']);
      const change = await appeared;
      assert.ok(change.containers instanceof Set && change.containers.has(after.id));
      assert.ok(change.eventTimes && change.eventTimes.length > 0);

      assert.deepEqual(unhandled, [], 'no unhandled rejections during the outage');
      assert.equal(statuses.at(-1), 'ready');
      console.log(
        `    [resilience] outage noticed in ${noticedMs} ms; ${attemptsWhileDown} reconnection attempts in 2 s down; ` +
          `engine up in ${upMs} ms, model resynced ${resyncMs - upMs} ms later; container from before the crash: ${afterRestart}; statuses ${statuses.join(' → ')}`,
      );
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('rides out a graceful engine shutdown that stops running containers, retrying with backoff only', async () => {
    const dockerd = privateDockerd();
    const docker = dockerd.docker;
    const counted = countingEngine(engine);
    let connections = 0;
    const m = new ExplorerModel(
      () => {
        connections++;
        return Promise.resolve(counted.engine);
      },
      quietLog,
      FAST,
    );
    model = m;
    const synced = nextChange(m, (c) => c.containers === 'all');
    m.setActive(true);
    await synced;
    const id = stamp();
    const victims = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const c = await docker.createContainer({ name: `berth-test-resil-stop${i}-${id}`, Image: TEST_IMAGE, Cmd: ['sleep', '300'], StopSignal: 'SIGKILL', Labels: { 'berth.test': '1' }, HostConfig: { NetworkMode: 'none' } });
        await c.start();
        return c;
      }),
    );
    await waitFor(() => victims.every((c) => m.containers.get(c.id)?.state === 'running'), 10_000, () => 'the containers did not show up as running');

    const pid = readPid(join(dockerd.root, 'docker.pid'));
    const containerd = readPid(join(dockerd.root, 'exec', 'containerd', 'containerd.pid'));
    assert.ok(pid !== undefined && containerd !== undefined);
    engineDown = true;
    leftovers = [pid, containerd];
    const stoppedAt = Date.now();
    process.kill(pid, 'SIGTERM');
    await waitFor(() => m.status === 'unavailable', 20_000, () => `status ${m.status}`);
    const noticedMs = Date.now() - stoppedAt;

    // While the engine is gone, each reconnection attempt lists once; nothing else polls it.
    const callsBefore = counted.calls.length;
    const attemptsBefore = connections;
    await sleep(3000);
    const calls = counted.calls.slice(callsBefore);
    const attempts = connections - attemptsBefore;
    const lists = calls.filter((c) => c === 'listContainers').length;
    assert.ok(attempts >= 2 && attempts <= 8, `${attempts} reconnection attempts in 3 s`);
    assert.ok(lists <= attempts + 1, `${lists} container lists for ${attempts} reconnection attempts: ${calls.join(', ')}`);

    await revive(dockerd);
    engineDown = false;
    let fresh: Snapshot = {};
    await waitFor(
      async () => {
        if (m.status !== 'ready') return false;
        fresh = await engineSnapshot(engine);
        return sameSnapshot(modelSnapshot(m), fresh);
      },
      15_000,
      () => `status ${m.status}; ${describeDiff(modelSnapshot(m), fresh)}`,
    );
    assert.deepEqual(
      victims.map((c) => m.containers.get(c.id)?.state),
      ['exited', 'exited', 'exited'],
    );
    console.log(`    [resilience] graceful shutdown noticed in ${noticedMs} ms; ${attempts} attempts and ${calls.length} engine calls in 3 s down`);
  });

  it('a refresh pending when the engine crashes does not poll the dead engine faster than the backoff', async () => {
    const dockerd = privateDockerd();
    const counted = countingEngine(engine);
    let connections = 0;
    // A long debounce, so that the refresh for the last event runs after the crash.
    const m = new ExplorerModel(
      () => {
        connections++;
        return Promise.resolve(counted.engine);
      },
      quietLog,
      { ...FAST, debounceMs: 300 },
    );
    model = m;
    const synced = nextChange(m, (c) => c.containers === 'all');
    m.setActive(true);
    await synced;
    const container = await runBusybox(dockerd.docker, `berth-test-resil-pending-${stamp()}`, ['sleep', '300'], { start: false });
    await waitFor(() => m.containers.has(container.id), 5_000, () => 'the container did not show up');
    await settled(m, 400);
    const seenBefore = counted.seen.length;
    await container.start();
    await waitFor(() => counted.seen.slice(seenBefore).some((e) => e.id === container.id && e.action === 'start'), 5_000, () => 'no start event');
    engineDown = true;
    await crash(dockerd);
    await waitFor(() => m.status === 'unavailable', 5_000, () => `status ${m.status}`);

    const callsBefore = counted.calls.length;
    const attemptsBefore = connections;
    await sleep(3000);
    const calls = counted.calls.slice(callsBefore);
    const attempts = connections - attemptsBefore;
    const lists = calls.filter((c) => c === 'listContainers').length;
    console.log(`    [resilience] pending refresh at the crash: ${attempts} reconnection attempts and ${lists} container lists in 3 s down`);
    assert.ok(lists <= attempts + 1, `${lists} container lists for ${attempts} reconnection attempts`);

    await revive(dockerd);
    engineDown = false;
    let fresh: Snapshot = {};
    await waitFor(
      async () => {
        if (m.status !== 'ready') return false;
        fresh = await engineSnapshot(engine);
        return sameSnapshot(modelSnapshot(m), fresh);
      },
      15_000,
      () => `status ${m.status}; ${describeDiff(modelSnapshot(m), fresh)}`,
    );
  });

  for (const fullListThreshold of [100, 5]) {
    const path = fullListThreshold === 100 ? 'filtered lists' : 'full lists';
    it(`after a burst of several hundred events per second the model equals what the engine lists (${path})`, async () => {
      const docker = privateDockerd().docker;
      const m = new ExplorerModel(() => Promise.resolve(engine), quietLog, { ...FAST, fullListThreshold });
      model = m;
      const synced = nextChange(m, (c) => c.containers === 'all');
      m.setActive(true);
      await synced;

      // Count the engine's events on a stream of our own, to measure the rate the model faced.
      const prefix = `berth-test-burst-${stamp()}-`;
      const events: EngineEvent[] = [];
      const watch = new AbortController();
      const watching = (async () => {
        for await (const event of engine.events({ signal: watch.signal, since: Math.floor(Date.now() / 1000) })) {
          if (event.type === 'container' ? (event.attributes.name ?? '').startsWith(prefix) : event.type === 'network') events.push(event);
        }
      })();
      await sleep(200);

      // Starting a container costs the engine ~0.2 s of CPU, so the running ones are made first and
      // the burst is mostly cheap operations: create, rename, update, pause, unpause, kill, remove.
      const runners = 12;
      const count = 50;
      const renames = 8;
      const runnerFate = (i: number): 'running' | 'paused' | 'exited' => (['running', 'paused', 'exited'] as const)[i % 3] ?? 'running';
      const removed = (i: number): boolean => i % 3 === 0;
      const running = await Promise.all(Array.from({ length: runners }, (_, i) => runBusybox(docker, `${prefix}run${i}`, ['sleep', '300'])));
      await waitFor(() => running.every((c) => m.containers.get(c.id)?.state === 'running'), 10_000, () => 'the runners did not show up');
      const expected: Snapshot = {};
      for (let i = 0; i < runners; i++) expected[`${prefix}run${i}`] = runnerFate(i);
      for (let i = 0; i < count; i++) if (!removed(i)) expected[`${prefix}${i}-${renames}`] = 'created';

      const begin = Date.now();
      let changes = 0;
      const sub = m.onDidChange(() => changes++);
      const exited: Array<Promise<unknown>> = [];
      const tasks: Array<() => Promise<void>> = [];
      for (let i = 0; i < count; i++) {
        tasks.push(async () => {
          const container = await docker.createContainer({ name: `${prefix}${i}`, Image: TEST_IMAGE, Cmd: ['true'], Labels: { 'berth.test': '1' }, HostConfig: { NetworkMode: 'none' } });
          for (let r = 1; r <= renames; r++) await container.rename({ name: `${prefix}${i}-${r}` });
          await container.update({ CpuShares: 512 });
          if (removed(i)) await container.remove({ force: true });
        });
        const runner = running[i % runners];
        if (i < runners && runner) {
          tasks.push(async () => {
            for (let k = 0; k < 3; k++) {
              await untilNoConflict(() => runner.pause());
              await untilNoConflict(() => runner.unpause());
            }
            if (runnerFate(i) === 'paused') await untilNoConflict(() => runner.pause());
            if (runnerFate(i) === 'exited') {
              exited.push(runner.wait());
              await runner.kill();
            }
          });
        }
      }
      await pool(tasks, 10, (task) => task());
      await Promise.all(exited);
      const burstMs = Date.now() - begin;
      await settled(m, 500);
      sub.dispose();
      const settledMs = Date.now() - begin;
      watch.abort();
      await watching;

      const times = events.map((e) => Number(e.timeNano / 1_000_000n)).filter((t) => t >= begin - 50).sort((a, b) => a - b);
      const spanMs = Math.max(1, (times.at(-1) ?? 0) - (times[0] ?? 0));
      const rate = Math.round((times.length * 1000) / spanMs);
      let peak = 0;
      for (let lo = 0, hi = 0; hi < times.length; hi++) {
        while ((times[hi] ?? 0) - (times[lo] ?? 0) >= 1000) lo++;
        peak = Math.max(peak, hi - lo + 1);
      }
      const fresh = await engineSnapshot(engine);
      const mine: Snapshot = {};
      for (const value of Object.values(fresh)) {
        const [name = '', state = ''] = value.split(' ');
        if (name.startsWith(prefix)) mine[name] = state;
      }
      try {
        assert.deepEqual(mine, expected, 'the burst left the engine as planned');
        assert.ok(times.length >= 500, `a burst of ${times.length} events`);
        assert.deepEqual(modelSnapshot(m), fresh, describeDiff(modelSnapshot(m), fresh));
        assert.equal(m.status, 'ready');
      } finally {
        console.log(
          `    [burst/${path}] ${times.length} events in ${spanMs} ms: ${rate}/s on average, ${peak} in the busiest second; ` +
            `operations took ${burstMs} ms; ${changes} model changes; settled ${settledMs} ms after the start`,
        );
        await removeByPrefix(docker, prefix);
      }
    });
  }

  it('no engine calls while no view is active', async () => {
    const docker = privateDockerd().docker;
    const counted = countingEngine(engine);
    let connections = 0;
    const m = new ExplorerModel(
      () => {
        connections++;
        return Promise.resolve(counted.engine);
      },
      quietLog,
      FAST,
    );
    model = m;
    const synced = nextChange(m, (c) => c.containers === 'all');
    m.setActive(true);
    await synced;
    await waitFor(() => counted.openStreams() === 1, 5_000, () => `${counted.openStreams()} open event streams`);

    // Hide the views right as a batch of events is pending and a refresh may be in flight.
    const container = await runBusybox(docker, `berth-test-resil-hidden-${stamp()}`, ['sleep', '300']);
    await nextChange(m, (c) => c.containers instanceof Set && c.containers.has(container.id));
    await container.kill();
    await sleep(5);
    m.setActive(false);
    const callsAtDeactivation = counted.calls.length;
    const connectionsAtDeactivation = connections;
    assert.equal(m.status, 'idle');

    // Engine activity while hidden must not reach the engine through the model.
    await container.start();
    await container.remove({ force: true });
    await sleep(2000);
    assert.equal(counted.openStreams(), 0, 'the event stream was closed');
    assert.deepEqual(counted.calls.slice(callsAtDeactivation), [], 'no engine calls while hidden');
    assert.equal(connections, connectionsAtDeactivation);
  });

  it('no engine calls while no view is active, after hiding during an outage', async () => {
    const dockerd = privateDockerd();
    const counted = countingEngine(engine);
    const m = new ExplorerModel(() => Promise.resolve(counted.engine), quietLog, FAST);
    model = m;
    const synced = nextChange(m, (c) => c.containers === 'all');
    m.setActive(true);
    await synced;
    engineDown = true;
    await crash(dockerd);
    await waitFor(() => m.status === 'unavailable', 5_000, () => `status ${m.status}`);
    // Hidden while waiting to retry: the backoff sleep must end, and no retry follows.
    m.setActive(false);
    const callsAtDeactivation = counted.calls.length;
    await sleep(2000);
    assert.equal(counted.openStreams(), 0);
    assert.deepEqual(counted.calls.slice(callsAtDeactivation), [], 'no engine calls while hidden');

    await revive(dockerd);
    engineDown = false;
    await sleep(500);
    assert.deepEqual(counted.calls.slice(callsAtDeactivation), [], 'nor once the engine is back');
    // Showing a view again reconnects at once.
    const ready = nextChange(m, (c) => c.containers === 'all');
    m.setActive(true);
    await ready;
    assert.equal(m.status, 'ready');
  });
});
