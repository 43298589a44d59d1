/**
 * `npm start`: a real VS Code (code-server on 127.0.0.1) with the freshly packaged Berth
 * installed and a sample workspace open, talking to *your* engine (DOCKER_HOST, your Docker
 * context, or the default socket). Settings and the workspace persist between runs.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { QUIET_WORKBENCH_SETTINGS, installExtension, startCodeServer, workbenchUrl, writeUserSettings } from '../harness/codeServer';

const REPO = resolve(__dirname, '..', '..', '..');
const STATE = join(REPO, 'test', 'e2e', 'vscode', 'state');

async function main(): Promise<void> {
  const log = (m: string): void => console.log(`[berth] ${m}`);
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = join(REPO, `${manifest.name}-${manifest.version}.vsix`);
  const workspace = join(STATE, 'sample-workspace');
  if (!existsSync(workspace)) cpSync(join(REPO, 'test', 'fixtures', 'sample'), workspace, { recursive: true });
  const workDir = join(STATE, 'vscode');
  if (!existsSync(join(workDir, 'user-data', 'User', 'settings.json'))) {
    writeUserSettings(workDir, { ...QUIET_WORKBENCH_SETTINGS, 'workbench.colorTheme': 'Default Dark Modern' });
  }
  const port = process.env.BERTH_PORT ? Number(process.env.BERTH_PORT) : undefined;
  const codeServer = await startCodeServer({ folder: workspace, workDir, log, ...(port ? { port } : {}) });
  await installExtension(codeServer, vsix, log);
  const url = workbenchUrl(codeServer, workspace);
  console.log(`\nBerth is running in VS Code at:\n\n    ${url}\n\nOpen it in your browser and click the Containers icon in the activity bar.`);
  console.log(`It uses ${process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : 'your current Docker context or the default engine socket'}. Press Ctrl+C to stop.\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log('stopping VS Code…');
    void codeServer.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Keep the process alive while the server runs.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(`[berth] could not start VS Code: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
