/**
 * Tree presentation and formatting. Containers and images come from the captured Engine API JSON
 * in test/fixtures/api (through the mappers, as the extension gets them); ports come from the
 * hand-written `containers-ports.handwritten.json` because the private test engine cannot publish.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ContainerState, ContainerSummary, ImageSummary, PortMapping } from '../../src/engine/ContainerEngine';
import { toContainerSummary, toImageSummary } from '../../src/engine/mappers';
import type { RawContainer, RawImage } from '../../src/engine/mappers';
import { formatMessage } from '../../src/l10n';
import type { Translate } from '../../src/l10n';
import { formatAge, formatBytes, shortId } from '../../src/tree/format';
import { sortContainersBy, sortImageRowsBy } from '../../src/tree/arrange';
import { containerIcon, exitCodeOf, formatPort, imageRows, presentContainer, presentImage, publishedPorts } from '../../src/tree/presentation';

function fixture(name: string): unknown {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures', 'api', name);
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8')) as unknown;
    if (dirname(dir) === dir) throw new Error(`Fixture ${name} not found above ${__dirname}`);
  }
}

const containers = (fixture('containers.json') as RawContainer[]).map(toContainerSummary);
const images = (fixture('images.json') as RawImage[]).map(toImageSummary);
const [web] = (fixture('containers-ports.handwritten.json') as { containers: RawContainer[] }).containers.map(toContainerSummary);

function container(name: string): ContainerSummary {
  const found = containers.find((c) => c.name === name);
  assert.ok(found, `fixture container ${name}`);
  return found;
}

function image(tag: string | undefined): ImageSummary {
  const found = images.find((i) => (tag === undefined ? i.dangling : i.repoTags.includes(tag)));
  assert.ok(found, `fixture image ${tag ?? '<dangling>'}`);
  return found;
}

function synthetic(overrides: Partial<ContainerSummary>): ContainerSummary {
  return {
    id: 'f'.repeat(64),
    name: 'c',
    image: 'img',
    imageId: 'sha256:' + 'e'.repeat(64),
    command: '',
    created: 1000,
    state: 'running',
    status: 'Up 1 second',
    ports: [],
    labels: {},
    networks: [],
    volumes: [],
    ...overrides,
  };
}

function syntheticImage(overrides: Partial<ImageSummary>): ImageSummary {
  return { id: 'sha256:' + 'a'.repeat(64), repoTags: [], repoDigests: [], created: 1000, size: 0, containers: -1, labels: {}, dangling: true, ...overrides };
}

/** A translator that records the message keys it was asked for. */
function recordingT(): { t: Translate; calls: Array<{ message: string; args: unknown[] }> } {
  const calls: Array<{ message: string; args: unknown[] }> = [];
  const t: Translate = (message, ...args) => {
    calls.push({ message, args });
    return formatMessage(message, ...args);
  };
  return { t, calls };
}

