import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import * as path from 'node:path';
import Modem from 'docker-modem';
import {
  contextDirName,
  describeSource,
  parseEngineAddress,
  resolveConnection,
  resolveDockerConfigDir,
  toModemOptions,
} from '../../src/engine/connection';
import type {
  AddressErrorCode,
  ConnectionError,
  ConnectionInput,
  ConnectionResolution,
  EngineEndpoint,
  ResolvedConnection,
} from '../../src/engine/connection';

// ---------------------------------------------------------------------------------------------
// Fake machine
// ---------------------------------------------------------------------------------------------

const HOME = '/home/ann';
const DOCKER_DIR = '/home/ann/.docker';
const RUNTIME = '/run/user/1000';

const SOCK_SYSTEM = '/var/run/docker.sock';
const SOCK_ROOTLESS = `${RUNTIME}/docker.sock`;
const SOCK_DESKTOP = `${HOME}/.docker/run/docker.sock`;
const SOCK_PODMAN_ROOTLESS = `${RUNTIME}/podman/podman.sock`;
const SOCK_PODMAN = '/run/podman/podman.sock';

/** Independent of the module's own helper on purpose, so a wrong hash cannot pass both sides. */
function sha(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

interface FakeMachine {
  files?: Record<string, string>;
  /** Paths that exist but are not readable files (sockets, pipes). */
  sockets?: string[];
  env?: Record<string, string | undefined>;
  settingHost?: string;
  home?: string;
  platform?: NodeJS.Platform;
}

function machine(spec: FakeMachine = {}): ConnectionInput & { reads: string[]; probes: string[] } {
  const files = new Map(Object.entries(spec.files ?? {}));
  const sockets = new Set(spec.sockets ?? []);
  const reads: string[] = [];
  const probes: string[] = [];
  const input: ConnectionInput & { reads: string[]; probes: string[] } = {
    env: spec.env ?? {},
    home: spec.home ?? HOME,
    platform: spec.platform ?? 'linux',
    readFile: (p) => {
      reads.push(p);
      return files.get(p);
    },
    exists: (p) => {
      probes.push(p);
      return files.has(p) || sockets.has(p);
    },
    reads,
    probes,
  };
  if (spec.settingHost !== undefined) {
    input.settingHost = spec.settingHost;
  }
  return input;
}

function meta(name: string, host: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Name: name,
    Metadata: { Description: 'test context' },
    Endpoints: { docker: { Host: host, SkipTLSVerify: false, ...extra } },
  });
}

function metaPath(name: string, configDir = DOCKER_DIR): string {
  return `${configDir}/contexts/meta/${sha(name)}/meta.json`;
}

function tlsDir(name: string, configDir = DOCKER_DIR): string {
  return `${configDir}/contexts/tls/${sha(name)}/docker`;
}

function contextFiles(name: string, host: string, extra: Record<string, unknown> = {}, configDir = DOCKER_DIR): Record<string, string> {
  return { [metaPath(name, configDir)]: meta(name, host, extra) };
}

function ok(r: ConnectionResolution): ResolvedConnection {
  if (!r.ok) {
    assert.fail(`expected a resolved connection, got ${r.reason}: ${r.detail}`);
  }
  return r;
}

function failed(r: ConnectionResolution): ConnectionError {
  if (r.ok) {
    assert.fail(`expected a resolution error, got ${r.address} from ${r.source}`);
  }
  return r;
}

function parsed(address: string, options?: { tls?: boolean }): { endpoint: EngineEndpoint; address: string } {
  const r = parseEngineAddress(address, options);
  if (!r.ok) {
    assert.fail(`expected "${address}" to parse, got ${r.code}: ${r.detail}`);
  }
  return { endpoint: r.endpoint, address: r.address };
}

function parseError(address: string): AddressErrorCode {
  const r = parseEngineAddress(address);
  if (r.ok) {
    assert.fail(`expected "${address}" to be rejected, got ${r.address}`);
  }
  assert.equal(r.input, address);
  assert.ok(r.detail.length > 0);
  return r.code;
}

// ---------------------------------------------------------------------------------------------

