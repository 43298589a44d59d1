/**
 * Pull and push progress: the ProgressTracker on streams captured from Docker 20.10 talking to
 * Debian's docker-registry, the failure reasons, reference helpers, and pullImage/pushImage over
 * dockerode against a stand-in engine on a local socket (request shape, X-Registry-Auth, HTTP and
 * in-stream errors, a timeout that covers only the connection phase, abort closing the request).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { CancelledError, EngineUnavailableError } from '../../src/engine/errors';
import { formatMessage } from '../../src/l10n';
import {
  ProgressTracker,
  RegistryError,
  describeLayers,
  encodeRegistryAuth,
  normalizeRegistryHost,
  parseReference,
  pullImage,
  pushImage,
  registryFailureReason,
  registryOf,
} from '../../src/engine/registry';
import type { LayerProgress, RegistryEvent, RegistryProgress } from '../../src/engine/registry';

/** `docker pull` of a two-layer image from a local registry (Docker 20.10.24, distribution 2.8.2). */
const PULL = [
  '{"status":"Pulling from berth/busybox","id":"e2e"}',
  '{"status":"Pulling fs layer","progressDetail":{},"id":"a8fc7ca3ed7c"}',
  '{"status":"Pulling fs layer","progressDetail":{},"id":"775c97ac6d0f"}',
  '{"status":"Downloading","progressDetail":{"current":32768,"total":1064337},"progress":"[=\\u003e   ]  32.77kB/1.064MB","id":"a8fc7ca3ed7c"}',
  '{"status":"Downloading","progressDetail":{"current":3394,"total":3394},"progress":"[=====\\u003e]  3.394kB/3.394kB","id":"775c97ac6d0f"}',
  '{"status":"Verifying Checksum","progressDetail":{},"id":"775c97ac6d0f"}',
  '{"status":"Download complete","progressDetail":{},"id":"775c97ac6d0f"}',
  '{"status":"Downloading","progressDetail":{"current":1064337,"total":1064337},"progress":"[=====\\u003e]  1.064MB/1.064MB","id":"a8fc7ca3ed7c"}',
  '{"status":"Verifying Checksum","progressDetail":{},"id":"a8fc7ca3ed7c"}',
  '{"status":"Download complete","progressDetail":{},"id":"a8fc7ca3ed7c"}',
  '{"status":"Extracting","progressDetail":{"current":32768,"total":1064337},"progress":"[=\\u003e   ]  32.77kB/1.064MB","id":"a8fc7ca3ed7c"}',
  '{"status":"Extracting","progressDetail":{"current":1064337,"total":1064337},"progress":"[=====\\u003e]  1.064MB/1.064MB","id":"a8fc7ca3ed7c"}',
  '{"status":"Pull complete","progressDetail":{},"id":"a8fc7ca3ed7c"}',
  '{"status":"Extracting","progressDetail":{"current":3394,"total":3394},"progress":"[=====\\u003e]  3.394kB/3.394kB","id":"775c97ac6d0f"}',
  '{"status":"Pull complete","progressDetail":{},"id":"775c97ac6d0f"}',
  '{"status":"Digest: sha256:5a53a3d3eefd81fa15686396391cf65afd90d4493881c0723198933fa96a8a38"}',
  '{"status":"Status: Downloaded newer image for 127.0.0.1:5123/berth/busybox:e2e"}',
];

/** A pull where the base layer is already local. */
const PULL_SHARED = [
  '{"status":"Pulling from berth/child","id":"e2e"}',
  '{"status":"Already exists","progressDetail":{},"id":"a8fc7ca3ed7c"}',
  '{"status":"Pulling fs layer","progressDetail":{},"id":"0b1d2c3e4f56"}',
  '{"status":"Downloading","progressDetail":{"current":1000,"total":4000},"id":"0b1d2c3e4f56"}',
];

