/**
 * Activation in the real extension host: code-server with the VSIX installed, a fresh headless
 * Chromium per sample (so every sample is a new workbench and a new extension host), a click on
 * the Containers icon, and the `Berth activated in X ms` line that activate() writes to its log.
 *
 * The baseline, measured in the same run, is what activation would cost if the engine were loaded
 * eagerly: a fresh Node process requiring the installed copy of dist/dockerodeEngine.js.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension, launchBrowser, startCodeServer, workbenchUrl } from '../harness/codeServer';
import type { PrivateDockerd } from '../harness/dockerd';
import { openContainersView, openWorkbench } from '../e2e/page';
import type { Cleanup, Log } from './util';
import { execFileText, ms, sleep } from './util';

const ACTIVATED = /Berth activated in ([\d.]+) ms/;
const LOG_WAIT_MS = 30_000;

export interface ActivationResult {
  /** activate() durations read from the extension host, one per fresh page. */
  samples: number[];
  /** require() of the bundled engine in a fresh node process, one per sample. */
  eagerRequireSamples: number[];
  /** Which Berth.log each sample came from (relative to the logs folder). */
  logFiles: string[];
}

/** All Berth.log files under a VS Code logs folder (<logs>/<timestamp>/exthostN/berth.berth/Berth.log). */
function berthLogs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...berthLogs(path));
    else if (entry.name === 'Berth.log') found.push(path);
  }
  return found;
}

/** Waits for a Berth.log that was not there before this page, and reads its activation line. */
async function waitForActivationLine(logsDir: string, before: ReadonlySet<string>): Promise<{ ms: number; file: string }> {
  const deadline = Date.now() + LOG_WAIT_MS;
  for (;;) {
    for (const file of berthLogs(logsDir)) {
      if (before.has(file)) continue;
      const match = ACTIVATED.exec(readFileSync(file, 'utf8'));
      if (match?.[1]) return { ms: Number(match[1]), file };
    }
    if (Date.now() > deadline) {
      const fresh = berthLogs(logsDir).filter((f) => !before.has(f));
      const detail = fresh.map((f) => `${f}:\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`).join('\n');
      throw new Error(`No "Berth activated in X ms" line in a new Berth.log under ${logsDir} within ${LOG_WAIT_MS / 1000} s.${detail ? `\n${detail}` : ' No new Berth.log appeared at all.'}`);
    }
    await sleep(100);
  }
}

/** One fresh node process requiring the bundled engine; returns the require() time it measured. */
async function eagerRequireMs(bundle: string): Promise<number> {
  const script = "const { performance } = require('perf_hooks'); const t = performance.now(); require(process.argv[1]); process.stdout.write(String(performance.now() - t));";
  const { stdout } = await execFileText(process.execPath, ['-e', script, bundle], { timeoutMs: 60_000 });
  const value = Number(stdout.trim());
  if (!Number.isFinite(value)) throw new Error(`Requiring ${bundle} printed ${JSON.stringify(stdout)} instead of a time`);
  return value;
}

export async function measureActivation(options: {
  dockerd: PrivateDockerd;
  vsix: string;
  workDir: string;
  samples: number;
  cleanup: Cleanup;
  log: Log;
}): Promise<ActivationResult> {
  const { dockerd, vsix, workDir, cleanup, log } = options;
  const workspace = join(workDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const codeServer = await startCodeServer({
    folder: workspace,
    workDir: join(workDir, 'vscode'),
    // The extension host inherits this: Berth finds the private engine, never the user's.
    env: { DOCKER_HOST: dockerd.host, DOCKER_CONTEXT: undefined },
    log,
  });
  const stopCodeServer = cleanup.add('code-server', () => codeServer.stop());
  try {
    const extensionDir = await installExtension(codeServer, vsix, log);
    const bundle = join(extensionDir, 'dist', 'dockerodeEngine.js');
    if (!existsSync(bundle)) throw new Error(`The installed VSIX has no dist/dockerodeEngine.js (looked in ${extensionDir})`);
    const logsDir = join(codeServer.userDataDir, 'logs');
    const result: ActivationResult = { samples: [], eagerRequireSamples: [], logFiles: [] };
    for (let i = 1; i <= options.samples; i++) {
      const before = new Set(berthLogs(logsDir));
      const browser = await launchBrowser(join(workDir, `chromium-${i}`));
      const closeBrowser = cleanup.add(`chromium #${i}`, () => browser.close());
      try {
        const page = browser.pages()[0] ?? (await browser.newPage());
        await openWorkbench(page, workbenchUrl(codeServer, workspace));
        await openContainersView(page);
        const { ms: activation, file } = await waitForActivationLine(logsDir, before);
        result.samples.push(activation);
        result.logFiles.push(file.slice(logsDir.length + 1));
      } finally {
        await closeBrowser();
      }
      // Interleaved with the pages, so both see the same machine state.
      result.eagerRequireSamples.push(await eagerRequireMs(bundle));
      log(`activation sample ${i}/${options.samples}: activate() ${result.samples.at(-1)?.toFixed(2)} ms (${result.logFiles.at(-1)}); eager require ${result.eagerRequireSamples.at(-1)?.toFixed(1)} ms`);
    }
    log(`activate() samples: ${ms(result.samples)} ms; eager-require samples: ${ms(result.eagerRequireSamples)} ms`);
    return result;
  } finally {
    await stopCodeServer();
  }
}
