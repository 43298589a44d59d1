/**
 * A private image registry for tests: Debian's `docker-registry` (distribution 2.8) on
 * 127.0.0.1:<free port>, storing in a temp folder, optionally behind htpasswd basic auth.
 *
 * Plain HTTP is enough, auth included (verified with Docker 20.10): the engine treats 127.0.0.0/8
 * registries as insecure by default, so it falls back to HTTP, and the registry accepts basic auth
 * without TLS (it only logs a warning). The engine sends the `X-Registry-Auth` credentials to it
 * when challenged. No certificate, no certs.d and no engine flag is needed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidAlive, sleep } from './time';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
export const HTPASSWD_BINARY = '/usr/bin/htpasswd';

export interface RegistryUser {
  username: string;
  password: string;
}

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, the host part of image references. */
  readonly host: string;
  readonly port: number;
  readonly root: string;
  /** The one user htpasswd knows, when started with auth. */
  readonly user: RegistryUser | undefined;
  /** The registry's log so far, for failure messages. */
  log(): string;
  /** Stops the registry and removes its folder. */
  stop(): Promise<void>;
}

/** Why a local registry cannot run here, or undefined when it can. */
export function registryUnavailableReason(options: { auth?: boolean } = {}): string | undefined {
  if (!existsSync(REGISTRY_BINARY)) return `${REGISTRY_BINARY} is missing (apt-get install docker-registry)`;
  if (options.auth && !existsSync(HTPASSWD_BINARY)) return `${HTPASSWD_BINARY} is missing (apt-get install apache2-utils)`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** 200 without auth, 401 with it: either way the registry is serving. */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/v2/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => {
      req.destroy();
      resolve(undefined);
    });
  });
}


/** A bcrypt htpasswd line (the only hash distribution accepts), the password on stdin rather than in argv. */
function htpasswdLine(user: RegistryUser): string {
  const r = spawnSync(HTPASSWD_BINARY, ['-B', '-n', '-i', user.username], { input: user.password, encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.includes(':$2')) throw new Error(`htpasswd failed: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

function configYaml(root: string, port: number, htpasswdPath: string | undefined): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(root, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    // A fixed secret silences the warning and keeps uploads valid if the process restarts.
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (htpasswdPath) lines.push('auth:', '  htpasswd:', '    realm: berth-test', `    path: ${htpasswdPath}`);
  return `${lines.join('\n')}\n`;
}

export async function startLocalRegistry(options: { auth?: RegistryUser } = {}): Promise<LocalRegistry> {
  const reason = registryUnavailableReason({ auth: options.auth !== undefined });
  if (reason) throw new Error(`Cannot start a local registry: ${reason}`);
  const root = mkdtempSync(join(tmpdir(), 'berth-reg-'));
  mkdirSync(join(root, 'data'));
  const logFile = join(root, 'registry.log');
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  let htpasswdPath: string | undefined;
  try {
    if (options.auth) {
      htpasswdPath = join(root, 'htpasswd');
      writeFileSync(htpasswdPath, `${htpasswdLine(options.auth)}\n`, { mode: 0o600 });
    }
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  // The free port may be taken between the probe and the registry's bind: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const configPath = join(root, 'config.yml');
    writeFileSync(configPath, configYaml(root, port, htpasswdPath));
    const out = openSync(logFile, 'a');
    const child = spawn(REGISTRY_BINARY, ['serve', configPath], { detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    child.unref();
    const pid = child.pid;
    const deadline = Date.now() + 15_000;
    let ready = false;
    while (Date.now() < deadline) {
      const status = await probe(port);
      if (status === 200 || status === 401) {
        ready = true;
        break;
      }
      if (child.exitCode !== null || pid === undefined || !pidAlive(pid)) break;
      await sleep(50);
    }
    const stop = async (): Promise<void> => {
      if (pid !== undefined && pidAlive(pid)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // gone
        }
        const until = Date.now() + 5000;
        while (Date.now() < until && pidAlive(pid)) await sleep(50);
        if (pidAlive(pid)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      }
    };
    if (ready) {
      return {
        host: `127.0.0.1:${port}`,
        port,
        root,
        user: options.auth,
        log,
        async stop() {
          await stop();
          rmSync(root, { recursive: true, force: true, maxRetries: 3 });
        },
      };
    }
    await stop();
    if (!/address already in use/i.test(log())) break;
  }
  const tail = log().split('\n').slice(-20).join('\n');
  rmSync(root, { recursive: true, force: true });
  throw new Error(`The local registry did not start. Its log:\n${tail}`);
}
