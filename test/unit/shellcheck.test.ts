import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/lint/dockerfile';
import { findShellCheck, isShellCheckAvailable, runShellCheck, shellCheckVersion, SHELLCHECK_EXCLUSIONS } from '../../src/lint/shellcheck';
import type { Finding, LintConfig } from '../../src/lint/types';
import { DEFAULT_CONFIG } from '../../src/lint/types';
import { applyFix, spanText, where } from './lintHelpers';

async function check(text: string, config: Partial<LintConfig> = {}): Promise<Finding[]> {
  return runShellCheck(parseDockerfile(text), { ...DEFAULT_CONFIG, ...config });
}

/** "SC2086@3:10 $foo" for each finding: 1-based line:column of its start, and the text it covers. */
async function found(text: string, config: Partial<LintConfig> = {}): Promise<string[]> {
  const findings = await check(text, config);
  const positions = where(text, findings);
  return findings.map((f, i) => `${positions[i] ?? ''} ${spanText(text, f)}`);
}

describe('ShellCheck on RUN scripts', function () {
  this.timeout(30_000);

  before(async function () {
    if (!(await isShellCheckAvailable())) {
      // CI installs shellcheck; elsewhere the suite is skipped rather than failed.
      if (['true', '1'].includes(String(process.env.CI).toLowerCase())) assert.fail('shellcheck is not installed');
      this.skip();
    }
  });

  it('finds the binary on PATH and reports its version', async () => {
    const path = await findShellCheck();
    assert.ok(path && path.endsWith('shellcheck'), String(path));
    assert.match((await shellCheckVersion()) ?? '', /^\d+\.\d+/);
  });

  it('maps a finding on a continuation line to the exact column of `$foo`', async () => {
    const text = 'FROM debian:12\nRUN apt-get update && \\\n    echo $foo && \\\n    ls\n';
    const findings = await check(text);
    assert.deepEqual(where(text, findings), ['SC2086@3:10']);
    const [finding] = findings;
    assert.ok(finding);
    assert.equal(spanText(text, finding), '$foo');
    assert.equal(finding.severity, 'info');
    assert.equal(finding.message, 'Double quote to prevent globbing and word splitting.');
    assert.equal(finding.fixes[0]?.title, "Apply ShellCheck's fix for SC2086");
  });

  it('turns ShellCheck fixes into edits that apply cleanly across continuations', async () => {
    const text = 'FROM debian:12\nRUN apt-get update && \\\n    echo $foo\n';
    const [finding] = await check(text);
    const fix = finding?.fixes[0];
    assert.ok(fix);
    assert.equal(applyFix(text, fix), 'FROM debian:12\nRUN apt-get update && \\\n    echo "$foo"\n');

    const backticks = 'FROM debian:12\nRUN echo `date \\\n  +%s`\n';
    const sc2006 = (await check(backticks)).find((f) => f.code === 'SC2006');
    assert.ok(sc2006?.fixes[0]);
    assert.equal(spanText(backticks, sc2006), '`date \\\n  +%s`');
    assert.equal(applyFix(backticks, sc2006.fixes[0]), 'FROM debian:12\nRUN echo $(date \\\n  +%s)\n');
  });

  it('counts a tab as one column (json1), on a tab-indented continuation line', async () => {
    const text = 'FROM debian:12\nRUN apt-get update && \\\n\techo $foo \\\n\t\t&& echo $bar\n';
    assert.deepEqual(await found(text), ['SC2086@3:7 $foo', 'SC2086@4:11 $bar']);
  });

  it('counts columns in code points, so text after an emoji still maps exactly', async () => {
    const text = 'FROM debian:12\nRUN echo "😀 é" $foo\n';
    assert.deepEqual(await found(text), ['SC2086@2:17 $foo']);
  });

  it('maps findings in a `RUN <<EOF` body to their line and column, tabs included', async () => {
    const text = 'FROM debian:12\nRUN <<EOF\nset -e\nif true; then\n\techo $foo\nfi\nEOF\nRUN echo ok\n';
    assert.deepEqual(await found(text), ['SC2086@5:7 $foo']);
  });

  it('checks `<<-` bodies with their leading tabs stripped, as BuildKit runs them', async () => {
    const text = 'FROM debian:12\nRUN <<-EOF\n\t\techo $foo\n\tEOF\n';
    assert.deepEqual(await found(text), ['SC2086@3:8 $foo']);
  });

  it('checks the body of `RUN bash <<EOF` as a bash script, once', async () => {
    const text = 'FROM debian:12\nRUN bash <<EOF\n[[ -n "$x" ]] && echo $x\nEOF\n';
    assert.deepEqual(await found(text), ['SC2086@3:23 $x']);
  });

  it('checks a non-shell heredoc as data of the RUN line: only its expansions', async () => {
    const text = 'FROM debian:12\nRUN cat <<EOF > /etc/motd\nhello $(echo $user)\nEOF\n';
    assert.deepEqual(await found(text), ['SC2116@3:7 $(echo $user)', 'SC2086@3:14 $user']);
  });

  it('skips a heredoc whose shebang is not a shell, and uses the shebang when it is', async () => {
    assert.deepEqual(await found('FROM debian:12\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1 if [] else 2)\nEOF\n'), []);
    assert.deepEqual(await found('FROM debian:12\nRUN <<EOF\n#!/bin/sh\n[[ -n "$x" ]]\nEOF\n'), ['SC3010@4:1 [[ -n "$x" ]]']);
    assert.deepEqual(await found('FROM debian:12\nRUN <<EOF\n#!/usr/bin/env bash\n[[ -n "$x" ]]\nEOF\n'), []);
  });

  it('handles CRLF files without reporting carriage returns', async () => {
    const text = 'FROM debian:12\r\nRUN <<EOF\r\necho $foo\r\nEOF\r\nRUN echo ok \\\r\n  $bar\r\n';
    assert.deepEqual(await found(text), ['SC2086@3:6 $foo', 'SC2086@6:3 $bar']);
  });

  it('checks ONBUILD RUN and skips exec form', async () => {
    const text = 'FROM debian:12\nONBUILD RUN echo $foo\nRUN ["echo", "$foo"]\n';
    assert.deepEqual(await found(text), ['SC2086@2:18 $foo']);
  });

  it('uses the stage shell: bash after SHELL, sh again in the next stage, nothing for PowerShell', async () => {
    const text = [
      'FROM debian:12 AS a',
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
      'RUN [[ -n "$x" ]]',
      'FROM debian:12 AS b',
      'RUN [[ -n "$x" ]]',
      'FROM windows AS c',
      'SHELL ["powershell", "-Command"]',
      'RUN echo $foo',
      'FROM debian:12',
      '# hadolint shell=zsh',
      'RUN echo $foo',
      '',
    ].join('\n');
    assert.deepEqual(await found(text), ['SC3010@5:5 [[ -n "$x" ]]']);
  });

  it('honours `# hadolint ignore=SC…` and `global ignore`', async () => {
    const text = 'FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $foo \\\n  && echo $bar\nRUN echo $baz\n';
    assert.deepEqual(await found(text), ['SC2086@5:10 $baz']);
    const heredoc = 'FROM debian:12\n# hadolint ignore=SC2086\nRUN <<EOF\necho $foo\nEOF\n';
    assert.deepEqual(await found(heredoc), []);
    assert.deepEqual(await found(`# hadolint global ignore=SC2086\n${text}`), []);
  });

  it('honours the configuration: ignored codes and severity overrides', async () => {
    const text = 'FROM debian:12\nRUN echo $foo\n';
    assert.deepEqual(await check(text, { ignored: new Set(['SC2086']) }), []);
    assert.deepEqual(await check(text, { overrides: new Map([['SC2086', 'ignore']]) }), []);
    const [finding] = await check(text, { overrides: new Map([['SC2086', 'error']]) });
    assert.equal(finding?.severity, 'error');
  });

  it('leaves out the codes that are noise in a Dockerfile', async () => {
    assert.deepEqual([...SHELLCHECK_EXCLUSIONS].sort(), ['SC1090', 'SC1091', 'SC2153', 'SC2154']);
    // SC2154 (ARG/ENV/base image variables), SC2153 (look-alikes), SC1091/SC1090 (files in the image).
    const text = 'FROM debian:12\nARG version\nRUN echo "$version" "$HOMEX" && HOMEY=1 && echo "$HOMEY" && . /etc/os-release\nSHELL ["/bin/bash", "-c"]\nRUN source "$(dirname "$0")/env.sh"\n';
    assert.deepEqual(await found(text), []);
  });

  it('does not call a variable the Dockerfile sets with ARG or ENV undefined in POSIX sh (SC3028), and still does otherwise', async () => {
    const text = 'FROM python:3.12-slim\nARG UID=10001\nRUN adduser --uid "${UID}" app\nENV HOSTNAME web\nONBUILD ENV GROUPS=1\nRUN echo "$HOSTNAME" "$GROUPS" "$RANDOM"\n';
    const messages = (await check(text)).filter((f) => f.code === 'SC3028').map((f) => f.message);
    assert.deepEqual(messages, ['In POSIX sh, RANDOM is undefined.']);
  });

  it('maps ShellCheck levels to severities', async () => {
    const text = 'FROM debian:12\nRUN cd /x; echo `date`; echo $foo; [ $foo == 1 ]\n';
    const severities = new Map((await check(text)).map((f) => [f.code, f.severity]));
    assert.equal(severities.get('SC2164'), 'warning');
    assert.equal(severities.get('SC2006'), 'style');
    assert.equal(severities.get('SC2086'), 'info');
    assert.equal(severities.get('SC3014'), 'warning');
    const error = await check('FROM debian:12\nRUN echo "unterminated\n');
    assert.ok(error.some((f) => f.severity === 'error' && f.code.startsWith('SC10')), JSON.stringify(error));
  });

  it('returns [] without throwing when the binary is absent', async () => {
    const text = 'FROM debian:12\nRUN echo $foo\n';
    const file = parseDockerfile(text);
    assert.deepEqual(await runShellCheck(file, DEFAULT_CONFIG, { executable: '/nonexistent/bin/shellcheck' }), []);
    assert.deepEqual(await runShellCheck(file, DEFAULT_CONFIG, { executable: 'shellcheck', pathEnv: '/nonexistent' }), []);
    assert.deepEqual(await runShellCheck(file, DEFAULT_CONFIG, { pathEnv: '' }), []);
    assert.equal(await isShellCheckAvailable({ executable: '/nonexistent/bin/shellcheck' }), false);
    assert.equal(await isShellCheckAvailable({ pathEnv: '/nonexistent' }), false);
    assert.equal(await findShellCheck('/nonexistent'), undefined);
    // A file that is not ShellCheck (here, not even executable) counts as absent too.
    assert.deepEqual(await runShellCheck(file, DEFAULT_CONFIG, { executable: __filename }), []);
  });

  it('rejects with an AbortError when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const file = parseDockerfile('FROM debian:12\nRUN echo $aborted\n');
    await assert.rejects(runShellCheck(file, DEFAULT_CONFIG, { signal: controller.signal }), { name: 'AbortError' });
    const late = new AbortController();
    const pending = runShellCheck(parseDockerfile('FROM debian:12\nRUN echo $late1\nRUN echo $late2\n'), DEFAULT_CONFIG, { signal: late.signal });
    late.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    // Nothing half-finished is remembered: the same scripts check normally afterwards.
    assert.deepEqual(await found('FROM debian:12\nRUN echo $late1\nRUN echo $late2\n'), ['SC2086@2:10 $late1', 'SC2086@3:10 $late2']);
  });

  it('checks many RUNs concurrently and reuses results for unchanged scripts', async () => {
    const runs = Array.from({ length: 12 }, (_, i) => `RUN echo $v${i}`).join('\n');
    const text = `FROM debian:12\n${runs}\n`;
    const first = await found(text);
    assert.equal(first.length, 12);
    assert.equal(first[11], 'SC2086@13:10 $v11');
    const started = Date.now();
    assert.deepEqual(await found(text), first);
    assert.ok(Date.now() - started < 1000, 'cached results come back at once');
  });
});
