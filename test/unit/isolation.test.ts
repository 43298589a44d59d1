import * as assert from 'node:assert/strict';
import { formatMessage } from '../../src/l10n';
import { formatBinaryBytes, isolationMarkdown, isolationReport } from '../../src/views/isolation';

describe('isolation report (pure)', () => {
  it('formats cgroup sizes in binary units', () => {
    assert.equal(formatBinaryBytes(64 * 1024 * 1024), '64 MiB');
    assert.equal(formatBinaryBytes(1536 * 1024 * 1024), '1.50 GiB');
    assert.equal(formatBinaryBytes(512), '512 B');
  });

  it('names namespaces shared with another container, and explains them', () => {
    const report = isolationReport(
      {
        Name: '/sidecar',
        HostConfig: { NetworkMode: 'container:web', PidMode: 'container:web', IpcMode: 'shareable', UTSMode: '', CgroupnsMode: 'private', CpuQuota: 150000, CpuPeriod: 100000, CpuShares: 512, CpusetCpus: '0-1', PidsLimit: 100, CapAdd: ['NET_ADMIN'], SecurityOpt: ['seccomp=unconfined', 'apparmor=my-profile'] },
        Mounts: [
          { Type: 'bind', Source: '/srv/config', Destination: '/etc/app', RW: false },
          { Type: 'volume', Name: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data', RW: true },
          { Type: 'tmpfs', Source: '', Destination: '/tmp', RW: true },
        ],
      },
      formatMessage,
    );
    assert.equal(report.name, 'sidecar');
    const net = report.namespaces.find((n) => n.kind === 'net');
    assert.deepEqual([net?.mode, net?.sharedWith], ['container', 'web']);
    assert.equal(report.namespaces.find((n) => n.kind === 'ipc')?.mode, 'shareable');
    assert.equal(report.namespaces.find((n) => n.kind === 'cgroup')?.mode, 'private');
    const limits = Object.fromEntries(report.limits.map((l) => [l.name, l.value]));
    assert.equal(limits.cpus, '1.5 CPU');
    assert.equal(limits['cpu shares'], '512');
    assert.equal(limits.cpuset, '0-1');
    assert.equal(limits.pids, '100');
    assert.equal(report.seccomp, 'unconfined');
    assert.equal(report.apparmor, 'my-profile');
    assert.deepEqual(report.mounts.map((m) => [m.type, m.source, m.readOnly]), [['bind', '/srv/config', true], ['volume', 'data', false], ['tmpfs', '', false]]);
    const md = isolationMarkdown(report, formatMessage);
    assert.match(md, /network: container web \(shared\)/);
    assert.match(md, /capabilities added:\*\* `NET_ADMIN`/);
    assert.match(md, /\/etc\/app\*\* ← bind `\/srv\/config` \(read-only\)/);
  });

  it('says when a container is privileged, and that a missing cgroup namespace means the host view', () => {
    const report = isolationReport({ Name: '/p', HostConfig: { Privileged: true, NetworkMode: 'bridge' } }, formatMessage);
    assert.equal(report.privileged, true);
    assert.equal(report.seccomp, 'unconfined');
    assert.equal(report.namespaces.find((n) => n.kind === 'cgroup')?.mode, 'host');
    assert.equal(report.namespaces.find((n) => n.kind === 'net')?.mode, 'private');
    assert.match(isolationMarkdown(report, formatMessage), /as powerful as root on the host/);
  });

  it('copes with an empty or odd document', () => {
    assert.doesNotThrow(() => isolationMarkdown(isolationReport({}, formatMessage), formatMessage));
    assert.doesNotThrow(() => isolationReport({ HostConfig: 'x', Mounts: [null, 3] }, formatMessage));
  });
});
