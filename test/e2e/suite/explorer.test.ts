/** Runs inside a real VS Code extension host, with Berth installed from its VSIX, against a private dockerd. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import Docker from 'dockerode';
import type { BerthApi } from '../../../src/extension';

const EXTENSION_ID = 'berth.berth';
const TEST_IMAGE = 'berth-test/busybox:latest';

/** Writes the workspace's .vscode/tasks.json with these tasks; its address, to delete it after. */
async function writeTasksJson(folder: vscode.Uri, tasks: object[]): Promise<vscode.Uri> {
  const file = vscode.Uri.joinPath(folder, '.vscode', 'tasks.json');
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify({ version: '2.0.0', tasks })));
  return file;
}

/** A task from tasks.json, once VS Code has read the file and the provider has resolved it. */
async function findTask(type: string, label: string): Promise<vscode.Task> {
  for (let i = 0; i < 50; i++) {
    const task = (await vscode.tasks.fetchTasks({ type })).find((t) => t.name === label);
    if (task) return task;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`tasks.json task "${label}" not found`);
}

/** Runs a task to its end; its exit code. */
async function runTask(task: vscode.Task): Promise<number | undefined> {
  const ended = new Promise<number | undefined>((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.name === task.name) {
        sub.dispose();
        resolve(e.exitCode);
      }
    });
  });
  await vscode.tasks.executeTask(task);
  return ended;
}

function until<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const value = probe();
      if (value !== undefined && value !== false) return resolve(value);
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