describe('format', () => {
  describe('formatBytes (decimal units, like docker images)', () => {
    const table: Array<[number, string]> = [
      [0, '0 B'],
      [1, '1 B'],
      [999, '999 B'],
      [1000, '1.00 kB'],
      [1500, '1.50 kB'],
      [9990, '9.99 kB'],
      [10_000, '10.0 kB'],
      [12_345, '12.3 kB'],
      [99_900, '99.9 kB'],
      [100_000, '100 kB'],
      [123_456, '123 kB'],
      [999_000, '999 kB'],
      [1_000_000, '1.00 MB'],
      [1_985_472, '1.99 MB'], // the captured busybox image
      [12_345_678, '12.3 MB'],
      [123_456_789, '123 MB'],
      [1e9, '1.00 GB'],
      [1.5e12, '1.50 TB'],
      [1e15, '1000 TB'],
    ];
    for (const [bytes, text] of table) {
      it(`${bytes} → "${text}"`, () => {
        assert.equal(formatBytes(bytes), text);
      });
    }

    it('says "?" for negative, NaN and infinite sizes', () => {
      assert.equal(formatBytes(-1), '?');
      assert.equal(formatBytes(Number.NaN), '?');
      assert.equal(formatBytes(Number.POSITIVE_INFINITY), '?');
    });

    // Regression (src/tree/format.ts, formatBytes): the unit is chosen before rounding, so values that
    // round up to the next step print as "1000 kB" (999_500…999_999 B), "100.0 kB"
    // (99_950…99_999 B) and "10.00 kB" (9_995…9_999 B) instead of "1.00 MB", "100 kB", "10.0 kB".
    it('never prints a rounded-up value at the top of a unit', () => {
      assert.equal(formatBytes(999_999), '1.00 MB');
      assert.equal(formatBytes(99_999), '100 kB');
      assert.equal(formatBytes(9_999), '10.0 kB');
    });
  });

  describe('formatAge (with formatMessage)', () => {
    const now = 1_800_000_000_000;
    const createdSec = now / 1000;
    const age = (seconds: number): string => formatAge(createdSec - seconds, now, formatMessage);
    const MIN = 60;
    const HOUR = 3600;
    const DAY = 86_400;
    const table: Array<[number, string]> = [
      [0, 'just now'],
      [4, 'just now'],
      [5, '5 seconds ago'],
      [59, '59 seconds ago'],
      [MIN, '1 minute ago'],
      [2 * MIN - 1, '1 minute ago'],
      [2 * MIN, '2 minutes ago'],
      [HOUR - 1, '59 minutes ago'],
      [HOUR, '1 hour ago'],
      [2 * HOUR - 1, '1 hour ago'],
      [2 * HOUR, '2 hours ago'],
      [DAY - 1, '23 hours ago'],
      [DAY, '1 day ago'],
      [2 * DAY, '2 days ago'],
      [30 * DAY - 1, '29 days ago'],
      [30 * DAY, '1 month ago'],
      [60 * DAY - 1, '1 month ago'],
      [60 * DAY, '2 months ago'],
      [365 * DAY - 1, '12 months ago'],
      [365 * DAY, '1 year ago'],
      [2 * 365 * DAY - 1, '1 year ago'],
      [2 * 365 * DAY, '2 years ago'],
      [10 * 365 * DAY, '10 years ago'],
    ];
    for (const [seconds, text] of table) {
      it(`${seconds} s → "${text}"`, () => {
        assert.equal(age(seconds), text);
      });
    }

    it('treats a creation time in the future (clock skew) as just now', () => {
      assert.equal(age(-3600), 'just now');
    });

    it('rounds a sub-second now down', () => {
      assert.equal(formatAge(1000, 1_004_999, formatMessage), 'just now');
      assert.equal(formatAge(1000, 1_005_000, formatMessage), '5 seconds ago');
    });

    it('asks `t` for the singular and plural message keys with the number as argument', () => {
      const { t, calls } = recordingT();
      formatAge(createdSec - 2 * MIN, now, t);
      formatAge(createdSec - MIN, now, t);
      formatAge(createdSec - 3 * DAY, now, t);
      assert.deepEqual(calls, [
        { message: '{0} minutes ago', args: [2] },
        { message: '1 minute ago', args: [] },
        { message: '{0} days ago', args: [3] },
      ]);
    });

    it('returns what `t` returns', () => {
      assert.equal(formatAge(createdSec - 7200, now, (m, ...a) => `«${formatMessage(m, ...a)}»`), '«2 hours ago»');
    });
  });

  describe('shortId', () => {
    it('takes 12 characters after a sha256: prefix', () => {
      assert.equal(shortId(image('berth-test/busybox:latest').id), image('berth-test/busybox:latest').id.slice(7, 19));
      assert.equal(shortId('sha256:0123456789abcdef'), '0123456789ab');
    });

    it('takes the first 12 characters of a bare id', () => {
      assert.equal(shortId(container('fx-running').id), container('fx-running').id.slice(0, 12));
      assert.equal(shortId('0123456789abcdef'), '0123456789ab');
    });

    it('keeps short and empty ids whole', () => {
      assert.equal(shortId('abc'), 'abc');
      assert.equal(shortId(''), '');
      assert.equal(shortId('sha256:'), '');
    });
  });
});

