/**
 * Runs the mocha suite in test/e2e/suite inside the extension host of a real VS Code, passed in
 * with the workbench URL's payload, against the Berth installed from the VSIX.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { remoteUri, workbenchUrl } from '../harness/codeServer';
import { withTimeout } from '../harness/time';
import { REPO, RESULTS, env } from './hooks';
import { screenshot } from './page';

describe('extension-host suite (code-server)', function () {
  this.timeout(300_000);

  it('passes inside the extension host', async () => {
    const { browser, codeServer, extensionDir, workspace, exthostResults } = env();
    const page = await browser.newPage();
    try {
      let resolveExit: (code: number) => void = () => undefined;
      const exited = new Promise<number>((r) => (resolveExit = r));
      await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
      await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
        for (const line of format(...args).split('\n')) if (line.trim()) console.log(`      │ ${line}`);
      });
      const url = workbenchUrl(codeServer, workspace, [
        ['extensionDevelopmentPath', remoteUri(codeServer, extensionDir)],
        ['extensionTestsPath', remoteUri(codeServer, join(REPO, 'out', 'test', 'e2e', 'suite', 'index.js'))],
      ]);
      await page.goto(url);
      const code = await withTimeout(exited, 240_000, 'the extension host never reported an exit code');
      assert.ok(existsSync(exthostResults), 'the in-host suite wrote its counts');
      const counts = JSON.parse(readFileSync(exthostResults, 'utf8')) as { passed: number; failed: number; failures: string[] };
      // Reported as its own line in the `npm test` summary.
      writeFileSync(join(RESULTS, 'results-e2e-exthost.json'), JSON.stringify(counts));
      assert.ok(counts.passed > 0, 'the in-host suite ran tests');
      assert.equal(code, 0, `in-host failures: ${counts.failures.join('; ')}`);
    } catch (error) {
      await screenshot(page, 'failure-exthost').catch(() => undefined);
      throw error;
    } finally {
      await page.close();
    }
  });
});
