/**
 * Mocha global fixture for the e2e suite: a private dockerd with the test image, a real VS Code
 * (code-server) whose extension host talks to that engine, Berth installed from its VSIX, and a
 * headless Chromium to drive it. Everything is stopped afterwards.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { CodeServer } from '../harness/codeServer';
import { QUIET_WORKBENCH_SETTINGS, installExtension, launchBrowser, startCodeServer, writeUserSettings } from '../harness/codeServer';
import type { PrivateDockerd } from '../harness/dockerd';
import { TEST_IMAGE, buildBusyboxImage, startPrivateDockerd } from '../harness/dockerd';

export const REPO = resolve(__dirname, '..', '..', '..');
export const RESULTS = join(REPO, 'test-results');

export interface E2E {
  dockerd: PrivateDockerd;
  codeServer: CodeServer;
  browser: BrowserContext;
  /** The folder of the installed VSIX: what users get. */
  extensionDir: string;
  /** A copy of test/fixtures/sample. */
  workspace: string;
  /** A workspace whose settings point Berth at an engine that is not there. */
  brokenWorkspace: string;
  /** Where the extension-host suite writes its counts. */
  exthostResults: string;
  workDir: string;
}

let e2e: E2E | undefined;

export function env(): E2E {
  if (!e2e) throw new Error('The e2e fixture is not running: load test/e2e/hooks.js with --require.');
  return e2e;
}

const log = (m: string): void => console.log(`    [e2e] ${m}`);

export async function mochaGlobalSetup(): Promise<void> {
  const started = Date.now();
  mkdirSync(RESULTS, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = join(REPO, `${manifest.name}-${manifest.version}.vsix`);

  const workDir = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  const workspace = join(workDir, 'workspace');
  cpSync(join(REPO, 'test', 'fixtures', 'sample'), workspace, { recursive: true });
  cpSync(join(REPO, 'test', 'fixtures', 'course'), join(workspace, 'course'), { recursive: true });
  const brokenWorkspace = join(workDir, 'broken');
  mkdirSync(join(brokenWorkspace, '.vscode'), { recursive: true });
  writeFileSync(join(brokenWorkspace, '.vscode', 'settings.json'), JSON.stringify({ 'berth.engine.host': 'unix:///nonexistent/berth-e2e/docker.sock' }));
  const exthostResults = join(workDir, 'exthost-results.json');

  const dockerd = await startPrivateDockerd(log);
  try {
    await buildBusyboxImage(dockerd.docker);
    // The sample workspace's Dockerfile starts FROM busybox:1.36; with no registry here, the test image stands in.
    await dockerd.docker.getImage(TEST_IMAGE).tag({ repo: 'busybox', tag: '1.36' });
    writeUserSettings(join(workDir, 'vscode'), { ...QUIET_WORKBENCH_SETTINGS });
    const codeServer = await startCodeServer({
      folder: workspace,
      workDir: join(workDir, 'vscode'),
      // The extension host inherits this environment: Berth finds the private engine via DOCKER_HOST.
      env: { DOCKER_HOST: dockerd.host, DOCKER_CONTEXT: undefined, BERTH_EXTHOST_RESULTS: exthostResults },
      log,
    });
    const extensionDir = await installExtension(codeServer, vsix, log);
    const browser = await launchBrowser(join(workDir, 'chromium'));
    e2e = { dockerd, codeServer, browser, extensionDir, workspace, brokenWorkspace, exthostResults, workDir };
    log(`ready in ${Date.now() - started} ms (${codeServer.url})`);
  } catch (error) {
    await dockerd.stop();
    throw error;
  }
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (!e2e) return;
  const { browser, codeServer, dockerd, workDir } = e2e;
  e2e = undefined;
  await browser.close().catch(() => undefined);
  // Keep VS Code's logs (extension host, Berth's own channel) for anyone reading a failure.
  try {
    cpSync(join(codeServer.userDataDir, 'logs'), join(RESULTS, 'vscode-logs'), { recursive: true });
    cpSync(codeServer.logsDir, join(RESULTS, 'code-server-logs'), { recursive: true });
  } catch {
    // logs are a convenience
  }
  await codeServer.stop();
  await dockerd.stop();
  rmSync(workDir, { recursive: true, force: true });
}
