/**
 * dockerfile-language-service as Berth loads it (src/language/service.ts) and the Docker Hub tag
 * lookups that replace the library's own client (src/language/registryTags.ts). No test here reaches
 * the network: lookups go to fakes or to a local server that accepts connections and never answers.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { dockerHubRepository, httpsGetJson, isTagPosition, RegistryTags } from '../../src/language/registryTags';
import type { GetJson } from '../../src/language/registryTags';
import { LazyDockerfileService } from '../../src/language/service';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dockerfiles');

function fakeHub(tags: Record<string, string[]>): { getJson: GetJson; urls: string[] } {
  const urls: string[] = [];
  const getJson: GetJson = (url) => {
    urls.push(url.toString());
    if (url.hostname === 'auth.docker.io') return Promise.resolve({ token: 't' });
    const repository = /\/v2\/(.+)\/tags\/list$/.exec(url.pathname)?.[1] ?? '';
    const list = tags[repository];
    return list ? Promise.resolve({ name: repository, tags: list }) : Promise.reject(Object.assign(new Error('HTTP 404'), { statusCode: 404 }));
  };
  return { getJson, urls };
}

const never: GetJson = () => new Promise(() => undefined);

describe('language: Docker Hub tag lookups', () => {
  it('dockerHubRepository: official images get library/, other registries and variables get nothing', () => {
    assert.equal(dockerHubRepository('node'), 'library/node');
    assert.equal(dockerHubRepository('node:20'), 'library/node');
    assert.equal(dockerHubRepository('bitnami/redis:7'), 'bitnami/redis');
    assert.equal(dockerHubRepository('docker.io/library/node:2'), 'library/node');
    assert.equal(dockerHubRepository('ghcr.io/owner/app:1'), undefined);
    assert.equal(dockerHubRepository('localhost:5000/app:1'), undefined);
    assert.equal(dockerHubRepository('${BASE}:20'), undefined);
    assert.equal(dockerHubRepository('node@sha256:abc'), undefined);
    assert.equal(dockerHubRepository('Node'), undefined);
  });

  it('isTagPosition: after the tag colon only', () => {
    assert.equal(isTagPosition('node:2'), true);
    assert.equal(isTagPosition('localhost:5000/app'), false);
    assert.equal(isTagPosition('node'), false);
  });

  it('turned off: no request at all', async () => {
    const hub = fakeHub({ 'library/node': ['20'] });
    const tags = new RegistryTags({ enabled: () => false, getJson: hub.getJson });
    assert.deepEqual(await tags.getTags('node'), []);
    assert.deepEqual(hub.urls, []);
  });

  it('asks for a token, then the tags, and caches the answer', async () => {
    const hub = fakeHub({ 'library/node': ['18', '20'] });
    const tags = new RegistryTags({ enabled: () => true, getJson: hub.getJson });
    assert.deepEqual(await tags.getTags('node'), ['18', '20']);
    assert.deepEqual(await tags.getTags('node'), ['18', '20']);
    assert.equal(hub.urls.length, 2);
    assert.match(hub.urls[0] ?? '', /^https:\/\/auth\.docker\.io\/token\?service=registry\.docker\.io&scope=repository%3Alibrary%2Fnode%3Apull$/);
    assert.equal(hub.urls[1], 'https://registry-1.docker.io/v2/library/node/tags/list');
  });

  it('an image Docker Hub does not have is answered [] and remembered', async () => {
    const hub = fakeHub({});
    const tags = new RegistryTags({ enabled: () => true, getJson: hub.getJson });
    assert.deepEqual(await tags.getTags('nosuch/image'), []);
    assert.deepEqual(await tags.getTags('nosuch/image'), []);
    assert.equal(hub.urls.length, 2);
  });

  it('a silent network costs at most waitMs, and the lookup goes on to fill the cache', async () => {
    let answer: (value: unknown) => void = () => undefined;
    let calls = 0;
    const slow: GetJson = (url) => {
      calls++;
      if (url.hostname === 'auth.docker.io') return Promise.resolve({ token: 't' });
      return new Promise((resolve) => {
        answer = resolve;
      });
    };
    const tags = new RegistryTags({ enabled: () => true, getJson: slow, waitMs: 30 });
    const started = Date.now();
    assert.deepEqual(await tags.getTags('node'), []);
    assert.ok(Date.now() - started < 500);
    assert.equal(tags.pending, true);
    answer({ tags: ['20'] });
    await new Promise((r) => setImmediate(r));
    assert.equal(tags.pending, false);
    assert.deepEqual(await tags.getTags('node'), ['20']);
    assert.equal(calls, 2);
  });

  it('after a network failure it stops asking for a while', async () => {
    let now = 0;
    let calls = 0;
    const offline: GetJson = () => {
      calls++;
      return Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND auth.docker.io'), { code: 'ENOTFOUND' }));
    };
    const logged: string[] = [];
    const tags = new RegistryTags({ enabled: () => true, getJson: offline, now: () => now, backoffMs: 60_000, log: (m) => logged.push(m) });
    assert.deepEqual(await tags.getTags('node'), []);
    assert.deepEqual(await tags.getTags('alpine'), []);
    assert.equal(calls, 1);
    now = 61_000;
    assert.deepEqual(await tags.getTags('alpine'), []);
    assert.equal(calls, 2);
    assert.match(logged[0] ?? '', /ENOTFOUND/);
  });

  it('the lookup itself is aborted at timeoutMs', async () => {
    let signal: AbortSignal | undefined;
    const hanging: GetJson = (_url, _headers, s) => {
      signal = s;
      return never(_url, _headers, s);
    };
    const tags = new RegistryTags({ enabled: () => true, getJson: hanging, waitMs: 10, timeoutMs: 40 });
    assert.deepEqual(await tags.getTags('node'), []);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(signal?.aborted, true);
    tags.dispose();
  });

  describe('httpsGetJson against a server that accepts and never answers', () => {
    let server: Server;
    let port = 0;
    const sockets = new Set<Socket>();
    before(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        // Read (and ignore) the TLS hello, so that the client closing is seen here.
        socket.resume();
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });
    after(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('rejects promptly when the signal aborts, and closes the connection', async () => {
      const controller = new AbortController();
      const started = Date.now();
      const request = httpsGetJson(new URL(`https://127.0.0.1:${port}/token`), {}, controller.signal);
      setTimeout(() => controller.abort(new Error('timed out')), 50);
      await assert.rejects(request);
      assert.ok(Date.now() - started < 1000);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(sockets.size, 0);
    });

    it('through RegistryTags, a completion waits under a second and nothing is left open', async () => {
      const local: GetJson = (_url, headers, signal) => httpsGetJson(new URL(`https://127.0.0.1:${port}/`), headers, signal);
      const tags = new RegistryTags({ enabled: () => true, getJson: local, waitMs: 800, timeoutMs: 1500 });
      const started = Date.now();
      assert.deepEqual(await tags.getTags('node'), []);
      const waited = Date.now() - started;
      assert.ok(waited < 1000, `waited ${waited} ms`);
      await new Promise((r) => setTimeout(r, 900));
      assert.equal(tags.pending, false);
      assert.equal(sockets.size, 0);
    });
  });
});

describe('language: dockerfile-language-service loading', function () {
  this.timeout(20_000);

  it('is not loaded until a feature asks for it', async () => {
    const service = new LazyDockerfileService({ registry: { getTags: () => Promise.resolve([]) }, log: () => undefined });
    assert.equal(service.loaded, false);
    await service.get();
    assert.equal(service.loaded, true);
  });

  it('FROM tag completion goes through Berth’s lookup, which the setting turns off', async () => {
    let enabled = true;
    const hub = fakeHub({ 'library/node': ['18-alpine', '20', '20-alpine'] });
    const registry = new RegistryTags({ enabled: () => enabled, getJson: hub.getJson });
    const dls = await new LazyDockerfileService({ registry, log: () => undefined }).get();
    const labels = async (text: string) => (await dls.computeCompletionItems(text, { line: 0, character: text.length })).map((i) => i.label);
    assert.deepEqual(await labels('FROM node:2'), ['20', '20-alpine']);
    enabled = false;
    assert.deepEqual(await labels('FROM alpine:'), []);
    assert.equal(hub.urls.some((u) => u.includes('alpine')), false);
  });

  it('semantic tokens: the linear builder gives exactly the library’s tokens', async () => {
    const service = new LazyDockerfileService({ registry: { getTags: () => Promise.resolve([]) }, log: () => undefined });
    const dls = await service.get();
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('Dockerfile'));
    assert.ok(files.length > 5);
    for (const file of files) {
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      assert.deepEqual((await service.semanticTokens(text)).data, dls.computeSemanticTokens(text).data, file);
    }
  });

  it('semantic tokens grow about linearly: 3,000 lines well within the time the quadratic original needs', async () => {
    // The library's own builder took 13.5 s for 4,000 lines here; the linear one about 1 s.
    const service = new LazyDockerfileService({ registry: { getTags: () => Promise.resolve([]) }, log: () => undefined });
    const unit = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('Dockerfile'))
      .map((f) => readFileSync(join(FIXTURES, f), 'utf8'))
      .join('\n');
    let text = '';
    while (text.split('\n').length < 3000) text += `${unit}\n`;
    await service.semanticTokens('FROM a\n');
    const started = Date.now();
    const tokens = await service.semanticTokens(text);
    const elapsed = Date.now() - started;
    assert.ok(tokens.data.length > 10_000);
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
  });
});
