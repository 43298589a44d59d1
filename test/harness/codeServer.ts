/**
 * Test tooling for running a real VS Code: code-server (VS Code 1.100.3 served
 * over HTTP) driven by Debian's Chromium through playwright-core.
 *
 * code-server lives in its own npm project, test/e2e/vscode (own package.json
 * and lock, ~300 MB of node_modules plus native builds), so it never enters the
 * extension's dependencies. ensureCodeServer() installs it on first use,
 * offline except for the npm registry.
 *
 * Linux only. Prerequisites (Debian packages): ripgrep, libkrb5-dev, chromium,
 * plus a C/C++ toolchain, make and python3 for node-gyp, and Node 20 with its
 * headers (<node prefix>/include/node).
 *
 * Only Node built-ins and playwright-core are used; child processes are started
 * with argument arrays, never shell strings.
 */
import { execFile, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext } from 'playwright-core';

export type Log = (msg: string) => void;

/** Exact code-server version, as pinned in test/e2e/vscode/package.json. */
export const CODE_SERVER_VERSION = '4.100.3';

/**
 * What code-server 4.100.3's bundled VS Code locks for @vscode/ripgrep
 * (lib/vscode/npm-shrinkwrap.json) and the release its postinstall fetches
 * (lib/postinstall.js VERSION). Its download.js looks for
 * `$TMPDIR/vscode-ripgrep-cache-<package version>/ripgrep-<release>-<target>.tar.gz`
 * and, when present, untars it into its bin/ (expecting `rg` at the top level)
 * instead of downloading from GitHub. Revisit both when bumping code-server.
 */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
const SYSTEM_RG = '/usr/bin/rg';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for Debian's Chromium that worked headless here (see shared/vscode-e2e.md). */
export const CHROMIUM_ARGS: string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const INSTALL_MARKER = '.berth-code-server.json';
const HEALTH_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

// ---------------------------------------------------------------- paths

function findRepoRoot(): string {
  // Works from test/harness (ts-node) and from out/test/harness (tsc output).
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'test', 'e2e', 'vscode', 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`codeServer: cannot find test/e2e/vscode/package.json above ${__dirname}`);
    }
    dir = parent;
  }
}

/** The npm project that holds code-server (test/e2e/vscode). */
export function codeServerProjectDir(): string {
  return path.join(findRepoRoot(), 'test', 'e2e', 'vscode');
}

function codeServerPackageDir(): string {
  return path.join(codeServerProjectDir(), 'node_modules', 'code-server');
}

function launcherPath(): string {
  return path.join(codeServerPackageDir(), 'out', 'node', 'entry.js');
}

// ---------------------------------------------------------------- small helpers

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

