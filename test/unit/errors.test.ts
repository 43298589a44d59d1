/**
 * classifyError against errors produced for real (docker-modem over Node sockets, talking to local
 * stand-in servers, and an ssh2 server) and against synthetic errors shaped like the ones Node,
 * docker-modem and ssh2 throw for cases a test cannot provoke as root on a sandbox (EACCES, DNS,
 * certificate failures).
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Modem from 'docker-modem';
import { Server as SshServer, utils as sshUtils } from 'ssh2';
import { CancelledError, EngineUnavailableError, RequestFailedError, classifyError } from '../../src/engine/errors';
import type { AnyEngineError, UnavailableReason } from '../../src/engine/errors';
import type * as ErrorsModule from '../../src/engine/errors';
import type * as RegistryModule from '../../src/engine/registry';
import { RegistryError } from '../../src/engine/registry';

function fixtureText(name: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures', 'api', name);
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
    if (dirname(dir) === dir) throw new Error(`Fixture ${name} not found above ${__dirname}`);
  }
}

function nodeError(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

function assertUnavailable(error: AnyEngineError, reason: UnavailableReason, code?: string): EngineUnavailableError {
  assert.ok(error instanceof EngineUnavailableError, `expected EngineUnavailableError(${reason}), got ${error.name}: ${error.message}`);
  assert.equal(error.kind, 'unavailable');
  assert.equal(error.reason, reason);
  if (code !== undefined) assert.equal(error.code, code);
  return error;
}

function assertRequestFailed(error: AnyEngineError, statusCode: number | undefined, engineMessage: string): void {
  assert.ok(error instanceof RequestFailedError, `expected RequestFailedError, got ${error.name}: ${error.message}`);
  assert.equal(error.kind, 'request-failed');
  assert.equal(error.statusCode, statusCode);
  assert.equal(error.engineMessage, engineMessage);
  assert.equal(error.message, engineMessage);
}

/** dockerode's status code tables for container inspect and start. */
const INSPECT_CODES = { 200: true, 404: 'no such container', 500: 'server error' };
const START_CODES = { 204: true, 304: 'container already started', 404: 'no such container', 500: 'server error' };
const REMOVE_IMAGE_CODES = { 200: true, 404: 'no such image', 409: 'conflict', 500: 'server error' };

/** Resolves with the error docker-modem reports; rejects if the call unexpectedly succeeds. */
function failureOf(modem: Modem, options: Modem.DialOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    modem.dial({ method: 'GET', options: {}, ...options }, (err) => {
      if (err) resolve(err);
      else reject(new Error(`${options.path} unexpectedly succeeded`));
    });
  });
}

const IMAGE_IN_USE = 'conflict: unable to delete 717b94bfe423 (cannot be forced) - image is being used by running container a59e084d9bca';