describe('Berth in a real VS Code', () => {
  let api: BerthApi;
  const docker = new Docker(process.env.DOCKER_HOST ? { socketPath: process.env.DOCKER_HOST.replace(/^unix:\/\//, '') } : undefined);
  const created: Docker.Container[] = [];

  before(async () => {
    const extension = vscode.extensions.getExtension<BerthApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    // Opening the view is what activates Berth for a user.
    await vscode.commands.executeCommand('workbench.view.extension.berth');
    api = await until('activation', () => (extension.isActive ? extension.exports : undefined));
  });

  after(async () => {
    await Promise.all(created.map((c) => c.remove({ force: true }).catch(() => undefined)));
  });

  it('activates lazily, not on startup', () => {
    const manifest = JSON.parse(readFileSync(`${vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? ''}/package.json`, 'utf8')) as { activationEvents: string[] };
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
  });

  it('registers every command it contributes', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: Array<{ command: string }> } };
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
  });

  it('lists the engine\'s images and containers once the view is open', async () => {
    await until('the explorer to sync', () => api.explorer.isSynced);
    assert.equal(api.explorer.status, 'ready');
    assert.ok(api.explorer.images.some((i) => i.repoTags.includes(TEST_IMAGE)), 'the busybox test image is listed');
  });

  it('shows a container started outside Berth, and its removal, from the event stream', async () => {
    const name = `berth-e2e-host-${Date.now().toString(36)}`;
    const container = await docker.createContainer({ name, Image: TEST_IMAGE, Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none' } });
    created.push(container);
    await container.start();
    const seen = await until(`${name} running in the model`, () => [...api.explorer.containers.values()].find((c) => c.name === name && c.state === 'running'));
    assert.equal(seen.image, TEST_IMAGE);
    await container.remove({ force: true });
    await until(`${name} gone from the model`, () => ![...api.explorer.containers.values()].some((c) => c.name === name));
  });

  it('follows volumes and networks too, and inspects any object as a read-only JSON document', async () => {
    const volumeName = `berth-e2e-vol-${Date.now().toString(36)}`;
    await docker.createVolume({ Name: volumeName });
    try {
      await until(`${volumeName} in the model`, () => api.explorer.volumes.some((v) => v.name === volumeName));
      assert.ok(api.explorer.networks.some((n) => n.name === 'host' && n.builtIn));
      // From the palette, the command offers a picker; from the tree it gets the node. Use the tree's form.
      const node = { kind: 'volume', volume: api.explorer.volumes.find((v) => v.name === volumeName), usedBy: 0 };
      await vscode.commands.executeCommand('berth.volumes.inspect', node);
      const editor = await until('the inspect document', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'berth-inspect' ? vscode.window.activeTextEditor : undefined));
      const json = JSON.parse(editor.document.getText()) as { Name: string; Driver: string };
      assert.equal(json.Name, volumeName);
      assert.equal(json.Driver, 'local');
      assert.equal(editor.document.languageId, 'json');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await docker.getVolume(volumeName).remove();
    }
    await until(`${volumeName} gone from the model`, () => !api.explorer.volumes.some((v) => v.name === volumeName));
  });

  it('shows what isolates a container: "network: host (shared)" and a 64 MiB memory limit', async () => {
    const name = `berth-e2e-isolated-${Date.now().toString(36)}`;
    const container = await docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      HostConfig: { NetworkMode: 'host', PidMode: 'host', Memory: 64 * 1024 * 1024, NanoCpus: 500_000_000, CapDrop: ['ALL'], ReadonlyRootfs: true },
    });
    created.push(container);
    await container.start();
    const summary = await until(`${name} in the model`, () => [...api.explorer.containers.values()].find((c) => c.name === name && c.state === 'running'));
    await vscode.commands.executeCommand('berth.containers.isolation', { kind: 'container', container: summary });
    const document = await until('the isolation document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'berth-report' && d.uri.path.startsWith('/isolation/') && d.uri.query.includes(container.id)));
    const text = document.getText();
    assert.match(text, /network: host \(shared\)/);
    assert.match(text, /memory: 64 MiB/);
    assert.match(text, /pid: host \(shared\)/);
    assert.match(text, /capabilities dropped:\*\* `ALL`/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows what a container changed against its image, and that it is lost on removal', async () => {
    const name = `berth-e2e-diff-${Date.now().toString(36)}`;
    const container = await docker.createContainer({ name, Image: TEST_IMAGE, Cmd: ['sh', '-c', 'echo hi > /greeting && rm /bin/vi && exec sleep 300'], HostConfig: { NetworkMode: 'none' } });
    created.push(container);
    await container.start();
    const summary = await until(`${name} running in the model`, () => [...api.explorer.containers.values()].find((c) => c.name === name && c.state === 'running'));
    await vscode.commands.executeCommand('berth.containers.diff', { kind: 'container', container: summary });
    const document = await until('the diff document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'berth-report' && d.uri.path.startsWith('/diff/') && d.uri.query.includes(container.id)));
    const text = document.getText();
    assert.match(text, /## Added \(1\)\n\n- A `\/greeting`/);
    assert.match(text, /## Deleted \(1\)\n\n- D `\/bin\/vi`/);
    assert.match(text, /lost when this container is removed/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs a berth-build task defined in tasks.json, and a failing one marks the Dockerfile', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'a workspace folder');
    const tag = `berth-e2e/tasksjson:${Date.now().toString(36)}`;
    const dir = vscode.Uri.joinPath(folder, 'tasks-e2e');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'Dockerfile'), new TextEncoder().encode('FROM berth-test/busybox:latest\nLABEL stage=one\nCOPY missing.txt /missing.txt\n'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'ok', 'Dockerfile'), new TextEncoder().encode('FROM berth-test/busybox:latest\nLABEL from=tasks.json\n'));
    const tasksJson = await writeTasksJson(folder, [
      { type: 'berth-build', label: 'e2e ok', dockerfile: 'tasks-e2e/ok/Dockerfile', tag, problemMatcher: ['$berth-build'] },
      { type: 'berth-build', label: 'e2e failing', dockerfile: 'tasks-e2e/Dockerfile', tag: `${tag}-bad`, problemMatcher: ['$berth-build'] },
    ]);
    try {
      const find = (label: string): Promise<vscode.Task> => findTask('berth-build', label);
      const run = runTask;
      // Each detected task once: only the berth-build provider detects tasks.
      const detected = (await vscode.tasks.fetchTasks()).filter((t) => t.definition.type === 'berth-build' && t.source === 'berth').map((t) => t.name);
      assert.ok(detected.includes('build Dockerfile'), `detected: ${detected.join(', ')}`);
      assert.equal(new Set(detected).size, detected.length, `no task twice: ${detected.join(', ')}`);
      assert.equal(await run(await find('e2e ok')), 0);
      assert.ok((await docker.listImages()).some((i) => (i.RepoTags ?? []).includes(tag)), 'the task built the image');
      // With the Dockerfile open, Berth's linter owns diagnostics for it too: the task's marking must survive that.
      await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'Dockerfile'));
      assert.equal(await run(await find('e2e failing')), 1);
      const marked = await until('the problem matcher marking the Dockerfile', () =>
        vscode.languages.getDiagnostics(vscode.Uri.joinPath(dir, 'Dockerfile')).find((d) => /missing\.txt/.test(d.message)),
        30_000,
      );
      assert.equal(marked.range.start.line, 2, 'the COPY line');
    } finally {
      await vscode.workspace.fs.delete(tasksJson);
      await vscode.workspace.fs.delete(dir, { recursive: true });
      await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    }
  });

  it('runs berth-run tasks: in the foreground with --rm it ends with the container\'s exit code; detached it leaves the container running', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'a workspace folder');
    const name = `berth-e2e-runtask-${Date.now().toString(36)}`;
    const tasksJson = await writeTasksJson(folder, [
      { type: 'berth-run', label: 'e2e run foreground', image: TEST_IMAGE, args: `--rm --name ${name}-fg --network none`, command: "sh -c 'echo from-task; exit 3'" },
      { type: 'berth-run', label: 'e2e run detached', image: TEST_IMAGE, args: `-d --name ${name}-bg --network none`, command: 'sleep 300' },
    ]);
    const find = (label: string): Promise<vscode.Task> => findTask('berth-run', label);
    const run = runTask;
    try {
      assert.equal(await run(await find('e2e run foreground')), 3, 'the exit code of a container that --rm removes at once');
      await assert.rejects(docker.getContainer(`${name}-fg`).inspect(), /no such container/i);
      assert.equal(await run(await find('e2e run detached')), 0);
      assert.equal((await docker.getContainer(`${name}-bg`).inspect()).State.Running, true);
    } finally {
      await vscode.workspace.fs.delete(tasksJson);
      for (const suffix of ['fg', 'bg']) await docker.getContainer(`${name}-${suffix}`).remove({ force: true }).catch(() => undefined);
    }
  });

  it('refreshes on command', async () => {
    await vscode.commands.executeCommand('berth.containers.refresh');
    await until('resync after refresh', () => api.explorer.isSynced);
    assert.equal(api.explorer.status, 'ready');
  });

  it('reports an unreachable engine from the setting, then recovers when it is cleared', async () => {
    const config = vscode.workspace.getConfiguration('berth');
    await config.update('engine.host', 'unix:///nonexistent/berth-e2e.sock', vscode.ConfigurationTarget.Global);
    try {
      await until('status unavailable', () => api.explorer.status === 'unavailable');
      assert.equal(api.explorer.error?.kind, 'unavailable');
    } finally {
      await config.update('engine.host', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('recovery', () => api.explorer.status === 'ready' && api.explorer.isSynced);
  });
});