describe('connection', () => {
  describe('parseEngineAddress', () => {
    describe('unix', () => {
      it('parses unix:///path', () => {
        assert.deepEqual(parsed('unix:///var/run/docker.sock'), {
          endpoint: { kind: 'unix', socketPath: '/var/run/docker.sock' },
          address: 'unix:///var/run/docker.sock',
        });
      });

      it('treats a bare absolute path as a unix socket', () => {
        assert.deepEqual(parsed('/tmp/engine.sock'), {
          endpoint: { kind: 'unix', socketPath: '/tmp/engine.sock' },
          address: 'unix:///tmp/engine.sock',
        });
      });

      it('accepts an upper-case scheme and surrounding whitespace', () => {
        assert.deepEqual(parsed('  UNIX:///x.sock \n').endpoint, { kind: 'unix', socketPath: '/x.sock' });
      });

      it('rejects unix:// without a path', () => {
        assert.equal(parseError('unix://'), 'missing-path');
      });

      it('rejects a relative socket path', () => {
        assert.equal(parseError('unix://docker.sock'), 'bad-path');
      });
    });

    describe('npipe', () => {
      it('parses npipe:////./pipe/name keeping the //./ prefix', () => {
        assert.deepEqual(parsed('npipe:////./pipe/docker_engine'), {
          endpoint: { kind: 'npipe', pipePath: '//./pipe/docker_engine' },
          address: 'npipe:////./pipe/docker_engine',
        });
      });

      it('accepts a backslash pipe path', () => {
        assert.deepEqual(parsed('npipe://\\\\.\\pipe\\podman').endpoint, { kind: 'npipe', pipePath: '\\\\.\\pipe\\podman' });
      });

      it('rejects npipe:// without a path', () => {
        assert.equal(parseError('npipe://'), 'missing-path');
      });

      it('rejects a pipe path that is not //./pipe/…', () => {
        assert.equal(parseError('npipe://docker_engine'), 'bad-path');
      });
    });

    describe('tcp, http and https', () => {
      it('parses tcp://host:port', () => {
        assert.deepEqual(parsed('tcp://10.0.0.5:1234'), {
          endpoint: { kind: 'tcp', host: '10.0.0.5', port: 1234 },
          address: 'tcp://10.0.0.5:1234',
        });
      });

      it('defaults the tcp port to 2375', () => {
        assert.deepEqual(parsed('tcp://engine.lan'), {
          endpoint: { kind: 'tcp', host: 'engine.lan', port: 2375 },
          address: 'tcp://engine.lan:2375',
        });
      });

      it('defaults the tcp port to 2376 when TLS will be used', () => {
        assert.deepEqual(parsed('tcp://engine.lan', { tls: true }).endpoint, { kind: 'tcp', host: 'engine.lan', port: 2376 });
      });

      it('keeps an explicit port even when TLS will be used', () => {
        assert.equal((parsed('tcp://engine.lan:9999', { tls: true }).endpoint as { port: number }).port, 9999);
      });

      it('parses http:// as plain tcp on 2375', () => {
        assert.deepEqual(parsed('http://engine.lan'), {
          endpoint: { kind: 'tcp', host: 'engine.lan', port: 2375 },
          address: 'http://engine.lan:2375',
        });
      });

      it('parses https:// as verified TLS on 2376', () => {
        assert.deepEqual(parsed('https://engine.lan'), {
          endpoint: { kind: 'tcp', host: 'engine.lan', port: 2376, tls: { verify: true } },
          address: 'https://engine.lan:2376',
        });
      });

      it('keeps an explicit https port', () => {
        assert.deepEqual(parsed('https://engine.lan:443').endpoint, {
          kind: 'tcp',
          host: 'engine.lan',
          port: 443,
          tls: { verify: true },
        });
      });

      it('parses a bracketed IPv6 host and re-brackets it for display', () => {
        assert.deepEqual(parsed('tcp://[::1]:2376'), {
          endpoint: { kind: 'tcp', host: '::1', port: 2376 },
          address: 'tcp://[::1]:2376',
        });
      });

      it('defaults the port for a bracketed IPv6 host', () => {
        assert.deepEqual(parsed('tcp://[fd00::2]').endpoint, { kind: 'tcp', host: 'fd00::2', port: 2375 });
      });

      it('accepts an IPv6 zone id', () => {
        assert.equal((parsed('tcp://[fe80::1%eth0]:2375').endpoint as { host: string }).host, 'fe80::1%eth0');
      });

      it('accepts an upper-case scheme', () => {
        assert.deepEqual(parsed('TCP://Engine.LAN:1').endpoint, { kind: 'tcp', host: 'Engine.LAN', port: 1 });
      });

      it('tolerates a single trailing slash', () => {
        assert.deepEqual(parsed('tcp://h:1/').endpoint, { kind: 'tcp', host: 'h', port: 1 });
      });

      it('treats a scheme-less host:port as tcp, like docker -H', () => {
        assert.deepEqual(parsed('engine.lan:2375'), {
          endpoint: { kind: 'tcp', host: 'engine.lan', port: 2375 },
          address: 'tcp://engine.lan:2375',
        });
      });

      it('treats a scheme-less host as tcp with the default port', () => {
        assert.deepEqual(parsed('localhost', { tls: true }).endpoint, { kind: 'tcp', host: 'localhost', port: 2376 });
      });

      it('accepts the extreme valid ports', () => {
        assert.equal((parsed('tcp://h:1').endpoint as { port: number }).port, 1);
        assert.equal((parsed('tcp://h:65535').endpoint as { port: number }).port, 65535);
      });
    });

    describe('ssh', () => {
      it('parses ssh://host with port 22 and no user', () => {
        assert.deepEqual(parsed('ssh://build.lan'), {
          endpoint: { kind: 'ssh', host: 'build.lan', port: 22 },
          address: 'ssh://build.lan:22',
        });
      });

      it('parses ssh://user@host:port', () => {
        assert.deepEqual(parsed('ssh://ci@build.lan:2222'), {
          endpoint: { kind: 'ssh', host: 'build.lan', port: 2222, username: 'ci' },
          address: 'ssh://ci@build.lan:2222',
        });
      });

      it('parses ssh with an IPv6 host', () => {
        assert.deepEqual(parsed('ssh://ci@[2001:db8::7]'), {
          endpoint: { kind: 'ssh', host: '2001:db8::7', port: 22, username: 'ci' },
          address: 'ssh://ci@[2001:db8::7]:22',
        });
      });

      it('rejects a password in the URL', () => {
        assert.equal(parseError('ssh://ci:hunter2@build.lan'), 'unexpected-userinfo');
      });

      it('rejects an empty user name', () => {
        assert.equal(parseError('ssh://@build.lan'), 'unexpected-userinfo');
      });

      it('rejects a missing host', () => {
        assert.equal(parseError('ssh://'), 'missing-host');
        assert.equal(parseError('ssh://ci@'), 'missing-host');
      });

      it('rejects a bad port', () => {
        assert.equal(parseError('ssh://build.lan:ssh'), 'bad-port');
      });

      it('rejects a path after the host', () => {
        assert.equal(parseError('ssh://build.lan/var/run/docker.sock'), 'unexpected-path');
      });
    });

    describe('invalid addresses', () => {
      it('rejects an empty or blank address', () => {
        assert.equal(parseError(''), 'empty');
        assert.equal(parseError('   '), 'empty');
      });

      it('rejects unknown schemes', () => {
        assert.equal(parseError('ftp://engine.lan'), 'unknown-scheme');
        assert.equal(parseError('fd://'), 'unknown-scheme');
        assert.equal(parseError('1tcp://engine.lan'), 'unknown-scheme');
      });

      it('rejects a missing host', () => {
        assert.equal(parseError('tcp://'), 'missing-host');
        assert.equal(parseError('tcp://:2375'), 'missing-host');
        assert.equal(parseError('https://'), 'missing-host');
        assert.equal(parseError('tcp://[]:2375'), 'missing-host');
      });

      it('rejects bad ports', () => {
        for (const address of ['tcp://h:0', 'tcp://h:65536', 'tcp://h:123456', 'tcp://h:abc', 'tcp://h:', 'tcp://h:-1', 'tcp://[::1]:x']) {
          assert.equal(parseError(address), 'bad-port', address);
        }
      });

      it('rejects bad host names', () => {
        assert.equal(parseError('tcp://ho$t:2375'), 'bad-host');
        assert.equal(parseError('tcp://ho st:2375'), 'bad-host');
      });

      it('rejects an unbracketed IPv6 address', () => {
        assert.equal(parseError('tcp://::1:2376'), 'bad-host');
      });

      it('rejects malformed bracketed IPv6 addresses', () => {
        assert.equal(parseError('tcp://[::1:2376'), 'bad-host');
        assert.equal(parseError('tcp://[::1]2376'), 'bad-host');
        assert.equal(parseError('tcp://[not-v6]:2376'), 'bad-host');
        assert.equal(parseError('tcp://[1.2.3.4]:2376'), 'bad-host');
      });

      it('rejects a path, query or fragment after a tcp host', () => {
        assert.equal(parseError('tcp://h:2375/v1.41'), 'unexpected-path');
        assert.equal(parseError('tcp://h:2375?x=1'), 'unexpected-path');
        assert.equal(parseError('http://h#frag'), 'unexpected-path');
      });

      it('rejects credentials in a tcp address', () => {
        assert.equal(parseError('tcp://admin@h:2375'), 'unexpected-userinfo');
        assert.equal(parseError('https://admin:pw@h'), 'unexpected-userinfo');
      });
    });
  });

  describe('resolveConnection', () => {
    describe('precedence', () => {
      // Every source is available; removing the winner each time shows the next one in line.
      const everything = (): FakeMachine => ({
        settingHost: 'tcp://from-setting:1',
        env: { DOCKER_HOST: 'tcp://from-env:2', DOCKER_CONTEXT: 'remote', XDG_RUNTIME_DIR: RUNTIME },
        files: {
          ...contextFiles('remote', 'tcp://from-context:3'),
          ...contextFiles('other', 'tcp://from-config:4'),
          [`${DOCKER_DIR}/config.json`]: JSON.stringify({ currentContext: 'other' }),
        },
        sockets: [SOCK_SYSTEM],
      });

      it('uses the setting over everything else', () => {
        const r = ok(resolveConnection(machine(everything())));
        assert.equal(r.source, 'setting');
        assert.equal(r.address, 'tcp://from-setting:1');
        assert.equal(r.warnings, undefined);
      });

      it('uses DOCKER_HOST over contexts and sockets', () => {
        const spec = everything();
        delete spec.settingHost;
        const r = ok(resolveConnection(machine(spec)));
        assert.equal(r.source, 'DOCKER_HOST');
        assert.equal(r.address, 'tcp://from-env:2');
      });

      it('uses the DOCKER_CONTEXT context over config.json and sockets', () => {
        const spec = everything();
        delete spec.settingHost;
        delete spec.env?.DOCKER_HOST;
        const r = ok(resolveConnection(machine(spec)));
        assert.equal(r.source, 'context');
        assert.equal(r.contextName, 'remote');
        assert.equal(r.address, 'tcp://from-context:3');
      });

      it('uses the config.json context over sockets', () => {
        const spec = everything();
        delete spec.settingHost;
        delete spec.env?.DOCKER_HOST;
        delete spec.env?.DOCKER_CONTEXT;
        const r = ok(resolveConnection(machine(spec)));
        assert.equal(r.source, 'context');
        assert.equal(r.contextName, 'other');
        assert.equal(r.address, 'tcp://from-config:4');
      });

      it('falls back to the default sockets', () => {
        const r = ok(resolveConnection(machine({ sockets: [SOCK_SYSTEM] })));
        assert.equal(r.source, 'default');
        assert.deepEqual(r.endpoint, { kind: 'unix', socketPath: SOCK_SYSTEM });
      });

      it('ignores an empty or whitespace setting', () => {
        for (const settingHost of ['', '   ', '\t\n']) {
          const r = ok(resolveConnection(machine({ settingHost, env: { DOCKER_HOST: 'tcp://from-env:2' } })));
          assert.equal(r.source, 'DOCKER_HOST', JSON.stringify(settingHost));
        }
      });

      it('ignores an empty or whitespace DOCKER_HOST', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: '  ', DOCKER_CONTEXT: 'remote' }, files: contextFiles('remote', 'tcp://c:3') })));
        assert.equal(r.source, 'context');
      });

      it('trims the setting', () => {
        const r = ok(resolveConnection(machine({ settingHost: '  unix:///x.sock  ' })));
        assert.deepEqual(r.endpoint, { kind: 'unix', socketPath: '/x.sock' });
      });

      it('does not read any files when the setting is a tcp address', () => {
        const m = machine({ settingHost: 'tcp://h:1', env: { DOCKER_CONTEXT: 'remote' } });
        resolveConnection(m);
        assert.deepEqual(m.reads, []);
        assert.deepEqual(m.probes, []);
      });

      it('warns that DOCKER_CONTEXT is shadowed by DOCKER_HOST', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: 'tcp://h:1', DOCKER_CONTEXT: 'remote' } })));
        assert.equal(r.warnings?.length, 1);
        assert.match(r.warnings?.[0] ?? '', /DOCKER_CONTEXT "remote" is ignored because DOCKER_HOST is set/);
      });

      it('does not warn when the shadowed DOCKER_CONTEXT is "default"', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: 'tcp://h:1', DOCKER_CONTEXT: 'default' } })));
        assert.equal(r.warnings, undefined);
      });
    });

    describe('the setting', () => {
      it('reports an invalid setting as a bad-address error without falling through', () => {
        const r = failed(resolveConnection(machine({ settingHost: 'ftp://nope', env: { DOCKER_HOST: 'tcp://h:1' }, sockets: [SOCK_SYSTEM] })));
        assert.equal(r.reason, 'bad-address');
        assert.equal(r.source, 'setting');
        assert.equal(r.addressError, 'unknown-scheme');
        assert.equal(r.address, 'ftp://nope');
        assert.match(r.detail, /berth\.engine\.host/);
      });

      it('reports whether a unix socket from the setting exists', () => {
        assert.equal(ok(resolveConnection(machine({ settingHost: '/srv/e.sock', sockets: ['/srv/e.sock'] }))).exists, true);
        assert.equal(ok(resolveConnection(machine({ settingHost: '/srv/e.sock' }))).exists, false);
      });

      it('leaves exists unset for remote endpoints', () => {
        assert.equal('exists' in ok(resolveConnection(machine({ settingHost: 'tcp://h:1' }))), false);
        assert.equal('exists' in ok(resolveConnection(machine({ settingHost: 'ssh://h' }))), false);
      });

      it('honours DOCKER_TLS_VERIFY and DOCKER_CERT_PATH like docker -H', () => {
        const r = ok(
          resolveConnection(
            machine({
              settingHost: 'tcp://secure.lan',
              env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
              files: { '/certs/ca.pem': 'CA', '/certs/cert.pem': 'CERT', '/certs/key.pem': 'KEY' },
            }),
          ),
        );
        assert.deepEqual(r.endpoint, {
          kind: 'tcp',
          host: 'secure.lan',
          port: 2376,
          tls: { verify: true, caPath: '/certs/ca.pem', certPath: '/certs/cert.pem', keyPath: '/certs/key.pem' },
        });
        assert.equal(r.address, 'tcp://secure.lan:2376');
      });
    });

    describe('DOCKER_HOST', () => {
      it('uses a plain tcp DOCKER_HOST without TLS', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: 'tcp://engine.lan' } })));
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'engine.lan', port: 2375 });
        assert.equal(r.address, 'tcp://engine.lan:2375');
        assert.equal(r.source, 'DOCKER_HOST');
      });

      it('uses TLS with certificates from ~/.docker when DOCKER_TLS_VERIFY=1', () => {
        const r = ok(
          resolveConnection(
            machine({
              env: { DOCKER_HOST: 'tcp://engine.lan', DOCKER_TLS_VERIFY: '1' },
              files: { [`${DOCKER_DIR}/ca.pem`]: 'CA', [`${DOCKER_DIR}/cert.pem`]: 'CERT', [`${DOCKER_DIR}/key.pem`]: 'KEY' },
            }),
          ),
        );
        assert.deepEqual(r.endpoint, {
          kind: 'tcp',
          host: 'engine.lan',
          port: 2376,
          tls: {
            verify: true,
            caPath: `${DOCKER_DIR}/ca.pem`,
            certPath: `${DOCKER_DIR}/cert.pem`,
            keyPath: `${DOCKER_DIR}/key.pem`,
          },
        });
      });

      it('takes certificates from DOCKER_CERT_PATH instead of ~/.docker', () => {
        const r = ok(
          resolveConnection(
            machine({
              env: { DOCKER_HOST: 'tcp://engine.lan:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/etc/docker-certs' },
              files: {
                [`${DOCKER_DIR}/ca.pem`]: 'WRONG',
                '/etc/docker-certs/ca.pem': 'CA',
                '/etc/docker-certs/cert.pem': 'CERT',
                '/etc/docker-certs/key.pem': 'KEY',
              },
            }),
          ),
        );
        assert.deepEqual(r.endpoint.kind === 'tcp' ? r.endpoint.tls : undefined, {
          verify: true,
          caPath: '/etc/docker-certs/ca.pem',
          certPath: '/etc/docker-certs/cert.pem',
          keyPath: '/etc/docker-certs/key.pem',
        });
      });

      it('defaults the certificate directory to DOCKER_CONFIG when it is set', () => {
        const r = ok(
          resolveConnection(
            machine({
              env: { DOCKER_HOST: 'tcp://engine.lan', DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: '/cfg' },
              files: { '/cfg/ca.pem': 'CA', [`${DOCKER_DIR}/cert.pem`]: 'NOT-USED' },
            }),
          ),
        );
        assert.deepEqual(r.endpoint.kind === 'tcp' ? r.endpoint.tls : undefined, { verify: true, caPath: '/cfg/ca.pem' });
      });

      it('lists only the TLS files that exist', () => {
        const r = ok(
          resolveConnection(
            machine({ env: { DOCKER_HOST: 'tcp://engine.lan', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/c' }, files: { '/c/cert.pem': 'C', '/c/key.pem': 'K' } }),
          ),
        );
        assert.deepEqual(r.endpoint.kind === 'tcp' ? r.endpoint.tls : undefined, { verify: true, certPath: '/c/cert.pem', keyPath: '/c/key.pem' });
      });

      it('treats any non-empty DOCKER_TLS_VERIFY other than "0" as verify', () => {
        for (const value of ['1', 'true', 'yes', ' 1 ']) {
          const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: value } })));
          assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'h', port: 2376, tls: { verify: true } }, value);
        }
      });

      it('does not use TLS when DOCKER_TLS_VERIFY is "0", empty or unset', () => {
        for (const value of ['0', '', '  ', undefined]) {
          const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: value } })));
          assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'h', port: 2375 }, String(value));
        }
      });

      it('does not turn TLS on for DOCKER_CERT_PATH alone, as the docker CLI does not', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: 'tcp://h', DOCKER_CERT_PATH: '/c' }, files: { '/c/ca.pem': 'CA' } })));
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'h', port: 2375 });
      });

      it('verifies an https:// DOCKER_HOST by default and attaches certificates', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: 'https://h' }, files: { [`${DOCKER_DIR}/ca.pem`]: 'CA' } })));
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'h', port: 2376, tls: { verify: true, caPath: `${DOCKER_DIR}/ca.pem` } });
        assert.equal(r.address, 'https://h:2376');
      });

      it('skips verification of an https:// DOCKER_HOST only when DOCKER_TLS_VERIFY is explicitly "0"', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: 'https://h', DOCKER_TLS_VERIFY: '0' } })));
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'h', port: 2376, tls: { verify: false } });
      });

      it('ignores TLS variables for a unix DOCKER_HOST', () => {
        const r = ok(
          resolveConnection(machine({ env: { DOCKER_HOST: 'unix:///run/d.sock', DOCKER_TLS_VERIFY: '1' }, sockets: ['/run/d.sock'] })),
        );
        assert.deepEqual(r.endpoint, { kind: 'unix', socketPath: '/run/d.sock' });
        assert.equal(r.exists, true);
      });

      it('ignores TLS variables for an ssh DOCKER_HOST', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_HOST: 'ssh://me@box', DOCKER_TLS_VERIFY: '1' } })));
        assert.deepEqual(r.endpoint, { kind: 'ssh', host: 'box', port: 22, username: 'me' });
        assert.equal(r.address, 'ssh://me@box:22');
      });

      it('supports an npipe DOCKER_HOST', () => {
        const r = ok(resolveConnection(machine({ platform: 'win32', env: { DOCKER_HOST: 'npipe:////./pipe/podman-machine-default' } })));
        assert.deepEqual(r.endpoint, { kind: 'npipe', pipePath: '//./pipe/podman-machine-default' });
        assert.equal(r.exists, false);
      });

      it('reports an invalid DOCKER_HOST as a bad-address error', () => {
        const r = failed(resolveConnection(machine({ env: { DOCKER_HOST: 'tcp://h:99999' }, sockets: [SOCK_SYSTEM] })));
        assert.equal(r.reason, 'bad-address');
        assert.equal(r.source, 'DOCKER_HOST');
        assert.equal(r.addressError, 'bad-port');
        assert.equal(r.address, 'tcp://h:99999');
        assert.match(r.detail, /DOCKER_HOST/);
        assert.equal(r.contextName, undefined);
      });
    });

    describe('Docker contexts', () => {
      it('resolves the context named by DOCKER_CONTEXT', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'remote' }, files: contextFiles('remote', 'tcp://10.1.2.3:2375') })));
        assert.deepEqual(r, {
          ok: true,
          endpoint: { kind: 'tcp', host: '10.1.2.3', port: 2375 },
          address: 'tcp://10.1.2.3:2375',
          source: 'context',
          contextName: 'remote',
        });
      });

      it('resolves currentContext from config.json', () => {
        const r = ok(
          resolveConnection(
            machine({
              files: { [`${DOCKER_DIR}/config.json`]: JSON.stringify({ auths: {}, currentContext: 'remote' }), ...contextFiles('remote', 'ssh://ops@far.lan') },
            }),
          ),
        );
        assert.equal(r.contextName, 'remote');
        assert.deepEqual(r.endpoint, { kind: 'ssh', host: 'far.lan', port: 22, username: 'ops' });
      });

      it('prefers DOCKER_CONTEXT over currentContext in config.json', () => {
        const r = ok(
          resolveConnection(
            machine({
              env: { DOCKER_CONTEXT: 'a' },
              files: {
                [`${DOCKER_DIR}/config.json`]: JSON.stringify({ currentContext: 'b' }),
                ...contextFiles('a', 'tcp://a:1'),
                ...contextFiles('b', 'tcp://b:1'),
              },
            }),
          ),
        );
        assert.equal(r.contextName, 'a');
      });

      it('reads config.json and contexts from DOCKER_CONFIG', () => {
        const r = ok(
          resolveConnection(
            machine({
              env: { DOCKER_CONFIG: '/etc/dockercfg' },
              files: {
                [`${DOCKER_DIR}/config.json`]: JSON.stringify({ currentContext: 'home-one' }),
                '/etc/dockercfg/config.json': JSON.stringify({ currentContext: 'cfg-one' }),
                ...contextFiles('cfg-one', 'tcp://cfg:1', {}, '/etc/dockercfg'),
                ...contextFiles('home-one', 'tcp://home:1'),
              },
            }),
          ),
        );
        assert.equal(r.contextName, 'cfg-one');
        assert.equal(r.address, 'tcp://cfg:1');
      });

      it('ignores a blank DOCKER_CONFIG', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_CONFIG: ' ', DOCKER_CONTEXT: 'x' }, files: contextFiles('x', 'tcp://x:1') })));
        assert.equal(r.address, 'tcp://x:1');
      });

      it('treats DOCKER_CONTEXT=default as the default sockets, overriding config.json', () => {
        const m = machine({
          env: { DOCKER_CONTEXT: 'default' },
          files: { [`${DOCKER_DIR}/config.json`]: JSON.stringify({ currentContext: 'remote' }), ...contextFiles('remote', 'tcp://r:1') },
          sockets: [SOCK_SYSTEM],
        });
        const r = ok(resolveConnection(m));
        assert.equal(r.source, 'default');
        assert.deepEqual(m.reads, [], 'neither config.json nor any meta.json should be read');
      });

      it('treats currentContext "default" as the default sockets', () => {
        const r = ok(
          resolveConnection(machine({ files: { [`${DOCKER_DIR}/config.json`]: JSON.stringify({ currentContext: 'default' }) }, sockets: [SOCK_SYSTEM] })),
        );
        assert.equal(r.source, 'default');
        assert.equal(r.warnings, undefined);
      });

      it('treats a config.json without currentContext, or with an empty one, as no context', () => {
        for (const config of [{}, { currentContext: '' }, { currentContext: '  ' }]) {
          const r = ok(resolveConnection(machine({ files: { [`${DOCKER_DIR}/config.json`]: JSON.stringify(config) }, sockets: [SOCK_SYSTEM] })));
          assert.equal(r.source, 'default', JSON.stringify(config));
          assert.equal(r.warnings, undefined);
        }
      });

      it('treats a missing config.json as no context', () => {
        const r = ok(resolveConnection(machine({ sockets: [SOCK_SYSTEM] })));
        assert.equal(r.source, 'default');
        assert.equal(r.warnings, undefined);
      });

      it('falls back to the default sockets with a warning when config.json is corrupt', () => {
        for (const text of ['{ not json', '[]', 'null', '"str"']) {
          const r = ok(resolveConnection(machine({ files: { [`${DOCKER_DIR}/config.json`]: text }, sockets: [SOCK_SYSTEM] })));
          assert.equal(r.source, 'default', text);
          assert.equal(r.warnings?.length, 1, text);
          assert.match(r.warnings?.[0] ?? '', /config\.json is not valid JSON/);
        }
      });

      it('falls back with a warning when currentContext is not a string', () => {
        const r = ok(resolveConnection(machine({ files: { [`${DOCKER_DIR}/config.json`]: JSON.stringify({ currentContext: 7 }) } })));
        assert.equal(r.source, 'default');
        assert.match(r.warnings?.[0] ?? '', /currentContext .* is not a string/);
      });

      it('looks up meta.json under the sha256 of the context name', () => {
        const name = 'prod/eu-west ✓';
        const m = machine({ env: { DOCKER_CONTEXT: name }, files: contextFiles(name, 'tcp://p:1') });
        const r = ok(resolveConnection(m));
        assert.equal(r.contextName, name);
        assert.ok(m.reads.includes(`${DOCKER_DIR}/contexts/meta/${sha(name)}/meta.json`));
      });

      it('reports a context whose meta.json is missing as context-not-found', () => {
        const r = failed(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'ghost' }, sockets: [SOCK_SYSTEM] })));
        assert.equal(r.reason, 'context-not-found');
        assert.equal(r.source, 'context');
        assert.equal(r.contextName, 'ghost');
        assert.match(r.detail, /"ghost"/);
        assert.match(r.detail, /DOCKER_CONTEXT/);
        assert.ok(r.detail.includes(metaPath('ghost')));
      });

      it('names config.json as the origin when the missing context came from there', () => {
        const r = failed(resolveConnection(machine({ files: { [`${DOCKER_DIR}/config.json`]: JSON.stringify({ currentContext: 'ghost' }) } })));
        assert.equal(r.reason, 'context-not-found');
        assert.match(r.detail, /currentContext in \/home\/ann\/\.docker\/config\.json/);
      });

      it('reports unparseable meta.json as context-invalid', () => {
        for (const text of ['{', '[]', 'null', '42']) {
          const r = failed(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'bad' }, files: { [metaPath('bad')]: text } })));
          assert.equal(r.reason, 'context-invalid', text);
          assert.equal(r.contextName, 'bad');
          assert.equal(r.source, 'context');
        }
      });

      it('reports meta.json without a usable docker endpoint as context-invalid', () => {
        const metas = [
          { Name: 'bad' },
          { Name: 'bad', Endpoints: null },
          { Name: 'bad', Endpoints: { kubernetes: { Host: 'https://k8s' } } },
          { Name: 'bad', Endpoints: { docker: 'tcp://h:1' } },
          { Name: 'bad', Endpoints: { docker: {} } },
          { Name: 'bad', Endpoints: { docker: { Host: 42 } } },
          { Name: 'bad', Endpoints: { docker: { Host: '   ' } } },
        ];
        for (const m of metas) {
          const r = failed(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'bad' }, files: { [metaPath('bad')]: JSON.stringify(m) } })));
          assert.equal(r.reason, 'context-invalid', JSON.stringify(m));
          assert.match(r.detail, /Endpoints\.docker\.Host/);
        }
      });

      it('reports an invalid Host in a context as bad-address with the context name', () => {
        const r = failed(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'typo' }, files: contextFiles('typo', 'tpc://h:1') })));
        assert.equal(r.reason, 'bad-address');
        assert.equal(r.source, 'context');
        assert.equal(r.contextName, 'typo');
        assert.equal(r.addressError, 'unknown-scheme');
        assert.equal(r.address, 'tpc://h:1');
        assert.match(r.detail, /context "typo"/);
      });

      it('uses all TLS files of a context with verification', () => {
        const dir = tlsDir('secure');
        const r = ok(
          resolveConnection(
            machine({
              env: { DOCKER_CONTEXT: 'secure' },
              files: { ...contextFiles('secure', 'tcp://s.lan:2376'), [`${dir}/ca.pem`]: 'CA', [`${dir}/cert.pem`]: 'CERT', [`${dir}/key.pem`]: 'KEY' },
            }),
          ),
        );
        assert.deepEqual(r.endpoint, {
          kind: 'tcp',
          host: 's.lan',
          port: 2376,
          tls: { verify: true, caPath: `${dir}/ca.pem`, certPath: `${dir}/cert.pem`, keyPath: `${dir}/key.pem` },
        });
      });

      it('uses whichever context TLS files exist', () => {
        const dir = tlsDir('half');
        const r = ok(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'half' }, files: { ...contextFiles('half', 'tcp://h.lan'), [`${dir}/ca.pem`]: 'CA' } })));
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'h.lan', port: 2376, tls: { verify: true, caPath: `${dir}/ca.pem` } });
      });

      it('uses TLS without verification when SkipTLSVerify is true, even with no files', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'lax' }, files: contextFiles('lax', 'tcp://l.lan', { SkipTLSVerify: true }) })));
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'l.lan', port: 2376, tls: { verify: false } });
      });

      it('keeps client certificates when SkipTLSVerify is true', () => {
        const dir = tlsDir('lax');
        const r = ok(
          resolveConnection(
            machine({
              env: { DOCKER_CONTEXT: 'lax' },
              files: { ...contextFiles('lax', 'tcp://l.lan:9', { SkipTLSVerify: true }), [`${dir}/cert.pem`]: 'C', [`${dir}/key.pem`]: 'K' },
            }),
          ),
        );
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'l.lan', port: 9, tls: { verify: false, certPath: `${dir}/cert.pem`, keyPath: `${dir}/key.pem` } });
      });

      it('uses no TLS for a tcp context without TLS files or SkipTLSVerify', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'plain' }, files: contextFiles('plain', 'tcp://p.lan') })));
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'p.lan', port: 2375 });
      });

      it('treats a non-boolean SkipTLSVerify as false', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'c' }, files: contextFiles('c', 'tcp://p.lan', { SkipTLSVerify: 'true' }) })));
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'p.lan', port: 2375 });
      });

      it('verifies an https context host without TLS files', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'c' }, files: contextFiles('c', 'https://p.lan') })));
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'p.lan', port: 2376, tls: { verify: true } });
      });

      it('ignores DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for contexts', () => {
        const r = ok(
          resolveConnection(
            machine({
              env: { DOCKER_CONTEXT: 'plain', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/c' },
              files: { ...contextFiles('plain', 'tcp://p.lan:2375'), '/c/ca.pem': 'CA' },
            }),
          ),
        );
        assert.deepEqual(r.endpoint, { kind: 'tcp', host: 'p.lan', port: 2375 });
      });

      it('resolves a unix-socket context and reports whether the socket exists', () => {
        const r = ok(
          resolveConnection(machine({ env: { DOCKER_CONTEXT: 'colima' }, files: contextFiles('colima', `unix://${HOME}/.colima/default/docker.sock`), sockets: [`${HOME}/.colima/default/docker.sock`] })),
        );
        assert.deepEqual(r.endpoint, { kind: 'unix', socketPath: `${HOME}/.colima/default/docker.sock` });
        assert.equal(r.exists, true);
        assert.equal(r.contextName, 'colima');
      });

      it('ignores TLS files for an ssh context', () => {
        const dir = tlsDir('far');
        const r = ok(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'far' }, files: { ...contextFiles('far', 'ssh://me@far:2200'), [`${dir}/ca.pem`]: 'CA' } })));
        assert.deepEqual(r.endpoint, { kind: 'ssh', host: 'far', port: 2200, username: 'me' });
      });

      it('builds Windows context paths with the Windows separator', () => {
        const m = machine({
          platform: 'win32',
          home: 'C:\\Users\\ann',
          env: { DOCKER_CONTEXT: 'win' },
          files: {
            [`C:\\Users\\ann\\.docker\\contexts\\meta\\${sha('win')}\\meta.json`]: meta('win', 'tcp://w:2376'),
            [`C:\\Users\\ann\\.docker\\contexts\\tls\\${sha('win')}\\docker\\ca.pem`]: 'CA',
          },
        });
        const r = ok(resolveConnection(m));
        assert.deepEqual(r.endpoint, {
          kind: 'tcp',
          host: 'w',
          port: 2376,
          tls: { verify: true, caPath: `C:\\Users\\ann\\.docker\\contexts\\tls\\${sha('win')}\\docker\\ca.pem` },
        });
      });

      it('reads config.json from the Windows home', () => {
        const r = ok(
          resolveConnection(
            machine({
              platform: 'win32',
              home: 'C:\\Users\\ann',
              files: {
                'C:\\Users\\ann\\.docker\\config.json': JSON.stringify({ currentContext: 'desktop-linux' }),
                [`C:\\Users\\ann\\.docker\\contexts\\meta\\${sha('desktop-linux')}\\meta.json`]: meta('desktop-linux', 'npipe:////./pipe/dockerDesktopLinuxEngine'),
              },
              sockets: ['//./pipe/dockerDesktopLinuxEngine'],
            }),
          ),
        );
        assert.deepEqual(r.endpoint, { kind: 'npipe', pipePath: '//./pipe/dockerDesktopLinuxEngine' });
        assert.equal(r.exists, true);
      });
    });

    describe('default sockets', () => {
      const allLinux = [SOCK_SYSTEM, SOCK_ROOTLESS, SOCK_DESKTOP, SOCK_PODMAN_ROOTLESS, SOCK_PODMAN];
      const env = { XDG_RUNTIME_DIR: RUNTIME };

      it('probes Docker, rootless Docker, Docker Desktop, rootless Podman, then Podman, in that order', () => {
        // Make candidates i..end exist: the earliest one present must win.
        allLinux.forEach((socket, i) => {
          const r = ok(resolveConnection(machine({ env, sockets: allLinux.slice(i) })));
          assert.deepEqual(r.endpoint, { kind: 'unix', socketPath: socket }, socket);
          assert.equal(r.exists, true);
          assert.equal(r.source, 'default');
          assert.deepEqual(
            r.tried,
            allLinux.slice(0, i + 1).map((p) => `unix://${p}`),
          );
        });
      });

      it('finds each candidate when it is the only one present', () => {
        for (const socket of allLinux) {
          const r = ok(resolveConnection(machine({ env, sockets: [socket] })));
          assert.equal(r.address, `unix://${socket}`);
        }
      });

      it('returns /var/run/docker.sock with exists:false and every address tried when nothing exists', () => {
        const r = ok(resolveConnection(machine({ env })));
        assert.deepEqual(r, {
          ok: true,
          endpoint: { kind: 'unix', socketPath: SOCK_SYSTEM },
          address: `unix://${SOCK_SYSTEM}`,
          source: 'default',
          exists: false,
          tried: allLinux.map((p) => `unix://${p}`),
        });
      });

      it('skips the XDG_RUNTIME_DIR candidates when it is unset or blank', () => {
        for (const runtime of [undefined, '', ' ']) {
          const r = ok(resolveConnection(machine({ env: { XDG_RUNTIME_DIR: runtime } })));
          assert.deepEqual(r.tried, [SOCK_SYSTEM, SOCK_DESKTOP, SOCK_PODMAN].map((p) => `unix://${p}`));
        }
      });

      it('skips the Docker Desktop candidate when home is unknown', () => {
        const r = ok(resolveConnection(machine({ env, home: '' })));
        assert.deepEqual(r.tried, [SOCK_SYSTEM, SOCK_ROOTLESS, SOCK_PODMAN_ROOTLESS, SOCK_PODMAN].map((p) => `unix://${p}`));
      });

      it('uses the same list on macOS, where Docker Desktop lives under ~/.docker/run', () => {
        const r = ok(resolveConnection(machine({ platform: 'darwin', home: '/Users/ann', sockets: ['/Users/ann/.docker/run/docker.sock'] })));
        assert.deepEqual(r.endpoint, { kind: 'unix', socketPath: '/Users/ann/.docker/run/docker.sock' });
        assert.deepEqual(r.tried, ['unix:///var/run/docker.sock', 'unix:///Users/ann/.docker/run/docker.sock']);
      });

      it('uses ~/.docker/run even when DOCKER_CONFIG points elsewhere', () => {
        const r = ok(resolveConnection(machine({ env: { DOCKER_CONFIG: '/cfg' }, sockets: [SOCK_DESKTOP] })));
        assert.equal(r.address, `unix://${SOCK_DESKTOP}`);
      });

      it('uses the docker_engine named pipe on Windows', () => {
        const r = ok(resolveConnection(machine({ platform: 'win32', home: 'C:\\Users\\ann', sockets: ['//./pipe/docker_engine'] })));
        assert.deepEqual(r, {
          ok: true,
          endpoint: { kind: 'npipe', pipePath: '//./pipe/docker_engine' },
          address: 'npipe:////./pipe/docker_engine',
          source: 'default',
          exists: true,
          tried: ['npipe:////./pipe/docker_engine'],
        });
      });

      it('still returns the named pipe on Windows when it is absent', () => {
        const r = ok(resolveConnection(machine({ platform: 'win32', home: 'C:\\Users\\ann', env: { XDG_RUNTIME_DIR: RUNTIME } })));
        assert.deepEqual(r.endpoint, { kind: 'npipe', pipePath: '//./pipe/docker_engine' });
        assert.equal(r.exists, false);
        assert.deepEqual(r.tried, ['npipe:////./pipe/docker_engine']);
      });
    });
  });

  describe('helpers', () => {
    it('resolveDockerConfigDir uses DOCKER_CONFIG, else <home>/.docker', () => {
      assert.equal(resolveDockerConfigDir({ env: {}, home: HOME, platform: 'linux' }), DOCKER_DIR);
      assert.equal(resolveDockerConfigDir({ env: { DOCKER_CONFIG: '/x' }, home: HOME, platform: 'linux' }), '/x');
      assert.equal(resolveDockerConfigDir({ env: {}, home: 'C:\\Users\\ann', platform: 'win32' }), 'C:\\Users\\ann\\.docker');
    });

    it('contextDirName is the hex sha256 of the name', () => {
      assert.equal(contextDirName('remote'), sha('remote'));
      assert.match(contextDirName('x'), /^[0-9a-f]{64}$/);
    });
  });

  describe('describeSource', () => {
    it('names each source', () => {
      assert.equal(describeSource({ source: 'setting' }), 'setting berth.engine.host');
      assert.equal(describeSource({ source: 'DOCKER_HOST' }), 'DOCKER_HOST');
      assert.equal(describeSource({ source: 'context', contextName: 'remote' }), 'context "remote"');
      assert.equal(describeSource({ source: 'default' }), 'default socket');
    });

    it('works on resolution results, including errors', () => {
      assert.equal(describeSource(resolveConnection(machine({ env: { DOCKER_CONTEXT: 'ghost' } }))), 'context "ghost"');
      assert.equal(describeSource(resolveConnection(machine({ env: { DOCKER_HOST: 'tcp://h' } }))), 'DOCKER_HOST');
    });
  });

  describe('toModemOptions', () => {
    const neutral = { socketPath: undefined, host: undefined, port: undefined, username: undefined, ca: undefined, cert: undefined, key: undefined, timeout: undefined };
    const files: Record<string, string> = { '/c/ca.pem': 'CA-PEM', '/c/cert.pem': 'CERT-PEM', '/c/key.pem': 'KEY-PEM' };
    const readFile = (p: string): string | undefined => files[p];

    it('maps unix to socketPath and clears every other connection key', () => {
      assert.deepEqual(toModemOptions({ kind: 'unix', socketPath: '/var/run/docker.sock' }, readFile, {}), {
        ...neutral,
        socketPath: '/var/run/docker.sock',
        protocol: 'http',
      });
    });

    it('maps npipe to socketPath', () => {
      assert.deepEqual(toModemOptions({ kind: 'npipe', pipePath: '//./pipe/docker_engine' }, readFile, {}), {
        ...neutral,
        socketPath: '//./pipe/docker_engine',
        protocol: 'http',
      });
    });

    /** The options without the agent (checked apart: it is an object with state). */
    const withoutAgent = (options: Record<string, unknown>): Record<string, unknown> => {
      const { agent: _agent, ...rest } = options;
      return rest;
    };

    it('maps plain tcp to http without certificates, through an http agent', () => {
      const options = toModemOptions({ kind: 'tcp', host: 'h', port: 2375 }, readFile, {});
      assert.deepEqual(withoutAgent(options), { ...neutral, host: 'h', port: 2375, protocol: 'http' });
      assert.ok(options.agent instanceof HttpAgent && !(options.agent instanceof HttpsAgent));
    });

    it('maps TLS tcp to https with the certificate contents', () => {
      const options = toModemOptions(
        { kind: 'tcp', host: '::1', port: 2376, tls: { verify: true, caPath: '/c/ca.pem', certPath: '/c/cert.pem', keyPath: '/c/key.pem' } },
        readFile,
        {},
      );
      assert.deepEqual(withoutAgent(options), { ...neutral, host: '::1', port: 2376, protocol: 'https', ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' });
    });

    it('uses https with the system trust store when no TLS files are given', () => {
      const options = toModemOptions({ kind: 'tcp', host: 'h', port: 443, tls: { verify: true } }, readFile, {});
      assert.deepEqual(withoutAgent(options), { ...neutral, host: 'h', port: 443, protocol: 'https' });
    });

    it('leaves out a CA file that cannot be read', () => {
      const options = toModemOptions(
        { kind: 'tcp', host: 'h', port: 2376, tls: { verify: true, caPath: '/gone/ca.pem', certPath: '/c/cert.pem', keyPath: '/c/key.pem' } },
        readFile,
        {},
      );
      assert.equal(options.ca, undefined);
      assert.equal(options.cert, 'CERT-PEM');
      assert.equal(options.key, 'KEY-PEM');
    });

    it('passes a client certificate only together with its key', () => {
      const noKey = toModemOptions({ kind: 'tcp', host: 'h', port: 2376, tls: { verify: true, caPath: '/c/ca.pem', certPath: '/c/cert.pem' } }, readFile, {});
      assert.equal(noKey.ca, 'CA-PEM');
      assert.equal(noKey.cert, undefined);
      assert.equal(noKey.key, undefined);
      const unreadableKey = toModemOptions({ kind: 'tcp', host: 'h', port: 2376, tls: { verify: true, certPath: '/c/cert.pem', keyPath: '/gone/key.pem' } }, readFile, {});
      assert.equal(unreadableKey.cert, undefined);
      assert.equal(unreadableKey.key, undefined);
    });

    it('gives the https agent no TLS options of its own when verifying (the per-request ones apply)', () => {
      const options = toModemOptions({ kind: 'tcp', host: 'h', port: 2376, tls: { verify: true, caPath: '/c/ca.pem' } }, readFile, {});
      assert.ok(options.agent instanceof HttpsAgent);
      const own = (options.agent as HttpsAgent & { options: Record<string, unknown> }).options;
      for (const key of ['ca', 'cert', 'key', 'rejectUnauthorized']) assert.equal(own[key], undefined, key);
    });

    it('disables certificate checks through an https agent when verify is false', () => {
      const options = toModemOptions({ kind: 'tcp', host: 'h', port: 2376, tls: { verify: false, caPath: '/c/ca.pem' } }, readFile, {});
      assert.equal(options.protocol, 'https');
      assert.equal(options.ca, 'CA-PEM');
      assert.ok(options.agent instanceof HttpsAgent);
      assert.equal((options.agent as HttpsAgent & { options: { rejectUnauthorized?: boolean } }).options.rejectUnauthorized, false);
    });

    it('maps ssh to the ssh protocol with the agent socket', () => {
      assert.deepEqual(toModemOptions({ kind: 'ssh', host: 'far', port: 2200, username: 'ops' }, readFile, { SSH_AUTH_SOCK: '/tmp/agent.sock', USER: 'ann' }), {
        ...neutral,
        host: 'far',
        port: 2200,
        protocol: 'ssh',
        username: 'ops',
        sshOptions: { agent: '/tmp/agent.sock', keepaliveInterval: 15_000, keepaliveCountMax: 3 },
      });
    });

    it('defaults the ssh user name to USER, then USERNAME', () => {
      assert.equal(toModemOptions({ kind: 'ssh', host: 'far', port: 22 }, readFile, { USER: 'ann', USERNAME: 'win-ann' }).username, 'ann');
      assert.equal(toModemOptions({ kind: 'ssh', host: 'far', port: 22 }, readFile, { USERNAME: 'win-ann' }).username, 'win-ann');
      assert.equal(toModemOptions({ kind: 'ssh', host: 'far', port: 22 }, readFile, {}).username, undefined);
    });

    it('passes no agent when there is no agent socket, and always a keepalive', () => {
      assert.deepEqual(toModemOptions({ kind: 'ssh', host: 'far', port: 22 }, readFile, { SSH_AUTH_SOCK: ' ' }).sshOptions, { keepaliveInterval: 15_000, keepaliveCountMax: 3 });
    });

    describe('against the real docker-modem', () => {
      // docker-modem reads process.env itself on construction; these tests prove our options win.
      const saved: Record<string, string | undefined> = {};
      const keys = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'SSH_AUTH_SOCK', 'DOCKER_CLIENT_TIMEOUT'];
      beforeEach(() => {
        for (const k of keys) saved[k] = process.env[k];
        for (const k of keys) delete process.env[k];
      });
      afterEach(() => {
        for (const k of keys) {
          if (saved[k] === undefined) delete process.env[k];
          else process.env[k] = saved[k];
        }
      });

      function modem(options: Record<string, unknown>): Record<string, unknown> {
        return new Modem(options) as unknown as Record<string, unknown>;
      }

      it('keeps a unix socket even when DOCKER_HOST points at tcp', () => {
        process.env.DOCKER_HOST = 'tcp://elsewhere:2376';
        const m = modem(toModemOptions({ kind: 'unix', socketPath: '/srv/e.sock' }, readFile, {}));
        assert.equal(m.host, undefined);
        assert.equal(m.socketPath, '/srv/e.sock');
        assert.equal(m.protocol, 'http');
      });

      it('does not route a unix socket through ssh when DOCKER_HOST is ssh', () => {
        process.env.DOCKER_HOST = 'ssh://me@elsewhere';
        const m = modem(toModemOptions({ kind: 'unix', socketPath: '/srv/e.sock' }, readFile, {}));
        assert.equal(m.protocol, 'http');
        assert.equal(m.username, undefined);
      });

      it('ignores DOCKER_CLIENT_TIMEOUT, which would cut quiet event and log streams', () => {
        process.env.DOCKER_HOST = 'tcp://elsewhere:2375';
        process.env.DOCKER_CLIENT_TIMEOUT = '5';
        const m = modem(toModemOptions({ kind: 'tcp', host: 'h', port: 2375 }, readFile, {}));
        assert.equal(m.host, 'h');
        assert.equal(m.timeout, undefined);
      });

      it('configures https with our certificates and host', () => {
        const m = modem(
          toModemOptions({ kind: 'tcp', host: 'h', port: 2376, tls: { verify: true, caPath: '/c/ca.pem', certPath: '/c/cert.pem', keyPath: '/c/key.pem' } }, readFile, {}),
        );
        assert.equal(m.host, 'h');
        assert.equal(m.port, 2376);
        assert.equal(m.protocol, 'https');
        assert.equal(m.ca, 'CA-PEM');
        assert.equal(m.cert, 'CERT-PEM');
        assert.equal(m.key, 'KEY-PEM');
      });

      describe('over a real connection (a local server standing in for the engine)', () => {
        const fixtures = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls');
        const pem = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');
        const servers: Server[] = [];
        after(() => {
          for (const server of servers) server.close();
        });

        async function listen(tls: boolean): Promise<number> {
          const answer = (_req: unknown, res: { end(text: string): void }): void => res.end('OK');
          const server = tls ? createHttpsServer({ key: pem('server-key.pem'), cert: pem('server.pem') }, answer) : createHttpServer(answer);
          servers.push(server);
          await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
          return (server.address() as AddressInfo).port;
        }

        /** GET /_ping through docker-modem with our options; the answer's text, or the error's code or message. */
        function ping(options: Record<string, unknown>): Promise<string> {
          return new Promise((resolve) => {
            new Modem(options).dial({ path: '/_ping', method: 'GET', statusCodes: { 200: true } }, (error: unknown, data: unknown) => {
              if (error) resolve(`error: ${(error as { code?: string; message?: string }).code ?? (error as { message?: string }).message ?? 'unknown'}`);
              else resolve(Buffer.isBuffer(data) ? data.toString() : String(data));
            });
          });
        }

        /** How many sockets were given TCP keepalive (with which delay) while `fn` ran. */
        async function keepalives(fn: () => Promise<void>): Promise<number[]> {
          const delays: number[] = [];
          // eslint-disable-next-line @typescript-eslint/unbound-method
          const original = Socket.prototype.setKeepAlive;
          Socket.prototype.setKeepAlive = function (this: Socket, enable?: boolean, delay?: number) {
            if (enable) delays.push(delay ?? 0);
            return original.call(this, enable, delay);
          };
          try {
            await fn();
          } finally {
            Socket.prototype.setKeepAlive = original;
          }
          return delays;
        }

        const caFile = path.join(fixtures, 'ca.pem');
        const readReal = (p: string): string | undefined => (p === caFile ? pem('ca.pem') : undefined);

        it('talks plain http over tcp, with TCP keepalive on the socket', async () => {
          const port = await listen(false);
          let answer = '';
          const delays = await keepalives(async () => {
            answer = await ping(toModemOptions({ kind: 'tcp', host: '127.0.0.1', port }, readReal, {}));
          });
          assert.equal(answer, 'OK');
          assert.deepEqual(delays, [15_000]);
        });

        it('verifies the engine certificate against the given CA, with TCP keepalive', async () => {
          const port = await listen(true);
          let answer = '';
          const delays = await keepalives(async () => {
            answer = await ping(toModemOptions({ kind: 'tcp', host: '127.0.0.1', port, tls: { verify: true, caPath: caFile } }, readReal, {}));
          });
          assert.equal(answer, 'OK');
          assert.ok(delays.includes(15_000), `keepalive delays: ${delays.join(', ')}`);
        });

        it('refuses a certificate it cannot verify, unless verification is off', async () => {
          const port = await listen(true);
          assert.match(await ping(toModemOptions({ kind: 'tcp', host: '127.0.0.1', port, tls: { verify: true } }, readReal, {})), /^error: (SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO)/);
          assert.equal(await ping(toModemOptions({ kind: 'tcp', host: '127.0.0.1', port, tls: { verify: false } }, readReal, {})), 'OK');
        });
      });

      it('configures ssh with the user and agent', () => {
        const m = modem(toModemOptions({ kind: 'ssh', host: 'far', port: 2200, username: 'ops' }, readFile, { SSH_AUTH_SOCK: '/tmp/a' }));
        assert.equal(m.protocol, 'ssh');
        assert.equal(m.host, 'far');
        assert.equal(m.port, 2200);
        assert.equal(m.username, 'ops');
        assert.deepEqual({ ...(m.sshOptions as Record<string, unknown>) }, { agent: '/tmp/a', agentForward: undefined, keepaliveInterval: 15_000, keepaliveCountMax: 3 });
      });
    });
  });
});
