/** Filtering, sorting and grouping of the explorer's lists, and reading stored view options. */
import * as assert from 'node:assert/strict';
import type { ContainerState, ContainerSummary, ImageSummary, NetworkSummary, VolumeSummary } from '../../src/engine/ContainerEngine';
import { formatMessage } from '../../src/l10n';
import {
  compileFilter,
  filterContainers,
  filterImageRows,
  filterNetworks,
  filterVolumes,
  groupContainers,
  groupDescription,
  imagesInUse,
  readContainerOptions,
  readImageOptions,
  readListOptions,
  sortContainersBy,
  sortImageRowsBy,
  viewDescription,
} from '../../src/tree/arrange';
import { imageRows, presentImage } from '../../src/tree/presentation';

let serial = 0;
function container(name: string, overrides: Partial<ContainerSummary> = {}): ContainerSummary {
  serial++;
  return {
    id: serial.toString(16).padStart(64, '0'),
    name,
    image: 'busybox:latest',
    imageId: 'sha256:' + 'b'.repeat(64),
    command: 'sh',
    created: 1000 + serial,
    state: 'running',
    status: 'Up 2 minutes',
    ports: [],
    labels: {},
    networks: [],
    volumes: [],
    ...overrides,
  };
}

function compose(name: string, project: string, state: ContainerState = 'running', created = 1000): ContainerSummary {
  return container(name, { labels: { 'com.docker.compose.project': project }, state, created });
}

function image(id: string, tags: string[], created: number, size: number): ImageSummary {
  return { id, repoTags: tags, repoDigests: [], created, size, containers: -1, labels: {}, dangling: tags.length === 0 };
}

