/** Container lifecycle through Berth's engine layer on the private dockerd. */
import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { ContainerEngine } from '../../src/engine/ContainerEngine';
import { RequestFailedError, connectEngine, resolveEngineConnection } from '../../src/engine';
import { explainImageRemovalFailure } from '../../src/commands/images';
import { formatMessage } from '../../src/l10n';
import { TEST_IMAGE, runBusybox } from '../harness/dockerd';
import { privateDockerd } from './hooks';

describe('container lifecycle on a real engine', function () {
  this.timeout(60_000);
  let engine: ContainerEngine;
  const containers: Docker.Container[] = [];

  before(async () => {
    const resolution = resolveEngineConnection(privateDockerd().host, {});
    assert.ok(resolution.ok);
    engine = await connectEngine(resolution, 10_000, {});
  });

  afterEach(async () => {
    await Promise.all(containers.splice(0).map((c) => c.remove({ force: true }).catch(() => undefined)));
  });

  after(() => engine.dispose());

  async function state(id: string): Promise<string> {
    const [c] = await engine.listContainers({ ids: [id] });
    return c?.state ?? 'gone';
  }

  it('starts, pauses, resumes, restarts, stops and kills a container; asking again for the state it is in is quiet', async () => {
    const c = await runBusybox(privateDockerd().docker, `berth-life-${Date.now().toString(36)}`, ['sleep', '300'], { start: false });
    containers.push(c);
    assert.equal(await state(c.id), 'created');
    await engine.containerAction(c.id, 'start');
    assert.equal(await state(c.id), 'running');
    await engine.containerAction(c.id, 'start');
    await engine.containerAction(c.id, 'pause');
    assert.equal(await state(c.id), 'paused');
    await engine.containerAction(c.id, 'unpause');
    assert.equal(await state(c.id), 'running');
    const before = (await c.inspect()).State.StartedAt;
    await engine.containerAction(c.id, 'restart', { graceSeconds: 0 });
    assert.equal(await state(c.id), 'running');
    assert.notEqual((await c.inspect()).State.StartedAt, before, 'it started again');
    // sleep as PID 1 ignores SIGTERM: stop waits out the grace period, then kills.
    await engine.containerAction(c.id, 'stop', { graceSeconds: 1 });
    assert.equal(await state(c.id), 'exited');
    await engine.containerAction(c.id, 'stop');
    await engine.containerAction(c.id, 'start');
    await engine.containerAction(c.id, 'kill');
    assert.equal((await c.inspect()).State.Running, false);
  });

  it('waits out a container\'s own stop timeout when stopping it, beyond the engine\'s 10 s default', async () => {
    // An engine client whose calls time out after 1 s: 1 s + 10 s is less than the 12 s this stop takes.
    const resolution = resolveEngineConnection(privateDockerd().host, {});
    assert.ok(resolution.ok);
    const quick = await connectEngine(resolution, 1_000, {});
    try {
      const created = await privateDockerd().docker.createContainer({
        name: `berth-life-slow-${Date.now().toString(36)}`,
        Image: TEST_IMAGE,
        // sleep as PID 1 ignores SIGTERM: the engine waits the whole stop timeout, then kills.
        Cmd: ['sleep', '300'],
        StopTimeout: 12,
        Labels: { 'berth.test': '1' },
        HostConfig: { NetworkMode: 'none' },
      });
      containers.push(created);
      await created.start();
      const started = Date.now();
      await quick.containerAction(created.id, 'stop');
      assert.ok(Date.now() - started >= 11_000, 'the engine waited the stop timeout');
      assert.equal((await created.inspect()).State.Running, false);
    } finally {
      quick.dispose();
    }
  });

  it('renames, refusing a name in use', async () => {
    const suffix = Date.now().toString(36);
    const a = await runBusybox(privateDockerd().docker, `berth-ren-a-${suffix}`, ['true'], { start: false });
    const b = await runBusybox(privateDockerd().docker, `berth-ren-b-${suffix}`, ['true'], { start: false });
    containers.push(a, b);
    await engine.renameContainer(a.id, `berth-ren-c-${suffix}`);
    assert.equal((await a.inspect()).Name, `/berth-ren-c-${suffix}`);
    await assert.rejects(engine.renameContainer(a.id, `berth-ren-b-${suffix}`), (e: unknown) => e instanceof RequestFailedError && e.statusCode === 409);
  });

  it('removes a running container only with force, and reports a missing one as 404', async () => {
    const c = await runBusybox(privateDockerd().docker, `berth-rm-${Date.now().toString(36)}`, ['sleep', '300']);
    containers.push(c);
    await assert.rejects(engine.removeContainer(c.id), (e: unknown) => e instanceof RequestFailedError && e.statusCode === 409);
    await engine.removeContainer(c.id, { force: true });
    assert.equal(await state(c.id), 'gone');
    await assert.rejects(engine.removeContainer(c.id), (e: unknown) => e instanceof RequestFailedError && e.statusCode === 404);
    await assert.rejects(engine.containerAction(c.id, 'start'), (e: unknown) => e instanceof RequestFailedError && e.statusCode === 404);
  });

  it('measures disk usage and removes images, volumes and networks, refusing an image in use', async () => {
    const docker = privateDockerd().docker;
    const suffix = Date.now().toString(36);
    const c = await runBusybox(docker, `berth-df-${suffix}`, ['sh', '-c', 'head -c 100000 /dev/zero > /big'], { start: true });
    containers.push(c);
    await c.wait();
    const committed = (await c.commit({ repo: 'berth-test/prune', tag: suffix })) as { Id: string };
    const volume = `berth-vol-${suffix}`;
    await docker.createVolume({ Name: volume });
    const net = await docker.createNetwork({ Name: `berth-net-${suffix}`, Driver: 'bridge', Internal: true });
    const user = await runBusybox(docker, `berth-df-user-${suffix}`, ['true'], { start: false });
    const userOfCommitted = await docker.createContainer({ name: `berth-df-user2-${suffix}`, Image: committed.Id, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    containers.push(user, userOfCommitted);

    const df = await engine.diskUsage();
    const mine = df.containers.find((x) => x.id === c.id);
    assert.ok(mine && mine.sizeRw >= 100_000, `the writable layer holds /big: ${JSON.stringify(mine)}`);
    assert.ok(df.volumes.some((v) => v.name === volume && v.refCount === 0));
    assert.ok(df.images.some((i) => i.id === committed.Id));

    await assert.rejects(engine.removeImage(committed.Id), (e: unknown) => e instanceof RequestFailedError && e.statusCode === 409, 'in use by a container');
    await userOfCommitted.remove({ force: true });
    await engine.removeImage(committed.Id);
    assert.ok(!(await engine.listImages()).some((i) => i.id === committed.Id));
    await engine.removeVolume(volume);
    assert.ok(!(await engine.listVolumes()).some((v) => v.name === volume));
    await engine.removeNetwork(net.id);
    assert.ok(!(await engine.listNetworks()).some((n) => n.id === net.id));
    assert.equal(typeof (await engine.pruneBuildCache()), 'number');
  });

  it('tags an image, and explains in plain words why an image in use or with children cannot go', async () => {
    const docker = privateDockerd().docker;
    const suffix = Date.now().toString(36);
    const c = await runBusybox(docker, `berth-img-${suffix}`, ['sh', '-c', 'echo x > /x'], { start: true });
    containers.push(c);
    await c.wait();
    const parent = (await c.commit({ repo: 'berth-test/parent', tag: suffix })) as { Id: string };
    const child = await docker.createContainer({ name: `berth-img-child-${suffix}`, Image: parent.Id, Cmd: ['sh', '-c', 'echo y > /y'], HostConfig: { NetworkMode: 'none' } });
    containers.push(child);
    await child.start();
    await child.wait();
    let childImage: { Id: string } | undefined;
    try {
      await engine.tagImage(parent.Id, 'berth-test/parent', `${suffix}-alias`);
      assert.ok((await engine.listImages()).some((i) => i.repoTags.includes(`berth-test/parent:${suffix}-alias`)));
      await engine.removeImage(`berth-test/parent:${suffix}-alias`);

      // The child container was created from the parent image.
      const inUse = await engine.removeImage(parent.Id).then(
        () => assert.fail('removed an image in use'),
        (e: unknown) => e,
      );
      assert.ok(inUse instanceof RequestFailedError && inUse.statusCode === 409);
      assert.match(explainImageRemovalFailure(inUse.engineMessage, formatMessage) ?? `unexplained: ${inUse.engineMessage}`, /created from this image/);

      childImage = (await child.commit({ repo: 'berth-test/child', tag: suffix })) as { Id: string };
      await child.remove({ force: true });
      await engine.removeImage(`berth-test/parent:${suffix}`);
      // Untagged now, the parent still has a child image built on it.
      const withChild = await engine.removeImage(parent.Id).then(
        () => assert.fail('removed an image with a child'),
        (e: unknown) => e,
      );
      assert.ok(withChild instanceof RequestFailedError && withChild.statusCode === 409);
      assert.match(explainImageRemovalFailure(withChild.engineMessage, formatMessage) ?? `unexplained: ${withChild.engineMessage}`, /dependent child images/);
    } finally {
      if (childImage) await docker.getImage(childImage.Id).remove({ force: true }).catch(() => undefined);
      await docker.getImage(parent.Id).remove({ force: true }).catch(() => undefined);
    }
  });
});
