/**
 * Pull and push on the private dockerd against a local registry (Debian's docker-registry on
 * 127.0.0.1, htpasswd auth over plain HTTP, which the engine allows for 127.0.0.0/8). The images
 * are made here, FROM scratch with random content, so they share no layer with the busybox test
 * image and can be deleted entirely to see real downloads.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { CancelledError } from '../../src/engine/errors';
import { RegistryError, pullImage, pushImage } from '../../src/engine/registry';
import type { LayerProgress, RegistryAuth, RegistryCallOptions, RegistryEvent, RegistryProgress, RegistryResult } from '../../src/engine/registry';
import type { LocalRegistry } from '../harness/registry';
import { registryUnavailableReason, startLocalRegistry } from '../harness/registry';
import { privateDockerd } from './hooks';

const ci = ['true', '1'].includes(String(process.env.CI).toLowerCase());

async function build(docker: Docker, tag: string, dockerfile: string, files: Record<string, string | Buffer>): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'berth-reg-img-'));
  try {
    writeFileSync(join(context, 'Dockerfile'), dockerfile);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(context, name), content);
    const stream = await docker.buildImage({ context, src: ['Dockerfile', ...Object.keys(files)] }, { t: tag, rm: true, forcerm: true });
    const output = await new Promise<Array<{ error?: string }>>((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string }>) => (err ? reject(err) : resolve(res)));
    });
    const failure = output.find((o) => o.error);
    if (failure) throw new Error(`Building ${tag} failed: ${failure.error ?? ''}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

async function removeIfPresent(docker: Docker, ref: string): Promise<void> {
  if (await imageExists(docker, ref)) await docker.getImage(ref).remove({ force: true });
}

/** Runs a pull or push and keeps every progress update. */
async function recorded(run: (o: RegistryCallOptions) => Promise<RegistryResult>, options: RegistryCallOptions = {}): Promise<{ result: RegistryResult; updates: RegistryProgress[] }> {
  const updates: RegistryProgress[] = [];
  const result = await run({ ...options, onProgress: (p) => updates.push(p) });
  return { result, updates };
}

/** Every status each layer went through, in order, without repeats. */
function historyByLayer(updates: readonly RegistryProgress[]): Map<string, string[]> {
  const history = new Map<string, string[]>();
  for (const { event } of updates) {
    if (event.kind !== 'layer') continue;
    const list = history.get(event.layer.id) ?? [];
    if (list.at(-1) !== event.layer.status) list.push(event.layer.status);
    history.set(event.layer.id, list);
  }
  return history;
}

