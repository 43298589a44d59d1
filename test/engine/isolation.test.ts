import * as assert from 'node:assert/strict';
import type { ContainerEngine } from '../../src/engine/ContainerEngine';
import { connectEngine, resolveEngineConnection } from '../../src/engine';
import { formatMessage } from '../../src/l10n';
import { isolationMarkdown, isolationReport } from '../../src/views/isolation';
import { runBusybox } from '../harness/dockerd';
import { privateDockerd } from './hooks';

describe('isolation mapping on a real container', function () {
  this.timeout(60_000);
  let engine: ContainerEngine;

  before(async () => {
    const resolution = resolveEngineConnection(privateDockerd().host, {});
    assert.ok(resolution.ok);
    engine = await connectEngine(resolution, 10_000, {});
  });

  after(() => engine.dispose());

  it('maps --network host --pid host --memory 64m --cpus 0.5 --cap-drop ALL --read-only', async () => {
    const name = `berth-test-isolation-${Date.now().toString(36)}`;
    // Host networking is allowed by the network rule: the container only sleeps, on loopback.
    const container = await runBusybox(privateDockerd().docker, name, ['sleep', '300'], {
      hostConfig: { NetworkMode: 'host', PidMode: 'host', Memory: 64 * 1024 * 1024, NanoCpus: 500_000_000, CapDrop: ['ALL'], ReadonlyRootfs: true },
    });
    try {
      const report = isolationReport(await engine.inspect('container', container.id), formatMessage);
      const ns = Object.fromEntries(report.namespaces.map((n) => [n.kind, n.mode]));
      assert.equal(ns.net, 'host');
      assert.equal(ns.pid, 'host');
      assert.equal(ns.uts, 'private');
      assert.equal(ns.mnt, 'private');
      const limits = Object.fromEntries(report.limits.map((l) => [l.name, l.value]));
      assert.equal(limits.memory, '64 MiB');
      assert.equal(limits.cpus, '0.5 CPU');
      assert.deepEqual(report.capDrop, ['ALL']);
      assert.equal(report.readOnlyRootfs, true);
      assert.equal(report.privileged, false);
      const markdown = isolationMarkdown(report, formatMessage);
      assert.match(markdown, /network: host \(shared\)\*\* — Shares the host's network: ports are not isolated/);
      assert.match(markdown, /memory: 64 MiB/);
      assert.match(markdown, /read-only root filesystem: yes/);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('maps a default container as private, unlimited and with its own writable layer', async () => {
    const name = `berth-test-isolation-default-${Date.now().toString(36)}`;
    const container = await runBusybox(privateDockerd().docker, name, ['sleep', '300']);
    try {
      const report = isolationReport(await engine.inspect('container', container.id), formatMessage);
      const net = report.namespaces.find((n) => n.kind === 'net');
      assert.equal(net?.mode, 'none', 'test containers run with network none');
      assert.equal(report.namespaces.find((n) => n.kind === 'pid')?.mode, 'private');
      assert.equal(report.limits.find((l) => l.name === 'memory')?.value, 'unlimited');
      assert.equal(report.readOnlyRootfs, false);
      assert.match(isolationMarkdown(report, formatMessage), /writable layer that is lost when the container is removed/);
    } finally {
      await container.remove({ force: true });
    }
  });
});