describe('presentation', () => {
  describe('exitCodeOf', () => {
    it('reads the exit code from captured statuses', () => {
      assert.equal(exitCodeOf(container('fx-exited').status), 3);
      assert.equal(exitCodeOf(container('fx-exited-ok').status), 0);
      assert.equal(exitCodeOf(container('fx-stopped').status), 137);
    });

    it('reads a negative code', () => {
      assert.equal(exitCodeOf('Exited (-1) 3 hours ago'), -1);
    });

    it('is undefined for statuses that are not "Exited (n)"', () => {
      for (const name of ['fx-running', 'fx-unhealthy', 'fx-paused', 'fx-created']) {
        assert.equal(exitCodeOf(container(name).status), undefined, name);
      }
      assert.equal(exitCodeOf(''), undefined);
      assert.equal(exitCodeOf('Exited'), undefined);
      assert.equal(exitCodeOf('exited (3)'), undefined);
      assert.equal(exitCodeOf('Restarting (1) 2 seconds ago'), undefined);
    });
  });

  describe('containerIcon', () => {
    it('gives each captured container the icon for its state', () => {
      const icons = Object.fromEntries(containers.map((c) => [c.name, containerIcon(c)]));
      assert.deepEqual(icons, {
        'fx-running': { id: 'vm-running', color: 'charts.green' },
        'fx-unhealthy': { id: 'vm-running', color: 'charts.orange' },
        'fx-paused': { id: 'debug-pause', color: 'charts.yellow' },
        'fx-created': { id: 'vm-outline', color: 'charts.blue' },
        'fx-exited': { id: 'vm-outline', color: 'charts.red' },
        'fx-stopped': { id: 'vm-outline', color: 'charts.red' },
        'fx-exited-ok': { id: 'vm-outline', color: 'disabledForeground' },
      });
    });

    const byState: Array<[ContainerState, string, { id: string; color?: string }]> = [
      ['running', 'Up 2 hours', { id: 'vm-running', color: 'charts.green' }],
      ['running', 'Up 2 hours (healthy)', { id: 'vm-running', color: 'charts.green' }],
      ['running', 'Up 5 seconds (health: starting)', { id: 'vm-running', color: 'charts.green' }],
      ['running', 'Up 2 hours (unhealthy)', { id: 'vm-running', color: 'charts.orange' }],
      ['paused', 'Up 2 hours (Paused)', { id: 'debug-pause', color: 'charts.yellow' }],
      ['restarting', 'Restarting (1) 2 seconds ago', { id: 'debug-restart', color: 'charts.orange' }],
      ['created', 'Created', { id: 'vm-outline', color: 'charts.blue' }],
      ['removing', 'Removal In Progress', { id: 'trash', color: 'disabledForeground' }],
      ['dead', 'Dead', { id: 'error', color: 'errorForeground' }],
      ['exited', 'Exited (0) 1 minute ago', { id: 'vm-outline', color: 'disabledForeground' }],
      ['exited', 'Exited (1) 1 minute ago', { id: 'vm-outline', color: 'charts.red' }],
      ['exited', 'Exited (-1) 1 minute ago', { id: 'vm-outline', color: 'charts.red' }],
      ['exited', '', { id: 'vm-outline', color: 'disabledForeground' }],
    ];
    for (const [state, status, icon] of byState) {
      it(`${state} "${status}" → ${icon.id} ${icon.color ?? ''}`, () => {
        assert.deepEqual(containerIcon({ state, status }), icon);
      });
    }

    it('unknown → a question mark with no colour', () => {
      const icon = containerIcon({ state: 'unknown', status: 'whatever' });
      assert.deepEqual(icon, { id: 'question' });
      assert.equal('color' in icon, false);
    });
  });

  describe('formatPort', () => {
    const table: Array<[PortMapping, string]> = [
      [{ privatePort: 443, type: 'tcp' }, '443/tcp'],
      [{ privatePort: 80, publicPort: 8080, ip: '0.0.0.0', type: 'tcp' }, '8080→80/tcp'],
      [{ privatePort: 80, publicPort: 8080, ip: '::', type: 'tcp' }, '8080→80/tcp'],
      [{ privatePort: 80, publicPort: 8080, type: 'tcp' }, '8080→80/tcp'],
      [{ privatePort: 53, publicPort: 5353, ip: '127.0.0.1', type: 'udp' }, '127.0.0.1:5353→53/udp'],
      [{ privatePort: 9000, publicPort: 9000, ip: '::1', type: 'sctp' }, '[::1]:9000→9000/sctp'],
      [{ privatePort: 53, ip: '127.0.0.1', type: 'udp' }, '53/udp'],
    ];
    for (const [port, text] of table) {
      it(`→ "${text}"`, () => {
        assert.equal(formatPort(port), text);
      });
    }
  });

  describe('publishedPorts', () => {
    it('lists the hand-written container\'s published ports once each, IPv4 and IPv6 merged', () => {
      assert.ok(web);
      assert.equal(web.ports.length, 5);
      assert.deepEqual(publishedPorts(web.ports), ['8080→80/tcp', '5353→53/udp', '9000→9000/sctp']);
    });

    it('is empty for the captured containers (no published ports) and for none', () => {
      for (const c of containers) assert.deepEqual(publishedPorts(c.ports), []);
      assert.deepEqual(publishedPorts([]), []);
    });

    it('keeps different public ports, and the same port on different protocols', () => {
      assert.deepEqual(
        publishedPorts([
          { privatePort: 80, publicPort: 8080, ip: '0.0.0.0', type: 'tcp' },
          { privatePort: 80, publicPort: 8081, ip: '0.0.0.0', type: 'tcp' },
          { privatePort: 80, publicPort: 8080, ip: '0.0.0.0', type: 'udp' },
          { privatePort: 80, publicPort: 8080, ip: '::', type: 'udp' },
        ]),
        ['8080→80/tcp', '8081→80/tcp', '8080→80/udp'],
      );
    });
  });

  describe('presentContainer', () => {
    it('presents the hand-written published container: image · status · ports', () => {
      assert.ok(web);
      const p = presentContainer(web, formatMessage);
      assert.equal(p.label, 'hand-web');
      assert.equal(p.description, 'berth-test/busybox:latest · Up 5 minutes · 8080→80/tcp, 5353→53/udp, 9000→9000/sctp');
      assert.equal(p.id, `container:${web.id}`);
      assert.equal(p.contextValue, 'container.running');
      assert.deepEqual(p.icon, { id: 'vm-running', color: 'charts.green' });
      assert.equal(
        p.tooltip,
        [
          '**hand\\-web** `a1b2c3d4e5f6`',
          '',
          'Image: berth\\-test/busybox:latest',
          'Status: Up 5 minutes',
          'Command: `httpd -f -p 80`',
          'Ports: 8080→80/tcp, 5353→53/udp, 9000→9000/sctp',
          'Compose project: shop',
        ].join('  \n'),
      );
    });

    it('gives every captured container a context value and id naming its state', () => {
      for (const c of containers) {
        const p = presentContainer(c, formatMessage);
        assert.equal(p.contextValue, `container.${c.state}`);
        assert.equal(p.id, `container:${c.id}`);
        assert.equal(p.label, c.name);
        assert.deepEqual(p.icon, containerIcon(c));
      }
    });

    it('describes a container without ports as image · status', () => {
      assert.equal(presentContainer(container('fx-created'), formatMessage).description, 'berth-test/busybox:latest · Created');
      assert.equal(presentContainer(container('fx-exited'), formatMessage).description, `berth-test/busybox:latest · ${container('fx-exited').status}`);
    });

    it('drops empty parts from the description', () => {
      assert.equal(presentContainer(synthetic({ image: 'img', status: '' }), formatMessage).description, 'img');
      assert.equal(presentContainer(synthetic({ image: '', status: 'Up' }), formatMessage).description, 'Up');
    });

    it('keeps its id through status and state changes', () => {
      const running = container('fx-running');
      const a = presentContainer(running, formatMessage);
      const b = presentContainer({ ...running, status: 'Up 3 hours' }, formatMessage);
      const paused = presentContainer({ ...running, state: 'paused', status: 'Up 3 hours (Paused)' }, formatMessage);
      assert.equal(a.id, b.id);
      assert.equal(a.id, paused.id);
      assert.equal(paused.contextValue, 'container.paused');
    });

    it('names the compose project only when there is one, and the command only when there is one', () => {
      const withProject = presentContainer(container('fx-running'), formatMessage).tooltip;
      assert.match(withProject, /Compose project: demo/);
      const plain = presentContainer(synthetic({ command: '' }), formatMessage).tooltip;
      assert.doesNotMatch(plain, /Compose project/);
      assert.doesNotMatch(plain, /Command/);
      assert.doesNotMatch(plain, /Ports/);
    });

    it('falls back to the state when the status is empty', () => {
      assert.match(presentContainer(synthetic({ status: '', state: 'dead' }), formatMessage).tooltip, /Status: dead/);
    });

    it('escapes Markdown in names, images and statuses, and backticks in commands', () => {
      const p = presentContainer(synthetic({ name: 'my_app*1', image: 'repo/[x]:1.0', status: 'Up #1', command: 'sh -c `id`' }), formatMessage);
      assert.ok(p.tooltip.startsWith('**my\\_app\\*1**'));
      assert.match(p.tooltip, /Image: repo\/\\\[x\\\]:1\\\.0/);
      assert.match(p.tooltip, /Status: Up \\#1/);
      assert.match(p.tooltip, /Command: `sh -c 'id'`/);
      assert.equal(p.label, 'my_app*1');
    });

    it('translates its field names with `t`', () => {
      const { t, calls } = recordingT();
      presentContainer(container('fx-running'), t);
      assert.deepEqual(calls.map((c) => c.message), ['Image', 'Status', 'Command', 'Compose project']);
      const p = presentContainer(container('fx-running'), (m) => (m === 'Image' ? 'Imagen' : m));
      assert.match(p.tooltip, /Imagen: berth/);
    });
  });

  describe('presentImage', () => {
    const latest = image('berth-test/busybox:latest');
    const now = latest.created * 1000 + 3 * 3600 * 1000;

    it('presents a captured tagged image, one of two tags', () => {
      const p = presentImage(latest, 'berth-test/busybox:latest', now, formatMessage);
      const short = latest.id.slice(7, 19);
      assert.equal(p.label, 'berth-test/busybox:latest');
      assert.equal(p.description, '1.99 MB · 3 hours ago');
      assert.equal(p.id, `image:${latest.id}:berth-test/busybox:latest`);
      assert.equal(p.contextValue, 'image.tagged');
      assert.deepEqual(p.icon, { id: 'layers', color: 'charts.blue' });
      assert.equal(
        p.tooltip,
        [
          '**berth\\-test/busybox:latest**',
          '',
          `ID: \`${short}\``,
          'Size: 1.99 MB',
          'Created: 3 hours ago',
          'Tags: berth\\-test/busybox:alias, berth\\-test/busybox:latest',
        ].join('  \n'),
      );
    });

    it('gives the two tags of one image different ids', () => {
      const a = presentImage(latest, 'berth-test/busybox:latest', now, formatMessage);
      const b = presentImage(latest, 'berth-test/busybox:alias', now, formatMessage);
      assert.notEqual(a.id, b.id);
    });

    it('lists no Tags line for a single-tag image', () => {
      const committed = image('berth-test/committed:v1');
      assert.doesNotMatch(presentImage(committed, 'berth-test/committed:v1', now, formatMessage).tooltip, /Tags:/);
    });

    it('labels the captured dangling image and explains it', () => {
      const dangling = image(undefined);
      const short = dangling.id.slice(7, 19);
      const p = presentImage(dangling, undefined, dangling.created * 1000 + 90_000, formatMessage);
      assert.equal(p.label, `<none> (dangling) ${short}`);
      assert.equal(p.description, '1.99 MB · 1 minute ago');
      assert.equal(p.id, `image:${dangling.id}:<none>`);
      assert.equal(p.contextValue, 'image.dangling');
      assert.deepEqual(p.icon, { id: 'file-binary', color: 'disabledForeground' });
      assert.ok(p.tooltip.startsWith(`**\\<none\\> \\(dangling\\) ${short}**`));
      assert.match(p.tooltip, /A dangling image has no tag\./);
      assert.doesNotMatch(presentImage(latest, 'berth-test/busybox:latest', now, formatMessage).tooltip, /dangling/);
    });

    it('translates the dangling label with the short id as argument', () => {
      const { t, calls } = recordingT();
      const dangling = image(undefined);
      presentImage(dangling, undefined, now, t);
      assert.ok(calls.some((c) => c.message === '<none> (dangling) {0}' && c.args[0] === shortId(dangling.id)));
    });

    it('shows "?" for an unknown size', () => {
      assert.match(presentImage(syntheticImage({ size: -1 }), undefined, 1_000_000, formatMessage).description, /^\? · /);
    });
  });

  describe('imageRows', () => {
    it('gives one row per tag and one for the dangling image (captured images)', () => {
      const rows = imageRows(images).map((r) => r.tag ?? '<dangling>');
      assert.deepEqual([...rows].sort(), ['<dangling>', 'berth-test/busybox:alias', 'berth-test/busybox:latest', 'berth-test/committed:v1']);
    });

    it('keeps the input order of images and of each image\'s tags', () => {
      const a = syntheticImage({ id: 'a', repoTags: ['a:2', 'a:1'], dangling: false });
      const b = syntheticImage({ id: 'b' });
      const c = syntheticImage({ id: 'c', repoTags: ['c:1'], dangling: false });
      assert.deepEqual(
        imageRows([a, b, c]).map((r) => [r.image.id, r.tag]),
        [['a', 'a:2'], ['a', 'a:1'], ['b', undefined], ['c', 'c:1']],
      );
    });

    it('is empty for no images', () => {
      assert.deepEqual(imageRows([]), []);
    });
  });

  describe('sorting', () => {
    it('sorts containers newest first, then by name', () => {
      const list = [
        synthetic({ name: 'b', created: 10 }),
        synthetic({ name: 'old', created: 5 }),
        synthetic({ name: 'a', created: 10 }),
        synthetic({ name: 'new', created: 20 }),
      ];
      assert.deepEqual(sortContainersBy(list, 'created').map((c) => c.name), ['new', 'a', 'b', 'old']);
      assert.deepEqual(list.map((c) => c.name), ['b', 'old', 'a', 'new'], 'input untouched');
    });

    it('sorts the captured containers consistently', () => {
      const sorted = sortContainersBy(containers, 'created');
      assert.equal(sorted.length, containers.length);
      for (let i = 1; i < sorted.length; i++) {
        const prev = sorted[i - 1];
        const cur = sorted[i];
        assert.ok(prev && cur);
        assert.ok(prev.created > cur.created || (prev.created === cur.created && prev.name.localeCompare(cur.name) < 0), `${prev.name} before ${cur.name}`);
      }
    });

    it('sorts image rows newest first, then by tag, untagged last among equals', () => {
      const older = syntheticImage({ id: 'old', created: 5, repoTags: ['z:1'], dangling: false });
      const newer = syntheticImage({ id: 'new', created: 10, repoTags: ['b:1', 'a:1'], dangling: false });
      const dangling = syntheticImage({ id: 'none', created: 10 });
      const rows = imageRows([older, newer, dangling]);
      assert.deepEqual(
        sortImageRowsBy(rows, 'created').map((r) => r.tag ?? '<none>'),
        ['a:1', 'b:1', '<none>', 'z:1'],
      );
      assert.deepEqual(rows.map((r) => r.tag ?? '<none>'), ['z:1', 'b:1', 'a:1', '<none>'], 'input untouched');
    });

    it('sorts the captured image rows newest first', () => {
      const sorted = sortImageRowsBy(imageRows(images), 'created');
      assert.deepEqual(sorted.map((r) => r.tag ?? '<dangling>'), ['berth-test/committed:v1', '<dangling>', 'berth-test/busybox:alias', 'berth-test/busybox:latest']);
    });

    it('keeps extra row fields through sorting', () => {
      const rows = imageRows(images).map((r, index) => ({ ...r, index }));
      const sorted = sortImageRowsBy(rows, 'created');
      assert.deepEqual([...sorted.map((r) => r.index)].sort(), [0, 1, 2, 3]);
    });
  });
});
