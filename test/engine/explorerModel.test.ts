import * as assert from 'node:assert/strict';
import type { ContainerEngine } from '../../src/engine/ContainerEngine';
import { connectEngine, resolveEngineConnection } from '../../src/engine';
import { ExplorerModel } from '../../src/tree/ExplorerModel';
import { TEST_IMAGE, runBusybox } from '../harness/dockerd';
import { privateDockerd } from './hooks';
import { nextChange, quietLog } from '../harness/model';



describe('ExplorerModel follows a real engine', function () {
  this.timeout(60_000);
  let engine: ContainerEngine;
  let model: ExplorerModel;
  let engineCalls = 0;

  before(async () => {
    const resolution = resolveEngineConnection(privateDockerd().host, {});
    assert.ok(resolution.ok);
    engine = await connectEngine(resolution, 10_000, {});
  });

  beforeEach(() => {
    engineCalls = 0;
    model = new ExplorerModel(() => {
      engineCalls++;
      return Promise.resolve(engine);
    }, quietLog);
  });

  afterEach(() => model.dispose());
  after(() => engine.dispose());

  it('does not touch the engine until a view is active', async () => {
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(engineCalls, 0);
    assert.equal(model.status, 'idle');
  });

  it('syncs fully when activated, then applies container events without polling', async () => {
    const synced = nextChange(model, (c) => c.containers === 'all');
    model.setActive(true);
    await synced;
    assert.equal(model.status, 'ready');
    assert.ok(model.images.some((i) => i.repoTags.includes(TEST_IMAGE)));

    const name = `berth-test-model-${Date.now().toString(36)}`;
    const appeared = nextChange(model, (c) => c.containers instanceof Set && [...c.containers].some((id) => model.containers.get(id)?.name === name && model.containers.get(id)?.state === 'running'));
    const container = await runBusybox(privateDockerd().docker, name, ['sleep', '300']);
    const change = await appeared;
    assert.ok(change.eventTimes && change.eventTimes.length > 0, 'a change carries the times of its events');
    assert.equal(model.containers.get(container.id)?.state, 'running');

    const removed = nextChange(model, (c) => c.containers instanceof Set && c.containers.has(container.id) && !model.containers.has(container.id));
    await container.remove({ force: true });
    await removed;
    assert.equal(engineCalls, 1, 'one connection for the whole session');
  });

  it('ends with the right state for containers that start and exit within one debounce window', async () => {
    const synced = nextChange(model, (c) => c.containers === 'all');
    model.setActive(true);
    await synced;
    const docker = privateDockerd().docker;
    const stamp = Date.now().toString(36);
    const quick = await Promise.all([
      runBusybox(docker, `berth-test-quick0-${stamp}`, ['sh', '-c', 'exit 0']),
      runBusybox(docker, `berth-test-quick2-${stamp}`, ['sh', '-c', 'exit 2']),
    ]);
    try {
      await Promise.all(quick.map((c) => c.wait()));
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !quick.every((c) => model.containers.get(c.id)?.state === 'exited')) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(quick.map((c) => model.containers.get(c.id)?.state), ['exited', 'exited']);
      assert.match(model.containers.get(quick[1]?.id ?? '')?.status ?? '', /^Exited \(2\)/);
    } finally {
      await Promise.all(quick.map((c) => c.remove({ force: true })));
    }
  });

  it('stops following when no view is visible', async () => {
    const synced = nextChange(model, (c) => c.containers === 'all');
    model.setActive(true);
    await synced;
    model.setActive(false);
    assert.equal(model.status, 'idle');
    let changes = 0;
    const sub = model.onDidChange(() => changes++);
    const container = await runBusybox(privateDockerd().docker, `berth-test-hidden-${Date.now().toString(36)}`, ['sleep', '300']);
    await new Promise((r) => setTimeout(r, 500));
    sub.dispose();
    await container.remove({ force: true });
    assert.equal(changes, 0, 'no updates while hidden');
  });

  it('shows "unavailable" for an engine that is not there, and recovers after restart()', async () => {
    const resolution = resolveEngineConnection('unix:///nonexistent/berth.sock', {});
    assert.ok(resolution.ok);
    const dead = await connectEngine(resolution, 2000, {});
    let target: ContainerEngine = dead;
    const flaky = new ExplorerModel(() => Promise.resolve(target), quietLog, { debounceMs: 20, fullListThreshold: 100, backoffInitialMs: 50, backoffMaxMs: 200 });
    try {
      const unavailable = nextChange(flaky, () => flaky.status === 'unavailable');
      flaky.setActive(true);
      await unavailable;
      assert.equal(flaky.error?.kind, 'unavailable');
      target = engine;
      const ready = nextChange(flaky, (c) => c.containers === 'all');
      flaky.restart();
      await ready;
      assert.equal(flaky.status, 'ready');
    } finally {
      flaky.dispose();
      dead.dispose();
    }
  });
});
