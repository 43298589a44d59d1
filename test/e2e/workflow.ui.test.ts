/** The everyday workflow as a user does it: real clicks in a real VS Code against the private dockerd. */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { runBusybox } from '../harness/dockerd';
import { entriesOf } from '../harness/tar';
import { env } from './hooks';
import { activeTerminal, contextMenu, focusTerminal, explorerPage, openContainersView, pane, screenshot } from './page';

describe('Workflow (UI)', function () {
  this.timeout(180_000);
  const ui = explorerPage();
  const containers = ui.containers;

  it('stops a container and removes it from its context menu, confirming the dialog', async () => {
    const page = ui.page();
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

  it('opens a shell in a container and runs a command in it', async () => {
    const page = ui.page();
    const { dockerd } = env();
    const name = `berth-e2e-shell-${Date.now().toString(36)}`;
    containers.push(await runBusybox(dockerd.docker, name, ['sleep', '600']));
    const row = pane(page, 'Containers').locator('.monaco-list-row', { hasText: name }).filter({ hasText: /Up / });
    await row.waitFor({ timeout: 30_000 });
    await contextMenu(page, row, 'Open Shell in Container');
    const { terminal, until } = await activeTerminal(page);
    // busybox sh's prompt as root.
    await until('the prompt', (text) => /# *$/m.test(text));
    await focusTerminal(page, terminal);
    await page.keyboard.type('echo berth-$((6*7))');
    await page.keyboard.press('Enter');
    await until('the answer', (text) => /^berth-42 *$/m.test(text));
    await screenshot(page, 'shell');
  });

  it('runs an image interactively: its shell answers in a terminal, and exiting removes the container', async () => {
    const page = ui.page();
    const { dockerd } = env();
    const image = pane(page, 'Images').locator('.monaco-list-row', { hasText: 'berth-test/busybox:latest' }).first();
    await image.waitFor({ timeout: 30_000 });
    const before = new Set((await dockerd.docker.listContainers({ all: true })).map((c) => c.Id));
    await contextMenu(page, image, 'Run Image Interactively');
    const { terminal, until } = await activeTerminal(page);
    // Attached before it started: the image's sh greets with its prompt.
    await until('the prompt', (text) => /# *$/m.test(text));
    const created = (await dockerd.docker.listContainers({ all: true })).filter((c) => !before.has(c.Id));
    assert.equal(created.length, 1, 'one new container');
    const id = created[0]?.Id ?? '';
    await focusTerminal(page, terminal);
    await page.keyboard.type('echo interactive-$((3*3))');
    await page.keyboard.press('Enter');
    await until('the answer', (text) => /^interactive-9 *$/m.test(text));
    await page.keyboard.type('exit 0');
    await page.keyboard.press('Enter');
    // Run Interactively removes the container when it exits (--rm).
    const deadline = Date.now() + 30_000;
    while ((await dockerd.docker.listContainers({ all: true })).some((c) => c.Id === id)) {
      if (Date.now() > deadline) throw new Error('the interactive container was not removed after it exited');
      await page.waitForTimeout(250);
    }
  });

  it('runs an image from its context menu through the run form, and the container appears running', async () => {
    const page = ui.page();
    const name = `berth-e2e-run-${Date.now().toString(36)}`;
    const image = pane(page, 'Images').locator('.monaco-list-row', { hasText: 'berth-test/busybox:latest' }).first();
    await image.waitFor({ timeout: 30_000 });
    await contextMenu(page, image, 'Run Image…');
    const quickPick = page.locator('.quick-input-widget');
    const pickRow = (text: string): ReturnType<Page['locator']> => quickPick.locator('.monaco-list-row', { hasText: text }).first();
    const setField = async (label: string, value: string): Promise<void> => {
      await pickRow(label).waitFor({ timeout: 10_000 });
      await pickRow(label).click();
      const input = quickPick.locator('input');
      await input.fill(value);
      await page.keyboard.press('Enter');
    };
    await setField('Name', name);
    await setField('Network', 'none');
    await setField('Command', 'sleep 600');
    await pickRow('Run').waitFor({ timeout: 10_000 });
    await screenshot(page, 'run-form');
    await pickRow('Run').click();
    const row = pane(page, 'Containers').locator('.monaco-list-row', { hasText: name }).filter({ hasText: /Up / });
    await row.waitFor({ timeout: 30_000 });
    const inspect = await env().dockerd.docker.getContainer(name).inspect();
    containers.push(env().dockerd.docker.getContainer(name));
    assert.deepEqual(inspect.Config.Cmd, ['sleep', '600']);
    assert.equal(inspect.HostConfig.NetworkMode, 'none');
  });

  it('builds the workspace Dockerfile from its context menu, and the image appears in the tree', async () => {
    const page = ui.page();
    const { dockerd } = env();
    // The default tag comes from the Dockerfile's folder: the workspace folder is called "workspace".
    await dockerd.docker.getImage('workspace:latest').remove({ force: true }).catch(() => undefined);
    await page.keyboard.press('Control+Shift+E');
    // The workspace's own Dockerfile, at the top level (other tests add Dockerfiles in subfolders).
    const explorerRow = page.locator('.explorer-folders-view .monaco-list-row[aria-level="1"]', { hasText: /^Dockerfile$/ }).first();
    await explorerRow.waitFor({ timeout: 30_000 });
    await contextMenu(page, explorerRow, 'Build Image…');
    const quickPick = page.locator('.quick-input-widget');
    const build = quickPick.locator('.monaco-list-row', { hasText: 'Build' }).first();
    await build.waitFor({ timeout: 10_000 });
    await screenshot(page, 'build-form');
    await build.click();
    // The build's notification offers Run when it is done.
    await page.locator('.notification-toast', { hasText: 'Built workspace:latest' }).waitFor({ timeout: 120_000 });
    await screenshot(page, 'build-done');
    await openContainersView(page);
    await pane(page, 'Images').locator('.monaco-list-row', { hasText: 'workspace:latest' }).waitFor({ timeout: 30_000 });
    const image = await dockerd.docker.getImage('workspace:latest').inspect();
    assert.deepEqual(image.Config.Cmd, ['httpd', '-f', '-v', '-p', '8080', '-h', '/srv']);
  });

  it('runs a berth-build task from Run Task', async () => {
    const page = ui.page();
    const { dockerd } = env();
    // The detected task builds with the Dockerfile's remembered settings, by default workspace:latest.
    await dockerd.docker.getImage('workspace:latest').remove({ force: true }).catch(() => undefined);
    const type = page.locator('.quick-input-list .monaco-list-row', { hasText: 'berth-build' }).first();
    // The task picker fills in as task providers answer; a restored editor can take the focus
    // back meanwhile, so open it again if the berth-build group has not shown up.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Shift+P');
      await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
      await page.keyboard.type('Tasks: Run Task');
      const runTask = page.locator('.quick-input-list .monaco-list-row', { hasText: /^Tasks: Run Task/ }).first();
      await runTask.waitFor({ timeout: 10_000 });
      await runTask.click();
      try {
        await type.waitFor({ timeout: 15_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    await type.click();
    const task = page.locator('.quick-input-list .monaco-list-row', { hasText: 'build Dockerfile' }).first();
    await task.waitFor({ timeout: 30_000 });
    await screenshot(page, 'build-task-pick');
    await task.click();
    // VS Code may ask how to scan the output; the task type sets its matcher, so continue without.
    const scan = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Continue without scanning the task output' }).first();
    if (await scan.isVisible({ timeout: 3_000 }).catch(() => false)) await scan.click();
    const deadline = Date.now() + 120_000;
    while (!(await dockerd.docker.listImages()).some((i) => (i.RepoTags ?? []).includes('workspace:latest'))) {
      if (Date.now() > deadline) throw new Error('the task did not build workspace:latest');
      await page.waitForTimeout(500);
    }
    await screenshot(page, 'build-task');
  });

  it('opens a container file from the file browser, edits and saves it, and the engine reads the change back', async () => {
    const page = ui.page();
    const { dockerd } = env();
    const name = `berth-e2e-files-${Date.now().toString(36)}`;
    const container = await runBusybox(dockerd.docker, name, ['sh', '-c', 'mkdir -p /data && echo original > /data/note.txt && exec sleep 600']);
    containers.push(container);
    const row = pane(page, 'Containers').locator('.monaco-list-row', { hasText: name }).filter({ hasText: /Up / });
    await row.waitFor({ timeout: 30_000 });
    await contextMenu(page, row, 'Browse Container Files');
    // The window is a single folder: Berth asks before making it a multi-root workspace.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText(`Show the files of ${name} in this window, or in a new one?`).waitFor({ timeout: 10_000 });
    await dialog.getByRole('button', { name: 'Add to This Window' }).click();
    // The container's files become a folder of the Explorer, named after it.
    const explorer = page.locator('.explorer-folders-view');
    const folder = explorer.locator('.monaco-list-row', { hasText: `${name} (container)` }).first();
    await folder.waitFor({ timeout: 60_000 });
    const data = explorer.locator('.monaco-list-row', { hasText: /^data$/ }).first();
    // Adding the folder makes the window a multi-root workspace, which restarts the extension
    // host: the first expansion can come before Berth is back. Expand again until it lists.
    for (let attempt = 0; !(await data.isVisible().catch(() => false)); attempt++) {
      if (attempt === 15) throw new Error('the container folder never listed its files');
      if ((await folder.getAttribute('aria-expanded')) === 'true') await folder.click();
      await folder.click();
      await data.waitFor({ timeout: 2_000 }).catch(() => undefined);
    }
    await data.click();
    const note = explorer.locator('.monaco-list-row', { hasText: /^note\.txt$/ }).first();
    await note.waitFor({ timeout: 30_000 });
    await note.click();
    const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await editor.getByText('original').waitFor({ timeout: 20_000 });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('edited in VS Code');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.dirty').waitFor({ state: 'detached', timeout: 20_000 });
    await screenshot(page, 'files');
    // Read it back through the engine (the archive endpoint, as `docker cp` does), not through Berth.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const tar = (await container.getArchive({ path: '/data/note.txt' }));
      const chunks: Buffer[] = [];
      for await (const chunk of tar) chunks.push(Buffer.from(chunk as Buffer));
      const text = Buffer.concat(chunks).toString('latin1');
      if (text.includes('edited in VS Code')) break;
      if (Date.now() > deadline) assert.fail(`the container's file does not hold the edit: ${JSON.stringify(text.replace(/\0+/g, ' ').slice(0, 300))}`);
      await page.waitForTimeout(300);
    }
  });
  it('copies a file out of a container and back in, asking before it replaces what is there', async () => {
    const page = ui.page();
    const { dockerd, workDir } = env();
    const name = `berth-e2e-copy-${Date.now().toString(36)}`;
    const container = await runBusybox(dockerd.docker, name, ['sh', '-c', 'mkdir -p /data /inbox && echo first-version > /data/hello.txt && exec sleep 600']);
    containers.push(container);
    const hostDir = join(workDir, `copies-${Date.now().toString(36)}`);
    mkdirSync(hostDir);
    const row = pane(page, 'Containers').locator('.monaco-list-row', { hasText: name }).filter({ hasText: /Up / });
    await row.waitFor({ timeout: 30_000 });
    const quickInput = page.locator('.quick-input-widget');

    /** VS Code's own file dialog (the simple one, in a browser): types the path and accepts. */
    const pickInDialog = async (path: string, accept: string): Promise<void> => {
      const input = quickInput.locator('input.input');
      await input.waitFor({ timeout: 10_000 });
      // The dialog fills in its starting folder on its own, and can do so after a first fill:
      // type until the path stays as typed, as a user would.
      for (let attempt = 0; ; attempt++) {
        await input.fill(path);
        await page.waitForTimeout(700);
        if ((await input.inputValue()) === path) break;
        if (attempt === 5) throw new Error(`the file dialog kept replacing the path with ${await input.inputValue()}`);
      }
      await quickInput.getByRole('button', { name: accept }).click();
      // What comes next (a copy, a confirmation, or the next question in the same widget) is waited for by the caller.
    };
    const copyFrom = async (): Promise<void> => {
      await contextMenu(page, row, 'Copy from Container…');
      const input = quickInput.locator('input.input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('/data/hello.txt');
      await page.keyboard.press('Enter');
      await quickInput.getByText('Where to copy /data/hello.txt').waitFor({ timeout: 10_000 });
      await pickInDialog(hostDir, 'Copy Here');
    };
    const copied = join(hostDir, 'hello.txt');
    const waitForContent = async (file: string, read: () => Promise<string>, expected: string): Promise<void> => {
      const deadline = Date.now() + 20_000;
      let last = '';
      while ((last = await read().catch(() => '')) !== expected) {
        if (Date.now() > deadline) assert.fail(`${file} holds ${JSON.stringify(last)}, not ${JSON.stringify(expected)}`);
        await page.waitForTimeout(250);
      }
    };

    // Out of the container, into a host folder.
    await copyFrom();
    await waitForContent(copied, () => readFile(copied, 'utf8'), 'first-version\n');

    // Again, after the container's copy changed: Berth asks before replacing the host's file.
    const exec = await container.exec({ Cmd: ['sh', '-c', 'echo second-version > /data/hello.txt'], AttachStdout: true, AttachStderr: true });
    const execStream = await exec.start({});
    await new Promise<void>((resolve) => {
      execStream.on('end', resolve);
      execStream.resume();
    });
    await copyFrom();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText(`hello.txt already exists in ${hostDir}.`).waitFor({ timeout: 10_000 });
    await screenshot(page, 'copy-confirm');
    // Cancelled: the host's file is left as it was.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForTimeout(1000);
    assert.equal(readFileSync(copied, 'utf8'), 'first-version\n');
    await copyFrom();
    await dialog.getByText(`hello.txt already exists in ${hostDir}.`).waitFor({ timeout: 10_000 });
    await dialog.getByRole('button', { name: 'Copy and Replace' }).click();
    await waitForContent(copied, () => readFile(copied, 'utf8'), 'second-version\n');

    // Back in: a host file into a folder of the container.
    const upload = join(hostDir, 'from-host.txt');
    writeFileSync(upload, 'made on the host\n');
    await contextMenu(page, row, 'Copy into Container…');
    await quickInput.getByText(`What to copy into ${name}`).waitFor({ timeout: 10_000 });
    await pickInDialog(upload, 'Copy');
    // The next question replaces the dialog in the same quick input.
    await quickInput.getByText('The folder in the container').waitFor({ timeout: 10_000 });
    const folderInput = quickInput.locator('input.input');
    await folderInput.fill('/inbox');
    await page.keyboard.press('Enter');
    const readInContainer = async (): Promise<string> => {
      const entries = await entriesOf((await container.getArchive({ path: '/inbox/from-host.txt' })) as unknown as Readable);
      return entries.find((e) => e.type === 'file')?.content ?? '';
    };
    await waitForContent('/inbox/from-host.txt', readInContainer, 'made on the host\n');
  });
});
