import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerEngine, EngineEvent } from '../../src/engine/ContainerEngine';
import { CancelledError, EngineUnavailableError, RequestFailedError, connectEngine, resolveEngineConnection } from '../../src/engine';
import { TEST_IMAGE, runBusybox } from '../harness/dockerd';
import { withTimeout } from '../harness/time';
import { privateDockerd } from './hooks';

async function engineAt(host: string, timeoutMs = 10_000): Promise<ContainerEngine> {
  const resolution = resolveEngineConnection(host, {});
  assert.ok(resolution.ok, `address ${host} should resolve`);
  return connectEngine(resolution, timeoutMs, {});
}

function unique(prefix: string): string {
  return `berth-test-${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

describe('dockerode engine on a private dockerd', function () {
  this.timeout(60_000);
  let engine: ContainerEngine;

  before(async () => {
    engine = await engineAt(privateDockerd().host);
  });

  after(() => engine.dispose());

  it('pings and reports version and info', async () => {
    await engine.ping();
    const info = await engine.info();
    assert.equal(info.flavor, 'docker');
    assert.match(info.apiVersion, /^1\.\d+$/);
    assert.equal(info.os, 'linux');
    assert.equal(info.storageDriver, 'overlay2');
    assert.ok((info.images ?? 0) >= 1);
  });

  it('lists the busybox test image with its tag, size and age', async () => {
    const images = await engine.listImages();
    const image = images.find((i) => i.repoTags.includes(TEST_IMAGE));
    assert.ok(image, `expected ${TEST_IMAGE} in ${JSON.stringify(images.map((i) => i.repoTags))}`);
    assert.equal(image.dangling, false);
    assert.ok(image.size > 500_000 && image.size < 10_000_000, `size ${image.size}`);
    assert.ok(Math.abs(Date.now() / 1000 - image.created) < 3600);
    assert.match(image.id, /^sha256:[0-9a-f]{64}$/);
  });

  it('lists running and exited containers with state, name, image and status', async () => {
    const docker = privateDockerd().docker;
    const runningName = unique('running');
    const exitedName = unique('exited');
    const running = await runBusybox(docker, runningName, ['sleep', '300']);
    const exited = await runBusybox(docker, exitedName, ['sh', '-c', 'exit 3']);
    await exited.wait();
    try {
      const all = await engine.listContainers();
      const r = all.find((c) => c.name === runningName);
      const e = all.find((c) => c.name === exitedName);
      assert.ok(r && e);
      assert.equal(r.state, 'running');
      assert.equal(r.image, TEST_IMAGE);
      assert.match(r.status, /^Up /);
      assert.equal(r.id, running.id);
      assert.equal(r.networkMode, 'none');
      assert.equal(r.labels['berth.test'], '1');
      assert.equal(e.state, 'exited');
      assert.match(e.status, /^Exited \(3\)/);

      const filtered = await engine.listContainers({ ids: [running.id] });
      assert.deepEqual(filtered.map((c) => c.name), [runningName]);
      assert.deepEqual(await engine.listContainers({ ids: [] }), []);
    } finally {
      await running.remove({ force: true });
      await exited.remove({ force: true });
    }
  });

  it('streams a container start as a typed event', async () => {
    const controller = new AbortController();
    const name = unique('events');
    const seen: EngineEvent[] = [];
    const collecting = (async () => {
      for await (const event of engine.events({ signal: controller.signal })) {
        seen.push(event);
        if (event.type === 'container' && event.action === 'start' && event.attributes.name === name) return event;
      }
      return undefined;
    })();
    // Give the stream a moment to connect before the container starts.
    await new Promise((r) => setTimeout(r, 300));
    const container = await runBusybox(privateDockerd().docker, name, ['sleep', '300']);
    try {
      const start = await withTimeout(collecting, 15_000, 'no start event').catch(() => undefined);
      assert.ok(start, `no start event for ${name}; saw ${seen.map((e) => `${e.type}:${e.action}`).join(', ')}`);
      assert.equal(start.id, container.id);
      assert.equal(start.attributes.image, TEST_IMAGE);
      assert.ok(start.timeNano > 0n);
      assert.ok(seen.some((e) => e.type === 'container' && e.action === 'create' && e.id === container.id), 'create precedes start');
    } finally {
      controller.abort();
      await container.remove({ force: true });
    }
  });

  it('ends the event stream quietly when cancelled', async () => {
    const controller = new AbortController();
    const iterating = (async () => {
      let n = 0;
      for await (const _ of engine.events({ signal: controller.signal })) n++;
      return n;
    })();
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    assert.equal(typeof (await iterating), 'number');
  });

  it('reports a missing container as a failed request with the engine message', async () => {
    await assert.rejects(engine.inspectContainer('berth-test-does-not-exist'), (e: unknown) => {
      assert.ok(e instanceof RequestFailedError);
      assert.equal(e.statusCode, 404);
      assert.match(e.engineMessage, /no such container/i);
      return true;
    });
  });

  it('turns an aborted call into CancelledError', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(engine.listContainers({ signal: controller.signal }), CancelledError);
    const late = new AbortController();
    const pending = engine.listContainers({ signal: late.signal });
    late.abort();
    await assert.rejects(pending, CancelledError);
  });
});

describe('engine failures are classified', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-sock-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing socket is "no-socket"', async () => {
    const engine = await engineAt(`unix://${join(dir, 'absent.sock')}`);
    await assert.rejects(engine.ping(), (e: unknown) => e instanceof EngineUnavailableError && e.reason === 'no-socket');
  });

  it('a socket left by a crashed engine is "not-running"', async () => {
    const path = join(dir, 'dead.sock');
    // A listener in a child process killed with SIGKILL leaves its socket file behind, as a crash does.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('ready'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const engine = await engineAt(`unix://${path}`);
    await assert.rejects(engine.ping(), (e: unknown) => e instanceof EngineUnavailableError && e.reason === 'not-running');
  });

  it('an engine that never answers times out as "timeout"', async () => {
    const path = join(dir, 'silent.sock');
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(path, r));
    try {
      const engine = await engineAt(`unix://${path}`, 300);
      const started = Date.now();
      await assert.rejects(engine.listContainers(), (e: unknown) => e instanceof EngineUnavailableError && e.reason === 'timeout');
      assert.ok(Date.now() - started < 5000);
      // A per-call timeout overrides the default.
      await assert.rejects(engine.ping({ timeoutMs: 100 }), (e: unknown) => e instanceof EngineUnavailableError && e.reason === 'timeout');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('volumes, networks and inspect', function () {
  this.timeout(60_000);
  let engine: ContainerEngine;

  before(async () => {
    engine = await engineAt(privateDockerd().host);
  });

  after(() => engine.dispose());

  it('lists volumes with driver and labels, and inspects one by name', async () => {
    const docker = privateDockerd().docker;
    const name = unique('vol');
    await docker.createVolume({ Name: name, Labels: { 'berth.test': '1' } });
    try {
      const volume = (await engine.listVolumes()).find((v) => v.name === name);
      assert.ok(volume);
      assert.equal(volume.driver, 'local');
      assert.equal(volume.labels['berth.test'], '1');
      assert.ok(volume.created === undefined || Math.abs(Date.now() / 1000 - volume.created) < 3600);
      const inspected = await engine.inspect('volume', name);
      assert.equal(inspected.Name, name);
    } finally {
      await docker.getVolume(name).remove();
    }
  });

  it('lists networks, marking the built-in ones, and inspects one', async () => {
    const docker = privateDockerd().docker;
    const name = unique('net');
    // An internal network sends no packets anywhere: safe under the loopback-only rule.
    const network = await docker.createNetwork({ Name: name, Internal: true, Labels: { 'berth.test': '1' } });
    try {
      const networks = await engine.listNetworks();
      const created = networks.find((n) => n.name === name);
      assert.ok(created);
      assert.equal(created.internal, true);
      assert.equal(created.builtIn, false);
      assert.equal(created.labels['berth.test'], '1');
      const host = networks.find((n) => n.name === 'host');
      assert.ok(host?.builtIn, 'the host network is built in');
      const inspected = await engine.inspect('network', network.id);
      assert.equal(inspected.Name, name);
    } finally {
      await network.remove();
    }
  });

  it('inspects images and containers, and reports a missing one as a 404', async () => {
    const image = await engine.inspect('image', TEST_IMAGE);
    assert.deepEqual(image.RepoTags, [TEST_IMAGE]);
    const container = await runBusybox(privateDockerd().docker, unique('inspect'), ['sleep', '300']);
    try {
      const inspected = await engine.inspect('container', container.id);
      assert.equal(inspected.Id, container.id);
    } finally {
      await container.remove({ force: true });
    }
    await assert.rejects(engine.inspect('volume', 'berth-test-no-such-volume'), (e: unknown) => e instanceof RequestFailedError && e.statusCode === 404);
  });
});
