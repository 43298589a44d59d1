/**
 * Run on a real private dockerd: a pasted line, parsed and turned into a create body, created and
 * started through engine/run.ts; then what the engine stored and what the container printed.
 * Network rule: only `--network none` (no published ports here; port parsing is unit-tested).
 */
import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { formatMessage as t } from '../../src/l10n';
import { parseDockerRun, toCreateOptions } from '../../src/run/runOptions';
import type { RunOptions } from '../../src/run/runOptions';
import { createContainer, runFailureKind, startContainer } from '../../src/engine/run';
import { CancelledError, RequestFailedError } from '../../src/engine/errors';
import { TEST_IMAGE } from '../harness/dockerd';
import { privateDockerd } from './hooks';

function unique(prefix: string): string {
  return `berth-test-${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

function parsed(line: string): RunOptions {
  const result = parseDockerRun(line, t);
  if ('error' in result) assert.fail(`${line}: ${result.error}`);
  return result.options;
}

/** Splits the engine's multiplexed log stream (no TTY): 8-byte headers, stream 1 stdout, 2 stderr. */
function demux(buffer: Buffer): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer.readUInt8(offset);
    const size = buffer.readUInt32BE(offset + 4);
    const text = buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    if (stream === 2) out.stderr += text;
    else out.stdout += text;
    offset += 8 + size;
  }
  return out;
}

interface Inspected {
  Config: { Env: string[]; Labels: Record<string, string>; WorkingDir: string; User: string; Hostname: string; Entrypoint: string[] | null; Cmd: string[] | null; Image: string };
  HostConfig: {
    Memory: number;
    NanoCpus: number;
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    NetworkMode: string;
    ReadonlyRootfs: boolean;
    CapAdd: string[] | null;
    CapDrop: string[] | null;
    Init: boolean | null;
    Binds: string[] | null;
  };
  Mounts: Array<{ Type: string; Name?: string; Destination: string; RW: boolean }>;
  State: { ExitCode: number; Status: string };
}

describe('run on a private dockerd', function () {
  this.timeout(60_000);
  let docker: Docker;
  const containers: string[] = [];
  const volumes: string[] = [];

  before(() => {
    docker = privateDockerd().docker;
  });

  afterEach(async () => {
    for (const id of containers.splice(0)) await docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
    for (const name of volumes.splice(0)) await docker.getVolume(name).remove().catch(() => undefined);
  });

  async function runToExit(line: string): Promise<{ id: string; inspect: Inspected; logs: { stdout: string; stderr: string } }> {
    const options = parsed(line);
    const created = await createContainer(docker, toCreateOptions(options, {}), options.name, { timeoutMs: 20_000 });
    containers.push(created.id);
    assert.match(created.id, /^[0-9a-f]{64}$/);
    await startContainer(docker, created.id, { timeoutMs: 20_000 });
    const container = docker.getContainer(created.id);
    await container.wait();
    const inspect = (await container.inspect()) as unknown as Inspected;
    const logs = demux(await container.logs({ stdout: true, stderr: true, follow: false }));
    return { id: created.id, inspect, logs };
  }

  it('a pasted line creates and starts the container the engine then reports', async () => {
    const name = unique('run');
    const { inspect, logs } = await runToExit(
      `docker run -d --name ${name} --network none -e A=1 -e 'B=two words' -l k=v -l berth.test=1 -m 64m --cpus 0.5 --restart on-failure:2 -w /tmp ${TEST_IMAGE} sh -c 'echo "$A|$B|$(pwd)"'`,
    );
    assert.equal(inspect.State.ExitCode, 0);
    assert.equal(logs.stdout, '1|two words|/tmp\n');
    assert.equal(logs.stderr, '');
    assert.ok(inspect.Config.Env.includes('A=1'), JSON.stringify(inspect.Config.Env));
    assert.ok(inspect.Config.Env.includes('B=two words'));
    assert.ok(inspect.Config.Env.includes('PATH=/bin'), 'the image env is kept');
    assert.deepStrictEqual(inspect.Config.Labels, { k: 'v', 'berth.test': '1' });
    assert.equal(inspect.Config.WorkingDir, '/tmp');
    assert.deepStrictEqual(inspect.Config.Cmd, ['sh', '-c', 'echo "$A|$B|$(pwd)"']);
    assert.equal(inspect.Config.Image, TEST_IMAGE);
    assert.equal(inspect.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(inspect.HostConfig.NanoCpus, 500_000_000);
    assert.deepStrictEqual(inspect.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
    assert.equal(inspect.HostConfig.NetworkMode, 'none');
    const byName = (await docker.getContainer(name).inspect()) as unknown as { Name: string };
    assert.equal(byName.Name, `/${name}`);
  });

  it('user, hostname, entrypoint, read-only root, capabilities, init and volumes reach the engine', async () => {
    const volume = unique('vol');
    volumes.push(volume);
    const { inspect, logs } = await runToExit(
      `docker run --network none -l berth.test=1 --read-only --cap-drop ALL --cap-add CHOWN -u 1000:1000 -h web --init -v ${volume}:/data:ro --mount type=volume,target=/cache ` +
        `--entrypoint sh ${TEST_IMAGE} -c 'id -u; hostname; touch /data/x 2>/dev/null || echo ro; touch /rootfs 2>/dev/null || echo rootfs-ro'`,
    );
    assert.equal(logs.stdout, '1000\nweb\nro\nrootfs-ro\n');
    assert.equal(inspect.Config.User, '1000:1000');
    assert.equal(inspect.Config.Hostname, 'web');
    assert.deepStrictEqual(inspect.Config.Entrypoint, ['sh']);
    assert.equal(inspect.HostConfig.ReadonlyRootfs, true);
    assert.deepStrictEqual(inspect.HostConfig.CapDrop, ['ALL']);
    assert.deepStrictEqual(inspect.HostConfig.CapAdd, ['CHOWN']);
    assert.equal(inspect.HostConfig.Init, true);
    assert.deepStrictEqual(inspect.HostConfig.Binds, [`${volume}:/data:ro`]);
    const data = inspect.Mounts.find((m) => m.Destination === '/data');
    const cache = inspect.Mounts.find((m) => m.Destination === '/cache');
    assert.deepStrictEqual([data?.Type, data?.Name, data?.RW], ['volume', volume, false]);
    assert.deepStrictEqual([cache?.Type, cache?.RW], ['volume', true]);
    assert.match(cache?.Name ?? '', /^[0-9a-f]{64}$/, 'an anonymous volume');
  });

  it('a name in use is a 409 the UI can name', async () => {
    const name = unique('taken');
    const body = toCreateOptions(parsed(`docker run -d --name ${name} --network none -l berth.test=1 ${TEST_IMAGE} true`), {});
    const first = await createContainer(docker, body, name);
    containers.push(first.id);
    const error = await createContainer(docker, body, name).then(
      (c) => {
        containers.push(c.id);
        return assert.fail('the second create should fail');
      },
      (e: unknown) => e,
    );
    assert.ok(error instanceof RequestFailedError, String(error));
    assert.equal(error.statusCode, 409);
    assert.match(error.engineMessage, /already in use/);
    assert.equal(runFailureKind(error), 'name-in-use');
  });

  it('a missing image is a 404 the UI can name (there is no registry to pull from)', async () => {
    const body = toCreateOptions(parsed('docker run -d --network none -l berth.test=1 berth-test/not-there:latest true'), {});
    const error = await createContainer(docker, body, unique('missing')).then(
      (c) => {
        containers.push(c.id);
        return assert.fail('create should fail');
      },
      (e: unknown) => e,
    );
    assert.ok(error instanceof RequestFailedError, String(error));
    assert.equal(error.statusCode, 404);
    assert.match(error.engineMessage, /No such image/i);
    assert.equal(runFailureKind(error), 'image-missing');
  });

  it('starting a missing container fails as a request; an aborted signal sends nothing', async () => {
    const error = await startContainer(docker, 'berth-test-no-such-container').then(
      () => assert.fail('start should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RequestFailedError);
    assert.equal(error.statusCode, 404);
    assert.equal(runFailureKind(error), 'other');

    const name = unique('cancelled');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(createContainer(docker, toCreateOptions(parsed(`--network none ${TEST_IMAGE}`), {}), name, { signal: controller.signal }), CancelledError);
    await assert.rejects(docker.getContainer(name).inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  });
});
