/** The explorer as a user sees it: real clicks in a real VS Code against a private dockerd. */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { workbenchUrl } from '../harness/codeServer';
import { runBusybox } from '../harness/dockerd';
import { env } from './hooks';
import { openContainersView, openWorkbench, pane, screenshot, widenSideBar } from './page';

describe('Containers view (UI)', function () {
  this.timeout(180_000);
  let page: Page;

  beforeEach(async () => {
    page = await env().browser.newPage();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await screenshot(page, `failure-${(this.currentTest.title || 'ui').replace(/\W+/g, '-')}`).catch(() => undefined);
    }
    await page.close();
  });

  it('shows a container started with the engine, and its removal', async () => {
    const { codeServer, workspace, dockerd } = env();
    await openWorkbench(page, workbenchUrl(codeServer, workspace));
    await openContainersView(page);
    await widenSideBar(page, 560);
    const name = `berth-e2e-ui-${Date.now().toString(36)}`;
    // Company for the screenshot: a finished job and a failed one, in their own state colours.
    const extras = [
      await runBusybox(dockerd.docker, 'nightly-report', ['sh', '-c', 'exit 0']),
      await runBusybox(dockerd.docker, 'migrate-db', ['sh', '-c', 'exit 2']),
    ];
    const container = await runBusybox(dockerd.docker, name, ['sleep', '600']);
    try {
      for (const extra of extras) await extra.wait();
      await pane(page, 'Containers').locator('.monaco-list-row', { hasText: 'migrate-db' }).filter({ hasText: 'Exited (2)' }).waitFor({ timeout: 30_000 });
      const row = pane(page, 'Containers').locator('.monaco-list-row', { hasText: name });
      // It may show as Created for a moment: wait for the running state the start event brings.
      await row.filter({ hasText: /Up / }).waitFor({ timeout: 30_000 });
      const text = (await row.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /berth-test\/busybox:latest/);
      assert.match(text, /Up /);
      const images = pane(page, 'Images').locator('.monaco-list-row', { hasText: 'berth-test/busybox:latest' });
      await images.first().waitFor({ timeout: 30_000 });
      // Open the workspace's Dockerfile too, as a user at work would have it.
      await page.keyboard.press('Control+P');
      await page.keyboard.type('Dockerfile');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dockerfile' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await page.locator('.editor-instance .monaco-editor').first().waitFor({ timeout: 20_000 });
      await page.mouse.move(0, 0);
      await screenshot(page, 'explorer');
      await container.remove({ force: true });
      await row.waitFor({ state: 'detached', timeout: 30_000 });
    } finally {
      for (const c of [container, ...extras]) await c.remove({ force: true }).catch(() => undefined);
    }
  });

  it('explains an unreachable engine, with Retry and Open Settings', async () => {
    const { codeServer, brokenWorkspace } = env();
    await openWorkbench(page, workbenchUrl(codeServer, brokenWorkspace));
    await openContainersView(page);
    const containers = pane(page, 'Containers');
    await containers.getByText('Berth could not reach a container engine').waitFor({ timeout: 30_000 });
    // The plain-words reason, and the address that was tried in the view's header.
    await containers.getByText('There is no engine socket at the address shown above').waitFor({ timeout: 10_000 });
    await containers.locator('.pane-header').getByText('unix:///nonexistent/berth-e2e/docker.sock').waitFor({ timeout: 10_000 });
    assert.ok(await containers.getByRole('button', { name: 'Retry' }).isVisible());
    assert.ok(await containers.getByRole('button', { name: 'Open Settings' }).isVisible());
    await screenshot(page, 'engine-unavailable');
    await containers.getByRole('button', { name: 'Open Settings' }).click();
    await page.locator('.settings-editor').waitFor({ timeout: 20_000 });
  });
});