function tailOfFile(file: string, lines = 40): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output captured)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function execFileP(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const detail = `${String(stdout)}\n${String(stderr)}`.trim().split('\n').slice(-30).join('\n');
        reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${err.message}\n${detail}`));
      } else {
        resolve({ stdout: String(stdout), stderr: String(stderr) });
      }
    });
  });
}

/** process.env without variables that would make code-server or npm misbehave. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // VSCODE_IPC_HOOK_CLI & co. (set inside a VS Code terminal) turn code-server
    // into a remote CLI that opens the folder in *that* window.
    if (/^VSCODE_/i.test(key) || key === 'ELECTRON_RUN_AS_NODE') continue;
    // Left over from an enclosing `npm run`: they describe the root project.
    if (/^npm_(package|lifecycle)_/i.test(key) || /^npm_command$/i.test(key)) continue;
    if (/^npm_config_(local_prefix|ignore_scripts|global|prefix)$/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** XDG folders under `base`, so code-server writes nothing into $HOME. */
function xdgEnv(base: string): NodeJS.ProcessEnv {
  const config = path.join(base, 'xdg', 'config');
  const data = path.join(base, 'xdg', 'data');
  fs.mkdirSync(config, { recursive: true });
  fs.mkdirSync(data, { recursive: true });
  return { XDG_CONFIG_HOME: config, XDG_DATA_HOME: data };
}

// ---------------------------------------------------------------- install

interface InstallMarker {
  version: string;
  nodeModules: string; // process.versions.modules (native ABI) at install time
}

function isInstalled(): boolean {
  const marker = readJson(path.join(codeServerProjectDir(), 'node_modules', INSTALL_MARKER));
  const pkg = readJson(path.join(codeServerPackageDir(), 'package.json'));
  return (
    field(marker, 'version') === CODE_SERVER_VERSION &&
    field(marker, 'nodeModules') === process.versions.modules &&
    field(pkg, 'version') === CODE_SERVER_VERSION &&
    fs.existsSync(launcherPath())
  );
}

function ripgrepTarget(): string {
  if (process.platform !== 'linux') {
    throw new Error(`codeServer: only Linux is supported (this is ${process.platform})`);
  }
  switch (process.arch) {
    case 'x64':
      return 'x86_64-unknown-linux-musl';
    case 'arm64':
      return 'aarch64-unknown-linux-musl';
    default:
      throw new Error(`codeServer: no ripgrep target known for arch ${process.arch}`);
  }
}

/**
 * Puts a tarball of /usr/bin/rg where @vscode/ripgrep's postinstall looks for
 * its cached download, so it never tries GitHub. Returns the TMPDIR it used.
 */
async function seedRipgrepCache(log: Log): Promise<string> {
  if (!fs.existsSync(SYSTEM_RG)) {
    throw new Error(
      `codeServer: ${SYSTEM_RG} not found. Install the Debian package "ripgrep" ` +
        '(apt-get install -y ripgrep): @vscode/ripgrep cannot download its binary offline.',
    );
  }
  const tmp = os.tmpdir();
  const cacheDir = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = path.join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${ripgrepTarget()}.tar.gz`);
  if (fs.existsSync(tarball) && fs.statSync(tarball).size > 0) {
    log(`ripgrep cache already seeded: ${tarball}`);
    return tmp;
  }
  log(`seeding ripgrep cache from ${SYSTEM_RG}: ${tarball}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const stage = fs.mkdtempSync(path.join(tmp, 'berth-rg-'));
  try {
    fs.copyFileSync(SYSTEM_RG, path.join(stage, 'rg'));
    fs.chmodSync(path.join(stage, 'rg'), 0o755);
    const partial = `${tarball}.${process.pid}.partial`;
    await execFileP('tar', ['-czf', partial, '-C', stage, 'rg']);
    fs.renameSync(partial, tarball);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return tmp;
}

function nodeHeadersDir(): string | undefined {
  // The prefix of the running Node (/usr for Debian's /usr/bin/node).
  const prefix = path.dirname(path.dirname(process.execPath));
  for (const candidate of [prefix, '/usr']) {
    if (fs.existsSync(path.join(candidate, 'include', 'node', 'node.h'))) return candidate;
  }
  return undefined;
}

/** Files a working install must have; each was missing in some failure mode. */
function verifyInstall(): string[] {
  const pkg = codeServerPackageDir();
  const vs = path.join(pkg, 'lib', 'vscode');
  const required = [
    launcherPath(),
    path.join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    path.join(vs, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
    path.join(vs, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    path.join(vs, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node'),
    path.join(vs, 'node_modules', 'native-watchdog', 'build', 'Release', 'watchdog.node'),
    path.join(vs, 'extensions', 'node_modules'),
  ];
  return required.filter((f) => !fs.existsSync(f));
}

/** Serialises installs from concurrent processes (lock = a directory in tmpdir). */
async function withInstallLock<T>(log: Log, fn: () => Promise<T>): Promise<T> {
  const key = codeServerProjectDir().replace(/[^A-Za-z0-9]+/g, '_').slice(-80);
  const lockDir = path.join(os.tmpdir(), `berth-code-server-install${key}.lock`);
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }));
      let alive = false;
      if (owner > 0) {
        try {
          process.kill(owner, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (!alive && (owner > 0 || Date.now() - fs.statSync(lockDir).mtimeMs > 10_000)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        log(`waiting for another code-server install (pid ${owner}) to finish`);
        announced = true;
      }
      if (Date.now() > deadline) throw new Error(`codeServer: timed out waiting for install lock ${lockDir}`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function runLogged(
  file: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; log: Log; what: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(opts.logFile, 'a');
    const started = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', out, out] });
    } finally {
      fs.closeSync(out);
    }
    const timer = setInterval(() => {
      opts.log(`${opts.what}: still running (${Math.round((Date.now() - started) / 1000)} s)`);
    }, 20_000);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new Error(`${opts.what}: could not start ${file}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (code === 0) {
        resolve();
      } else {
        reject(
          new Error(
            `${opts.what} failed (${signal ?? `exit ${String(code)}`}); full log: ${opts.logFile}\n` +
              tailOfFile(opts.logFile),
          ),
        );
      }
    });
  });
}

