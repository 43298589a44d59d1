/**
 * The lint worker through LintClient, as the editor uses it: a real worker thread running the
 * compiled worker, and a stand-in for a slow ShellCheck (a script that records its process id and
 * sleeps), to see a superseded request stop its child processes.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LintCancelled, LintClient } from '../../src/lint/LintClient';
import { DEFAULT_CONFIG } from '../../src/lint/types';
import { toWireConfig } from '../../src/lint/wire';

const WORKER = join(__dirname, '..', '..', 'src', 'lint', 'worker.js');
const config = toWireConfig(DEFAULT_CONFIG);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, test: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('LintClient and the lint worker', function () {
  this.timeout(30_000);
  let client: LintClient;
  let dir: string;

  beforeEach(() => {
    client = new LintClient(WORKER);
    dir = mkdtempSync(join(tmpdir(), 'berth-lintclient-'));
  });

  afterEach(() => {
    client.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lints in the worker: rules and syntax checks, in source order', async () => {
    const response = await client.lint('a', 'FROM debian:12\nRUNN x\nRUN apt-get install curl\n', config, { syntax: true, shellcheck: undefined });
    const codes = response.findings.map((f) => f.code);
    assert.ok(codes.includes('syntax') && codes.includes('DL3008'), codes.join(', '));
    assert.deepEqual(
      response.findings.map((f) => f.span.start),
      [...response.findings.map((f) => f.span.start)].sort((x, y) => x - y),
    );
    assert.ok(response.explanations.DL3008);
  });

  it('a newer request for the same document cancels the older one, and its ShellCheck processes stop', async () => {
    const pids = join(dir, 'pids');
    const slowShellCheck = join(dir, 'slow-shellcheck');
    // Answers the version probe at once, as ShellCheck does; hangs on a script.
    writeFileSync(
      slowShellCheck,
      `#!/bin/sh\ncase "$*" in *--version*) printf 'ShellCheck - shell script analysis tool\\nversion: 0.9.0\\n'; exit 0;; esac\necho $$ >> '${pids}'\nexec sleep 30\n`,
    );
    chmodSync(slowShellCheck, 0o755);
    const text = 'FROM debian:12\nRUN echo one\n';
    const first = client.lint('doc', text, config, { syntax: false, shellcheck: slowShellCheck });
    const outcome = first.then(
      () => 'answered',
      (error: unknown) => (error instanceof LintCancelled ? 'cancelled' : `failed: ${String(error)}`),
    );
    await until('the slow ShellCheck to start', () => existsSync(pids) && readFileSync(pids, 'utf8').trim().length > 0);
    const pid = Number(readFileSync(pids, 'utf8').trim().split('\n')[0]);
    assert.ok(alive(pid));

    const second = await client.lint('doc', `${text}RUN echo two\n`, config, { syntax: false, shellcheck: undefined });
    assert.equal(await outcome, 'cancelled');
    assert.ok(second.findings.every((f) => !f.code.startsWith('SC')));
    // Killed, not left to sleep out its 30 s.
    await until('the stale ShellCheck process to end', () => !alive(pid), 5_000);
  });

  it('another document is not cancelled by it', async () => {
    const [a, b] = await Promise.all([
      client.lint('one', 'FROM debian:12\nRUN apt-get install curl\n', config, { syntax: false, shellcheck: undefined }),
      client.lint('two', 'FROM debian:12\nRUN apt-get install wget\n', config, { syntax: false, shellcheck: undefined }),
    ]);
    assert.ok(a.findings.some((f) => f.code === 'DL3008'));
    assert.ok(b.findings.some((f) => f.code === 'DL3008'));
  });

  it('an aborted request is cancelled', async () => {
    const controller = new AbortController();
    const pending = client.lint('doc', 'FROM debian:12\n', config, { syntax: false, shellcheck: undefined }, controller.signal);
    controller.abort();
    await assert.rejects(pending, LintCancelled);
  });
});
