/** The one place engine calls get their timeout and cancellation, and what an engine call accepts as an answer. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { withCallScope } from '../../src/engine/callScope';
import { DockerodeEngine } from '../../src/engine/dockerodeEngine';
import { CancelledError, EngineUnavailableError, RequestFailedError } from '../../src/engine/errors';

/** A call that never settles and never looks at its signal, as some dockerode methods behave. */
const deaf = (): Promise<never> => new Promise<never>(() => undefined);

describe('withCallScope', () => {
  it('times out a call that ignores its signal', async () => {
    const started = Date.now();
    await assert.rejects(withCallScope({}, 50, deaf), (error: unknown) => error instanceof EngineUnavailableError && error.reason === 'timeout');
    assert.ok(Date.now() - started < 2_000);
  });

  it('ends a call that ignores its signal when the caller cancels', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(withCallScope({ signal: controller.signal }, 60_000, deaf), CancelledError);
  });

  it('refuses at once after the engine\'s lifetime ended, even a call that would ignore its signal', async () => {
    const lifetime = new AbortController();
    lifetime.abort();
    let ran = false;
    const never = (): Promise<number> => {
      ran = true;
      return new Promise<number>(() => undefined);
    };
    await assert.rejects(withCallScope({}, 60_000, never, lifetime.signal), CancelledError);
    assert.equal(ran, false);
  });

  it('ends a call in flight when the engine\'s lifetime ends', async () => {
    const lifetime = new AbortController();
    const pending = withCallScope({}, 60_000, () => new Promise<number>(() => undefined), lifetime.signal);
    lifetime.abort();
    await assert.rejects(pending, CancelledError);
  });

  it('refuses at once when the caller has already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    await assert.rejects(
      withCallScope({ signal: controller.signal }, 1_000, () => {
        ran = true;
        return Promise.resolve(1);
      }),
      CancelledError,
    );
    assert.equal(ran, false);
  });

  it('aborts the requests still running when another one of the call fails', async () => {
    let sibling: AbortSignal | undefined;
    await assert.rejects(
      withCallScope({}, 60_000, async (signal) => {
        sibling = signal;
        await Promise.all([deaf(), Promise.reject(Object.assign(new Error('conflict'), { statusCode: 409 }))]);
      }),
      (error: unknown) => error instanceof RequestFailedError && error.statusCode === 409,
    );
    assert.equal(sibling?.aborted, true);
  });

  it('leaves the signal of a call that succeeded alone, for what it returns (a session keeps its socket)', async () => {
    let kept: AbortSignal | undefined;
    assert.equal(
      await withCallScope({}, 60_000, (signal) => {
        kept = signal;
        return Promise.resolve(42);
      }),
      42,
    );
    assert.equal(kept?.aborted, false);
  });
});

describe('an address that is not an engine', () => {
  it('answers a list with a failed request, not with a Buffer posing as data', async () => {
    // Some other HTTP server: 200 with an HTML page for every path.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>not an engine</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const engine = new DockerodeEngine({ modem: { host: '127.0.0.1', port, protocol: 'http' }, defaultTimeoutMs: 5_000 });
      for (const list of [() => engine.listContainers(), () => engine.listImages(), () => engine.listVolumes(), () => engine.listNetworks()]) {
        await assert.rejects(list(), (error: unknown) => error instanceof RequestFailedError && /not a list/.test(error.engineMessage));
      }
      engine.dispose();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
