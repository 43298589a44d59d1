/**
 * The detail views' engine-facing logic on a real dockerd: the log follower (tail, stdout/stderr,
 * new lines, following across a restart, removal), the stats session (streams only while
 * visible), and the layers report of the busybox test image and an image committed from it.
 */
import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { ContainerEngine } from '../../src/engine/ContainerEngine';
import { connectEngine, resolveEngineConnection } from '../../src/engine';
import { formatMessage } from '../../src/l10n';
import { ExplorerModel } from '../../src/tree/ExplorerModel';
import { LogFollower, renderLog } from '../../src/views/logFollower';
import { layersReport } from '../../src/views/layers';
import type { StatsFigures } from '../../src/views/stats';
import { StatsSession } from '../../src/views/stats';
import type { PrivateDockerd } from '../harness/dockerd';
import { TEST_IMAGE, runBusybox, startPrivateDockerd } from '../harness/dockerd';
import { quietLog } from '../harness/model';
import { privateDockerd } from './hooks';

function until<T>(what: string, probe: () => T | undefined | false, ms = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const value = probe();
      if (value !== undefined && value !== false) return resolve(value);
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

/** Runs `sh -c script` in the container, as `docker exec` does, and waits for it to end. */
async function exec(container: Docker.Container, script: string): Promise<void> {
  const e = await container.exec({ Cmd: ['sh', '-c', script], AttachStdout: true, AttachStderr: true });
  const stream = await e.start({});
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.resume();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('detail views on a real engine', function () {
  this.timeout(60_000);
  let engine: ContainerEngine;
  let model: ExplorerModel;
  const containers: Docker.Container[] = [];
  const followers: LogFollower[] = [];

  before(async () => {
    const resolution = resolveEngineConnection(privateDockerd().host, {});
    assert.ok(resolution.ok);
    engine = await connectEngine(resolution, 10_000, {});
    model = new ExplorerModel(() => Promise.resolve(engine), quietLog);
  });

  afterEach(async () => {
    for (const f of followers.splice(0)) f.dispose();
    await Promise.all(containers.splice(0).map((c) => c.remove({ force: true }).catch(() => undefined)));
  });

  after(() => {
    model.dispose();
    engine.dispose();
  });

  function follow(id: string, tail = 100): LogFollower {
    const follower = new LogFollower(() => Promise.resolve(engine), id, model, { tail, maxLines: 1000 }, formatMessage);
    followers.push(follower);
    follower.start();
    return follower;
  }

  // The follower's incremental text must equal rendering its lines afresh, with and without timestamps.
  const text = (f: LogFollower): string => {
    const fresh = renderLog(f.lines, false);
    assert.equal(f.text(false), fresh);
    assert.equal(f.text(true), renderLog(f.lines, true));
    return fresh;
  };

  it('opens with the last N lines, stdout and stderr apart', async () => {
    const c = await runBusybox(privateDockerd().docker, `berth-logs-tail-${Date.now().toString(36)}`, ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo out-$i; done; sleep 0.3; echo oops >&2; exec sleep 300']);
    containers.push(c);
    // It prints at once, then sleeps.
    await sleep(800);
    const f = follow(c.id, 3);
    await until('three lines', () => f.lines.length >= 3);
    await sleep(300);
    assert.equal(text(f), '[out] out-5\n[out] out-6\n[err] oops\n');
    assert.ok(f.lines.every((l) => /^\d{4}-\d\d-\d\dT/.test(l.timestamp)), 'each line keeps its timestamp');
    assert.equal(f.state, 'following');
  });

  it('shows lines printed after it opened, keeps following across a restart without repeating lines, and notices removal', async () => {
    const c = await runBusybox(privateDockerd().docker, `berth-logs-follow-${Date.now().toString(36)}`, ['sh', '-c', 'echo booted; exec sleep 300']);
    containers.push(c);
    const f = follow(c.id);
    await until('the boot line', () => text(f).includes('[out] booted'));
    await exec(c, 'echo after-open > /proc/1/fd/1; echo to-stderr > /proc/1/fd/2');
    // stdout and stderr are separate pipes: their relative order is the engine's to choose.
    await until('the lines printed after opening', () => text(f).includes('[out] after-open\n') && text(f).includes('[err] to-stderr\n'));

    await c.restart({ t: 0 });
    await until('the second boot', () => (text(f).match(/\[out\] booted/g) ?? []).length === 2);
    await exec(c, 'echo after-restart > /proc/1/fd/1');
    await until('a line after the restart', () => text(f).includes('[out] after-restart'));
    const log = text(f);
    assert.equal((log.match(/after-open/g) ?? []).length, 1, `no line twice:\n${log}`);
    // Depending on how fast the restart is, Berth sees it stop and start, or only that it restarted.
    assert.match(log, /(── The container stopped at .*\n── The container started again at .*|── The container restarted at .*)\n\[out\] booted\n\[out\] after-restart\n$/);
    assert.equal(f.state, 'following');

    await c.remove({ force: true });
    await until('the removal', () => f.state === 'removed');
    assert.match(text(f), /── The container was removed\. ──\n$/);
  });

  it('keeps only the newest maxLines lines', async () => {
    const c = await runBusybox(privateDockerd().docker, `berth-logs-max-${Date.now().toString(36)}`, ['sh', '-c', 'sleep 1; seq 1 40; exec sleep 300']);
    containers.push(c);
    const follower = new LogFollower(() => Promise.resolve(engine), c.id, model, { tail: 100, maxLines: 5 }, formatMessage);
    followers.push(follower);
    follower.start();
    await until('the last line', () => text(follower).includes('[out] 40\n'));
    assert.equal(text(follower), '[out] 36\n[out] 37\n[out] 38\n[out] 39\n[out] 40\n');
  });

  it('says once that the engine cannot show a log it refuses (log driver none), and stops asking', async () => {
    const c = await runBusybox(privateDockerd().docker, `berth-logs-none-${Date.now().toString(36)}`, ['sleep', '300'], { hostConfig: { LogConfig: { Type: 'none', Config: {} } } });
    containers.push(c);
    const f = follow(c.id);
    await until('the failure', () => f.state === 'failed');
    // Long enough for several retries had it kept asking (it used to, every 2 s).
    await sleep(4_500);
    const log = text(f);
    assert.equal((log.match(/──/g) ?? []).length, 2, `one note:\n${log}`);
    assert.match(log, /^── The engine cannot show this log: .+ ──\n$/);
  });

  it('says when the container is gone before it opens', async () => {
    const f = follow('0'.repeat(64));
    await until('the removal note', () => f.state === 'removed');
    assert.equal(text(f), '── The container was removed. ──\n');
  });

  it('keeps the event stream only while a follower holds it', async () => {
    const c = await runBusybox(privateDockerd().docker, `berth-logs-hold-${Date.now().toString(36)}`, ['sleep', '300']);
    containers.push(c);
    assert.equal(model.status, 'idle');
    const f = follow(c.id);
    await until('the model to connect', () => model.status === 'ready');
    f.dispose();
    followers.splice(followers.indexOf(f), 1);
    assert.equal(model.status, 'idle');
  });

  it('streams stats only while visible, about once a second, with the memory limit', async () => {
    const c = await runBusybox(privateDockerd().docker, `berth-stats-${Date.now().toString(36)}`, ['sleep', '300'], { hostConfig: { Memory: 64 * 1024 * 1024 } });
    containers.push(c);
    const samples: Array<{ at: number; figures: StatsFigures }> = [];
    const session = new StatsSession(
      () => Promise.resolve(engine),
      c.id,
      (figures) => samples.push({ at: Date.now(), figures }),
      (end) => assert.fail(`stats ended: ${JSON.stringify(end)}`),
    );
    try {
      session.setVisible(true);
      await until('three samples', () => samples.length >= 3, 10_000);
      const last = samples[samples.length - 1];
      assert.ok(last);
      assert.equal(last.figures.memoryLimit, 64 * 1024 * 1024);
      assert.ok(last.figures.pids >= 1);
      assert.equal(last.figures.network, undefined, 'network none has no interfaces to count');
      const gaps = samples.slice(1).map((s, i) => s.at - (samples[i]?.at ?? 0));
      assert.ok(gaps.every((g) => g > 500 && g < 2000), `about a second apart: ${gaps.join(', ')} ms`);

      session.setVisible(false);
      assert.equal(session.streaming, false);
      const count = samples.length;
      await sleep(2500);
      assert.equal(samples.length, count, 'no samples while hidden');

      session.setVisible(true);
      await until('samples again', () => samples.length > count, 10_000);
      assert.equal(session.streamsOpened, 2);
    } finally {
      session.dispose();
    }
    assert.equal(session.streaming, false);
  });

  describe('when Berth connects to another engine', () => {
    let other: PrivateDockerd | undefined;
    const engines: ContainerEngine[] = [];
    after(async () => {
      for (const e of engines) e.dispose();
      await other?.stop();
    });

    /** A follower whose engine is whatever `current.engine` is when it asks. */
    function switchable(id: string): { follower: LogFollower; current: { engine: ContainerEngine } } {
      const current = { engine };
      const follower = new LogFollower(() => Promise.resolve(current.engine), id, model, { tail: 100, maxLines: 1000 }, formatMessage);
      followers.push(follower);
      follower.start();
      return { follower, current };
    }

    async function connect(host: string): Promise<ContainerEngine> {
      const resolution = resolveEngineConnection(host, {});
      assert.ok(resolution.ok);
      const connected = await connectEngine(resolution, 10_000, {});
      engines.push(connected);
      return connected;
    }

    it('follows the log on the new connection from the last line shown, when the container is there', async () => {
      const c = await runBusybox(privateDockerd().docker, `berth-logs-switch-${Date.now().toString(36)}`, ['sh', '-c', 'echo booted; exec sleep 300']);
      containers.push(c);
      const { follower: f, current } = switchable(c.id);
      await until('the boot line', () => text(f).includes('[out] booted'));
      current.engine = await connect(privateDockerd().host);
      f.engineChanged('unix:///the/new/address');
      await exec(c, 'echo after-switch > /proc/1/fd/1');
      await until('the line after the switch', () => text(f).includes('[out] after-switch'));
      await sleep(300);
      assert.equal(text(f), '[out] booted\n── Berth now connects to the engine at unix:///the/new/address: following this log there. ──\n[out] after-switch\n');
      assert.equal(f.state, 'following');
    });

    it('says so when the container is not on the new engine', async () => {
      other = await startPrivateDockerd();
      const c = await runBusybox(privateDockerd().docker, `berth-logs-elsewhere-${Date.now().toString(36)}`, ['sh', '-c', 'echo booted; exec sleep 300']);
      containers.push(c);
      const { follower: f, current } = switchable(c.id);
      await until('the boot line', () => text(f).includes('[out] booted'));
      current.engine = await connect(other.host);
      f.engineChanged(other.host);
      await until('the note', () => f.state === 'removed');
      assert.equal(text(f), `[out] booted\n── Berth now connects to the engine at ${other.host}: following this log there. ──\n── The container is not on the engine at ${other.host}. ──\n`);

      // Back to the first engine: the log picks up again, from where it stopped.
      current.engine = engine;
      f.engineChanged(privateDockerd().host);
      await exec(c, 'echo back-again > /proc/1/fd/1');
      await until('the line after switching back', () => text(f).includes('[out] back-again'));
      assert.equal(f.state, 'following');
      assert.equal((text(f).match(/booted/g) ?? []).length, 1, text(f));
    });

    it('says "removed" for a container that was on the new engine and is removed later', async () => {
      const c = await runBusybox(privateDockerd().docker, `berth-logs-quiet-${Date.now().toString(36)}`, ['sh', '-c', 'echo booted; exec sleep 300']);
      containers.push(c);
      const { follower: f, current } = switchable(c.id);
      await until('the boot line', () => text(f).includes('[out] booted'));
      current.engine = await connect(privateDockerd().host);
      f.engineChanged('unix:///same/engine');
      // Quiet after the switch: no line arrives before the removal.
      await sleep(500);
      await c.remove({ force: true });
      await until('the removal', () => f.state === 'removed');
      assert.match(text(f), /── The container was removed\. ──\n$/);
    });

    it('streams stats from the new engine', async () => {
      const c = await runBusybox(privateDockerd().docker, `berth-stats-switch-${Date.now().toString(36)}`, ['sleep', '300']);
      containers.push(c);
      let current = engine;
      let samples = 0;
      const session = new StatsSession(
        () => Promise.resolve(current),
        c.id,
        () => samples++,
        (end) => assert.fail(`stats ended: ${JSON.stringify(end)}`),
      );
      try {
        session.setVisible(true);
        await until('a sample', () => samples > 0, 10_000);
        const before = samples;
        current = await connect(privateDockerd().host);
        session.engineChanged();
        await until('samples from the new engine', () => samples > before + 1, 10_000);
        assert.equal(session.streamsOpened, 2);
        assert.equal(session.streaming, true);
      } finally {
        session.dispose();
      }
    });
  });

  it('reports the layers of the busybox test image, and those an image committed from it shares', async () => {
    const docker = privateDockerd().docker;
    const c = await runBusybox(docker, `berth-layers-${Date.now().toString(36)}`, ['sh', '-c', 'echo hello > /greeting'], { start: true });
    containers.push(c);
    await c.wait();
    const tag = `berth-test/layered:${Date.now().toString(36)}`;
    const [repo, version] = tag.split(':');
    const committed = (await c.commit({ repo, tag: version })) as { Id: string };
    try {
      const base = await engine.inspect('image', TEST_IMAGE);
      const baseLayers = (base.RootFS as { Layers: string[] }).Layers;
      const derived = await engine.inspect('image', committed.Id);
      const derivedLayers = (derived.RootFS as { Layers: string[] }).Layers;
      const baseHistory = await engine.imageHistory(TEST_IMAGE);

      const report = layersReport(TEST_IMAGE, String(base.Id), baseHistory, baseLayers, [{ id: committed.Id, tags: [tag], layers: derivedLayers }]);
      assert.equal(report.matched, true, 'history steps line up with the layer digests');
      assert.ok(report.rows.some((r) => /COPY .*busybox/.test(r.instruction) && r.size > 1_000_000), 'the busybox COPY layer, with its size');
      assert.ok(report.rows.some((r) => /--install/.test(r.instruction)), 'the install step');
      assert.ok(report.rows.some((r) => r.instruction === 'CMD ["sh"]' && r.digest === undefined), 'CMD makes no layer');
      assert.equal(report.layerCount, baseLayers.length);
      assert.equal(report.sharedLayers, baseLayers.length, 'every base layer is shared with the committed image');
      assert.equal(report.totalSize, Number(base.Size));

      const derivedReport = layersReport(tag, committed.Id, await engine.imageHistory(committed.Id), derivedLayers, [{ id: String(base.Id), tags: [TEST_IMAGE], layers: baseLayers }]);
      assert.equal(derivedReport.layerCount, baseLayers.length + 1);
      assert.equal(derivedReport.sharedLayers, baseLayers.length, 'all but its own top layer');
      const top = derivedReport.rows[derivedReport.rows.length - 1];
      assert.ok(top);
      assert.deepEqual(top.sharedWith, [], 'the committed layer is its own');
    } finally {
      await docker.getImage(committed.Id).remove({ force: true });
    }
  });
});
