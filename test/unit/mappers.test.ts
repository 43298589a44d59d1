/**
 * The mappers against Engine API JSON captured from a real (private) Docker 20.10 engine: see
 * test/fixtures/api/. Everything there is captured verbatim except
 * `containers-ports.handwritten.json`, which is hand-written because the private engine has no
 * bridge network and so cannot publish ports.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JsonLineSplitter, toContainerState, toContainerSummary, toEngineEvent, toEngineInfo, toImageSummary, toNetworkSummary, toVolumeSummary } from '../../src/engine/mappers';
import type { RawContainer, RawEvent, RawImage, RawInfo, RawVersion } from '../../src/engine/mappers';
import type { ContainerSummary, EngineEvent } from '../../src/engine/ContainerEngine';

function fixture(name: string): unknown {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures', 'api', name);
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8')) as unknown;
    if (dirname(dir) === dir) throw new Error(`Fixture ${name} not found above ${__dirname}`);
  }
}

const rawContainers = fixture('containers.json') as RawContainer[];
const rawImages = fixture('images.json') as RawImage[];
const rawVersion = fixture('version.json') as RawVersion;
const rawInfo = fixture('info.json') as RawInfo;
/** The event stream's lines, byte for byte as the engine sent them. */
const eventLines = fixture('events.json') as string[];
const handWritten = (fixture('containers-ports.handwritten.json') as { containers: RawContainer[] }).containers;

function rawContainerNamed(name: string): RawContainer {
  const found = rawContainers.find((c) => c.Names?.[0] === `/${name}`);
  assert.ok(found, `fixture container ${name}`);
  return found;
}

function summaryNamed(name: string): ContainerSummary {
  return toContainerSummary(rawContainerNamed(name));
}

function rawImageTagged(tag: string): RawImage {
  const found = rawImages.find((i) => i.RepoTags?.includes(tag));
  assert.ok(found, `fixture image ${tag}`);
  return found;
}

function danglingRawImage(): RawImage {
  const found = rawImages.find((i) => i.RepoTags?.[0] === '<none>:<none>');
  assert.ok(found, 'fixture dangling image');
  return found;
}

function parsedEvents(): EngineEvent[] {
  return eventLines.map((line, index) => {
    const event = toEngineEvent(JSON.parse(line) as RawEvent);
    assert.ok(event, `event line ${index} should map`);
    return event;
  });
}