/**
 * Returns the absolute path of code-server's node entry point
 * (test/e2e/vscode/node_modules/code-server/out/node/entry.js), installing
 * code-server with `npm ci` first if it is missing, not 4.100.3, or was built
 * for another Node ABI. When already installed this is just a version check.
 */
export async function ensureCodeServer(log: Log): Promise<string> {
  if (isInstalled()) return launcherPath();
  return withInstallLock(log, async () => {
    if (isInstalled()) return launcherPath(); // another process did it meanwhile

    const projectDir = codeServerProjectDir();
    const pin = field(field(readJson(path.join(projectDir, 'package.json')), 'dependencies'), 'code-server');
    if (pin !== CODE_SERVER_VERSION) {
      throw new Error(
        `codeServer: ${projectDir}/package.json pins code-server ${String(pin)}, ` +
          `but the harness expects ${CODE_SERVER_VERSION} (update CODE_SERVER_VERSION and the ripgrep constants together)`,
      );
    }
    const nodeMajor = Number(process.versions.node.split('.')[0]);
    if (nodeMajor !== 20) {
      throw new Error(`codeServer: code-server ${CODE_SERVER_VERSION} needs Node 20; this is Node ${process.versions.node}`);
    }

    log(`installing code-server ${CODE_SERVER_VERSION} into ${projectDir}/node_modules (npm ci, ~1.5 min, native builds)`);
    const tmpdir = await seedRipgrepCache(log);
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      TMPDIR: tmpdir,
      // code-server's postinstall.sh refuses to run as root without it.
      npm_config_unsafe_perm: 'true',
      // node-pty's postinstall runs `npx node-gyp`; do not prompt.
      npm_config_yes: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const nodedir = nodeHeadersDir();
    if (nodedir) {
      env['npm_config_nodedir'] = nodedir; // node-gyp: use local headers, do not download
    } else {
      log(
        'warning: Node headers not found (<prefix>/include/node/node.h); node-gyp will try to download them, ' +
          'which fails offline',
      );
    }
    const logFile = path.join(os.tmpdir(), `berth-code-server-install-${Date.now()}-${process.pid}.log`);
    log(`npm ci output: ${logFile}`);
    const started = Date.now();
    await runLogged('npm', ['ci', '--foreground-scripts', '--no-audit', '--no-fund'], {
      cwd: projectDir,
      env,
      logFile,
      log,
      what: 'npm ci (code-server)',
    });
    const missing = verifyInstall();
    if (missing.length > 0) {
      throw new Error(
        `codeServer: npm ci succeeded but these files are missing (an install script was skipped or failed; ` +
          `see ${logFile}):\n  ${missing.join('\n  ')}`,
      );
    }
    // Smoke test: loads code-server and its native argon2 binding.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cs-version-'));
    try {
      const { stdout } = await execFileP(process.execPath, [launcherPath(), '--version'], {
        env: { ...cleanEnv(), ...xdgEnv(scratch) },
        timeout: 60_000,
      });
      log(`installed in ${Math.round((Date.now() - started) / 1000)} s: code-server ${stdout.trim().split('\n').pop() ?? ''}`);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    const marker: InstallMarker = { version: CODE_SERVER_VERSION, nodeModules: process.versions.modules };
    fs.writeFileSync(path.join(projectDir, 'node_modules', INSTALL_MARKER), JSON.stringify(marker, null, 2) + '\n');
    return launcherPath();
  });
}

// ---------------------------------------------------------------- server

export interface CodeServer {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** Holds code-server.log (its stdout+stderr). VS Code's own logs are under userDataDir/logs. */
  logsDir: string;
  /** The workDir given to startCodeServer (XDG folders live under it). */
  workDir: string;
  /** Kills the whole process group (SIGTERM, SIGKILL after a grace period) and waits for it. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Folder to open. */
  folder: string;
  /** Extra environment for the server (and so the extension host), merged over process.env. */
  env?: NodeJS.ProcessEnv;
  /** Scratch folder for user data, extensions, XDG dirs and logs. */
  workDir: string;
  /** Default true. Pass false to test workspace trust. */
  disableWorkspaceTrust?: boolean;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  log: Log;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('freePort: no address'));
      });
    });
  });
}

function healthz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Safety net: kill servers left running when the test process exits.
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const g of liveGroups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