describe('classifyError', () => {
  describe('real docker-modem failures', () => {
    let dir: string;
    let socketPath: string;
    let server: http.Server;
    let tcpServer: http.Server;
    let tcpPort: number;

    const handler: http.RequestListener = (req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/containers/nope/json')) {
        // The body the real engine sent, captured in test/fixtures/api.
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(fixtureText('error-no-such-container.json'));
      } else if (url.startsWith('/containers/up/start')) {
        res.writeHead(304);
        res.end();
      } else if (url.startsWith('/images/busy')) {
        res.writeHead(409, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify({ message: IMAGE_IN_USE })}\n`);
      } else if (url.startsWith('/text')) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('Bad Gateway - upstream down\n');
      } else if (url.startsWith('/hang')) {
        req.socket.destroy();
      } else if (url.startsWith('/slow')) {
        // never answers
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'berth-err-'));
      socketPath = join(dir, 'engine.sock');
      server = http.createServer(handler);
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      tcpServer = http.createServer(handler);
      await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
      tcpPort = (tcpServer.address() as AddressInfo).port;
    });

    after(async () => {
      for (const s of [server, tcpServer]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      rmSync(dir, { recursive: true, force: true });
    });

    const modem = (): Modem => new Modem({ socketPath });

    it('a socket path that does not exist is "no-socket" (ENOENT)', async () => {
      const missing = join(dir, 'missing.sock');
      const error = classifyError(await failureOf(new Modem({ socketPath: missing }), { path: '/_ping', statusCodes: { 200: true } }));
      const unavailable = assertUnavailable(error, 'no-socket', 'ENOENT');
      assert.match(unavailable.detail, /ENOENT/);
      assert.ok(unavailable.detail.includes(missing));
    });

    it('a file that is not a listening socket is "not-running" (ECONNREFUSED)', async () => {
      const stale = join(dir, 'stale.sock');
      writeFileSync(stale, '');
      const error = classifyError(await failureOf(new Modem({ socketPath: stale }), { path: '/_ping', statusCodes: { 200: true } }));
      assertUnavailable(error, 'not-running', 'ECONNREFUSED');
    });

    it('a closed TCP port is "not-running" (ECONNREFUSED)', async () => {
      const probe = net.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const error = classifyError(await failureOf(new Modem({ host: '127.0.0.1', port, protocol: 'http' }), { path: '/_ping', statusCodes: { 200: true } }));
      const unavailable = assertUnavailable(error, 'not-running', 'ECONNREFUSED');
      assert.ok(unavailable.detail.includes(`127.0.0.1:${port}`));
    });

    it('a connection the server drops is "connection-lost" (socket hang up)', async () => {
      const raw = await failureOf(modem(), { path: '/hang', statusCodes: INSPECT_CODES });
      assert.equal((raw as Error).message, 'socket hang up');
      const unavailable = assertUnavailable(classifyError(raw), 'connection-lost', 'ECONNRESET');
      assert.equal(unavailable.detail, 'socket hang up');
    });

    it('an engine 404 keeps the status and the engine\'s own message, unframed', async () => {
      const raw = await failureOf(modem(), { path: '/containers/nope/json', statusCodes: INSPECT_CODES });
      assert.equal((raw as Error).message, '(HTTP code 404) no such container - No such container: nope ');
      assertRequestFailed(classifyError(raw), 404, 'No such container: nope');
    });

    it('an engine 409 whose message contains " - " keeps all of it', async () => {
      const raw = await failureOf(modem(), { path: '/images/busy', method: 'DELETE', statusCodes: REMOVE_IMAGE_CODES });
      assertRequestFailed(classifyError(raw), 409, IMAGE_IN_USE);
    });

    it('a streaming call (no json on the error) unframes the message text instead', async () => {
      for (const [path, status, message] of [
        ['/containers/nope/json', 404, 'No such container: nope'],
        ['/images/busy', 409, IMAGE_IN_USE],
      ] as const) {
        const raw = await failureOf(modem(), { path, isStream: true, statusCodes: { 200: true, 404: 'no such container', 409: 'conflict' } });
        assert.equal((raw as { json?: unknown }).json, null);
        assertRequestFailed(classifyError(raw), status, message);
      }
    });

    it('a non-JSON error body (a proxy) gives its text', async () => {
      const raw = await failureOf(modem(), { path: '/text', statusCodes: INSPECT_CODES });
      assert.ok(Buffer.isBuffer((raw as { json?: unknown }).json));
      assertRequestFailed(classifyError(raw), 502, 'Bad Gateway - upstream down');
    });

    // Regression (src/engine/errors.ts, engineMessageOf): docker-modem frames an empty body as
    // "(HTTP code 304) container already started -  "; after trim() the "- (.*)" pattern no longer
    // matches, so engineMessage is the whole framed text "(HTTP code 304) container already started -".
    it('an empty error body (304 from starting a started container) leaves no HTTP framing in the message', async () => {
      const raw = await failureOf(modem(), { path: '/containers/up/start', method: 'POST', statusCodes: START_CODES });
      const error = classifyError(raw);
      assert.ok(error instanceof RequestFailedError);
      assert.equal(error.statusCode, 304);
      assert.doesNotMatch(error.engineMessage, /HTTP code/);
    });

    it('an empty error body still keeps the status code', async () => {
      const raw = await failureOf(modem(), { path: '/containers/up/start', method: 'POST', statusCodes: START_CODES });
      const error = classifyError(raw);
      assert.ok(error instanceof RequestFailedError);
      assert.equal(error.statusCode, 304);
    });

    it('our own abort is "cancelled" without a timeout, and "timeout" when our timer fired', async () => {
      for (const timedOut of [false, true]) {
        const controller = new AbortController();
        const pending = failureOf(modem(), { path: '/slow', statusCodes: INSPECT_CODES, abortSignal: controller.signal });
        setTimeout(() => controller.abort(), 20);
        const raw = await pending;
        assert.equal((raw as Error).name, 'AbortError');
        const error = classifyError(raw, { timedOut, timeoutMs: 1500 });
        if (timedOut) {
          const unavailable = assertUnavailable(error, 'timeout', 'ETIMEDOUT');
          assert.equal(unavailable.detail, 'The engine did not answer after 1.5 s.');
        } else {
          assert.ok(error instanceof CancelledError);
          assert.equal(error.kind, 'cancelled');
        }
      }
    });

    // Regression (src/engine/errors.ts): speaking TLS to a plain-HTTP engine (e.g. https to port 2375)
    // fails with code EPROTO ("…SSL routines…wrong version number"), which matches none of the
    // TLS code prefixes, so it becomes RequestFailedError(undefined, "write EPROTO …") instead of 'tls'.
    it('TLS spoken to a plain-HTTP port is "tls"', async () => {
      const raw = await failureOf(new Modem({ host: '127.0.0.1', port: tcpPort, protocol: 'https' }), { path: '/_ping', statusCodes: { 200: true } });
      assert.equal((raw as { code?: unknown }).code, 'EPROTO');
      assertUnavailable(classifyError(raw), 'tls');
    });

    it('the TCP stand-in answers plain HTTP (so the skipped TLS case above is meaningful)', async () => {
      const body = await new Promise<unknown>((resolve, reject) => {
        new Modem({ host: '127.0.0.1', port: tcpPort, protocol: 'http' }).dial({ path: '/_ping', method: 'GET', statusCodes: { 200: true }, options: {} }, (err, data) => (err ? reject(err) : resolve(data)));
      });
      assert.deepEqual(body, {});
    });
  });

  describe('real ssh2 failures through docker-modem', () => {
    let sshServer: SshServer;
    let sshPort: number;
    let silent: net.Server;
    let silentPort: number;
    let plain: http.Server;
    let plainPort: number;
    /** Server-side ends of every connection, destroyed in `after` so the servers can close. */
    const open = new Set<{ destroy(): unknown }>();

    before(async () => {
      const hostKey = sshUtils.generateKeyPairSync('ed25519').private;
      sshServer = new SshServer({ hostKeys: [hostKey] }, (client) => {
        open.add({ destroy: () => client.end() });
        client.on('authentication', (ctx) => ctx.reject()).on('error', () => undefined);
      });
      await new Promise<void>((resolve) => sshServer.listen(0, '127.0.0.1', resolve));
      sshPort = (sshServer.address() as AddressInfo).port;
      silent = net.createServer((socket) => {
        open.add(socket);
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentPort = (silent.address() as AddressInfo).port;
      plain = http.createServer((_req, res) => res.end('{}'));
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
      plainPort = (plain.address() as AddressInfo).port;
    });

    after(async () => {
      for (const connection of open) connection.destroy();
      plain.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => sshServer.close(() => resolve())),
        new Promise<void>((resolve) => silent.close(() => resolve())),
        new Promise<void>((resolve) => plain.close(() => resolve())),
      ]);
    });

    function sshModem(port: number, sshOptions: Record<string, unknown>): Modem {
      return new Modem({ protocol: 'ssh', host: '127.0.0.1', port, username: 'ann', sshOptions: { readyTimeout: 2000, ...sshOptions } });
    }

    it('rejected authentication is "ssh", with the level as code', async () => {
      const raw = await failureOf(sshModem(sshPort, { password: 'wrong' }), { path: '/_ping', statusCodes: { 200: true } });
      assert.equal((raw as { level?: unknown }).level, 'client-authentication');
      const unavailable = assertUnavailable(classifyError(raw), 'ssh', 'client-authentication');
      assert.equal(unavailable.detail, 'All configured authentication methods failed');
    });

    it('a host that never starts the SSH handshake is "ssh" (client-timeout)', async () => {
      const raw = await failureOf(sshModem(silentPort, { password: 'x', readyTimeout: 200 }), { path: '/_ping', statusCodes: { 200: true } });
      const unavailable = assertUnavailable(classifyError(raw), 'ssh', 'client-timeout');
      assert.match(unavailable.detail, /handshake/);
    });

    it('a closed SSH port is "not-running": the socket code wins over the ssh2 level', async () => {
      const probe = net.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const raw = await failureOf(sshModem(port, { password: 'x' }), { path: '/_ping', statusCodes: { 200: true } });
      assert.equal((raw as { level?: unknown }).level, 'client-socket');
      assertUnavailable(classifyError(raw), 'not-running', 'ECONNREFUSED');
    });

    // Regression (src/engine/errors.ts): only ssh2 levels starting with "client-" count as ssh. An
    // unreachable SSH agent (level "agent", "Failed to connect to agent") and a port that does not
    // speak SSH (level "protocol", "Connection lost before handshake"), like ssh2's "handshake"
    // level (no common algorithms), become RequestFailedError(undefined, …) instead of 'ssh'.
    it('an unreachable SSH agent is "ssh"', async () => {
      const raw = await failureOf(sshModem(sshPort, { agent: join(tmpdir(), 'berth-no-such-agent.sock') }), { path: '/_ping', statusCodes: { 200: true } });
      assert.equal((raw as { level?: unknown }).level, 'agent');
      assertUnavailable(classifyError(raw), 'ssh');
    });

    it('a port that does not speak SSH is "ssh"', async () => {
      const raw = await failureOf(sshModem(plainPort, { password: 'x' }), { path: '/_ping', statusCodes: { 200: true } });
      assert.equal((raw as { level?: unknown }).level, 'protocol');
      assertUnavailable(classifyError(raw), 'ssh');
    });
  });

  describe('socket error codes', () => {
    const table: Array<[string, UnavailableReason]> = [
      ['ECONNREFUSED', 'not-running'],
      ['ENOENT', 'no-socket'],
      ['ENOTDIR', 'no-socket'],
      ['EACCES', 'permission'],
      ['EPERM', 'permission'],
      ['ENOTFOUND', 'host-unknown'],
      ['EAI_AGAIN', 'host-unknown'],
      ['EAI_NONAME', 'host-unknown'],
      ['ETIMEDOUT', 'timeout'],
      ['ESOCKETTIMEDOUT', 'timeout'],
      ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
      ['ECONNRESET', 'connection-lost'],
      ['EPIPE', 'connection-lost'],
      ['EHOSTUNREACH', 'connection-lost'],
      ['ENETUNREACH', 'connection-lost'],
      ['ECONNABORTED', 'connection-lost'],
      ['ERR_STREAM_PREMATURE_CLOSE', 'connection-lost'],
    ];
    for (const [code, reason] of table) {
      it(`${code} → ${reason}, keeping message and code`, () => {
        const message = `connect ${code} /var/run/docker.sock`;
        const unavailable = assertUnavailable(classifyError(nodeError(message, { code, errno: -1, syscall: 'connect' })), reason, code);
        assert.equal(unavailable.detail, message);
        assert.equal(unavailable.message, message);
      });
    }

    it('EACCES on the system socket, as Node reports it', () => {
      const error = nodeError('connect EACCES /var/run/docker.sock', { code: 'EACCES', errno: -13, syscall: 'connect', address: '/var/run/docker.sock' });
      assertUnavailable(classifyError(error), 'permission', 'EACCES');
    });

    it('ENOTFOUND from getaddrinfo, as Node reports it', () => {
      const error = nodeError('getaddrinfo ENOTFOUND engine.example.invalid', { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: 'engine.example.invalid' });
      const unavailable = assertUnavailable(classifyError(error), 'host-unknown', 'ENOTFOUND');
      assert.match(unavailable.detail, /engine\.example\.invalid/);
    });

    it('"socket hang up" without a code is still "connection-lost", with no code', () => {
      const unavailable = assertUnavailable(classifyError(new Error('Socket hang up')), 'connection-lost');
      assert.equal(unavailable.code, undefined);
    });

    it('an unknown code is a request failure without a status', () => {
      assertRequestFailed(classifyError(nodeError('weird', { code: 'EWEIRD' })), undefined, 'weird');
    });

    it('a non-string code is ignored', () => {
      assertRequestFailed(classifyError(nodeError('numeric', { code: 111 })), undefined, 'numeric');
    });
  });

  describe('TLS codes', () => {
    for (const code of [
      'CERT_HAS_EXPIRED',
      'CERT_NOT_YET_VALID',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
      'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    ]) {
      it(`${code} → tls`, () => {
        const unavailable = assertUnavailable(classifyError(nodeError(`tls: ${code}`, { code })), 'tls', code);
        assert.equal(unavailable.detail, `tls: ${code}`);
      });
    }

    it('does not treat a code that merely contains CERT as tls', () => {
      assert.ok(classifyError(nodeError('x', { code: 'E_CERT_THING' })) instanceof RequestFailedError);
    });
  });

  describe('ssh2 levels (synthetic)', () => {
    it('client-authentication → ssh, with the level as code', () => {
      const error = nodeError('All configured authentication methods failed', { level: 'client-authentication' });
      const unavailable = assertUnavailable(classifyError(error), 'ssh', 'client-authentication');
      assert.equal(unavailable.detail, 'All configured authentication methods failed');
    });

    it('client-dns → ssh', () => {
      assertUnavailable(classifyError(nodeError("Error while looking up IPv4 address for 'h'", { level: 'client-dns' })), 'ssh', 'client-dns');
    });

    it('a socket code carried with a client-socket level is classified by its code', () => {
      assertUnavailable(classifyError(nodeError('getaddrinfo ENOTFOUND h', { code: 'ENOTFOUND', level: 'client-socket' })), 'host-unknown', 'ENOTFOUND');
    });

    it('a non-string level is ignored', () => {
      assert.ok(classifyError(nodeError('x', { level: 3 })) instanceof RequestFailedError);
    });
  });

  describe('docker-modem HTTP errors (synthetic)', () => {
    it('uses json.message, trimmed, over the framed text', () => {
      const error = nodeError('(HTTP code 500) server error - ignored ', { statusCode: 500, json: { message: '  driver failed  ' } });
      assertRequestFailed(classifyError(error), 500, 'driver failed');
    });

    it('uses a string json body as the message', () => {
      assertRequestFailed(classifyError(nodeError('(HTTP code 400) bad parameter - x ', { statusCode: 400, json: ' plain words\n' })), 400, 'plain words');
    });

    it('unframes "(HTTP code 404) no such container - msg " when json carries no message', () => {
      const error = nodeError('(HTTP code 404) no such container - No such container: abc ', { statusCode: 404, json: null });
      assertRequestFailed(classifyError(error), 404, 'No such container: abc');
    });

    it('unframes a multi-line engine message', () => {
      const error = nodeError('(HTTP code 500) server error - line one\nline two ', { statusCode: 500 });
      assertRequestFailed(classifyError(error), 500, 'line one\nline two');
    });

    it('keeps an unframed message as it is', () => {
      assertRequestFailed(classifyError(nodeError('  something else  ', { statusCode: 418 })), 418, 'something else');
    });

    it('a status code wins over a socket code on the same error', () => {
      assertRequestFailed(classifyError(nodeError('(HTTP code 404) no such image - gone ', { statusCode: 404, code: 'ECONNRESET' })), 404, 'gone');
    });
  });

  describe('timeouts and cancellation', () => {
    it('timedOut wins over whatever was thrown, and names the timeout', () => {
      const unavailable = assertUnavailable(classifyError(nodeError('socket hang up', { code: 'ECONNRESET' }), { timedOut: true, timeoutMs: 15_000 }), 'timeout', 'ETIMEDOUT');
      assert.equal(unavailable.detail, 'The engine did not answer after 15 s.');
    });

    it('a timeout without a known duration says so without a number', () => {
      const unavailable = assertUnavailable(classifyError(new Error('aborted'), { timedOut: true }), 'timeout');
      assert.equal(unavailable.detail, 'The engine did not answer.');
    });

    it('a TimeoutError (AbortSignal.timeout) is a timeout even without context', () => {
      const timeoutError = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      assertUnavailable(classifyError(timeoutError), 'timeout', 'ETIMEDOUT');
    });

    it('an AbortError, or code ABORT_ERR, is cancellation', () => {
      assert.ok(classifyError(new DOMException('This operation was aborted', 'AbortError')) instanceof CancelledError);
      assert.ok(classifyError(nodeError('The operation was aborted', { code: 'ABORT_ERR' })) instanceof CancelledError);
      assert.ok(classifyError(nodeError('aborted', { name: 'AbortError' }), { timedOut: false }) instanceof CancelledError);
    });

    it('CancelledError carries kind "cancelled"', () => {
      const error = classifyError(nodeError('x', { code: 'ABORT_ERR' }));
      assert.equal(error.kind, 'cancelled');
      assert.equal(error.name, 'CancelledError');
    });
  });

  describe('cause chains', () => {
    it('classifies by the cause when the wrapper says nothing useful (fetch failed → ECONNREFUSED)', () => {
      const wrapper = new TypeError('fetch failed', { cause: nodeError('connect ECONNREFUSED 127.0.0.1:2375', { code: 'ECONNREFUSED' }) });
      const unavailable = assertUnavailable(classifyError(wrapper), 'not-running', 'ECONNREFUSED');
      assert.equal(unavailable.detail, 'connect ECONNREFUSED 127.0.0.1:2375');
    });

    it('follows a cause two levels deep', () => {
      const inner = nodeError('getaddrinfo ENOTFOUND h', { code: 'ENOTFOUND' });
      const wrapper = new Error('outer', { cause: new Error('middle', { cause: inner }) });
      assertUnavailable(classifyError(wrapper), 'host-unknown', 'ENOTFOUND');
    });

    it('takes an HTTP status from the cause', () => {
      const wrapper = new Error('wrapped', { cause: nodeError('(HTTP code 409) conflict - in use ', { statusCode: 409 }) });
      assertRequestFailed(classifyError(wrapper), 409, 'in use');
    });

    it('passes an already-classified cause through', () => {
      const inner = new EngineUnavailableError('permission', 'denied', 'EACCES');
      assert.equal(classifyError(new Error('outer', { cause: inner })), inner);
    });

    it('keeps the outer message when the cause is no more useful', () => {
      assertRequestFailed(classifyError(new Error('outer words', { cause: new Error('inner words') })), undefined, 'outer words');
      assertRequestFailed(classifyError(new Error('outer words', { cause: 'a string cause' })), undefined, 'outer words');
    });

    it('stops at an error that is its own cause', () => {
      const self = new Error('loop');
      (self as { cause?: unknown }).cause = self;
      assertRequestFailed(classifyError(self), undefined, 'loop');
    });

    it('the wrapper\'s own code wins over its cause', () => {
      const wrapper = nodeError('outer', { code: 'EACCES', cause: nodeError('inner', { code: 'ECONNREFUSED' }) });
      assertUnavailable(classifyError(wrapper), 'permission', 'EACCES');
    });

    // Regression (src/engine/errors.ts): only a direct self-cause is guarded; a two-error cycle
    // (a.cause = b, b.cause = a) recurses until "RangeError: Maximum call stack size exceeded",
    // so classifyError throws instead of classifying.
    it('terminates on a longer cause cycle', () => {
      const a = new Error('a');
      const b = new Error('b', { cause: a });
      (a as { cause?: unknown }).cause = b;
      assertRequestFailed(classifyError(a), undefined, 'a');
    });
  });

  describe('non-Error throwables', () => {
    it('a string becomes a request failure with that text', () => {
      assertRequestFailed(classifyError('boom'), undefined, 'boom');
    });

    it('undefined, null and numbers are stringified', () => {
      assertRequestFailed(classifyError(undefined), undefined, 'undefined');
      assertRequestFailed(classifyError(null), undefined, 'null');
      assertRequestFailed(classifyError(42), undefined, '42');
    });

    it('a plain object is read like an error', () => {
      assertUnavailable(classifyError({ code: 'ECONNREFUSED', message: 'refused' }), 'not-running', 'ECONNREFUSED');
      assertRequestFailed(classifyError({ statusCode: 404, json: { message: 'No such image: x' } }), 404, 'No such image: x');
    });

    it('a plain object without a message uses its string form', () => {
      assertRequestFailed(classifyError({}), undefined, '[object Object]');
    });

    // Regression (src/engine/errors.ts): String(error) throws "TypeError: Cannot convert object to
    // primitive value" for an object without a prototype, so classifyError itself throws.
    it('an object with a null prototype does not make classifyError throw', () => {
      assert.ok(classifyError(Object.create(null)) instanceof RequestFailedError);
    });
  });

  describe('already-classified errors', () => {
    it('are returned as the same instance, whatever the context', () => {
      const errors: AnyEngineError[] = [new EngineUnavailableError('no-socket', 'gone', 'ENOENT'), new RequestFailedError(404, 'missing'), new CancelledError()];
      for (const error of errors) {
        assert.equal(classifyError(error), error);
        assert.equal(classifyError(error, { timedOut: true, timeoutMs: 1000 }), error);
      }
    });

    it('the error classes expose kind, name and their fields', () => {
      const unavailable = new EngineUnavailableError('tls', 'bad cert', 'CERT_HAS_EXPIRED');
      assert.equal(unavailable.kind, 'unavailable');
      assert.equal(unavailable.name, 'EngineUnavailableError');
      assert.equal(unavailable.message, 'bad cert');
      assert.ok(unavailable instanceof Error);
      const failed = new RequestFailedError(500, 'oops');
      assert.equal(failed.kind, 'request-failed');
      assert.equal(failed.name, 'RequestFailedError');
    });
  });
});

describe('engine errors across bundles', () => {
  // The engine is bundled apart from the extension (dist/dockerodeEngine.js), so an error it throws
  // is made by another copy of these classes. A second copy of the modules stands in for it.
  function secondCopy(): { errors: typeof ErrorsModule; registry: typeof RegistryModule } {
    const paths = [require.resolve('../../src/engine/errors'), require.resolve('../../src/engine/registry')];
    const saved = paths.map((p) => require.cache[p]);
    for (const p of paths) delete require.cache[p];
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { errors: require('../../src/engine/errors') as typeof ErrorsModule, registry: require('../../src/engine/registry') as typeof RegistryModule };
    } finally {
      paths.forEach((p, i) => {
        const module = saved[i];
        if (module) require.cache[p] = module;
        else delete require.cache[p];
      });
    }
  }

  it('are instances of this copy\'s classes, by class and not by accident', () => {
    const other = secondCopy();
    assert.notEqual(other.errors.RequestFailedError, RequestFailedError, 'a real second copy');
    const registryError = new other.registry.RegistryError(401, 'no basic auth credentials', 'unauthorized', '127.0.0.1:5000');
    assert.ok(registryError instanceof RegistryError);
    assert.ok(registryError instanceof RequestFailedError);
    assert.ok(!(registryError instanceof CancelledError));
    assert.ok(!(registryError instanceof EngineUnavailableError));
    const plain = new other.errors.RequestFailedError(409, 'conflict');
    assert.ok(plain instanceof RequestFailedError);
    assert.ok(!(plain instanceof RegistryError), 'a parent is not an instance of its subclass');
    assert.ok(new other.errors.CancelledError() instanceof CancelledError);
    assert.ok(new other.errors.EngineUnavailableError('timeout', 'slow') instanceof EngineUnavailableError);
    assert.ok(!(new Error('x') instanceof RequestFailedError));
    assert.ok(!({ kind: 'cancelled' } instanceof CancelledError));
    // classifyError keeps the foreign error as it is, subclass fields included.
    const classified = classifyError(registryError);
    assert.equal(classified, registryError);
    assert.ok(classified instanceof RegistryError);
    assert.equal(classified.reason, 'unauthorized');
  });
});
