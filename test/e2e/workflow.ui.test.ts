/** The everyday workflow as a user does it: real clicks in a real VS Code against the private dockerd. */
import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { workbenchUrl } from '../harness/codeServer';
import { runBusybox } from '../harness/dockerd';
import { env } from './hooks';
import { contextMenu, openContainersView, openWorkbench, pane, screenshot, widenSideBar } from './page';

describe('Workflow (UI)', function () {
  this.timeout(180_000);
  let page: Page;
  const containers: Docker.Container[] = [];

  beforeEach(async () => {
    page = await env().browser.newPage();
    const { codeServer, workspace } = env();
    await openWorkbench(page, workbenchUrl(codeServer, workspace));
    await openContainersView(page);
    await widenSideBar(page, 560);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await screenshot(page, `failure-${(this.currentTest.title || 'ui').replace(/\W+/g, '-')}`).catch(() => undefined);
    }
    await Promise.all(containers.splice(0).map((c) => c.remove({ force: true }).catch(() => undefined)));
    await page.close();
  });

  it('stops a container and removes it from its context menu, confirming the dialog', async () => {
    const { dockerd } = env();
    const name = `berth-e2e-life-${Date.now().toString(36)}`;
    const container = await runBusybox(dockerd.docker, name, ['sleep', '600']);
    containers.push(container);
    const view = pane(page, 'Containers');
    const row = view.locator('.monaco-list-row', { hasText: name });
    await row.filter({ hasText: /Up / }).waitFor({ timeout: 30_000 });

    await contextMenu(page, row, 'Stop Container');
    await row.filter({ hasText: /Exited/ }).waitFor({ timeout: 30_000 });
    assert.equal((await container.inspect()).State.Running, false);

    await contextMenu(page, row, 'Remove Container');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText(`Remove the container ${name}?`).waitFor({ timeout: 10_000 });
    await screenshot(page, 'remove-confirm');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    await assert.rejects(container.inspect(), /no such container/i);
  });
});
