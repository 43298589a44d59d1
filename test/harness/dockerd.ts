/**
 * A private Docker engine for tests: its own data-root, exec-root, pidfile and socket under a
 * temp folder, no bridge, no iptables, so tests never touch the user's engine or containers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { pidAlive, sleep } from './time';

export const TEST_IMAGE = 'berth-test/busybox:latest';
export const BUSYBOX = '/bin/busybox';

export interface PrivateDockerd {
  readonly root: string;
  readonly socketPath: string;
  /** `unix://…`, for DOCKER_HOST. */
  readonly host: string;
  readonly docker: Docker;
  /** Kills the engine abruptly (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same folders after `kill`. */
  start(): Promise<void>;
  /** Stops it gracefully and removes its folders. */
  stop(): Promise<void>;
}

/** Why a private engine cannot run here, or undefined when it can. */
export function dockerdUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'a private dockerd needs root';
  if (!existsSync('/usr/sbin/dockerd')) return 'dockerd is missing (apt-get install docker.io)';
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} is missing (apt-get install busybox-static)`;
  return undefined;
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}


export async function startPrivateDockerd(log: (m: string) => void = () => undefined): Promise<PrivateDockerd> {
  const reason = dockerdUnavailableReason();
  if (reason) throw new Error(`Cannot start a private Docker engine: ${reason}`);
  // Short path: containerd's socket under exec-root must fit in sun_path (108 bytes).
  const root = mkdtempSync(join(tmpdir(), 'berth-d-'));
  const socketPath = join(root, 'docker.sock');
  const pidfile = join(root, 'docker.pid');
  const logFile = join(root, 'dockerd.log');
  for (const d of ['data', 'exec']) mkdirSync(join(root, d));
  let pid: number | undefined;

  const launch = async (): Promise<void> => {
    const out = openSync(logFile, 'a');
    const child = spawn(
      '/usr/sbin/dockerd',
      [
        '--data-root', join(root, 'data'),
        '--exec-root', join(root, 'exec'),
        '--pidfile', pidfile,
        '-H', `unix://${socketPath}`,
        '--bridge=none',
        '--iptables=false',
        '--ip-masq=false',
        '--storage-driver=overlay2',
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    closeSync(out);
    child.unref();
    pid = child.pid;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (await ping(socketPath)) {
        log(`private dockerd ready at unix://${socketPath}`);
        return;
      }
      if (child.exitCode !== null || (pid !== undefined && !pidAlive(pid))) break;
      await sleep(100);
    }
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
    throw new Error(`The private dockerd did not become ready. Its log:\n${tail}`);
  };

  const waitGone = async (p: number, ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!pidAlive(p)) return true;
      await sleep(100);
    }
    return !pidAlive(p);
  };

  /** dockerd's containerd and shims live in the same process group (detached above). */
  const killGroup = (signal: NodeJS.Signals): void => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };

  await launch();
  const docker = new Docker({ socketPath });
  return {
    root,
    socketPath,
    host: `unix://${socketPath}`,
    docker,
    async kill() {
      const p = pid;
      killGroup('SIGKILL');
      if (p !== undefined) await waitGone(p, 10_000);
      // A killed engine leaves its pidfile and socket behind; the next start must not trip on them.
      rmSync(pidfile, { force: true });
      rmSync(socketPath, { force: true });
    },
    async start() {
      await launch();
    },
    async stop() {
      const p = pid;
      if (p !== undefined && pidAlive(p)) {
        // Remove test containers first so the engine shuts down quickly and leaves no mounts.
        try {
          const all = await docker.listContainers({ all: true });
          await Promise.all(all.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
        } catch {
          // the engine may already be unhealthy; SIGTERM below still stops it
        }
        try {
          process.kill(p, 'SIGTERM');
        } catch {
          // gone
        }
        if (!(await waitGone(p, 20_000))) killGroup('SIGKILL');
        await waitGone(p, 5_000);
      }
      killGroup('SIGKILL');
      // Overlay mounts under data-root must be gone before the folder can be removed.
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((line) => line.split(' ')[1] ?? '')
        .filter((m) => m.startsWith(root))
        .sort()
        .reverse();
      for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** Builds the FROM-scratch busybox test image: a 2 MB image with sh, echo, sleep, cat and friends. */
export async function buildBusyboxImage(docker: Docker, tag = TEST_IMAGE): Promise<string> {
  const context = mkdtempSync(join(tmpdir(), 'berth-img-'));
  try {
    copyFileSync(BUSYBOX, join(context, 'busybox'));
    writeFileSync(
      join(context, 'Dockerfile'),
      ['FROM scratch', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', 'ENV PATH=/bin', 'CMD ["sh"]', ''].join('\n'),
    );
    const stream = await docker.buildImage({ context, src: ['Dockerfile', 'busybox'] }, { t: tag, rm: true, forcerm: true });
    const output = await new Promise<Array<{ error?: string; aux?: { ID?: string } }>>((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string; aux?: { ID?: string } }>) => (err ? reject(err) : resolve(res)));
    });
    const failure = output.find((o) => o.error);
    if (failure) throw new Error(`Building ${tag} failed: ${failure.error ?? ''}`);
    return output.find((o) => o.aux?.ID)?.aux?.ID ?? tag;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Creates (and optionally starts) a busybox container with no network, as the network rule requires. */
export async function runBusybox(docker: Docker, name: string, cmd: string[], options: { start?: boolean; hostConfig?: Docker.HostConfig; labels?: Record<string, string> } = {}): Promise<Docker.Container> {
  const container = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
    Cmd: cmd,
    Labels: { 'berth.test': '1', ...options.labels },
    HostConfig: { NetworkMode: 'none', ...options.hostConfig },
  });
  if (options.start !== false) await container.start();
  return container;
}
