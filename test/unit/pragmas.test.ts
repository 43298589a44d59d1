import * as assert from 'node:assert/strict';
import { APT_RULES } from '../../src/lint/rules/apt';
import { codes, lint, where } from './lintHelpers';

describe('hadolint pragmas', function () {
  this.timeout(20_000);
  const install = 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n';

  it('`# hadolint ignore=` silences the listed codes on the next instruction only', async () => {
    const text = `FROM debian:12\n# hadolint ignore=DL3008\n${install}${install}`;
    assert.deepEqual(where(text, await lint(text, APT_RULES)), ['DL3008@4:66']);
  });

  it('takes several codes, any case and spacing, and comments above it', async () => {
    const text = `FROM debian:12\n# hadolint ignore=dl3008, DL3015\n# why: pinned by the base image\nRUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*\n`;
    assert.deepEqual(codes(await lint(text, APT_RULES)), ['DL3014']);
  });

  it('a blank line between the pragma and the instruction breaks the link', async () => {
    const text = `FROM debian:12\n# hadolint ignore=DL3008\n\n${install}`;
    assert.deepEqual(codes(await lint(text, APT_RULES)), ['DL3008']);
  });

  it('`# hadolint global ignore=` silences codes in the whole file', async () => {
    const text = `# hadolint global ignore=DL3008,DL3014\nFROM debian:12\n${install}RUN apt-get install --no-install-recommends wget\n`;
    assert.deepEqual(codes(await lint(text, APT_RULES)), []);
  });

  it('`# hadolint shell=` with a non-POSIX shell turns off shell rules from there on', async () => {
    const text = `FROM debian:12\n# hadolint shell=powershell\nRUN apt-get install curl\n`;
    assert.deepEqual(codes(await lint(text, APT_RULES)), []);
  });

  it('SHELL ["powershell", …] does the same, and a new stage resets it', async () => {
    const text = `FROM windows AS w\nSHELL ["powershell", "-Command"]\nRUN apt-get install curl\nFROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n`;
    assert.deepEqual(where(text, await lint(text, APT_RULES)), ['DL3008@5:48']);
  });

  it('configuration ignores and overrides apply', async () => {
    const text = `FROM debian:12\n${install}`;
    assert.deepEqual(codes(await lint(text, APT_RULES, { ignored: new Set(['DL3008']) })), []);
    const findings = await lint(text, APT_RULES, { overrides: new Map([['DL3008', 'error']]) });
    assert.equal(findings[0]?.severity, 'error');
    assert.deepEqual(codes(await lint(text, APT_RULES, { overrides: new Map([['DL3008', 'ignore']]) })), []);
  });
});
