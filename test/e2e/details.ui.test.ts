/**
 * The explorer's filter and detail views as a user meets them: real clicks and typing in a real
 * VS Code against the private dockerd.
 */
import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { FrameLocator, Page } from 'playwright-core';
import { TEST_IMAGE, runBusybox } from '../harness/dockerd';
import { env } from './hooks';
import { contextMenu, explorerPage, pane, screenshot } from './page';

/** Runs `sh -c script` in the container, as `docker exec` does, and waits for it to end. */
async function exec(container: Docker.Container, script: string): Promise<void> {
  const e = await container.exec({ Cmd: ['sh', '-c', script], AttachStdout: true, AttachStderr: true });
  const stream = await e.start({});
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.resume();
  });
}

/** A pane's title-bar action, which VS Code shows on hover. */
async function titleAction(page: Page, view: string, label: string): Promise<void> {
  const p = pane(page, view);
  await p.locator('.pane-header').hover();
  const action = p.locator(`.pane-header .actions a[aria-label^="${label}"]`).first();
  await action.waitFor({ timeout: 10_000 });
  await action.click();
}

/** The content of the newest webview (a Markdown preview or the Stats panel). */
function newestWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

async function runPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
  await page.keyboard.type(title);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
}

describe('Explorer filter and detail views (UI)', function () {
  this.timeout(180_000);
  const ui = explorerPage();
  const containers = ui.containers;

  it('narrows the Containers view to what the filter matches, shows the filter in the header, and clears it in one click', async () => {
    const page = ui.page();
    const { dockerd } = env();
    const suffix = Date.now().toString(36);
    const alpha = `berth-e2e-alpha-${suffix}`;
    const beta = `berth-e2e-beta-${suffix}`;
    containers.push(await runBusybox(dockerd.docker, alpha, ['sleep', '600']), await runBusybox(dockerd.docker, beta, ['sleep', '600']));
    const view = pane(page, 'Containers');
    const alphaRow = view.locator('.monaco-list-row', { hasText: alpha });
    const betaRow = view.locator('.monaco-list-row', { hasText: beta });
    await alphaRow.waitFor({ timeout: 30_000 });
    await betaRow.waitFor({ timeout: 30_000 });
    try {
      await titleAction(page, 'Containers', 'Filter Containers');
      await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
      await page.keyboard.type(`alpha ${suffix}`);
      // The tree follows the typing; Enter keeps the filter.
      await betaRow.waitFor({ state: 'detached', timeout: 10_000 });
      await page.keyboard.press('Enter');
      assert.ok(await alphaRow.isVisible(), 'the matching container stays');
      await view.locator('.pane-header').getByText(`Filter: alpha ${suffix}`).waitFor({ timeout: 10_000 });
      await page.mouse.move(0, 0);
      await screenshot(page, 'filter');
      await titleAction(page, 'Containers', 'Clear the Containers Filter');
      await betaRow.waitFor({ timeout: 10_000 });
      assert.equal(await view.locator('.pane-header').getByText('Filter:').count(), 0, 'the header no longer names a filter');
    } finally {
      // The filter is stored per workspace: never leave one behind for the other tests.
      if ((await view.locator('.pane-header').getByText('Filter:').count()) > 0) await runPalette(page, 'Berth: Clear the Containers Filter');
    }
  });

  it('groups a compose project\'s containers under the project', async () => {
    const page = ui.page();
    const { dockerd } = env();
    const suffix = Date.now().toString(36);
    const project = `shop${suffix}`;
    for (const service of ['web', 'db']) {
      containers.push(await runBusybox(dockerd.docker, `${project}-${service}-1`, ['sleep', '600'], { labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service } }));
    }
    const view = pane(page, 'Containers');
    const group = view.locator('.monaco-list-row', { hasText: project }).filter({ hasText: '2 containers' });
    await group.waitFor({ timeout: 30_000 });
    // Its containers are one level below the group.
    const level = async (text: string): Promise<string | null> => view.locator('.monaco-list-row', { hasText: text }).first().getAttribute('aria-level');
    assert.equal(await group.getAttribute('aria-level'), '1');
    await view.locator('.monaco-list-row', { hasText: `${project}-web-1` }).waitFor({ timeout: 10_000 });
    assert.equal(await level(`${project}-web-1`), '2');
    assert.equal(await level(`${project}-db-1`), '2');
  });

  it('shows a container\'s log, including lines it prints after the view opened', async () => {
    const page = ui.page();
    const { dockerd } = env();
    const name = `berth-e2e-logs-${Date.now().toString(36)}`;
    const container = await runBusybox(dockerd.docker, name, ['sh', '-c', 'echo first-line; echo warning-line >&2; exec sleep 600']);
    containers.push(container);
    const row = pane(page, 'Containers').locator('.monaco-list-row', { hasText: name }).filter({ hasText: /Up / });
    await row.waitFor({ timeout: 30_000 });
    await contextMenu(page, row, 'Show Container Logs');
    const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await editor.getByText('[out] first-line').waitFor({ timeout: 20_000 });
    await editor.getByText('[err] warning-line').waitFor({ timeout: 10_000 });
    await exec(container, 'echo printed-after-open > /proc/1/fd/1');
    await editor.getByText('[out] printed-after-open').waitFor({ timeout: 20_000 });
    await page.locator('.tabs-container .tab', { hasText: `${name}.log` }).waitFor({ timeout: 10_000 });
    await page.mouse.move(0, 0);
    await screenshot(page, 'logs');
  });

  it('shows a container\'s isolation, its file changes and its inspect JSON', async () => {
    const page = ui.page();
    const { dockerd } = env();
    const name = `berth-e2e-isolated-${Date.now().toString(36)}`;
    // Host networking is allowed by the network rule: the container only sleeps.
    const container = await runBusybox(dockerd.docker, name, ['sh', '-c', 'echo hi > /greeting && rm /bin/vi && exec sleep 600'], {
      hostConfig: { NetworkMode: 'host', PidMode: 'host', Memory: 64 * 1024 * 1024, NanoCpus: 500_000_000, CapDrop: ['ALL'] },
    });
    containers.push(container);
    const row = pane(page, 'Containers').locator('.monaco-list-row', { hasText: name }).filter({ hasText: /Up / });
    await row.waitFor({ timeout: 30_000 });

    await contextMenu(page, row, 'Show Container Isolation');
    let preview = newestWebview(page);
    await preview.getByText(`Isolation of ${name}`).waitFor({ timeout: 30_000 });
    await preview.getByText(/network: host \(shared\)/).waitFor({ timeout: 10_000 });
    await preview.getByText(/memory: 64 MiB/).waitFor({ timeout: 10_000 });
    await screenshot(page, 'isolation');

    await contextMenu(page, row, 'Show Container Changes');
    preview = newestWebview(page);
    await preview.getByText(`Changes in ${name}`).waitFor({ timeout: 30_000 });
    await preview.getByText('/greeting').waitFor({ timeout: 10_000 });
    await preview.getByText('/bin/vi').waitFor({ timeout: 10_000 });
    await preview.getByText(/lost when this container is removed/).waitFor({ timeout: 10_000 });
    await screenshot(page, 'diff');

    await contextMenu(page, row, 'Inspect Container');
    const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await page.locator('.tabs-container .tab', { hasText: `${name}.json` }).waitFor({ timeout: 20_000 });
    await editor.getByText(`"Id": "${container.id}"`).waitFor({ timeout: 20_000 });
    await screenshot(page, 'inspect');
  });

  it('lists the layers of the busybox test image', async () => {
    const page = ui.page();
    const row = pane(page, 'Images').locator('.monaco-list-row', { hasText: TEST_IMAGE }).first();
    await row.waitFor({ timeout: 30_000 });
    await contextMenu(page, row, 'Show Image Layers');
    const preview = newestWebview(page);
    await preview.getByText(`Layers of ${TEST_IMAGE}`).waitFor({ timeout: 30_000 });
    const cells = preview.locator('table tbody tr');
    await cells.first().waitFor({ timeout: 10_000 });
    const rows = (await cells.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    assert.ok(rows.some((r) => /COPY .*busybox/.test(r) && /MB/.test(r)), `the busybox layer with its size: ${rows.join(' | ')}`);
    assert.ok(rows.some((r) => /--install/.test(r)), 'the install step');
    assert.ok(rows.some((r) => /CMD \["sh"\]/.test(r)), 'the CMD step');
    await preview.getByText(/Total: /).waitFor({ timeout: 10_000 });
    await screenshot(page, 'layers');
  });

  it('shows live stats of a running container against its memory limit', async () => {
    const page = ui.page();
    const { dockerd } = env();
    const name = `berth-e2e-stats-${Date.now().toString(36)}`;
    containers.push(await runBusybox(dockerd.docker, name, ['sleep', '600'], { hostConfig: { Memory: 64 * 1024 * 1024 } }));
    const row = pane(page, 'Containers').locator('.monaco-list-row', { hasText: name }).filter({ hasText: /Up / });
    await row.waitFor({ timeout: 30_000 });
    await contextMenu(page, row, 'Show Container Stats');
    const panel = newestWebview(page);
    await panel.getByText(`Stats: ${name}`).waitFor({ timeout: 30_000 });
    await panel.getByText(/of 67\.1 MB/).waitFor({ timeout: 20_000 });
    await panel.getByText(/% of \d+ CPUs/).waitFor({ timeout: 20_000 });
    await panel.getByText(/^Updated /).waitFor({ timeout: 10_000 });
    await screenshot(page, 'stats');
  });
});