async function startOnce(opts: StartOptions, launcher: string, port: number): Promise<CodeServer> {
  const workDir = path.resolve(opts.workDir);
  const userDataDir = path.join(workDir, 'user-data');
  const extensionsDir = path.join(workDir, 'extensions');
  const logsDir = path.join(workDir, 'logs');
  for (const d of [userDataDir, extensionsDir, logsDir]) fs.mkdirSync(d, { recursive: true });
  const logFile = path.join(logsDir, 'code-server.log');

  const args = [
    launcher,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--ignore-last-opened',
  ];
  if (opts.disableWorkspaceTrust ?? true) args.push('--disable-workspace-trust');
  args.push(path.resolve(opts.folder));

  const env: NodeJS.ProcessEnv = { ...cleanEnv(), ...opts.env, ...xdgEnv(workDir) };
  delete env['PORT']; // would override --bind-addr's port
  opts.log(`starting code-server on 127.0.0.1:${port} (log: ${logFile})`);
  fs.appendFileSync(logFile, `\n=== ${new Date().toISOString()} ${process.execPath} ${args.join(' ')}\n`);
  const out = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, args, {
      cwd: workDir,
      env,
      detached: true, // own process group (setsid): stop() kills the group
      stdio: ['ignore', out, out],
    });
  } finally {
    fs.closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`code-server did not start (spawn ${process.execPath} failed)`);
  }
  child.unref(); // do not keep the test process alive; the exit hook cleans up
  trackGroup(pid);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const signalGroup = (sig: NodeJS.Signals): void => {
        try {
          process.kill(-pid, sig);
        } catch {
          /* group gone */
        }
      };
      const waitGone = async (ms: number): Promise<boolean> => {
        const end = Date.now() + ms;
        for (;;) {
          if (exited && !groupAlive(pid)) return true;
          if (Date.now() > end) return false;
          await sleep(100);
        }
      };
      signalGroup('SIGTERM');
      if (!(await waitGone(STOP_GRACE_MS))) {
        opts.log(`code-server (pgid ${pid}) still running after ${STOP_GRACE_MS} ms; SIGKILL`);
        signalGroup('SIGKILL');
        await Promise.race([exitPromise, sleep(STOP_GRACE_MS)]);
        await waitGone(STOP_GRACE_MS);
      }
      liveGroups.delete(pid);
    })();
    return stopped;
  };

  const cs: CodeServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    userDataDir,
    extensionsDir,
    logsDir,
    workDir,
    stop,
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop();
      const how = exited.signal ?? `exit code ${String(exited.code)}`;
      throw new Error(`code-server exited during start-up (${how}). Last output (${logFile}):\n${tailOfFile(logFile)}`);
    }
    if (await healthz(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `code-server did not answer GET /healthz on port ${port} within ${HEALTH_TIMEOUT_MS / 1000} s. ` +
          `Last output (${logFile}):\n${tailOfFile(logFile)}`,
      );
    }
    await sleep(200);
  }
  opts.log(`code-server ready at ${cs.url} (pid ${pid})`);
  return cs;
}

/** Starts code-server (auth none) on 127.0.0.1 and waits for /healthz. */
export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const launcher = await ensureCodeServer(opts.log);
  if (opts.port !== undefined) return startOnce(opts, launcher, opts.port);
  // A port picked by freePort() can be taken before code-server binds it; retry then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startOnce(opts, launcher, port);
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(err))) throw err;
      opts.log(`port ${port} was taken; retrying`);
    }
  }
}

// ---------------------------------------------------------------- extensions

/**
 * Installs a .vsix with code-server's CLI (works while the server runs; a new
 * workbench window picks it up) and returns the installed extension's folder,
 * e.g. <extensionsDir>/berth.berth-0.1.0. Uses --force so a rebuilt VSIX with
 * an unchanged version still replaces the installed copy.
 */
export async function installExtension(
  cs: CodeServer | { extensionsDir: string; userDataDir: string },
  vsixPath: string,
  log: Log,
): Promise<string> {
  const launcher = await ensureCodeServer(log);
  const vsix = path.resolve(vsixPath);
  if (!fs.existsSync(vsix)) throw new Error(`installExtension: ${vsix} does not exist`);
  const xdgBase = 'workDir' in cs ? cs.workDir : path.dirname(path.resolve(cs.userDataDir));
  fs.mkdirSync(cs.extensionsDir, { recursive: true });
  fs.mkdirSync(cs.userDataDir, { recursive: true });
  const startedAt = Date.now();
  log(`installing ${vsix} into ${cs.extensionsDir}`);
  const { stdout, stderr } = await execFileP(
    process.execPath,
    [
      launcher,
      '--extensions-dir', cs.extensionsDir,
      '--user-data-dir', cs.userDataDir,
      '--install-extension', vsix,
      '--force',
    ],
    { env: { ...cleanEnv(), ...xdgEnv(xdgBase) }, timeout: 120_000 },
  );
  const output = `${stdout}\n${stderr}`.trim();
  if (!/successfully installed/i.test(output)) {
    throw new Error(`installExtension: code-server did not report success:\n${output}`);
  }
  const folder = findInstalledExtension(cs.extensionsDir, startedAt);
  log(`installed extension at ${folder}`);
  return folder;
}