const PUSH = [
  '{"status":"The push refers to repository [127.0.0.1:5123/berth/busybox]"}',
  '{"status":"Preparing","progressDetail":{},"id":"2550f1fdb47d"}',
  '{"status":"Preparing","progressDetail":{},"id":"010e85a75b1a"}',
  '{"status":"Pushing","progressDetail":{"current":33792,"total":1982256},"progress":"[\\u003e   ]  33.79kB/1.982MB","id":"010e85a75b1a"}',
  '{"status":"Pushing","progressDetail":{"current":512,"total":3216},"progress":"[==\\u003e  ]     512B/3.216kB","id":"2550f1fdb47d"}',
  // The engine counts the tar stream, which may exceed the size it announced.
  '{"status":"Pushing","progressDetail":{"current":138752,"total":3216},"progress":"[=====\\u003e]  138.8kB","id":"2550f1fdb47d"}',
  '{"status":"Pushed","progressDetail":{},"id":"2550f1fdb47d"}',
  '{"status":"Pushing","progressDetail":{"current":1410048,"total":1982256},"progress":"[===\\u003e ]   1.41MB/1.982MB","id":"010e85a75b1a"}',
  '{"status":"Pushed","progressDetail":{},"id":"010e85a75b1a"}',
  '{"status":"e2e: digest: sha256:5a53a3d3eefd81fa15686396391cf65afd90d4493881c0723198933fa96a8a38 size: 736"}',
  '{"progressDetail":{},"aux":{"Tag":"e2e","Digest":"sha256:5a53a3d3eefd81fa15686396391cf65afd90d4493881c0723198933fa96a8a38","Size":736}}',
];

const PUSH_UNAUTHORIZED = [
  '{"status":"The push refers to repository [127.0.0.1:5123/berth/busybox]"}',
  '{"status":"Preparing","progressDetail":{},"id":"2550f1fdb47d"}',
  '{"status":"Preparing","progressDetail":{},"id":"010e85a75b1a"}',
  '{"errorDetail":{"message":"unauthorized: authentication required"},"error":"unauthorized: authentication required"}',
];

function feed(lines: readonly string[]): { tracker: ProgressTracker; events: RegistryEvent[]; fractions: Array<number | undefined> } {
  const tracker = new ProgressTracker();
  const events: RegistryEvent[] = [];
  const fractions: Array<number | undefined> = [];
  for (const line of lines) {
    const event = tracker.line(line);
    if (event) events.push(event);
    fractions.push(tracker.fraction);
  }
  return { tracker, events, fractions };
}

function assertNonDecreasing(values: ReadonlyArray<number | undefined>): void {
  let last = 0;
  for (const v of values) {
    if (v === undefined) continue;
    assert.ok(v >= last - 1e-9, `fraction went back from ${last} to ${v} in ${values.join(', ')}`);
    assert.ok(v >= 0 && v <= 1, `fraction ${v} outside 0..1`);
    last = v;
  }
}

