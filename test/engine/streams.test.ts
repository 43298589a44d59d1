/**
 * Logs, stats, image history and container changes against the private dockerd. Every container
 * runs with network mode none and is removed after its test.
 */
import * as assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import type Docker from 'dockerode';
import type { ContainerEngine, LogChunk, LogStreamName, StatsSample } from '../../src/engine/ContainerEngine';
import { CancelledError, RequestFailedError, connectEngine, resolveEngineConnection } from '../../src/engine';
import { BUSYBOX, TEST_IMAGE, runBusybox } from '../harness/dockerd';
import { withTimeout } from '../harness/time';
import { privateDockerd } from './hooks';

async function engineAt(host: string, timeoutMs = 10_000): Promise<ContainerEngine> {
  const resolution = resolveEngineConnection(host, {});
  assert.ok(resolution.ok, `address ${host} should resolve`);
  return connectEngine(resolution, timeoutMs, {});
}

function unique(prefix: string): string {
  return `berth-test-${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function textOf(chunks: readonly LogChunk[], stream: LogStreamName): string {
  return chunks
    .filter((c) => c.stream === stream)
    .map((c) => c.text)
    .join('');
}

/** Polls `condition` every 50 ms; rejects with `message` after `ms`. */
async function waitFor(condition: () => boolean | Promise<boolean>, ms: number, message: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An RFC 3339 nano timestamp as seconds since the epoch, without losing the nanoseconds to Date. */
function epochSeconds(timestamp: string): number {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(timestamp);
  assert.ok(match, `an RFC 3339 UTC timestamp: ${timestamp}`);
  return Date.parse(`${match[1] ?? ''}Z`) / 1000 + Number(`0${match[2] ?? ''}`);
}

const TIMESTAMPED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) (.*)$/;

describe('engine streams on a private dockerd', function () {
  this.timeout(60_000);
  let engine: ContainerEngine;
  let docker: Docker;
  const created: Docker.Container[] = [];

  /** A busybox container (network none) that afterEach removes. */
  async function busybox(prefix: string, cmd: string[], options: Parameters<typeof runBusybox>[3] = {}): Promise<Docker.Container> {
    const container = await runBusybox(docker, unique(prefix), cmd, options);
    created.push(container);
    return container;
  }

  /** A started busybox container with a TTY (runBusybox has no Tty option). */
  async function ttyBusybox(cmd: string[]): Promise<Docker.Container> {
    const container = await docker.createContainer({ name: unique('tty'), Image: TEST_IMAGE, Cmd: cmd, Tty: true, Labels: { 'berth.test': '1' }, HostConfig: { NetworkMode: 'none' } });
    created.push(container);
    await container.start();
    return container;
  }

  before(async () => {
    docker = privateDockerd().docker;
    engine = await engineAt(privateDockerd().host);
  });

  afterEach(async () => {
    await Promise.all(created.splice(0).map((c) => c.remove({ force: true }).catch(() => undefined)));
  });

  after(() => engine.dispose());

  describe('logs', () => {
    it('keeps stdout and stderr of a container without a TTY apart, UTF-8 intact', async () => {
      const c = await busybox('logs', ['sh', '-c', 'echo out1; echo err1 >&2; echo "héllo ✓ 🚢"; echo err2 >&2; printf "no newline"']);
      await c.wait();
      const chunks = await collect(engine.logs(c.id, { follow: false }));
      assert.equal(textOf(chunks, 'stdout'), 'out1\nhéllo ✓ 🚢\nno newline');
      assert.equal(textOf(chunks, 'stderr'), 'err1\nerr2\n');
      assert.ok(chunks.every((c) => c.text.length > 0));
    });

    it('gives only the last N lines with tail', async () => {
      const c = await busybox('tail', ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done']);
      await c.wait();
      assert.equal(textOf(await collect(engine.logs(c.id, { follow: false, tail: 2 })), 'stdout'), 'line4\nline5\n');
      assert.equal(textOf(await collect(engine.logs(c.id, { follow: false, tail: 1 })), 'stdout'), 'line5\n');
      assert.deepEqual(await collect(engine.logs(c.id, { follow: false, tail: 0 })), []);
      assert.equal(textOf(await collect(engine.logs(c.id, { follow: false, tail: 'all' })), 'stdout'), 'line1\nline2\nline3\nline4\nline5\n');
    });

    it('prefixes each line with its timestamp, on both streams', async () => {
      const before = Date.now() / 1000;
      const c = await busybox('timestamps', ['sh', '-c', 'echo a; echo b >&2; echo c']);
      await c.wait();
      const chunks = await collect(engine.logs(c.id, { follow: false, timestamps: true }));
      const stdout = textOf(chunks, 'stdout').split('\n');
      const stderr = textOf(chunks, 'stderr').split('\n');
      assert.equal(stdout.pop(), '');
      assert.equal(stderr.pop(), '');
      assert.deepEqual(
        stdout.map((l) => TIMESTAMPED.exec(l)?.[2]),
        ['a', 'c'],
      );
      assert.deepEqual(
        stderr.map((l) => TIMESTAMPED.exec(l)?.[2]),
        ['b'],
      );
      for (const line of [...stdout, ...stderr]) {
        const t = epochSeconds(TIMESTAMPED.exec(line)?.[1] ?? '');
        assert.ok(t >= before - 5 && t <= Date.now() / 1000 + 5, `timestamp ${line} is about now`);
      }
    });

    it('gives only the output after `since`, fractions of a second honoured', async () => {
      const c = await busybox('since', ['sh', '-c', 'echo early; sleep 1; echo late']);
      await c.wait();
      const lines = textOf(await collect(engine.logs(c.id, { follow: false, timestamps: true })), 'stdout').trimEnd().split('\n');
      assert.equal(lines.length, 2);
      const early = epochSeconds(TIMESTAMPED.exec(lines[0] ?? '')?.[1] ?? '');
      const late = epochSeconds(TIMESTAMPED.exec(lines[1] ?? '')?.[1] ?? '');
      assert.ok(late - early >= 0.9, `${late} - ${early}`);
      assert.equal(textOf(await collect(engine.logs(c.id, { follow: false, since: (early + late) / 2 })), 'stdout'), 'late\n');
      assert.equal(textOf(await collect(engine.logs(c.id, { follow: false, since: early - 10 })), 'stdout'), 'early\nlate\n');
      assert.deepEqual(await collect(engine.logs(c.id, { follow: false, since: late + 10 })), []);
    });

    it('follows: delivers output written after the stream opened, and ends when the container stops', async () => {
      const c = await busybox('follow', ['sh', '-c', 'echo ready; exec sleep 300']);
      const chunks: LogChunk[] = [];
      let ended = false;
      // Only for the cleanup of a failed test: the stream must end by itself.
      const cleanup = new AbortController();
      const following = (async () => {
        for await (const chunk of engine.logs(c.id, { follow: true, signal: cleanup.signal })) chunks.push(chunk);
        ended = !cleanup.signal.aborted;
      })();
      try {
        await waitFor(() => textOf(chunks, 'stdout') === 'ready\n', 10_000, () => `no "ready" line: ${JSON.stringify(chunks)}`);
        // Write to the stdout and stderr of process 1 from outside, after the stream opened.
        const exec = await c.exec({ Cmd: ['sh', '-c', 'echo late > /proc/1/fd/1; echo late-err > /proc/1/fd/2'], AttachStdout: false, AttachStderr: false });
        await exec.start({ Detach: true });
        await waitFor(() => textOf(chunks, 'stderr') === 'late-err\n' && textOf(chunks, 'stdout') === 'ready\nlate\n', 10_000, () => `no late lines: ${JSON.stringify(chunks)}`);
        assert.equal(ended, false, 'the stream stays open while the container runs');
        await c.kill();
        await withTimeout(following, 15_000, 'the followed log did not end when the container stopped');
        assert.equal(ended, true);
        assert.equal(textOf(chunks, 'stdout'), 'ready\nlate\n');
        assert.equal(textOf(chunks, 'stderr'), 'late-err\n');
      } finally {
        cleanup.abort();
        await following.catch(() => undefined);
      }
    });

    it('follows a container that already exited: its whole log, then the end', async () => {
      const c = await busybox('follow-exited', ['sh', '-c', 'echo done; echo problem >&2']);
      await c.wait();
      const chunks = await withTimeout(collect(engine.logs(c.id, { follow: true })), 10_000, 'following an exited container did not end');
      assert.equal(textOf(chunks, 'stdout'), 'done\n');
      assert.equal(textOf(chunks, 'stderr'), 'problem\n');
    });

    it('gives a TTY container its log as stdout, raw', async () => {
      // It starts with bytes that read as a frame header, which only TTY detection keeps as they are.
      const c = await ttyBusybox(['sh', '-c', 'printf "\\001\\000\\000\\000\\000\\000\\000\\003abc"; echo; echo to-out; echo "to-err ✓" >&2']);
      await c.wait();
      const chunks = await collect(engine.logs(c.id, { follow: false }));
      assert.ok(chunks.length > 0);
      assert.deepEqual(
        chunks.filter((x) => x.stream !== 'stdout'),
        [],
      );
      // The terminal turns \n into \r\n; stderr goes to the same terminal.
      assert.equal(textOf(chunks, 'stdout'), '\x01\0\0\0\0\0\0\x03abc\r\nto-out\r\nto-err ✓\r\n');
    });

    it('ends quietly when a follow is aborted, before or while streaming', async () => {
      const c = await busybox('abort', ['sh', '-c', 'echo hi; exec sleep 300']);
      const early = new AbortController();
      early.abort();
      assert.deepEqual(await collect(engine.logs(c.id, { follow: true, signal: early.signal })), []);

      const controller = new AbortController();
      const chunks: LogChunk[] = [];
      const following = (async () => {
        for await (const chunk of engine.logs(c.id, { follow: true, signal: controller.signal })) chunks.push(chunk);
      })();
      await waitFor(() => textOf(chunks, 'stdout') === 'hi\n', 10_000, () => `no output: ${JSON.stringify(chunks)}`);
      const started = Date.now();
      controller.abort();
      await withTimeout(following, 5_000, 'the aborted follow did not end');
      assert.ok(Date.now() - started < 2_000);
      assert.deepEqual(chunks, [{ stream: 'stdout', text: 'hi\n' }]);
    });

    it('reports a missing container as a failed request', async () => {
      await assert.rejects(collect(engine.logs('berth-test-does-not-exist', { follow: true })), (e: unknown) => {
        assert.ok(e instanceof RequestFailedError, String(e));
        assert.equal(e.statusCode, 404);
        assert.match(e.engineMessage, /no such container/i);
        return true;
      });
    });
  });

  describe('dispose', () => {
    it('ends the read streams still open (events, a followed log, stats) and refuses calls after it', async () => {
      const c = await busybox('dispose', ['sh', '-c', 'echo hi; exec sleep 300']);
      const own = await engineAt(privateDockerd().host);
      const chunks: LogChunk[] = [];
      let samples = 0;
      let events = 0;
      const ended: string[] = [];
      const log = (async () => {
        for await (const chunk of own.logs(c.id, { follow: true })) chunks.push(chunk);
        ended.push('logs');
      })();
      const stats = (async () => {
        for await (const _ of own.stats(c.id, { stream: true })) samples++;
        ended.push('stats');
      })();
      const eventStream = (async () => {
        for await (const _ of own.events({})) events++;
        ended.push('events');
      })();
      await waitFor(() => textOf(chunks, 'stdout') === 'hi\n' && samples > 0, 15_000, () => `not streaming yet: ${JSON.stringify(chunks)}, ${samples} samples`);
      const started = Date.now();
      own.dispose();
      // Each ends quietly, as on cancellation: the views that own them start over on the next engine.
      await withTimeout(Promise.all([log, stats, eventStream]), 5_000, `streams still open after dispose; ended: ${ended.join(', ')}`);
      assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
      assert.deepEqual([...ended].sort(), ['events', 'logs', 'stats']);
      assert.equal(events, 0);
      await assert.rejects(own.listContainers(), (e: unknown) => e instanceof CancelledError);
      // The engine itself is untouched: the container still runs.
      assert.equal(((await c.inspect()) as { State: { Running: boolean } }).State.Running, true);
    });
  });

  describe('stats', () => {
    it('gives one sample without streaming: the memory limit and the processes', async () => {
      const c = await busybox('stats-once', ['sh', '-c', 'sleep 300 & sleep 300 & wait'], { hostConfig: { Memory: 64 * 1024 * 1024 } });
      const processes = async (): Promise<number> => ((await c.top()) as { Processes?: unknown[] }).Processes?.length ?? 0;
      await waitFor(async () => (await processes()) === 3, 10_000, () => 'sh and two sleeps did not start');
      const samples = await collect(engine.stats(c.id, { stream: false }));
      assert.equal(samples.length, 1);
      const s = samples[0];
      assert.ok(s);
      assert.equal(s.memory.limit, 64 * 1024 * 1024);
      assert.ok(s.memory.usage > 0 && s.memory.usage < 64 * 1024 * 1024, `usage ${s.memory.usage}`);
      // sh and its two sleeps.
      assert.equal(s.pids.current, 3);
      assert.ok(Math.abs(Date.parse(s.read) - Date.now()) < 60_000, `read ${s.read}`);
      assert.ok(s.cpu.onlineCpus >= 1);
      assert.ok(s.cpu.totalUsage > 0);
      assert.ok(s.cpu.systemUsage !== undefined && s.cpu.systemUsage > 0);
      assert.equal(s.network, undefined, 'network none has no interfaces to count');
    });

    it('streams samples about a second apart, each carrying the previous CPU counters, until aborted', async () => {
      const c = await busybox('stats-stream', ['sleep', '300']);
      const controller = new AbortController();
      const samples: StatsSample[] = [];
      const streaming = (async () => {
        for await (const s of engine.stats(c.id, { stream: true, signal: controller.signal })) {
          samples.push(s);
          if (samples.length === 3) controller.abort();
        }
      })();
      await withTimeout(streaming, 15_000, `the stats stream did not end on abort after ${samples.length} samples`);
      assert.equal(samples.length, 3);
      const [first, second, third] = samples;
      assert.ok(first && second && third);
      // The first sample of a stream has no previous one.
      assert.equal(first.precpu.totalUsage, 0);
      assert.equal(first.precpu.systemUsage, undefined);
      const gap = Date.parse(third.read) - Date.parse(second.read);
      assert.ok(gap >= 700 && gap <= 2_000, `gap ${gap} ms`);
      assert.deepEqual(third.precpu, second.cpu);
      assert.ok(third.cpu.systemUsage !== undefined && second.cpu.systemUsage !== undefined && third.cpu.systemUsage > second.cpu.systemUsage);
    });

    it('ends the stream when the container stops, and gives no sample for a stopped container', async () => {
      const c = await busybox('stats-stop', ['sleep', '300']);
      const samples: StatsSample[] = [];
      // Only for the cleanup of a failed test: the stream must end by itself.
      const cleanup = new AbortController();
      const streaming = (async () => {
        for await (const s of engine.stats(c.id, { stream: true, signal: cleanup.signal })) samples.push(s);
      })();
      try {
        await waitFor(() => samples.length >= 1, 10_000, () => 'no first sample');
        await c.kill();
        await withTimeout(streaming, 10_000, 'the stats stream did not end when the container stopped');
        assert.ok(samples.every((s) => !s.read.startsWith('0001-')));
      } finally {
        cleanup.abort();
        await streaming.catch(() => undefined);
      }
      assert.deepEqual(await collect(engine.stats(c.id, { stream: false })), []);
    });

    it('reports a missing container as a failed request', async () => {
      await assert.rejects(collect(engine.stats('berth-test-does-not-exist', { stream: false })), (e: unknown) => e instanceof RequestFailedError && e.statusCode === 404);
    });
  });

  describe('image history', () => {
    it('lists the steps that built the test image, newest first, with their sizes', async () => {
      const history = await engine.imageHistory(TEST_IMAGE);
      // FROM scratch; COPY busybox; RUN busybox --install; ENV PATH; CMD ["sh"].
      assert.equal(history.length, 4, JSON.stringify(history));
      const [cmd, env, run, copy] = history;
      assert.ok(cmd && env && run && copy);
      const image = (await docker.getImage(TEST_IMAGE).inspect()) as { Id: string };
      assert.equal(cmd.id, image.Id);
      assert.deepEqual(cmd.tags, [TEST_IMAGE]);
      assert.match(cmd.createdBy, /CMD \["sh"\]/);
      assert.equal(cmd.size, 0);
      assert.match(env.createdBy, /ENV PATH=\/bin/);
      assert.equal(env.size, 0);
      assert.deepEqual(env.tags, []);
      assert.match(run.createdBy, /\/bin\/busybox --install -s \/bin/);
      // Only symlinks: a few kilobytes.
      assert.ok(run.size > 0 && run.size < 100_000, `RUN size ${run.size}`);
      assert.match(copy.createdBy, /COPY .* in \/bin\/busybox/);
      assert.equal(copy.size, statSync(BUSYBOX).size);
      for (const step of history) {
        // A local build: every step has its own image.
        assert.match(step.id ?? '', /^sha256:[0-9a-f]{64}$/);
        assert.ok(Math.abs(Date.now() / 1000 - step.created) < 24 * 3600, `created ${step.created}`);
        assert.equal(step.comment, '');
      }
      assert.ok(copy.created <= cmd.created);
    });

    it('reports a missing image as a failed request, and honours cancellation', async () => {
      await assert.rejects(engine.imageHistory('berth-test/absent:none'), (e: unknown) => e instanceof RequestFailedError && e.statusCode === 404);
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(engine.imageHistory(TEST_IMAGE, { signal: controller.signal }), CancelledError);
    });
  });

  describe('container changes', () => {
    it('lists added, deleted and modified paths', async () => {
      const c = await busybox('diff', ['sh', '-c', 'mkdir /tmp && echo x > /tmp/new-file && rm /bin/ls']);
      assert.equal(((await c.wait()) as { StatusCode: number }).StatusCode, 0);
      const changes = await engine.containerChanges(c.id);
      assert.deepEqual(
        [...changes].sort((a, b) => a.path.localeCompare(b.path)),
        [
          { path: '/bin', kind: 'modified' },
          { path: '/bin/ls', kind: 'deleted' },
          { path: '/tmp', kind: 'added' },
          { path: '/tmp/new-file', kind: 'added' },
        ],
      );
    });

    it('lists nothing for a container that changed nothing', async () => {
      const c = await busybox('nodiff', ['true']);
      await c.wait();
      assert.deepEqual(await engine.containerChanges(c.id), []);
    });

    it('reports a missing container as a failed request', async () => {
      await assert.rejects(engine.containerChanges('berth-test-does-not-exist'), (e: unknown) => e instanceof RequestFailedError && e.statusCode === 404);
    });
  });
});