/** Picks the extension most recently installed, from <extensionsDir>/extensions.json. */
function findInstalledExtension(extensionsDir: string, since: number): string {
  const manifest = readJson(path.join(extensionsDir, 'extensions.json'));
  let best: { folder: string; ts: number } | undefined;
  if (Array.isArray(manifest)) {
    for (const entry of manifest as unknown[]) {
      const rel = field(entry, 'relativeLocation');
      const ts = field(field(entry, 'metadata'), 'installedTimestamp');
      if (typeof rel !== 'string' || typeof ts !== 'number') continue;
      const folder = path.join(extensionsDir, rel);
      if (fs.existsSync(folder) && (!best || ts > best.ts)) best = { folder, ts };
    }
  }
  if (best && best.ts >= since - 1000) return best.folder;
  // Fallback: the newest folder in the extensions dir.
  const dirs = fs
    .readdirSync(extensionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => ({ folder: path.join(extensionsDir, d.name), ts: fs.statSync(path.join(extensionsDir, d.name)).mtimeMs }))
    .sort((a, b) => b.ts - a.ts);
  const newest = dirs[0];
  if (!newest) throw new Error(`installExtension: no extension folder found in ${extensionsDir}`);
  return newest.folder;
}

// ---------------------------------------------------------------- workbench / browser

/** `vscode-remote://127.0.0.1:PORT/<abs path>`: how the workbench names a file on the server. */
export function remoteUri(cs: Pick<CodeServer, 'port'>, absPath: string): string {
  const p = path.resolve(absPath).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://127.0.0.1:${cs.port}${p.startsWith('/') ? p : `/${p}`}`;
}

/**
 * The workbench URL for `folder`. `payload` entries go to the workbench as-is,
 * e.g. [['extensionDevelopmentPath', remoteUri(cs, extDir)],
 *       ['extensionTestsPath', remoteUri(cs, testsIndexJs)]].
 */
export function workbenchUrl(cs: CodeServer, folder: string, payload?: Array<[string, string]>): string {
  let url = `${cs.url}/?folder=${encodeURIComponent(path.resolve(folder))}`;
  if (payload && payload.length > 0) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/**
 * Launches Debian's Chromium (headless) with a persistent profile in
 * `userDataDir`. Close it with `await context.close()`.
 */
export async function launchBrowser(userDataDir: string): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`launchBrowser: ${CHROMIUM_PATH} not found. Install the Debian package "chromium" (apt-get install -y chromium).`);
  }
  const profile = path.resolve(userDataDir);
  fs.mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    // Our own cleanup (dockerd, code-server) must run on Ctrl-C; playwright's handlers exit first.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    // Chromium keeps its crashpad database ("Crash Reports") under
    // $XDG_CONFIG_HOME/chromium whatever --user-data-dir says; keep it out of $HOME.
    env: {
      ...cleanEnv(),
      XDG_CONFIG_HOME: path.join(profile, '.xdg-config'),
      XDG_CACHE_HOME: path.join(profile, '.xdg-cache'),
    },
    viewport: { width: 1400, height: 900 },
  });
}

/**
 * Writes VS Code user settings for a code-server that will use `workDir` (call before
 * startCodeServer): a quiet, screenshot-friendly workbench for tests and `npm start`.
 */
export function writeUserSettings(workDir: string, settings: Record<string, unknown>): void {
  const dir = path.join(path.resolve(workDir), 'user-data', 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

export const QUIET_WORKBENCH_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.startupPrompt': 'never',
  // The DOM renderer keeps terminal text readable to the UI tests (headless Chromium has no GPU).
  'terminal.integrated.gpuAcceleration': 'off',
  // Each test's window starts without terminals revived from an earlier window on the workspace.
  'terminal.integrated.enablePersistentSessions': false,
  // A window restores the panel as the last one left it; a terminal view restored open with no
  // terminals makes VS Code start a default shell ("bash"), which then sits beside the terminal a
  // test opens and can take its clicks. Start with the view hidden instead.
  'terminal.integrated.hideOnStartup': 'always',
};
