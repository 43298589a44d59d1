import * as assert from 'node:assert/strict';
import { APT_RULES } from '../../src/lint/rules/apt';
import { parseDockerfile } from '../../src/lint/dockerfile';
import { collectPragmas, ignoreHereEdit } from '../../src/lint/pragmas';
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

describe('ignore here (the quick fix that writes a pragma)', () => {
  it('inserts `# hadolint ignore=CODE` above the instruction, with its indentation', () => {
    const text = 'FROM debian:12\n  RUN apt-get install curl\n';
    assert.deepEqual(ignoreHereEdit(text, text.indexOf('apt-get'), 'DL3008'), { line: 1, replaceLine: false, newText: '  # hadolint ignore=DL3008\n' });
  });

  it('adds the code to a pragma directly above, once', () => {
    const text = 'FROM debian:12\n# hadolint ignore=DL3015\nRUN apt-get install curl\n';
    const offset = text.indexOf('apt-get');
    assert.deepEqual(ignoreHereEdit(text, offset, 'DL3008'), { line: 1, replaceLine: true, newText: '# hadolint ignore=DL3015,DL3008' });
    assert.deepEqual(ignoreHereEdit(text, offset, 'DL3015'), { line: 1, replaceLine: true, newText: '# hadolint ignore=DL3015' });
  });

  it('leaves a comment the linter does not read as a pragma alone, and writes its own', () => {
    const text = 'FROM debian:12\n# hadolint ignore=DL3015 # why\nRUN apt-get install curl\n';
    assert.deepEqual(ignoreHereEdit(text, text.indexOf('apt-get'), 'DL3008'), { line: 2, replaceLine: false, newText: '# hadolint ignore=DL3008\n' });
  });

  it('targets the instruction of a continuation line, and nothing outside instructions', () => {
    const text = 'FROM debian:12\nRUN apt-get update \\\n  && apt-get install curl\n';
    assert.equal(ignoreHereEdit(text, text.lastIndexOf('apt-get'), 'DL3008')?.line, 1);
    assert.equal(ignoreHereEdit('# only a comment\n', 3, 'DL3008'), undefined);
  });
});

describe('the shell RUN uses', () => {
  const shells = (text: string): string[] => {
    const file = parseDockerfile(text);
    const pragmas = collectPragmas(file);
    return file.instructions.filter((i) => i.keyword === 'RUN').map((i) => `${pragmas.shellAt(i)}${pragmas.isPosixShellAt(i) ? '' : ' (not POSIX)'}`);
  };

  it('is cmd on Windows base images until SHELL says otherwise, and sh elsewhere', () => {
    const text = [
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
      'RUN dir',
      'SHELL ["powershell", "-Command"]',
      'RUN Get-ChildItem',
      'FROM python:3.12-windowsservercore-ltsc2022',
      'RUN dir',
      'FROM mcr.microsoft.com/powershell:lts-nanoserver-1809',
      'RUN dir',
      'FROM debian:12',
      'RUN ls',
      '',
    ].join('\n');
    assert.deepEqual(shells(text), ['cmd (not POSIX)', 'powershell (not POSIX)', 'cmd (not POSIX)', 'cmd (not POSIX)', 'sh']);
  });

  it('is inherited by a stage built on an earlier one, and set by SHELL or `# hadolint shell=`', () => {
    const text = [
      'FROM debian:12 AS base',
      'SHELL ["/bin/bash", "-c"]',
      'RUN a',
      'FROM base',
      'RUN b',
      '# hadolint shell=pwsh',
      'RUN c',
      'FROM debian:12',
      'RUN d',
      '',
    ].join('\n');
    assert.deepEqual(shells(text), ['bash', 'bash', 'pwsh (not POSIX)', 'sh']);
  });
});