describe('ProgressTracker', () => {
  it('follows each layer of a pull to "Pull complete", in first-seen order', () => {
    const { tracker, events, fractions } = feed(PULL);
    assert.deepEqual(
      tracker.layers.map((l) => [l.id, l.status, l.phase]),
      [
        ['a8fc7ca3ed7c', 'Pull complete', 'done'],
        ['775c97ac6d0f', 'Pull complete', 'done'],
      ],
    );
    assert.equal(fractions[0], undefined, 'no layer yet after "Pulling from"');
    assert.equal(tracker.fraction, 1);
    assertNonDecreasing(fractions);
    assert.equal(tracker.digest, 'sha256:5a53a3d3eefd81fa15686396391cf65afd90d4493881c0723198933fa96a8a38');
    assert.equal(tracker.status, 'Status: Downloaded newer image for 127.0.0.1:5123/berth/busybox:e2e');
    assert.equal(tracker.error, undefined);
    assert.deepEqual(events[0], { kind: 'status', text: 'Pulling from berth/busybox e2e' });
    const phases = events.filter((e): e is Extract<RegistryEvent, { kind: 'layer' }> => e.kind === 'layer' && e.layer.id === 'a8fc7ca3ed7c').map((e) => e.layer.phase);
    assert.deepEqual([...new Set(phases)], ['waiting', 'downloading', 'verifying', 'extracting', 'done']);
  });

  it('keeps byte counts of the current phase and weighs layers by size', () => {
    const { tracker } = feed(PULL.slice(0, 5));
    const [big, small] = tracker.layers;
    assert.deepEqual(big, { id: 'a8fc7ca3ed7c', status: 'Downloading', phase: 'downloading', current: 32768, total: 1064337 });
    assert.deepEqual(small, { id: '775c97ac6d0f', status: 'Downloading', phase: 'downloading', current: 3394, total: 3394 });
    // Half of the small layer's share (download done, extraction not started) and a sliver of the big one.
    const expected = (1064337 * 0.5 * (32768 / 1064337) + 3394 * 0.5) / (1064337 + 3394);
    assert.ok(Math.abs((tracker.fraction ?? -1) - expected) < 1e-9);
    // "Verifying Checksum" carries no counts: the download's counts do not leak into the next phase.
    tracker.line(PULL[5] ?? '');
    assert.equal(tracker.layers[1]?.current, undefined);
    assert.equal(tracker.layers[1]?.phase, 'verifying');
  });

  it('counts layers that already exist as done', () => {
    const { tracker } = feed(PULL_SHARED);
    assert.deepEqual(
      tracker.layers.map((l) => l.phase),
      ['done', 'downloading'],
    );
    assert.equal(describeLayers(tracker.layers, formatMessage), '2 layers: 1 done, 1 downloading 25%');
  });

  it('follows each layer of a push to "Pushed" and takes the digest from the aux record', () => {
    const { tracker, events, fractions } = feed(PUSH);
    assert.deepEqual(
      tracker.layers.map((l) => [l.id, l.status]),
      [
        ['2550f1fdb47d', 'Pushed'],
        ['010e85a75b1a', 'Pushed'],
      ],
    );
    assertNonDecreasing(fractions);
    assert.equal(tracker.fraction, 1);
    const last = events.at(-1);
    assert.deepEqual(last, { kind: 'digest', digest: 'sha256:5a53a3d3eefd81fa15686396391cf65afd90d4493881c0723198933fa96a8a38', tag: 'e2e', size: 736 });
    assert.equal(tracker.status, 'The push refers to repository [127.0.0.1:5123/berth/busybox]');
  });

  it('caps a layer whose uploaded bytes exceed its announced size', () => {
    const { tracker } = feed(PUSH.slice(0, 6));
    const small = tracker.layers.find((l) => l.id === '2550f1fdb47d');
    assert.equal(small?.current, 138752);
    assert.ok((tracker.fraction ?? 2) <= 1);
    assert.equal(describeLayers(tracker.layers, formatMessage), '2 layers: 2 pushing 1%');
  });

  it('records the first error line and reports it as an event', () => {
    const { tracker, events } = feed(PUSH_UNAUTHORIZED);
    assert.equal(tracker.error, 'unauthorized: authentication required');
    assert.deepEqual(events.at(-1), { kind: 'error', message: 'unauthorized: authentication required' });
    tracker.line('{"error":"later"}');
    assert.equal(tracker.error, 'unauthorized: authentication required');
    // An error with only the short field still counts.
    const other = new ProgressTracker();
    other.line('{"error":"tag does not exist: x"}');
    assert.equal(other.error, 'tag does not exist: x');
  });

  it('tolerates lines that are not progress records', () => {
    const tracker = new ProgressTracker();
    assert.deepEqual(tracker.line('not json'), { kind: 'status', text: 'not json' });
    assert.equal(tracker.line('   '), undefined);
    assert.equal(tracker.line('42'), undefined);
    assert.equal(tracker.line('null'), undefined);
    assert.equal(tracker.line('{"progressDetail":{}}'), undefined);
    assert.equal(tracker.push({ status: 'Downloading', id: 'abcdefabcdef', progressDetail: { current: -1, total: 'x' } })?.kind, 'layer');
    assert.deepEqual(tracker.layers, [{ id: 'abcdefabcdef', status: 'Downloading', phase: 'downloading' }]);
    assert.equal(tracker.fraction, 0);
  });

  it('hands out copies, so a consumer cannot change its table', () => {
    const { tracker } = feed(PULL.slice(0, 4));
    const layers = tracker.layers;
    (layers[0] as LayerProgress).status = 'tampered';
    assert.equal(tracker.layers[0]?.status, 'Downloading');
  });
});

