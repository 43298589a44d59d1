/** Helpers for driving the VS Code workbench in Chromium as a user would. */
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Locator, Page } from 'playwright-core';
import { workbenchUrl } from '../harness/codeServer';
import { RESULTS, env } from './hooks';

/** Opens the workbench and waits until it is interactive. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.activitybar').waitFor({ timeout: 60_000 });
}

/** Clicks Berth's activity-bar icon, as a user opening the Containers view. */
export async function openContainersView(page: Page): Promise<void> {
  const icon = page.locator('.activitybar .action-item a[aria-label^="Containers"]').first();
  await icon.waitFor({ timeout: 60_000 });
  const item = page.locator('.activitybar .action-item:has(a[aria-label^="Containers"])').first();
  if (!((await item.getAttribute('class')) ?? '').includes('checked')) {
    await icon.click();
  }
  await page.locator('.pane-header[aria-label^="Containers"]').first().waitFor({ timeout: 30_000 });
}

/** The pane (header + body) of a view in the side bar, by its title. */
export function pane(page: Page, title: string): Locator {
  return page.locator(`.pane-header[aria-label^="${title}"]`).first().locator('xpath=..');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Drags the side bar's edge so tree descriptions are readable in screenshots. */
export async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const edge = box.x + box.width;
  await page.mouse.move(edge - 1, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + width, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
}

/**
 * Right-clicks a tree row and picks a context-menu entry by its title. A tree refresh landing
 * between the right-click and the pick can leave VS Code without the item to pass (the command
 * then offers a picker instead), so wait for the burst of events around a container's start to
 * pass first, as a user's hand would.
 */
export async function contextMenu(page: Page, row: Locator, entry: string): Promise<void> {
  await page.waitForTimeout(1500);
  await row.click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-item .action-label', { hasText: entry }).first();
  await item.waitFor({ timeout: 10_000 });
  await item.hover();
  await item.click();
  // A click that lands while the tree redraws under the menu can be lost; the entry stays
  // highlighted, so Enter picks it, as a user would retry.
  await page.waitForTimeout(300);
  if (await item.isVisible()) await page.keyboard.press('Enter');
}

/**
 * Mocha hooks for a UI test file: a fresh page on the workspace with the Containers view open and
 * the side bar widened before each test; afterwards a screenshot of a failure, the test's
 * containers removed and the page closed.
 */
export function explorerPage(): { page(): Page; readonly containers: Docker.Container[] } {
  let current: Page | undefined;
  const containers: Docker.Container[] = [];
  beforeEach(async () => {
    current = await env().browser.newPage();
    const { codeServer, workspace } = env();
    await openWorkbench(current, workbenchUrl(codeServer, workspace));
    await openContainersView(current);
    await widenSideBar(current, 560);
  });
  afterEach(async function () {
    const page = current;
    if (!page) return;
    if (this.currentTest?.state === 'failed') {
      await screenshot(page, `failure-${(this.currentTest.title || 'ui').replace(/\W+/g, '-')}`).catch(() => undefined);
    }
    await Promise.all(containers.splice(0).map((c) => c.remove({ force: true }).catch(() => undefined)));
    await page.close();
    current = undefined;
  });
  return {
    page: () => {
      if (!current) throw new Error('explorerPage(): no page outside a test');
      return current;
    },
    containers,
  };
}

/**
 * The active terminal, read as a user reads the screen: xterm draws rows as DOM text here (no GPU).
 * `until` waits for the screen to pass a test and fails with what it shows.
 */
export async function activeTerminal(page: Page): Promise<{ terminal: Locator; until: (what: string, test: (text: string) => boolean) => Promise<string> }> {
  // VS Code may restore a terminal of an earlier window next to the new one: only the visible one counts.
  const terminal = page.locator('.terminal-wrapper.active .xterm:visible').first();
  await terminal.waitFor({ timeout: 30_000 });
  const screen = async (): Promise<string> => (await page.locator('.terminal-wrapper.active .xterm-rows:visible').allInnerTexts()).join('\n').replace(/\u00a0/g, ' ');
  const until = async (what: string, test: (text: string) => boolean): Promise<string> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const text = await screen();
      if (test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the terminal shows:\n${text}`);
      await page.waitForTimeout(200);
    }
  };
  return { terminal, until };
}

/** Puts the keyboard in the active terminal: a new container terminal usually has it already. */
export async function focusTerminal(page: Page, terminal: Locator): Promise<void> {
  // xterm takes keys through its helper textarea.
  const focused = (await page.locator('.terminal-wrapper.active .xterm-helper-textarea:focus').count()) > 0;
  if (focused) return;
  // Clicking can land on another terminal VS Code keeps beside it; the command focuses the active one.
  if (await terminal.click({ timeout: 5_000 }).then(() => true, () => false)) return;
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
  await page.keyboard.type('Terminal: Focus Terminal');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: /^Terminal: Focus Terminal(?! Tabs)/ }).first().click();
  await page.locator('.terminal-wrapper.active .xterm-helper-textarea:focus').first().waitFor({ timeout: 10_000 });
}