describe('explorer arrangement', () => {
  describe('compileFilter', () => {
    it('matches every word, case-insensitively, in any field', () => {
      const match = compileFilter('  Web   RUN ');
      assert.equal(match(['my-web', 'running']), true);
      assert.equal(match(['my-web', 'exited']), false);
      assert.equal(match(['api', 'running']), false);
    });

    it('excludes fields matching a -word', () => {
      const match = compileFilter('web -test');
      assert.equal(match(['web-prod']), true);
      assert.equal(match(['web-test']), false);
    });

    it('an empty or blank filter (or a lone dash) matches everything', () => {
      for (const f of ['', '   ', '-']) assert.equal(compileFilter(f)(['anything']), true);
    });
  });

  describe('containers', () => {
    const web = container('web', { state: 'running', image: 'nginx:1.27', ports: [{ privatePort: 80, publicPort: 8080, type: 'tcp' }] });
    const db = container('db', { id: 'd4e5f6a7b8c9'.padEnd(64, '0'), state: 'exited', status: 'Exited (0) 1 hour ago', image: 'postgres:16' });
    const job = container('nightly-job', { state: 'created', status: 'Created', image: 'busybox:latest' });

    it('filters by name, image, state, status, short id and port', () => {
      assert.deepEqual(filterContainers([web, db, job], 'web').map((c) => c.name), ['web']);
      assert.deepEqual(filterContainers([web, db, job], 'postgres').map((c) => c.name), ['db']);
      assert.deepEqual(filterContainers([web, db, job], 'exited').map((c) => c.name), ['db']);
      assert.deepEqual(filterContainers([web, db, job], '8080').map((c) => c.name), ['web']);
      assert.deepEqual(filterContainers([web, db, job], db.id.slice(0, 12)).map((c) => c.name), ['db']);
      assert.deepEqual(filterContainers([web, db, job], '-busybox').map((c) => c.name), ['web', 'db']);
      assert.deepEqual(filterContainers([web, db, job], 'nothing-like-it'), []);
    });

    it('filters by compose project', () => {
      const a = compose('shop-web-1', 'shop');
      assert.deepEqual(filterContainers([a, web], 'shop').map((c) => c.name), ['shop-web-1']);
    });

    it('sorts newest first (ties by name) or by name (ties newest first)', () => {
      const list = [container('b', { created: 5 }), container('a', { created: 5 }), container('c', { created: 9 }), container('a', { created: 7 })];
      assert.deepEqual(sortContainersBy(list, 'created').map((c) => `${c.name}${c.created}`), ['c9', 'a7', 'a5', 'b5']);
      assert.deepEqual(sortContainersBy(list, 'name').map((c) => `${c.name}${c.created}`), ['a7', 'a5', 'b5', 'c9']);
      assert.deepEqual(list.map((c) => c.name), ['b', 'a', 'c', 'a'], 'input untouched');
    });

    it('groups by compose project, leaving containers outside any project at the top level', () => {
      const sorted = [compose('shop-web-1', 'shop'), web, compose('blog-db-1', 'blog', 'exited'), compose('shop-db-1', 'shop', 'exited'), db];
      const { groups, ungrouped } = groupContainers(sorted, 'composeProject', formatMessage);
      assert.deepEqual(
        groups.map((g) => [g.key, g.label, g.containers.map((c) => c.name)]),
        [
          ['project:blog', 'blog', ['blog-db-1']],
          ['project:shop', 'shop', ['shop-web-1', 'shop-db-1']],
        ],
      );
      assert.deepEqual(ungrouped.map((c) => c.name), ['web', 'db']);
    });

    it('groups by image, every container in a group, groups by name', () => {
      const { groups, ungrouped } = groupContainers([web, db, job], 'image', formatMessage);
      assert.deepEqual(groups.map((g) => g.label), ['busybox:latest', 'nginx:1.27', 'postgres:16']);
      assert.deepEqual(ungrouped, []);
    });

    it('groups by state, live states first, with readable labels', () => {
      const { groups } = groupContainers([db, job, web], 'state', formatMessage);
      assert.deepEqual(groups.map((g) => g.label), ['Running', 'Created', 'Exited']);
      assert.deepEqual(groups.map((g) => g.key), ['state:running', 'state:created', 'state:exited']);
    });

    it('does not group with "none"', () => {
      const { groups, ungrouped } = groupContainers([web, db], 'none', formatMessage);
      assert.deepEqual(groups, []);
      assert.deepEqual(ungrouped.map((c) => c.name), ['web', 'db']);
    });

    it('describes a group by how many of its containers run', () => {
      const group = { key: 'project:shop', label: 'shop', containers: [compose('a', 'shop'), compose('b', 'shop', 'exited'), compose('c', 'shop', 'exited')] };
      assert.equal(groupDescription(group, formatMessage), '1 running of 3');
      assert.equal(groupDescription({ ...group, containers: [compose('a', 'shop')] }, formatMessage), '1 container');
      assert.equal(groupDescription({ ...group, containers: [compose('a', 'shop'), compose('b', 'shop')] }, formatMessage), '2 containers');
    });
  });

  describe('images', () => {
    const big = image('sha256:1', ['app:2'], 300, 900_000_000);
    const small = image('sha256:2', ['busybox:latest', 'alpha:1'], 200, 2_000_000);
    const dangling = image('sha256:3', [], 400, 50_000_000);
    const rows = imageRows([big, small, dangling]);

    it('hides dangling images when asked and filters by tag or id', () => {
      assert.deepEqual(filterImageRows(rows, { filter: '', showDangling: false }).map((r) => r.tag), ['app:2', 'busybox:latest', 'alpha:1']);
      assert.deepEqual(filterImageRows(rows, { filter: 'busy', showDangling: true }).map((r) => r.tag), ['busybox:latest']);
      assert.deepEqual(filterImageRows(rows, { filter: '<none>', showDangling: true }).map((r) => r.image.id), ['sha256:3']);
    });

    it('sorts by created, name (untagged last) or size', () => {
      const label = (r: { tag: string | undefined }): string => r.tag ?? '<none>';
      assert.deepEqual(sortImageRowsBy(rows, 'created').map(label), ['<none>', 'app:2', 'alpha:1', 'busybox:latest']);
      assert.deepEqual(sortImageRowsBy(rows, 'name').map(label), ['alpha:1', 'app:2', 'busybox:latest', '<none>']);
      assert.deepEqual(sortImageRowsBy(rows, 'size').map(label), ['app:2', '<none>', 'alpha:1', 'busybox:latest']);
    });

    it('marks images used by containers of any state, with a count', () => {
      const used = imagesInUse([container('a', { imageId: 'sha256:2' }), container('b', { imageId: 'sha256:2', state: 'exited' }), container('c', { imageId: 'sha256:1' })]);
      assert.deepEqual([...used].sort(), [['sha256:1', 1], ['sha256:2', 2]]);
      const p = presentImage(small, 'busybox:latest', 200_000, formatMessage, 2);
      assert.equal(p.contextValue, 'image.tagged.inUse');
      assert.match(p.description, /^in use · /);
      assert.match(p.tooltip, /In use by 2 containers/);
      assert.equal(presentImage(small, 'busybox:latest', 200_000, formatMessage, 0).contextValue, 'image.tagged');
    });
  });

  it('filters volumes and networks by name and driver', () => {
    const volumes: VolumeSummary[] = [
      { name: 'pgdata', driver: 'local', mountpoint: '/x', created: 1, labels: {}, scope: 'local' },
      { name: 'cache', driver: 'nfs', mountpoint: '/y', created: 1, labels: {}, scope: 'local' },
    ];
    assert.deepEqual(filterVolumes(volumes, 'pg').map((v) => v.name), ['pgdata']);
    assert.deepEqual(filterVolumes(volumes, 'nfs').map((v) => v.name), ['cache']);
    const networks: NetworkSummary[] = [
      { id: 'n1', name: 'bridge', driver: 'bridge', scope: 'local', internal: false, created: 1, labels: {}, builtIn: true },
      { id: 'n2', name: 'shop_default', driver: 'bridge', scope: 'local', internal: false, created: 1, labels: {}, builtIn: false },
    ];
    assert.deepEqual(filterNetworks(networks, 'shop').map((n) => n.name), ['shop_default']);
    assert.deepEqual(filterNetworks(networks, '-shop').map((n) => n.name), ['bridge']);
  });

  it('reads stored options defensively, falling back to the defaults', () => {
    assert.deepEqual(readContainerOptions(undefined), { filter: '', groupBy: 'composeProject', sortBy: 'created' });
    assert.deepEqual(readContainerOptions({ filter: 'web', groupBy: 'state', sortBy: 'name' }), { filter: 'web', groupBy: 'state', sortBy: 'name' });
    assert.deepEqual(readContainerOptions({ filter: 42, groupBy: 'planet', sortBy: null }), { filter: '', groupBy: 'composeProject', sortBy: 'created' });
    assert.deepEqual(readImageOptions({ showDangling: false, sortBy: 'size' }), { filter: '', sortBy: 'size', showDangling: false });
    assert.deepEqual(readImageOptions('garbage'), { filter: '', sortBy: 'created', showDangling: true });
    assert.deepEqual(readListOptions({ filter: 'x'.repeat(500) }).filter.length, 200);
  });

  it('describes active options for the view header', () => {
    assert.equal(viewDescription('', [], formatMessage), undefined);
    assert.equal(viewDescription(' web ', [], formatMessage), 'Filter: web');
    assert.equal(viewDescription('web', ['Dangling hidden'], formatMessage), 'Filter: web · Dangling hidden');
  });
});
