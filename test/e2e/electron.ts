/**
 * `npm run test:electron`: the same extension-host suite under @vscode/test-electron, for
 * machines that can download VS Code (this project's CI cannot; it uses code-server instead).
 * As root it starts a private dockerd with the test image; otherwise it uses your engine, which
 * must already hold the image `berth-test/busybox:latest`.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import type { PrivateDockerd } from '../harness/dockerd';
import { buildBusyboxImage, dockerdUnavailableReason, startPrivateDockerd } from '../harness/dockerd';

const REPO = resolve(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  let dockerd: PrivateDockerd | undefined;
  const workDir = mkdtempSync(join(tmpdir(), 'berth-electron-'));
  try {
    const reason = dockerdUnavailableReason();
    if (reason) {
      console.log(`Using your own engine (${reason}).`);
    } else {
      dockerd = await startPrivateDockerd((m) => console.log(m));
      await buildBusyboxImage(dockerd.docker);
    }
    const workspace = join(workDir, 'workspace');
    cpSync(join(REPO, 'test', 'fixtures', 'sample'), workspace, { recursive: true });
    await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: REPO,
      extensionTestsPath: join(REPO, 'out', 'test', 'e2e', 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(workDir, 'user-data')],
      extensionTestsEnv: dockerd ? { DOCKER_HOST: dockerd.host } : {},
    });
  } finally {
    await dockerd?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
