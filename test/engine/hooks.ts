/**
 * Mocha global fixture for the engine suite: one private dockerd and the busybox test image for
 * the whole run, stopped afterwards. Tests find the engine through `engineHost()`.
 */
import type { PrivateDockerd } from '../harness/dockerd';
import { buildBusyboxImage, startPrivateDockerd } from '../harness/dockerd';

let dockerd: PrivateDockerd | undefined;

export function privateDockerd(): PrivateDockerd {
  if (!dockerd) throw new Error('The private dockerd is not running: load test/engine/hooks.js with --require.');
  return dockerd;
}

export async function mochaGlobalSetup(): Promise<void> {
  const started = Date.now();
  dockerd = await startPrivateDockerd((m) => console.log(`    [engine] ${m}`));
  await buildBusyboxImage(dockerd.docker);
  console.log(`    [engine] private dockerd and test image ready in ${Date.now() - started} ms`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await dockerd?.stop();
  dockerd = undefined;
}
