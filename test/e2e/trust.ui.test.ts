/**
 * Restricted Mode, as a user meets it: a second VS Code (code-server) with workspace trust on opens
 * a folder it has never trusted. The explorer still works; building and running with bind mounts
 * are off and say why, with a way to manage trust.
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CodeServer } from '../harness/codeServer';
import { QUIET_WORKBENCH_SETTINGS, installExtension, startCodeServer, workbenchUrl, writeUserSettings } from '../harness/codeServer';
import { TEST_IMAGE, runBusybox } from '../harness/dockerd';
import { REPO, env } from './hooks';
import { contextMenu, openContainersView, openWorkbench, pane, screenshot, widenSideBar } from './page';

describe('Restricted Mode (UI)', function () {
  this.timeout(240_000);
  let codeServer: CodeServer | undefined;
  let folder = '';
  let page: Page | undefined;
  const names: string[] = [];

  before(async () => {
    const { dockerd, workDir } = env();
    const root = join(workDir, 'trust');
    folder = join(root, 'untrusted');
    mkdirSync(root, { recursive: true });
    cpSync(join(REPO, 'test', 'fixtures', 'sample'), folder, { recursive: true });
    writeUserSettings(join(root, 'vscode'), { ...QUIET_WORKBENCH_SETTINGS });
    codeServer = await startCodeServer({
      folder,
      workDir: join(root, 'vscode'),
      env: { DOCKER_HOST: dockerd.host, DOCKER_CONTEXT: undefined },
      disableWorkspaceTrust: false,
      log: (m) => console.log(`    [trust] ${m}`),
    });
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
    await installExtension(codeServer, join(REPO, `${manifest.name}-${manifest.version}.vsix`), (m) => console.log(`    [trust] ${m}`));
  });

  after(async () => {
    const { dockerd } = env();
    await Promise.all(names.map((n) => dockerd.docker.getContainer(n).remove({ force: true }).catch(() => undefined)));
    await codeServer?.stop();
  });

  afterEach(async function () {
    if (page && this.currentTest?.state === 'failed') await screenshot(page, `failure-${(this.currentTest.title || 'trust').replace(/\W+/g, '-')}`).catch(() => undefined);
    await page?.close();
    page = undefined;
  });

  async function openUntrusted(): Promise<Page> {
    if (!codeServer) throw new Error('no code-server');
    page = await env().browser.newPage();
    await openWorkbench(page, workbenchUrl(codeServer, folder));
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
    await openContainersView(page);
    await widenSideBar(page, 560);
    return page;
  }

  it('keeps the explorer working, and explains that building is off with a way to trust the folder', async () => {
    const { dockerd } = env();
    const name = `berth-e2e-trust-${Date.now().toString(36)}`;
    names.push(name);
    await runBusybox(dockerd.docker, name, ['sleep', '600']);
    const p = await openUntrusted();
    await pane(p, 'Containers').locator('.monaco-list-row', { hasText: name }).filter({ hasText: /Up / }).waitFor({ timeout: 30_000 });
    await pane(p, 'Images').locator('.monaco-list-row', { hasText: TEST_IMAGE }).first().waitFor({ timeout: 30_000 });

    const before = (await dockerd.docker.listImages()).length;
    await p.keyboard.press('Control+Shift+E');
    const dockerfile = p.locator('.explorer-folders-view .monaco-list-row[aria-level="1"]', { hasText: /^Dockerfile$/ }).first();
    await dockerfile.waitFor({ timeout: 30_000 });
    await contextMenu(p, dockerfile, 'Build Image…');
    const toast = p.locator('.notification-toast', { hasText: 'Building is off in Restricted Mode' });
    await toast.waitFor({ timeout: 30_000 });
    await screenshot(p, 'restricted-mode');
    // Nothing was built, and no build form was shown.
    assert.equal(await p.locator('.quick-input-widget .monaco-list-row', { hasText: 'Build' }).count(), 0);
    assert.equal((await dockerd.docker.listImages()).length, before);
    await toast.getByRole('button', { name: 'Manage Workspace Trust' }).click();
    await p.locator('.tab', { hasText: 'Workspace Trust' }).first().waitFor({ timeout: 30_000 });
  });

  it('refuses a run with a bind mount from the workspace, and creates no container', async () => {
    const { dockerd } = env();
    const name = `berth-e2e-trust-bind-${Date.now().toString(36)}`;
    names.push(name);
    const p = await openUntrusted();
    const image = pane(p, 'Images').locator('.monaco-list-row', { hasText: TEST_IMAGE }).first();
    await image.waitFor({ timeout: 30_000 });
    await contextMenu(p, image, 'Run Image with a docker run Command Line…');
    const input = p.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`docker run -d --name ${name} --network none -v ${folder}:/work ${TEST_IMAGE} sleep 60`);
    await p.keyboard.press('Enter');
    await p.locator('.notification-toast', { hasText: 'Running with env files or bind mounts is off in Restricted Mode' }).waitFor({ timeout: 30_000 });
    await assert.rejects(dockerd.docker.getContainer(name).inspect(), /no such container/i);
  });
});
