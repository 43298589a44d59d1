/** The prune preview: exactly what each prune would remove, with sizes. */
import * as assert from 'node:assert/strict';
import type { ContainerSummary, DiskUsage, ImageSummary, NetworkSummary, VolumeSummary } from '../../src/engine/ContainerEngine';
import { describeItems, prunePlan, removalOrder, totalSize } from '../../src/commands/prune';
import { formatMessage } from '../../src/l10n';

function container(name: string, state: ContainerSummary['state'], extra: Partial<ContainerSummary> = {}): ContainerSummary {
  return { id: `id-${name}`, name, image: 'img', imageId: 'sha256:img', command: '', created: 1, state, status: state, ports: [], labels: {}, networks: [], volumes: [], ...extra };
}
function image(id: string, tags: string[], size: number): ImageSummary {
  return { id, repoTags: tags, repoDigests: [], created: 1, size, containers: -1, labels: {}, dangling: tags.length === 0 };
}
function volume(name: string): VolumeSummary {
  return { name, driver: 'local', mountpoint: '/v', created: 1, labels: {}, scope: 'local' };
}
function network(name: string, builtIn = false): NetworkSummary {
  return { id: `net-${name}`, name, driver: 'bridge', scope: 'local', internal: false, created: 1, labels: {}, builtIn };
}

const anon = 'a'.repeat(64);
const snapshot = {
  containers: [
    container('web', 'running', { networks: ['shop'], volumes: ['pgdata'] }),
    container('old-job', 'exited', { imageId: 'sha256:dangling-used', networks: ['jobs'] }),
    container('draft', 'created'),
  ],
  images: [image('sha256:tagged', ['app:1'], 100), image('sha256:dangling-free', [], 5000), image('sha256:dangling-used', [], 7000)],
  volumes: [volume('pgdata'), volume(anon), volume('cache')],
  networks: [network('bridge', true), network('shop'), network('jobs'), network('empty')],
  disk: {
    images: [{ id: 'sha256:dangling-free', size: 5000, sharedSize: 1000, containers: 0 }],
    containers: [
      { id: 'id-old-job', sizeRw: 300 },
      { id: 'id-draft', sizeRw: 0 },
    ],
    volumes: [
      { name: anon, size: 2000, refCount: 0 },
      { name: 'cache', size: 9000, refCount: 0 },
      { name: 'pgdata', size: 1, refCount: 1 },
    ],
    buildCache: [
      { id: 'b1', size: 400, inUse: false, shared: false },
      { id: 'b2', size: 600, inUse: true, shared: false },
    ],
  } satisfies DiskUsage,
};

describe('prune preview', () => {
  it('containers: the stopped ones, with their writable layer sizes', () => {
    const items = prunePlan('containers', snapshot, formatMessage);
    assert.deepEqual(items.map((i) => [i.kind, i.label, i.size, i.preselected]), [
      ['container', 'old-job', 300, true],
      ['container', 'draft', 0, true],
    ]);
    assert.equal(totalSize(items), 300);
  });

  it('images: dangling ones no container uses, counting only what is not shared', () => {
    const items = prunePlan('images', snapshot, formatMessage);
    assert.deepEqual(items.map((i) => [i.id, i.size]), [['sha256:dangling-free', 4000]]);
  });

  it('volumes: unused ones; anonymous ticked, named left for the user to tick', () => {
    const items = prunePlan('volumes', snapshot, formatMessage);
    assert.deepEqual(items.map((i) => [i.id, i.size, i.preselected]), [
      [anon, 2000, true],
      ['cache', 9000, false],
    ]);
    assert.match(items[1]?.description ?? '', /named: may hold data you want/);
  });

  it('networks: custom ones no container references, never the built-in ones', () => {
    assert.deepEqual(prunePlan('networks', snapshot, formatMessage).map((i) => i.label), ['empty']);
  });

  it('system: stopped containers, then what they freed, and the unused build cache; no volumes', () => {
    const items = prunePlan('system', snapshot, formatMessage);
    assert.deepEqual(items.map((i) => `${i.kind}:${i.label}`), [
      'container:old-job',
      'container:draft',
      'image:<none> (dangling) dangling-fre',
      'image:<none> (dangling) dangling-use',
      'network:jobs',
      'network:empty',
      'buildCache:Build cache',
    ]);
    assert.equal(describeItems(items, formatMessage), '2 containers, 2 images, 2 networks, the unused build cache');
    assert.deepEqual(removalOrder(items).map((stage) => stage.map((i) => i.kind)), [['container', 'container'], ['image', 'image', 'network', 'network'], ['buildCache']]);
    assert.equal(items[items.length - 1]?.size, 400);
  });

  it('finds nothing on a tidy engine', () => {
    const tidy = { ...snapshot, containers: [container('web', 'running')], images: [], volumes: [], networks: [network('host', true)], disk: { images: [], containers: [], volumes: [], buildCache: [] } };
    assert.deepEqual(prunePlan('system', tidy, formatMessage), []);
  });
});