describe('describeLayers', () => {
  const t = formatMessage;
  const layer = (id: string, phase: LayerProgress['phase'], current?: number, total?: number): LayerProgress => ({ id, status: phase, phase, ...(current === undefined ? {} : { current }), ...(total === undefined ? {} : { total }) });

  it('summarises the table as a notification line', () => {
    assert.equal(describeLayers([layer('a', 'done'), layer('b', 'done'), layer('c', 'downloading', 45, 100)], t), '3 layers: 2 done, 1 downloading 45%');
    assert.equal(describeLayers([layer('a', 'waiting')], t), '1 layer: 1 waiting');
    assert.equal(describeLayers([layer('a', 'extracting', 1, 4), layer('b', 'verifying'), layer('c', 'downloading')], t), '3 layers: 1 downloading, 1 downloaded, 1 extracting 25%');
    assert.equal(describeLayers([], t), '');
  });

  it('goes through the translation function', () => {
    const upper = (m: string, ...a: Array<string | number | boolean>): string => formatMessage(m.toUpperCase(), ...a);
    assert.equal(describeLayers([layer('a', 'done'), layer('b', 'pushing', 1, 2)], upper), '2 LAYERS: 1 DONE, 1 PUSHING 50%');
  });
});

describe('registryOf and references', () => {
  it('names the registry as Docker does', () => {
    assert.equal(registryOf('busybox'), 'docker.io');
    assert.equal(registryOf('busybox:1.36'), 'docker.io');
    assert.equal(registryOf('library/busybox'), 'docker.io');
    assert.equal(registryOf('team/app:1'), 'docker.io');
    assert.equal(registryOf('localhost:5000/x'), 'localhost:5000');
    assert.equal(registryOf('localhost/x'), 'localhost');
    assert.equal(registryOf('127.0.0.1:5123/berth/busybox:e2e'), '127.0.0.1:5123');
    assert.equal(registryOf('ghcr.io/owner/app@sha256:abc'), 'ghcr.io');
    assert.equal(registryOf('index.docker.io/library/busybox'), 'docker.io');
    assert.equal(registryOf('Registry.Example.com/app'), 'registry.example.com');
    assert.equal(registryOf(' quay.io/x '), 'quay.io');
  });

  it('normalizes hosts', () => {
    assert.equal(normalizeRegistryHost('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(normalizeRegistryHost('registry-1.docker.io'), 'docker.io');
    assert.equal(normalizeRegistryHost('LOCALHOST:5000'), 'localhost:5000');
  });

  it('splits references, defaulting to latest', () => {
    assert.deepEqual(parseReference('busybox'), { repository: 'busybox', tag: 'latest' });
    assert.deepEqual(parseReference('localhost:5000/x'), { repository: 'localhost:5000/x', tag: 'latest' });
    assert.deepEqual(parseReference('localhost:5000/x:1.0'), { repository: 'localhost:5000/x', tag: '1.0' });
    assert.deepEqual(parseReference('x@sha256:abc'), { repository: 'x', digest: 'sha256:abc' });
  });

  it('encodes X-Registry-Auth as padded base64url JSON with the server address', () => {
    const encoded = encodeRegistryAuth({ username: 'alice', password: 'p?>>~~' }, '127.0.0.1:5123');
    assert.match(encoded, /^[A-Za-z0-9_=-]+$/);
    const decoded = JSON.parse(Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as unknown;
    assert.deepEqual(decoded, { username: 'alice', password: 'p?>>~~', serveraddress: '127.0.0.1:5123' });
    assert.equal(encoded.length % 4, 0, 'padded');
  });
});

describe('registryFailureReason', () => {
  const cases: Array<[string, string]> = [
    ['unauthorized: authentication required', 'unauthorized'],
    ['Head "http://127.0.0.1:5123/v2/berth/busybox/manifests/e2e": no basic auth credentials', 'unauthorized'],
    ["pull access denied for nope, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", 'unauthorized'],
    ['denied: requested access to the resource is denied', 'unauthorized'],
    ['manifest for 127.0.0.1:5123/berth/busybox:nope not found: manifest unknown: manifest unknown', 'not-found'],
    ['tag does not exist: 127.0.0.1:5123/berth/busybox:zzz', 'not-found'],
    ['An image does not exist locally with the tag: x', 'not-found'],
    ['Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', 'unreachable'],
    ['Get "https://registry.example/v2/": dial tcp: lookup registry.example: no such host', 'unreachable'],
    ['Get "https://127.0.0.2:5000/v2/": http: server gave HTTP response to HTTPS client', 'tls'],
    ['Get "https://r.example/v2/": x509: certificate signed by unknown authority', 'tls'],
    ['something else entirely', 'other'],
  ];
  for (const [message, reason] of cases) {
    it(`${reason}: ${message.slice(0, 60)}`, () => assert.equal(registryFailureReason(message), reason));
  }
});

/** A stand-in engine on a unix socket: each test installs the handler it needs. */
describe('pullImage and pushImage against a stand-in engine', () => {
  let dir: string;
  let server: http.Server;
  let docker: Docker;
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end();
  const seen: Array<{ method: string; url: string; auth: string | undefined; body: string }> = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-reg-unit-'));
    const socketPath = join(dir, 's.sock');
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers['x-registry-auth'] as string | undefined, body }));
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    docker = new Docker({ socketPath });
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const streamLines = (lines: readonly string[], delayMs = 0) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let i = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (i >= lines.length) {
        res.end();
        return;
      }
      // Split each line in two writes, so records straddle chunks.
      const line = `${lines[i++] ?? ''}\r\n`;
      res.write(line.slice(0, 7));
      res.write(line.slice(7));
      if (delayMs > 0) setTimeout(next, delayMs);
      else next();
    };
    next();
  };

  it('pulls with fromImage and tag, sends credentials, and reports progress', async () => {
    handler = streamLines(PULL);
    const updates: RegistryProgress[] = [];
    const result = await pullImage(docker, '127.0.0.1:5123/berth/busybox:e2e', { auth: { username: 'alice', password: 's3cret' }, onProgress: (p) => updates.push(p) });
    const request = seen[0];
    assert.ok(request);
    assert.equal(request.method, 'POST');
    const url = new URL(request.url, 'http://x');
    assert.match(url.pathname, /\/images\/create$/);
    assert.equal(url.searchParams.get('fromImage'), '127.0.0.1:5123/berth/busybox');
    assert.equal(url.searchParams.get('tag'), 'e2e');
    assert.equal(request.body, '', 'no JSON body');
    assert.equal(request.auth, encodeRegistryAuth({ username: 'alice', password: 's3cret' }, '127.0.0.1:5123'));
    assert.equal(updates.length, PULL.length);
    assert.equal(updates.at(-1)?.fraction, 1);
    assert.equal(result.digest, 'sha256:5a53a3d3eefd81fa15686396391cf65afd90d4493881c0723198933fa96a8a38');
    assert.equal(result.reference, '127.0.0.1:5123/berth/busybox:e2e');
    assert.deepEqual(
      result.layers.map((l) => l.status),
      ['Pull complete', 'Pull complete'],
    );
  });

  it('pulls latest, not every tag, for a reference without one; no auth header without credentials', async () => {
    handler = streamLines(['{"status":"Status: Image is up to date for busybox:latest"}']);
    const result = await pullImage(docker, 'busybox');
    const url = new URL(seen[0]?.url ?? '', 'http://x');
    assert.equal(url.searchParams.get('fromImage'), 'busybox');
    assert.equal(url.searchParams.get('tag'), 'latest');
    assert.equal(seen[0]?.auth, undefined);
    assert.equal(result.status, 'Status: Image is up to date for busybox:latest');
  });

  it('pushes the repository in the path and the tag in the query', async () => {
    handler = streamLines(PUSH);
    const result = await pushImage(docker, '127.0.0.1:5123/berth/busybox:e2e', { auth: { username: 'alice', password: 's3cret' } });
    const url = new URL(seen[0]?.url ?? '', 'http://x');
    assert.match(url.pathname, /\/images\/127\.0\.0\.1:5123\/berth\/busybox\/push$/);
    assert.equal(url.searchParams.get('tag'), 'e2e');
    assert.equal(result.digest, 'sha256:5a53a3d3eefd81fa15686396391cf65afd90d4493881c0723198933fa96a8a38');
    // Without credentials a push still carries the header (empty credentials), which Docker 20.10 insists on.
    seen.length = 0;
    await pushImage(docker, '127.0.0.1:5123/berth/busybox:e2e');
    assert.equal(Buffer.from(seen[0]?.auth ?? '', 'base64').toString('utf8'), '{}');
    await assert.rejects(pushImage(docker, 'x@sha256:abc'), RegistryError);
    await assert.rejects(pushImage(docker, 'bad name?x'), RegistryError);
  });

  it('turns an error in the stream into a RegistryError with the reason', async () => {
    handler = streamLines(PUSH_UNAUTHORIZED);
    const updates: RegistryProgress[] = [];
    const error = await pushImage(docker, '127.0.0.1:5123/berth/busybox:e2e', { onProgress: (p) => updates.push(p) }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RegistryError);
    assert.equal(error.reason, 'unauthorized');
    assert.equal(error.kind, 'request-failed');
    assert.equal(error.engineMessage, 'unauthorized: authentication required');
    assert.equal(error.registry, '127.0.0.1:5123');
    assert.equal(error.statusCode, undefined);
    assert.equal(updates.at(-1)?.event.kind, 'error');
  });

  it('turns an HTTP refusal before the stream into a RegistryError with status and reason', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"message":"Head \\"http://127.0.0.1:5123/v2/berth/busybox/manifests/e2e\\": no basic auth credentials"}\n');
    };
    const unauthorized = await pullImage(docker, '127.0.0.1:5123/berth/busybox:e2e').catch((e: unknown) => e);
    assert.ok(unauthorized instanceof RegistryError);
    assert.equal(unauthorized.statusCode, 500);
    assert.equal(unauthorized.reason, 'unauthorized');
    assert.match(unauthorized.engineMessage, /no basic auth credentials$/);

    handler = (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"message":"manifest for 127.0.0.1:5123/berth/busybox:nope not found: manifest unknown: manifest unknown"}\n');
    };
    const missing = await pullImage(docker, '127.0.0.1:5123/berth/busybox:nope').catch((e: unknown) => e);
    assert.ok(missing instanceof RegistryError);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.reason, 'not-found');
  });

  it('times only the connection phase: no answer times out, a slow stream does not', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    const error = await pullImage(docker, 'busybox', { timeoutMs: 200 }).catch((e: unknown) => e);
    assert.ok(error instanceof EngineUnavailableError, String(error));
    assert.equal(error.reason, 'timeout');
    assert.ok(Date.now() - started < 5000);

    // Ten lines 60 ms apart: 600 ms of streaming, three times the connection timeout.
    handler = streamLines([...PULL.slice(0, 9), PULL.at(-1) ?? ''], 60);
    const result = await pullImage(docker, '127.0.0.1:5123/berth/busybox:e2e', { timeoutMs: 200 });
    assert.equal(result.status, 'Status: Downloaded newer image for 127.0.0.1:5123/berth/busybox:e2e');
  });

  it('cancels mid-stream: rejects with CancelledError and closes the request', async () => {
    let closed: Promise<void> = Promise.resolve();
    const lines = [...PULL.slice(0, 4), ...Array.from({ length: 200 }, () => PULL[3] ?? '')];
    handler = (req, res) => {
      closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
      streamLines(lines, 20)(req, res);
    };
    const controller = new AbortController();
    let updates = 0;
    const started = Date.now();
    const error = await pullImage(docker, 'busybox', {
      signal: controller.signal,
      timeoutMs: 200,
      onProgress: (p) => {
        updates++;
        if (p.event.kind === 'layer' && p.event.layer.phase === 'downloading') controller.abort();
      },
    }).catch((e: unknown) => e);
    assert.ok(error instanceof CancelledError, String(error));
    assert.ok(Date.now() - started < 2000, 'cancelled promptly');
    assert.equal(updates, 4, 'no progress after the abort');
    await closed; // the engine saw the connection close
  });

  it('rejects at once when already aborted, without a request', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(pullImage(docker, 'busybox', { signal: controller.signal }), CancelledError);
    await assert.rejects(pushImage(docker, 'x:1', { signal: controller.signal }), CancelledError);
    assert.equal(seen.length, 0);
  });

  it('reports a connection lost mid-stream as unavailable', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${PULL[0] ?? ''}\n${PULL[1] ?? ''}\n`);
      setTimeout(() => res.socket?.destroy(), 50);
    };
    const error = await pullImage(docker, 'busybox').catch((e: unknown) => e);
    assert.ok(error instanceof EngineUnavailableError, String(error));
    assert.equal(error.reason, 'connection-lost');
  });
});
