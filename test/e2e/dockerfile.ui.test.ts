/** The Dockerfile editor as a user meets it: lint findings, a quick fix, and completion. */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { workbenchUrl } from '../harness/codeServer';
import { env } from './hooks';
import { openWorkbench, screenshot } from './page';

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
  await page.keyboard.type(name);
  // Wait for the row of this very file (its folder shows as the description), then pick it.
  const parts = name.split('/');
  let row = page.locator('.quick-input-list .monaco-list-row', { hasText: parts[parts.length - 1] ?? name });
  for (const folder of parts.slice(0, -1)) row = row.filter({ hasText: folder });
  await row.first().waitFor({ timeout: 20_000 });
  await row.first().click();
  await page.locator('.editor-instance .monaco-editor').first().waitFor({ timeout: 20_000 });
}

/** Moves the cursor to a 1-based line and column with Go to Line. */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
}

describe('Dockerfile editor (UI)', function () {
  this.timeout(180_000);
  let page: Page;

  beforeEach(async () => {
    page = await env().browser.newPage();
    const { codeServer, workspace } = env();
    await openWorkbench(page, workbenchUrl(codeServer, workspace));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await screenshot(page, `failure-${(this.currentTest.title || 'editor').replace(/\W+/g, '-')}`).catch(() => undefined);
    }
    await page.close();
  });

  it('shows hadolint findings in the Problems panel, and the DL3025 quick fix removes its finding', async () => {
    await openFile(page, 'course/Dockerfile');
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.waitFor({ timeout: 20_000 });
    for (const code of ['DL3008', 'DL3009', 'DL3025', 'DL3059']) {
      await problems.locator('.monaco-list-row', { hasText: code }).first().waitFor({ timeout: 30_000 });
    }
    await screenshot(page, 'dockerfile-lint');

    // ENTRYPOINT entrypoint.sh is line 17: put the cursor on it and ask for quick fixes.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await goTo(page, 17, 14);
    // The cursor is there once the status bar says so; Ctrl+. pressed before asks about the old place.
    await page.locator('.statusbar-item', { hasText: 'Ln 17, Col 14' }).first().waitFor({ timeout: 10_000 });
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Convert to JSON form' }).first();
    // A lint landing at the same moment can answer "no code actions": ask again, as a user would.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+.');
      try {
        await fix.waitFor({ timeout: 8_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(1_000);
      }
    }
    // Choose it with the keyboard, as the menu expects: move the focus to it, then Enter.
    for (let i = 0; i < 10 && !((await fix.getAttribute('class')) ?? '').includes('focused'); i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('.view-line', { hasText: 'ENTRYPOINT ["entrypoint.sh"]' }).waitFor({ timeout: 10_000 });
    await problems.locator('.monaco-list-row', { hasText: 'DL3025' }).waitFor({ state: 'detached', timeout: 30_000 });
    // The other findings are still there.
    assert.ok(await problems.locator('.monaco-list-row', { hasText: 'DL3008' }).first().isVisible());
    // Save, so the file on disk shows what the user did.
    await page.keyboard.press('Control+S');
    const saved = join(env().workspace, 'course', 'Dockerfile');
    for (let i = 0; i < 50 && !readFileSync(saved, 'utf8').includes('ENTRYPOINT ["entrypoint.sh"]'); i++) await page.waitForTimeout(100);
    assert.match(readFileSync(saved, 'utf8'), /ENTRYPOINT \["entrypoint.sh"\]/);
  });

  it('completes a local image name after FROM, from the engine', async () => {
    const dir = join(env().workspace, 'completion');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM \n');
    await openFile(page, 'completion/Dockerfile');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await goTo(page, 1, 6);
    await page.keyboard.type('berth-te');
    const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'berth-test/busybox:latest' }).first();
    // The first lookup also loads the engine client; on a loaded machine it can miss its 1.5 s
    // budget (completion never waits longer), so ask again as a user would.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+Space');
      try {
        await suggestion.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(6_000);
      }
    }
    await screenshot(page, 'dockerfile-completion');
    await page.keyboard.press('Escape');
  });
});
