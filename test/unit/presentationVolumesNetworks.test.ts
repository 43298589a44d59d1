import * as assert from 'node:assert/strict';
import type { ContainerSummary, NetworkSummary, VolumeSummary } from '../../src/engine/ContainerEngine';
import { formatMessage } from '../../src/l10n';
import { presentNetwork, presentVolume, sortNetworks, sortVolumes, usage } from '../../src/tree/presentation';

const NOW = 1_800_000_000_000;

function container(name: string, networks: string[], volumes: string[]): ContainerSummary {
  return { id: name, name, image: 'img', imageId: 'sha256:x', command: '', created: 0, state: 'running', status: 'Up', ports: [], labels: {}, networks, volumes };
}

function volume(name: string, created?: number): VolumeSummary {
  return { name, driver: 'local', mountpoint: `/var/lib/docker/volumes/${name}/_data`, created, labels: {}, scope: 'local' };
}

function network(name: string, builtIn = false, internal = false): NetworkSummary {
  return { id: `${name}-id`.padEnd(64, '0'), name, driver: builtIn ? name : 'bridge', scope: 'local', internal, created: undefined, labels: {}, builtIn };
}

describe('volumes and networks presentation', () => {
  it('counts which containers use each volume and network', () => {
    const { volumes, networks } = usage([container('a', ['app', 'db'], ['data']), container('b', ['app'], ['data', 'cache']), container('c', ['none'], [])]);
    assert.deepEqual(Object.fromEntries(volumes), { data: 2, cache: 1 });
    assert.deepEqual(Object.fromEntries(networks), { app: 2, db: 1, none: 1 });
  });

  it('a volume says its driver and whether it is in use, in its description and context value', () => {
    const unused = presentVolume(volume('data', NOW / 1000 - 3600), 0, NOW, formatMessage);
    assert.equal(unused.label, 'data');
    assert.equal(unused.description, 'local · unused');
    assert.equal(unused.contextValue, 'volume.unused');
    assert.match(unused.tooltip, /Mount point: `\/var\/lib\/docker\/volumes\/data\/_data`/);
    assert.match(unused.tooltip, /Created: 1 hour ago/);
    const used = presentVolume(volume('data'), 2, NOW, formatMessage);
    assert.equal(used.description, 'local · in use by 2 containers');
    assert.equal(used.contextValue, 'volume.inUse');
    assert.equal(used.id, unused.id, 'the id stays, so selection survives the change');
    assert.equal(presentVolume(volume('data'), 1, NOW, formatMessage).description, 'local · in use by 1 container');
  });

  it('an anonymous volume shows a short hash', () => {
    assert.equal(presentVolume(volume('a'.repeat(64)), 0, NOW, formatMessage).label, 'a'.repeat(12));
  });

  it('a network says its driver, whether it is internal, and how many containers it has', () => {
    const app = presentNetwork(network('app', false, true), 3, formatMessage);
    assert.equal(app.description, 'bridge · internal · 3 containers');
    assert.equal(app.contextValue, 'network.custom');
    assert.match(app.tooltip, /Internal: no traffic leaves this network/);
    const host = presentNetwork(network('host', true), 1, formatMessage);
    assert.equal(host.description, 'host · 1 container');
    assert.equal(host.contextValue, 'network.builtIn');
    assert.match(host.tooltip, /cannot be removed/);
  });

  it('sorts volumes newest first and networks custom first, each by name', () => {
    assert.deepEqual(sortVolumes([volume('b', 10), volume('a', 20), volume('c')]).map((v) => v.name), ['a', 'b', 'c']);
    assert.deepEqual(sortNetworks([network('none', true), network('zeta'), network('bridge', true), network('alpha')]).map((n) => n.name), ['alpha', 'zeta', 'bridge', 'none']);
  });
});