describe('mappers', () => {
  describe('fixtures (sanity)', () => {
    it('hold the objects the tests below rely on', () => {
      assert.equal(rawContainers.length, 7);
      assert.equal(rawImages.length, 3);
      assert.ok(eventLines.length >= 30);
      assert.equal(handWritten.length, 1);
    });
  });

  describe('toContainerState', () => {
    for (const state of ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const) {
      it(`keeps "${state}"`, () => {
        assert.equal(toContainerState(state), state);
      });
    }

    it('lower-cases what it is given', () => {
      assert.equal(toContainerState('Running'), 'running');
      assert.equal(toContainerState('EXITED'), 'exited');
    });

    it('maps anything else, missing or empty to "unknown"', () => {
      assert.equal(toContainerState('stopped'), 'unknown');
      assert.equal(toContainerState('up'), 'unknown');
      assert.equal(toContainerState(''), 'unknown');
      assert.equal(toContainerState(undefined), 'unknown');
    });
  });

  describe('toContainerSummary (captured containers)', () => {
    it('maps every captured container to its engine state', () => {
      const states = Object.fromEntries(rawContainers.map((raw) => {
        const s = toContainerSummary(raw);
        return [s.name, s.state];
      }));
      assert.deepEqual(states, {
        'fx-running': 'running',
        'fx-unhealthy': 'running',
        'fx-paused': 'paused',
        'fx-created': 'created',
        'fx-exited': 'exited',
        'fx-exited-ok': 'exited',
        'fx-stopped': 'exited',
      });
    });

    it('maps a running container field by field, and nothing else', () => {
      const raw = rawContainerNamed('fx-running');
      assert.deepEqual(toContainerSummary(raw), {
        id: raw.Id,
        name: 'fx-running',
        image: 'berth-test/busybox:latest',
        imageId: raw.ImageID,
        command: 'sleep 3600',
        created: raw.Created,
        state: 'running',
        status: raw.Status,
        ports: [],
        labels: { 'berth.test': '1', 'com.docker.compose.project': 'demo' },
        networkMode: 'none',
        networks: ['none'],
        volumes: [],
      });
      assert.match(raw.Id ?? '', /^[0-9a-f]{64}$/);
      assert.match(raw.ImageID ?? '', /^sha256:[0-9a-f]{64}$/);
      assert.match(raw.Status ?? '', /^Up /);
    });

    it('keeps the engine status text, including exit code and health', () => {
      assert.match(summaryNamed('fx-exited').status, /^Exited \(3\) /);
      assert.match(summaryNamed('fx-stopped').status, /^Exited \(137\) /);
      assert.match(summaryNamed('fx-exited-ok').status, /^Exited \(0\) /);
      assert.match(summaryNamed('fx-unhealthy').status, /\(unhealthy\)$/);
      assert.match(summaryNamed('fx-paused').status, /\(Paused\)$/);
      assert.equal(summaryNamed('fx-created').status, 'Created');
    });

    it('keeps the command as the engine quotes it', () => {
      assert.equal(summaryNamed('fx-exited').command, "sh -c 'exit 3'");
    });

    it('ignores fields it does not model (NetworkSettings, Mounts)', () => {
      const raw = rawContainerNamed('fx-paused') as RawContainer & Record<string, unknown>;
      assert.ok('NetworkSettings' in raw && 'Mounts' in raw);
      const summary = toContainerSummary(raw) as unknown as Record<string, unknown>;
      assert.equal('NetworkSettings' in summary, false);
      assert.equal('Mounts' in summary, false);
    });
  });

  describe('toContainerSummary (names and missing fields)', () => {
    it('strips the leading slash of the first name only, and ignores the others', () => {
      assert.equal(toContainerSummary({ Id: 'x', Names: ['/web', '/other/web'] }).name, 'web');
    });

    it('keeps a name that has no leading slash', () => {
      assert.equal(toContainerSummary({ Id: 'x', Names: ['web'] }).name, 'web');
    });

    it('falls back to the short id when there is no name', () => {
      const id = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
      assert.equal(toContainerSummary({ Id: id, Names: null }).name, '0123456789ab');
      assert.equal(toContainerSummary({ Id: id, Names: [] }).name, '0123456789ab');
      assert.equal(toContainerSummary({ Id: id, Names: [''] }).name, '0123456789ab');
    });

    it('fills defaults for an empty object and sets no networkMode', () => {
      const summary = toContainerSummary({});
      assert.deepEqual(summary, {
        id: '',
        name: '',
        image: '',
        imageId: '',
        command: '',
        created: 0,
        state: 'unknown',
        status: '',
        ports: [],
        labels: {},
        networks: [],
        volumes: [],
      });
      assert.equal('networkMode' in summary, false);
    });

    it('lists attached networks and named volumes (not binds or tmpfs)', () => {
      const summary = toContainerSummary({
        Id: 'x',
        NetworkSettings: { Networks: { frontend: {}, backend: {} } },
        Mounts: [
          { Type: 'volume', Name: 'data' },
          { Type: 'bind' },
          { Type: 'tmpfs' },
          { Type: 'volume', Name: 'cache' },
        ],
      });
      assert.deepEqual(summary.networks, ['frontend', 'backend']);
      assert.deepEqual(summary.volumes, ['data', 'cache']);
      assert.deepEqual(toContainerSummary({ Id: 'y', NetworkSettings: null, Mounts: null }).networks, []);
    });

    it('maps volumes and networks, with unknown times left undefined', () => {
      assert.deepEqual(toVolumeSummary({ Name: 'data', Driver: 'local', Mountpoint: '/var/lib/docker/volumes/data/_data', CreatedAt: '2026-11-25T10:00:00Z', Labels: null, Scope: 'local' }), {
        name: 'data',
        driver: 'local',
        mountpoint: '/var/lib/docker/volumes/data/_data',
        created: Date.parse('2026-11-25T10:00:00Z') / 1000,
        labels: {},
        scope: 'local',
      });
      assert.equal(toVolumeSummary({ Name: 'v', CreatedAt: '0001-01-01T00:00:00Z' }).created, undefined);
      const host = toNetworkSummary({ Id: 'abc', Name: 'host', Driver: 'host', Scope: 'local', Created: 'garbage' });
      assert.equal(host.builtIn, true);
      assert.equal(host.created, undefined);
      const custom = toNetworkSummary({ Id: 'def', Name: 'app', Driver: 'bridge', Internal: true });
      assert.equal(custom.builtIn, false);
      assert.equal(custom.internal, true);
    });

    it('treats null Ports and Labels as empty', () => {
      const summary = toContainerSummary({ Id: 'x', Ports: null, Labels: null });
      assert.deepEqual(summary.ports, []);
      assert.deepEqual(summary.labels, {});
    });

    it('sets no networkMode for an empty NetworkMode', () => {
      assert.equal('networkMode' in toContainerSummary({ Id: 'x', HostConfig: { NetworkMode: '' } }), false);
    });
  });

  describe('toContainerSummary (ports, hand-written fixture)', () => {
    it('maps published, unpublished, IPv4, IPv6, udp and sctp ports', () => {
      const [raw] = handWritten;
      assert.ok(raw);
      const summary = toContainerSummary(raw);
      assert.deepEqual(summary.ports, [
        { privatePort: 80, publicPort: 8080, ip: '0.0.0.0', type: 'tcp' },
        { privatePort: 80, publicPort: 8080, ip: '::', type: 'tcp' },
        { privatePort: 443, type: 'tcp' },
        { privatePort: 53, publicPort: 5353, ip: '127.0.0.1', type: 'udp' },
        { privatePort: 9000, publicPort: 9000, ip: '::1', type: 'sctp' },
      ]);
      assert.equal(summary.networkMode, 'default');
    });

    it('leaves publicPort and ip out (not undefined) on an exposed-only port', () => {
      const [port] = toContainerSummary({ Ports: [{ PrivatePort: 443, Type: 'tcp' }] }).ports;
      assert.ok(port);
      assert.deepEqual(Object.keys(port).sort(), ['privatePort', 'type']);
    });

    it('treats an unknown or missing protocol as tcp', () => {
      const ports = toContainerSummary({ Ports: [{ PrivatePort: 1, Type: 'quic' }, { PrivatePort: 2 }] }).ports;
      assert.deepEqual(ports.map((p) => p.type), ['tcp', 'tcp']);
    });

    it('keeps port 0 and drops entries without a numeric PrivatePort', () => {
      const ports = toContainerSummary({
        Ports: [{ PublicPort: 80, Type: 'tcp' }, { PrivatePort: 0, Type: 'udp' }, { PrivatePort: '80' as unknown as number }],
      }).ports;
      assert.deepEqual(ports, [{ privatePort: 0, type: 'udp' }]);
    });

    it('keeps PublicPort 0 but drops an empty IP', () => {
      const [port] = toContainerSummary({ Ports: [{ PrivatePort: 80, PublicPort: 0, IP: '' }] }).ports;
      assert.deepEqual(port, { privatePort: 80, publicPort: 0, type: 'tcp' });
    });
  });

  describe('toImageSummary (captured images)', () => {
    it('maps a dangling image: <none> tags and digests removed, dangling set', () => {
      const raw = danglingRawImage();
      assert.deepEqual(raw.RepoDigests, ['<none>@<none>']);
      assert.deepEqual(toImageSummary(raw), {
        id: raw.Id,
        repoTags: [],
        repoDigests: [],
        created: raw.Created,
        size: 1985472,
        containers: -1,
        labels: { 'berth.test': '1', fixture: 'first' },
        dangling: true,
      });
    });

    it('maps an image with two tags, null digests and null labels', () => {
      const raw = rawImageTagged('berth-test/busybox:latest');
      assert.equal(raw.RepoDigests, null);
      assert.equal(raw.Labels, null);
      const summary = toImageSummary(raw);
      assert.deepEqual(summary.repoTags, ['berth-test/busybox:alias', 'berth-test/busybox:latest']);
      assert.deepEqual(summary.repoDigests, []);
      assert.deepEqual(summary.labels, {});
      assert.equal(summary.dangling, false);
      assert.equal(summary.id, raw.Id);
      assert.equal(summary.created, raw.Created);
    });

    it('keeps the -1 the engine sends for an uncomputed container count', () => {
      for (const raw of rawImages) {
        assert.equal(raw.Containers, -1);
        assert.equal(toImageSummary(raw).containers, -1);
      }
    });

    it('a commit that takes over a tag leaves exactly one dangling image behind', () => {
      const summaries = rawImages.map(toImageSummary);
      assert.equal(summaries.filter((s) => s.dangling).length, 1);
      const committed = summaries.filter((s) => s.repoTags.includes('berth-test/committed:v1'));
      assert.equal(committed.length, 1);
      assert.equal(committed[0]?.labels.fixture, 'second');
    });
  });

  describe('toImageSummary (synthetic)', () => {
    it('uses a computed container count, including 0', () => {
      assert.equal(toImageSummary({ Id: 'x', Containers: 2 }).containers, 2);
      assert.equal(toImageSummary({ Id: 'x', Containers: 0 }).containers, 0);
    });

    it('defaults an empty object to a dangling, zero-sized image', () => {
      assert.deepEqual(toImageSummary({}), {
        id: '',
        repoTags: [],
        repoDigests: [],
        created: 0,
        size: 0,
        containers: -1,
        labels: {},
        dangling: true,
      });
    });

    it('an untagged image that keeps a digest is dangling but keeps the digest', () => {
      const summary = toImageSummary({ Id: 'x', RepoTags: ['<none>:<none>'], RepoDigests: ['alpine@sha256:abc'] });
      assert.equal(summary.dangling, true);
      assert.deepEqual(summary.repoDigests, ['alpine@sha256:abc']);
    });

    it('removes only the <none> placeholders from a mixed tag list', () => {
      const summary = toImageSummary({ RepoTags: ['<none>:<none>', 'a:1', '<none>@<none>'], RepoDigests: ['<none>@<none>', 'a@sha256:1'] });
      assert.deepEqual(summary.repoTags, ['a:1']);
      assert.deepEqual(summary.repoDigests, ['a@sha256:1']);
      assert.equal(summary.dangling, false);
    });
  });

  describe('toEngineEvent (captured events)', () => {
    it('maps every captured line', () => {
      assert.equal(parsedEvents().length, eventLines.length);
    });

    it('covers the container, image and network events the explorer reacts to', () => {
      const seen = new Set(parsedEvents().map((e) => `${e.type}:${e.action}`));
      for (const expected of [
        'container:create',
        'container:start',
        'container:die',
        'container:kill',
        'container:stop',
        'container:pause',
        'container:destroy',
        'container:commit',
        'container:health_status: unhealthy',
        'image:tag',
        'image:untag',
        'image:delete',
        'network:connect',
        'network:disconnect',
      ]) {
        assert.ok(seen.has(expected), `missing ${expected}`);
      }
    });

    it('maps a die event with its exit code attribute', () => {
      const exited = toContainerSummary(rawContainerNamed('fx-exited'));
      const die = parsedEvents().find((e) => e.action === 'die' && e.attributes.name === 'fx-exited');
      assert.ok(die);
      assert.equal(die.type, 'container');
      assert.equal(die.id, exited.id);
      assert.equal(die.attributes.exitCode, '3');
      assert.equal(die.attributes.image, 'berth-test/busybox:latest');
      assert.equal(die.attributes['berth.test'], '1');
    });

    it('maps the stop sequence (kill, die 137, stop) of one container', () => {
      const stopped = toContainerSummary(rawContainerNamed('fx-stopped'));
      const actions = parsedEvents()
        .filter((e) => e.id === stopped.id)
        .map((e) => (e.action === 'die' ? `die ${e.attributes.exitCode ?? '?'}` : e.action));
      assert.deepEqual(actions, ['create', 'start', 'kill', 'die 137', 'stop']);
    });

    it('keeps exec and health actions verbatim, trailing space included', () => {
      const actions = parsedEvents().map((e) => e.action);
      assert.ok(actions.includes('exec_create: false '));
      assert.ok(actions.includes('exec_start: false '));
      assert.ok(actions.includes('health_status: unhealthy'));
    });

    it('uses the Actor id for an image event and its name attribute for the reference', () => {
      const latest = toImageSummary(rawImageTagged('berth-test/busybox:latest'));
      const tags = parsedEvents().filter((e) => e.type === 'image' && e.action === 'tag' && e.id === latest.id);
      assert.deepEqual(tags.map((e) => e.attributes.name).sort(), ['berth-test/busybox:alias', 'berth-test/busybox:latest']);
    });

    it('maps a network event, which has no legacy status/id fields, by its Actor', () => {
      const line = eventLines.find((l) => l.includes('"Type":"network"'));
      assert.ok(line);
      const raw = JSON.parse(line) as RawEvent;
      assert.equal(raw.status, undefined);
      assert.equal(raw.id, undefined);
      const event = toEngineEvent(raw);
      assert.ok(event);
      assert.equal(event.type, 'network');
      assert.equal(event.action, 'connect');
      assert.equal(event.id, raw.Actor?.ID);
      assert.equal(event.attributes.name, 'none');
    });

    it('stamps timeNano as a bigint within the second given by `time`', () => {
      for (const line of eventLines) {
        const raw = JSON.parse(line) as RawEvent;
        const event = toEngineEvent(raw);
        assert.ok(event);
        assert.equal(typeof event.timeNano, 'bigint');
        const second = BigInt(raw.time ?? 0) * 1_000_000_000n;
        assert.ok(event.timeNano >= second && event.timeNano < second + 1_000_000_000n, line);
      }
    });

    it('keeps timeNano to within a microsecond of the engine stamp (JSON numbers are doubles)', () => {
      for (const line of eventLines) {
        const exact = /"timeNano":(\d+)/.exec(line)?.[1];
        assert.ok(exact);
        const event = toEngineEvent(JSON.parse(line) as RawEvent);
        assert.ok(event);
        const delta = event.timeNano - BigInt(exact);
        assert.ok(delta > -1000n && delta < 1000n, `${event.timeNano} vs ${exact}`);
      }
    });

    it('is exact when timeNano arrives as a string', () => {
      const event = toEngineEvent({ Type: 'container', Action: 'start', Actor: { ID: 'c' }, timeNano: '1795643622761551239' });
      assert.equal(event?.timeNano, 1795643622761551239n);
    });

    it('events arrive in time order', () => {
      const times = parsedEvents().map((e) => e.timeNano);
      for (let i = 1; i < times.length; i++) assert.ok((times[i] ?? 0n) >= (times[i - 1] ?? 0n));
    });
  });

  describe('toEngineEvent (synthetic and malformed)', () => {
    it('maps a legacy event (status/id only) as a container event, from `time`', () => {
      assert.deepEqual(toEngineEvent({ status: 'start', id: 'abc', time: 5 }), {
        type: 'container',
        action: 'start',
        id: 'abc',
        attributes: {},
        timeNano: 5_000_000_000n,
      });
    });

    it('prefers Type, Action and Actor.ID over the legacy fields', () => {
      const event = toEngineEvent({ status: 'old', id: 'legacy', Type: 'image', Action: 'pull', Actor: { ID: 'alpine:3' } });
      assert.equal(event?.type, 'image');
      assert.equal(event?.action, 'pull');
      assert.equal(event?.id, 'alpine:3');
    });

    it('maps an unknown type to "other" and keeps known non-container types', () => {
      assert.equal(toEngineEvent({ Type: 'quantum', Action: 'x', Actor: { ID: 'i' } })?.type, 'other');
      for (const type of ['volume', 'network', 'daemon', 'plugin', 'service', 'node', 'secret', 'config', 'builder'] as const) {
        assert.equal(toEngineEvent({ Type: type, Action: 'x', Actor: { ID: 'i' } })?.type, type);
      }
    });

    it('returns undefined without a type, an action or an id', () => {
      assert.equal(toEngineEvent({}), undefined);
      assert.equal(toEngineEvent({ Action: 'start', Actor: { ID: 'x' } }), undefined);
      assert.equal(toEngineEvent({ Type: 'container', Actor: { ID: 'x' } }), undefined);
      assert.equal(toEngineEvent({ Type: 'container', Action: 'start' }), undefined);
      assert.equal(toEngineEvent({ Type: 'container', Action: '', Actor: { ID: 'x' } }), undefined);
    });

    it('turns an unparseable timeNano into 0 instead of throwing', () => {
      assert.equal(toEngineEvent({ Type: 'container', Action: 'a', Actor: { ID: 'x' }, timeNano: 'soon' })?.timeNano, 0n);
      assert.equal(toEngineEvent({ Type: 'container', Action: 'a', Actor: { ID: 'x' }, time: 1.5 })?.timeNano, 0n);
    });

    it('defaults a missing time to 0 and null attributes to {}', () => {
      const event = toEngineEvent({ Type: 'container', Action: 'a', Actor: { ID: 'x', Attributes: null } });
      assert.equal(event?.timeNano, 0n);
      assert.deepEqual(event?.attributes, {});
    });
  });

  describe('toEngineInfo', () => {
    it('maps the captured /version and /info of a Docker engine', () => {
      assert.deepEqual(toEngineInfo(rawVersion, rawInfo), {
        flavor: 'docker',
        version: '20.10.24+dfsg1',
        apiVersion: '1.41',
        os: 'linux',
        arch: 'amd64',
        kernelVersion: rawVersion.KernelVersion,
        name: rawInfo.Name,
        containers: 7,
        images: 6,
        storageDriver: 'overlay2',
        cgroupVersion: '1',
      });
    });

    it('maps /version alone without any /info fields', () => {
      const info = toEngineInfo(rawVersion, undefined);
      assert.equal(info.flavor, 'docker');
      for (const key of ['name', 'containers', 'images', 'storageDriver', 'cgroupVersion']) {
        assert.equal(key in info, false, key);
      }
    });

    it('recognises Podman by its version components (hand-written)', () => {
      const podman: RawVersion = {
        Version: '4.9.3',
        ApiVersion: '1.41',
        Os: 'linux',
        Arch: 'arm64',
        Components: [{ Name: 'Podman Engine' }, { Name: 'Conmon' }],
      };
      assert.equal(toEngineInfo(podman, undefined).flavor, 'podman');
      assert.equal(toEngineInfo({ Components: [{ Name: 'Engine' }, { Name: 'containerd' }] }, undefined).flavor, 'docker');
      assert.equal(toEngineInfo({ Components: null }, undefined).flavor, 'docker');
    });

    it('says "unknown" for missing version fields', () => {
      assert.deepEqual(toEngineInfo({}, undefined), { flavor: 'docker', version: 'unknown', apiVersion: 'unknown', os: 'unknown', arch: 'unknown' });
    });

    it('keeps zero counts from /info', () => {
      const info = toEngineInfo({}, { Containers: 0, Images: 0 });
      assert.equal(info.containers, 0);
      assert.equal(info.images, 0);
    });
  });

  describe('JsonLineSplitter', () => {
    const stream = eventLines.map((l) => `${l}\n`).join('');

    /** Feeds `chunks` and then flushes, returning every line produced. */
    function feed(chunks: readonly string[]): string[] {
      const splitter = new JsonLineSplitter();
      const lines = chunks.flatMap((c) => splitter.push(c));
      return [...lines, ...splitter.flush()];
    }

    /** A small deterministic PRNG, so a failure names a reproducible seed. */
    function random(seed: number): () => number {
      let s = seed >>> 0;
      return () => {
        s = (s + 0x6d2b79f5) >>> 0;
        let x = s;
        x = Math.imul(x ^ (x >>> 15), x | 1);
        x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
        return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
      };
    }

    it('splits the captured stream, given whole, into its lines', () => {
      assert.deepEqual(feed([stream]), eventLines);
    });

    it('splits it fed one character at a time', () => {
      assert.deepEqual(feed([...stream.split('')]), eventLines);
    });

    it('splits it at every single cut position of its first three lines', () => {
      const text = eventLines.slice(0, 3).map((l) => `${l}\n`).join('');
      for (let cut = 0; cut <= text.length; cut++) {
        assert.deepEqual(feed([text.slice(0, cut), text.slice(cut)]), eventLines.slice(0, 3), `cut at ${cut}`);
      }
    });

    for (const seed of [1, 2, 3, 42, 1234]) {
      it(`splits it into random chunks (seed ${seed})`, () => {
        const next = random(seed);
        const chunks: string[] = [];
        for (let i = 0; i < stream.length; ) {
          const size = 1 + Math.floor(next() * 700);
          chunks.push(stream.slice(i, i + size));
          i += size;
        }
        assert.deepEqual(feed(chunks), eventLines);
      });
    }

    it('returns nothing for a partial line and keeps it for the next chunk', () => {
      const splitter = new JsonLineSplitter();
      assert.deepEqual(splitter.push('{"a":'), []);
      assert.deepEqual(splitter.push('1}'), []);
      assert.deepEqual(splitter.push('\n{"b"'), ['{"a":1}']);
      assert.deepEqual(splitter.push(':2}\n'), ['{"b":2}']);
    });

    it('returns several complete lines from one chunk and keeps the tail', () => {
      const splitter = new JsonLineSplitter();
      assert.deepEqual(splitter.push('{"a":1}\n{"b":2}\n{"c"'), ['{"a":1}', '{"b":2}']);
      assert.deepEqual(splitter.flush(), ['{"c"']);
    });

    it('skips empty and whitespace-only lines', () => {
      assert.deepEqual(feed(['\n\n{"a":1}\n', '   \n\t\n', '\n{"b":2}\n\n']), ['{"a":1}', '{"b":2}']);
    });

    it('yields CRLF-terminated lines that still parse', () => {
      const lines = feed(['{"a":1}\r\n{"b":', '2}\r\n']);
      assert.equal(lines.length, 2);
      assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), [{ a: 1 }, { b: 2 }]);
    });

    it('rejoins multi-byte text and a surrogate pair split across chunks', () => {
      const line = JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'x', Attributes: { label: 'café 日本 🐳' } } });
      const whale = line.indexOf('🐳');
      assert.ok(whale > 0);
      // Cut between the two UTF-16 halves of the emoji, and inside the CJK run.
      const cuts = [line.indexOf('本'), whale + 1];
      const chunks = [line.slice(0, cuts[0]), line.slice(cuts[0], cuts[1]), line.slice(cuts[1]), '\n'];
      assert.equal(chunks[1]?.endsWith('\ud83d'), true);
      const [out] = feed(chunks);
      assert.equal(out, line);
      const event = toEngineEvent(JSON.parse(out ?? '') as RawEvent);
      assert.equal(event?.attributes.label, 'café 日本 🐳');
    });

    it('flush returns the trimmed unterminated last line, once', () => {
      const splitter = new JsonLineSplitter();
      assert.deepEqual(splitter.push('{"a":1}\n  {"b":2}  '), ['{"a":1}']);
      assert.deepEqual(splitter.flush(), ['{"b":2}']);
      assert.deepEqual(splitter.flush(), []);
    });

    it('flush returns nothing for a whitespace-only remainder or an empty buffer', () => {
      const splitter = new JsonLineSplitter();
      assert.deepEqual(splitter.flush(), []);
      splitter.push('{"a":1}\n  \t ');
      assert.deepEqual(splitter.flush(), []);
    });

    it('starts afresh after flush', () => {
      const splitter = new JsonLineSplitter();
      splitter.push('{"stale"');
      splitter.flush();
      assert.deepEqual(splitter.push('{"fresh":1}\n'), ['{"fresh":1}']);
    });
  });
});
