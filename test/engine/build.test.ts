/**
 * Building images on the private dockerd through `buildImage`: what the context carries
 * (.dockerignore with a negation inside an excluded folder), build args, target stages, labels,
 * a failing step, a Dockerfile outside the context, cancellation (the engine stops the build and
 * removes its container) and the connection-only timeout. There is no registry: every Dockerfile
 * starts FROM the busybox test image, and every RUN step runs with network mode none.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import type { BuildEvent, BuildRequest } from '../../src/engine/build';
import { buildImage, failingInstructionLine } from '../../src/engine/build';
import { CancelledError, EngineUnavailableError } from '../../src/engine/errors';
import { TEST_IMAGE } from '../harness/dockerd';
import { entriesOf } from '../harness/tar';
import { privateDockerd } from './hooks';

function unique(prefix: string): string {
  return `berth-test-${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Polls `condition` every 100 ms; rejects with `message` after `ms`. */
async function waitFor(condition: () => boolean | Promise<boolean>, ms: number, message: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Writes `files` (path -> content) under a new temp folder and returns it. */
function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-build-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** The entry names (and file contents) of a tar stream. */
async function tarEntries(stream: Readable): Promise<Map<string, string>> {
  return new Map((await entriesOf(stream)).map((e) => [e.name, e.content]));
}

describe('build on a private dockerd', function () {
  this.timeout(120_000);
  let docker: Docker;
  const folders: string[] = [];
  const tags: string[] = [];
  const containers: Docker.Container[] = [];

  function request(contextDir: string, extra: Partial<BuildRequest> = {}): BuildRequest {
    const tag = `${unique('img')}:latest`;
    tags.push(tag);
    return { contextDir, dockerfile: 'Dockerfile', tags: [tag], buildArgs: {}, noCache: false, networkMode: 'none', ...extra };
  }

  /** The files under `dir` in `image`, read with the archive API from a created (never started) container. */
  async function filesIn(image: string, dir: string): Promise<Map<string, string>> {
    const container = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: { 'berth.test': '1' }, HostConfig: { NetworkMode: 'none' } });
    containers.push(container);
    return tarEntries((await container.getArchive({ path: dir })) as unknown as Readable);
  }

  async function containerIds(): Promise<Set<string>> {
    return new Set((await docker.listContainers({ all: true })).map((c) => c.Id));
  }

  before(() => {
    docker = privateDockerd().docker;
  });

  afterEach(async () => {
    for (const c of containers.splice(0)) await c.remove({ force: true }).catch(() => undefined);
  });

  after(async () => {
    for (const tag of tags) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  it('sends what .dockerignore lets through: an ignored secret is absent, a negated file inside an ignored folder is present', async () => {
    const context = folder({
      Dockerfile: `FROM ${TEST_IMAGE}\nCOPY . /ctx/\n`,
      '.dockerignore': '# secrets stay home\nsecret.txt\nkeep\n!keep/important.txt\n',
      'secret.txt': 'top secret',
      'keep/important.txt': 'important',
      'keep/other.txt': 'other',
      'app/main.sh': 'echo hi',
    });
    folders.push(context);
    const events: BuildEvent[] = [];
    const req = request(context);
    const result = await buildImage(docker, req, { timeoutMs: 10_000, onEvent: (e) => events.push(e) });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.match(result.imageId ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(
      events.filter((e) => e.kind === 'step'),
      [
        { kind: 'step', step: 1, total: 2, instruction: `FROM ${TEST_IMAGE}` },
        { kind: 'step', step: 2, total: 2, instruction: 'COPY . /ctx/' },
      ],
    );
    assert.ok(events.some((e) => e.kind === 'imageId' && e.id === result.imageId));
    assert.ok(events.some((e) => e.kind === 'output' && e.text.includes('Successfully tagged')));

    const files = await filesIn(req.tags[0] ?? '', '/ctx');
    assert.equal(files.get('ctx/keep/important.txt'), 'important', `entries: ${[...files.keys()].join(', ')}`);
    assert.equal(files.get('ctx/app/main.sh'), 'echo hi');
    assert.ok(!files.has('ctx/secret.txt'), 'the ignored secret must not reach the image');
    assert.ok(!files.has('ctx/keep/other.txt'), 'the rest of the ignored folder must not reach the image');
  });

  it('applies build args, labels and the target stage', async () => {
    const context = folder({
      Dockerfile: [
        `FROM ${TEST_IMAGE} AS base`,
        'ARG GREETING=default',
        'RUN echo "$GREETING" > /greeting',
        '',
        'FROM base AS final',
        'RUN echo final > /final',
        '',
      ].join('\n'),
    });
    folders.push(context);
    const req = request(context, { buildArgs: { GREETING: 'hello from berth' }, target: 'base', labels: { 'org.example.berth': 'yes' } });
    const steps: string[] = [];
    const result = await buildImage(docker, req, { timeoutMs: 10_000, onEvent: (e) => e.kind === 'step' && steps.push(`${e.step}/${e.total} ${e.instruction}`) });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    // The classic builder stops after the target stage and adds the labels as a last LABEL step.
    assert.deepEqual(steps, [`1/4 FROM ${TEST_IMAGE} AS base`, '2/4 ARG GREETING=default', '3/4 RUN echo "$GREETING" > /greeting', '4/4 LABEL org.example.berth=yes']);
    const root = await filesIn(req.tags[0] ?? '', '/greeting');
    assert.equal(root.get('greeting'), 'hello from berth\n');
    const container = await docker.createContainer({ Image: req.tags[0], Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    containers.push(container);
    await assert.rejects(container.getArchive({ path: '/final' }), /404|no such file/i, 'the stage after the target must not run');
    const inspected = await docker.getImage(req.tags[0] ?? '').inspect();
    assert.equal(inspected.Config.Labels?.['org.example.berth'], 'yes');
  });

  it('reports a failing RUN with its step and instruction, and leaves no build container behind', async () => {
    const dockerfile = ['# syntax is ignored by the classic builder', `FROM ${TEST_IMAGE}`, '', 'RUN echo ok', '# the next step fails', 'RUN exit 3', 'RUN echo never', ''].join('\n');
    const context = folder({ Dockerfile: dockerfile });
    folders.push(context);
    const before = await containerIds();
    const events: BuildEvent[] = [];
    const result = await buildImage(docker, request(context, { noCache: true }), { onEvent: (e) => events.push(e) });
    assert.equal(result.imageId, undefined);
    assert.ok(result.error);
    assert.match(result.error.message, /returned a non-zero code: 3/);
    assert.equal(result.error.step, 3);
    assert.equal(result.error.instruction, 'RUN exit 3');
    assert.equal(failingInstructionLine(dockerfile, result.error.step), 5);
    assert.ok(events.some((e) => e.kind === 'error' && /non-zero code: 3/.test(e.message)));
    assert.ok(events.some((e) => e.kind === 'output' && e.text.includes('ok')));
    const after = await containerIds();
    assert.deepEqual([...after].filter((id) => !before.has(id)), [], 'the failed step container is removed');
  });

  it('reports a Dockerfile the engine cannot parse, with its line', async () => {
    const context = folder({ Dockerfile: `FROM ${TEST_IMAGE}\nNOTANINSTRUCTION x\n` });
    folders.push(context);
    const events: BuildEvent[] = [];
    const result = await buildImage(docker, request(context), { timeoutMs: 10_000, onEvent: (e) => events.push(e) });
    assert.ok(result.error, 'a parse error is a build failure');
    assert.match(result.error.message, /unknown instruction/i);
    assert.equal(result.error.line, 2);
    assert.ok(events.some((e) => e.kind === 'error'));
  });

  it('builds with a Dockerfile outside the context, which does not end up in the image', async () => {
    const context = folder({ 'a.txt': 'a' });
    const elsewhere = folder({ 'build.Dockerfile': `FROM ${TEST_IMAGE}\nCOPY . /ctx/\n` });
    folders.push(context, elsewhere);
    const req = request(context, { dockerfile: join(elsewhere, 'build.Dockerfile') });
    const result = await buildImage(docker, req, { timeoutMs: 10_000, onEvent: () => undefined });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    const files = await filesIn(req.tags[0] ?? '', '/ctx');
    assert.deepEqual([...files.keys()].filter((n) => !n.endsWith('/')), ['ctx/a.txt']);
  });

  it('fails with the reason when the context cannot be made (a bad .dockerignore pattern)', async () => {
    const context = folder({ Dockerfile: `FROM ${TEST_IMAGE}\n`, '.dockerignore': 'ok\n[unclosed\n' });
    folders.push(context);
    const result = await buildImage(docker, request(context), { timeoutMs: 10_000, onEvent: () => undefined });
    assert.ok(result.error);
    assert.match(result.error.message, /build context could not be sent.*\.dockerignore line 2/);
  });

  it('times only the connection: a build longer than timeoutMs completes', async () => {
    const context = folder({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN sleep 2\n` });
    folders.push(context);
    const started = Date.now();
    const result = await buildImage(docker, request(context, { noCache: true }), { timeoutMs: 1_000, onEvent: () => undefined });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.ok(Date.now() - started >= 2_000);
    assert.ok(result.imageId);
  });

  it('times only the connection: uploading a context longer than timeoutMs completes', async () => {
    const context = folder({ Dockerfile: `FROM ${TEST_IMAGE}\nCOPY small.txt /\n`, 'small.txt': 'small' });
    folders.push(context);
    // 96 MB of incompressible data: the engine answers only after it has received and unpacked all of it.
    const block = randomBytes(1024 * 1024);
    for (let i = 0; i < 3; i++) writeFileSync(join(context, `big-${i}.bin`), Buffer.concat(Array.from({ length: 32 }, () => block)));
    const started = Date.now();
    const result = await buildImage(docker, request(context), { timeoutMs: 500, onEvent: () => undefined });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.ok(result.imageId);
    assert.ok(Date.now() - started > 500, `the upload took ${Date.now() - started} ms, too quick to show anything`);
  });

  it('times out when the engine accepts the connection but never answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-mute-'));
    folders.push(dir);
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => {
      sockets.push(s);
      s.resume();
    });
    await new Promise<void>((r) => server.listen(join(dir, 'mute.sock'), r));
    try {
      const mute = new Docker({ socketPath: join(dir, 'mute.sock') });
      const context = folder({ Dockerfile: `FROM ${TEST_IMAGE}\n` });
      folders.push(context);
      const started = Date.now();
      await assert.rejects(
        buildImage(mute, request(context), { timeoutMs: 500, onEvent: () => undefined }),
        (e: unknown) => e instanceof EngineUnavailableError && e.reason === 'timeout',
      );
      assert.ok(Date.now() - started < 5_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('cancel stops the build on the engine: no image, and the build container goes away', async () => {
    const context = folder({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN sleep 30\nRUN echo after\n` });
    folders.push(context);
    const before = await containerIds();
    const req = request(context, { noCache: true });
    const controller = new AbortController();
    let sleepStep = false;
    const started = Date.now();
    const building = buildImage(docker, req, { signal: controller.signal, onEvent: (e) => e.kind === 'step' && e.instruction === 'RUN sleep 30' && (sleepStep = true) });
    building.catch(() => undefined);
    // Cancel once the step's container is running, so the engine has something to stop.
    let buildContainer = '';
    await waitFor(
      async () => {
        if (!sleepStep) return false;
        const running = (await docker.listContainers()).filter((c) => !before.has(c.Id));
        buildContainer = running[0]?.Id ?? '';
        return buildContainer !== '';
      },
      30_000,
      () => 'the RUN sleep 30 step never started',
    );
    controller.abort();
    await assert.rejects(building, (e: unknown) => e instanceof CancelledError);
    await waitFor(async () => !(await containerIds()).has(buildContainer), 20_000, () => `build container ${buildContainer.slice(0, 12)} is still there`);
    assert.ok(Date.now() - started < 30_000, 'the build stopped before the sleep would have ended');
    const left = [...(await containerIds())].filter((id) => !before.has(id));
    assert.deepEqual(left, []);
    await assert.rejects(docker.getImage(req.tags[0] ?? '').inspect(), /404|no such image/i);
  });

  it('a signal aborted before the call throws CancelledError without contacting the engine', async () => {
    const controller = new AbortController();
    controller.abort();
    const context = folder({ Dockerfile: `FROM ${TEST_IMAGE}\n` });
    folders.push(context);
    await assert.rejects(buildImage(docker, request(context), { signal: controller.signal, onEvent: () => undefined }), CancelledError);
    assert.ok(readFileSync(join(context, 'Dockerfile'), 'utf8').startsWith('FROM'));
  });
});