function layerEvents(updates: readonly RegistryProgress[]): LayerProgress[] {
  return updates.map((u) => u.event).filter((e): e is Extract<RegistryEvent, { kind: 'layer' }> => e.kind === 'layer').map((e) => e.layer);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('registry: pull and push against a local registry', function () {
  this.timeout(120_000);
  let registry: LocalRegistry | undefined;
  let docker: Docker;
  let auth: RegistryAuth;
  const nonce = randomBytes(4).toString('hex');
  const localA = `berth-test/registry-a:${nonce}`;
  const localB = `berth-test/registry-b:${nonce}`;
  let refA = '';
  let refB = '';
  let pushedDigestA = '';

  before(async function () {
    const reason = registryUnavailableReason({ auth: true });
    if (reason) {
      if (ci) throw new Error(reason);
      this.skip();
    }
    docker = privateDockerd().docker;
    auth = { username: 'berth', password: randomBytes(9).toString('base64url') };
    registry = await startLocalRegistry({ auth });
    refA = `${registry.host}/berth/busybox:e2e`;
    refB = `${registry.host}/berth/child:e2e`;
    // Two layers of our own: 3 MB of noise (downloaded in many chunks) and a small marker.
    await build(docker, localA, ['FROM scratch', 'COPY blob nonce /opt/berth/', 'COPY marker /etc/berth-marker', ''].join('\n'), {
      blob: randomBytes(3 * 1024 * 1024),
      nonce,
      marker: `a ${nonce}\n`,
    });
    await build(docker, localB, [`FROM ${localA}`, 'COPY child /etc/berth-child', ''].join('\n'), { child: `b ${nonce}\n` });
    await docker.getImage(localA).tag({ repo: refA.replace(/:e2e$/, ''), tag: 'e2e' });
    await docker.getImage(localB).tag({ repo: refB.replace(/:e2e$/, ''), tag: 'e2e' });
  });

  after(async () => {
    if (docker) for (const ref of [refB, localB, refA, localA]) if (ref) await removeIfPresent(docker, ref).catch(() => undefined);
    await registry?.stop();
  });

  it('refuses a push without credentials as unauthorized', async () => {
    const error = await rejection(pushImage(docker, refA));
    assert.ok(error instanceof RegistryError, String(error));
    assert.equal(error.reason, 'unauthorized');
    assert.equal(error.registry, registry?.host);
    assert.match(error.engineMessage, /no basic auth credentials|unauthorized/);
  });

  it('refuses a wrong password as unauthorized, on push and on pull', async () => {
    const wrong = { ...auth, password: `${auth.password}x` };
    const push = await rejection(pushImage(docker, refA, { auth: wrong }));
    assert.ok(push instanceof RegistryError, String(push));
    assert.equal(push.reason, 'unauthorized');
    const pull = await rejection(pullImage(docker, refA, { auth: wrong }));
    assert.ok(pull instanceof RegistryError, String(pull));
    assert.equal(pull.reason, 'unauthorized');
    assert.equal(pull.statusCode, 500, 'a pull is refused before its stream starts');
  });

  it('pushes with credentials: every layer reaches Pushed', async () => {
    const { result, updates } = await recorded((o) => pushImage(docker, refA, o), { auth });
    const history = historyByLayer(updates);
    assert.equal(history.size, 2, `layers: ${[...history.keys()].join(', ')}`);
    for (const [id, statuses] of history) {
      assert.equal(statuses.at(-1), 'Pushed', `${id}: ${statuses.join(' → ')}`);
      assert.ok(statuses.includes('Preparing'), `${id}: ${statuses.join(' → ')}`);
    }
    const uploads = layerEvents(updates).filter((l) => l.phase === 'pushing' && l.total !== undefined && l.current !== undefined);
    assert.ok(uploads.length > 0, 'byte counts while pushing');
    assert.equal(updates.at(-1)?.fraction, 1);
    assert.ok(result.layers.every((l) => l.phase === 'done'));
    assert.match(result.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    pushedDigestA = result.digest ?? '';
  });

  it('pulls it back after the local tag is removed', async () => {
    await docker.getImage(refA).remove();
    assert.equal(await imageExists(docker, refA), false);
    const { result } = await recorded((o) => pullImage(docker, refA, o), { auth });
    assert.match(result.status ?? '', /Status: (Downloaded newer image|Image is up to date) for /);
    assert.equal(result.digest, pushedDigestA);
    assert.ok(result.layers.every((l) => l.phase === 'done'), JSON.stringify(result.layers));
    assert.equal(await imageExists(docker, refA), true);
  });

  it('downloads and extracts every layer once the image is deleted entirely', async () => {
    await removeIfPresent(docker, refB);
    await removeIfPresent(docker, localB);
    await docker.getImage(refA).remove();
    await docker.getImage(localA).remove();
    assert.equal(await imageExists(docker, refA), false);
    const { result, updates } = await recorded((o) => pullImage(docker, refA, o), { auth });
    const history = historyByLayer(updates);
    assert.equal(history.size, 2);
    for (const [id, statuses] of history) {
      const path = statuses.join(' → ');
      assert.equal(statuses.at(-1), 'Pull complete', `${id}: ${path}`);
      assert.ok(statuses.includes('Downloading') || statuses.includes('Download complete'), `${id}: ${path}`);
      assert.ok(statuses.includes('Extracting'), `${id}: ${path}`);
    }
    // Over loopback a 3 MB download may be reported once; its extraction comes in steps.
    const big = layerEvents(updates).filter((l) => (l.total ?? 0) > 1024 * 1024);
    assert.ok(big.some((l) => l.phase === 'downloading' && l.current !== undefined), 'the big layer reports download bytes');
    assert.ok(big.filter((l) => l.phase === 'extracting').length > 1, 'the big layer reports its extraction in steps');
    const fractions = updates.map((u) => u.fraction).filter((f): f is number => f !== undefined);
    assert.ok(fractions.some((f) => f > 0 && f < 1), 'an overall fraction between 0 and 1 on the way');
    assert.equal(fractions.at(-1), 1);
    assert.equal(result.digest, pushedDigestA);
    assert.match(result.status ?? '', /Downloaded newer image/);
    assert.equal(await imageExists(docker, refA), true);
  });

  it('shares layers: a child push finds its base in the registry, its pull finds it locally', async () => {
    // Rebuild the child on the pulled base (its build tag went with the delete above).
    await build(docker, localB, [`FROM ${refA}`, 'COPY child /etc/berth-child', ''].join('\n'), { child: `b ${nonce}\n` });
    await docker.getImage(localB).tag({ repo: refB.replace(/:e2e$/, ''), tag: 'e2e' });
    const pushed = await recorded((o) => pushImage(docker, refB, o), { auth });
    const pushHistory = [...historyByLayer(pushed.updates).values()].map((s) => s.at(-1) ?? '');
    assert.equal(pushHistory.length, 3);
    assert.equal(pushHistory.filter((s) => s === 'Pushed').length, 1, pushHistory.join(', '));
    assert.equal(pushHistory.filter((s) => s === 'Layer already exists' || s.startsWith('Mounted from')).length, 2, pushHistory.join(', '));

    await docker.getImage(refB).remove();
    await docker.getImage(localB).remove();
    const pulled = await recorded((o) => pullImage(docker, refB, o), { auth });
    const pullHistory = [...historyByLayer(pulled.updates).values()].map((s) => s.at(-1) ?? '');
    assert.deepEqual(pullHistory.sort(), ['Already exists', 'Already exists', 'Pull complete']);
    assert.equal(pulled.updates.at(-1)?.fraction, 1);
  });

  it('ends quietly when a pull is cancelled mid-way, and the engine pulls fine afterwards', async () => {
    await removeIfPresent(docker, refB);
    await removeIfPresent(docker, refA);
    assert.equal(await imageExists(docker, refA), false);
    const controller = new AbortController();
    let afterAbort = 0;
    const seen: string[] = [];
    const started = Date.now();
    const error = await rejection(
      pullImage(docker, refA, {
        auth,
        signal: controller.signal,
        onProgress: ({ event }) => {
          if (controller.signal.aborted) afterAbort++;
          if (event.kind !== 'layer') return;
          seen.push(`${event.layer.id} ${event.layer.status}`);
          // Mid-way: the engine has started downloading, nothing is extracted yet.
          if (event.layer.phase === 'downloading') controller.abort();
        },
      }),
    );
    assert.ok(error instanceof CancelledError, String(error));
    assert.equal(afterAbort, 0, 'no progress after the abort');
    assert.ok(Date.now() - started < 10_000);
    assert.ok(seen.length > 0);
    // The engine is healthy and the same pull completes.
    await docker.ping();
    const again = await pullImage(docker, refA, { auth });
    assert.equal(again.digest, pushedDigestA);
    assert.equal(await imageExists(docker, refA), true);
  });

  it('reports a missing tag as not-found', async () => {
    const error = await rejection(pullImage(docker, `${registry?.host ?? ''}/berth/busybox:nope-${nonce}`, { auth }));
    assert.ok(error instanceof RegistryError, String(error));
    assert.equal(error.reason, 'not-found');
    assert.equal(error.statusCode, 404);
    const push = await rejection(pushImage(docker, `${registry?.host ?? ''}/berth/absent:${nonce}`, { auth }));
    assert.ok(push instanceof RegistryError, String(push));
    assert.equal(push.reason, 'not-found');
  });

  it('reports a registry nobody listens on as unreachable', async () => {
    const port = await closedPort();
    const error = await rejection(pullImage(docker, `127.0.0.1:${port}/berth/x:1`, { timeoutMs: 30_000 }));
    assert.ok(error instanceof RegistryError, String(error));
    assert.equal(error.reason, 'unreachable');
    assert.equal(error.registry, `127.0.0.1:${port}`);
  });
});
