import * as assert from 'node:assert/strict';
import { SHELL_RULES } from '../../src/lint/rules/shellRules';
import type { Finding } from '../../src/lint/types';
import { assertFixRemoves, assertRuleShapes, lint, spanText, where } from './lintHelpers';

const R = SHELL_RULES;

async function only(code: string, text: string): Promise<Finding[]> {
  return (await lint(text, R)).filter((f) => f.code === code);
}

async function at(code: string, text: string): Promise<string[]> {
  return where(text, await only(code, text));
}

describe('lint: shell rules', () => {
  describe('DL3001 commands that make no sense in a container', () => {
    it('flags each such command by name', async () => {
      const text = 'FROM debian:12\nRUN apt-get update && service nginx start\nRUN top -b -n1 ; /bin/kill 1\n';
      const findings = await only('DL3001', text);
      assert.deepEqual(where(text, findings), ['DL3001@2:23', 'DL3001@3:5', 'DL3001@3:18']);
      assert.equal(spanText(text, findings[2]!), '/bin/kill');
      assert.match(findings[0]!.message, /`service`/);
    });
    it('ignores the words as arguments, and other commands', async () => {
      const text = 'FROM debian:12\nRUN echo ssh vim top && apt-get install -y procps openssh-client\nRUN psql -c "select 1"\n';
      assert.deepEqual(await at('DL3001', text), []);
    });
    it('looks into sh -c, subshells and ONBUILD RUN', async () => {
      const text = 'FROM debian:12\nRUN sh -c "mount -a"\nRUN (ifconfig)\nONBUILD RUN vim x\n';
      assert.deepEqual(await at('DL3001', text), ['DL3001@2:12', 'DL3001@3:6', 'DL3001@4:13']);
    });
    it('is silenced by a hadolint ignore pragma', async () => {
      const text = 'FROM debian:12\n# hadolint ignore=DL3001\nRUN ps aux\nRUN ps aux\n';
      assert.deepEqual(await at('DL3001', text), ['DL3001@4:5']);
    });
    it('skips RUN under a non-POSIX SHELL', async () => {
      const text = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN kill 1\n';
      assert.deepEqual(await at('DL3001', text), []);
    });
  });

  describe('DL3003 cd', () => {
    it('flags cd anywhere in a RUN', async () => {
      const text = 'FROM debian:12\nRUN cd /src && make\nRUN make -C /src && (cd sub && make)\n';
      assert.deepEqual(await at('DL3003', text), ['DL3003@2:5', 'DL3003@3:22']);
    });
    it('does not flag WORKDIR or the word cd as an argument', async () => {
      const text = 'FROM debian:12\nWORKDIR /src\nRUN echo cd && make\n';
      assert.deepEqual(await at('DL3003', text), []);
    });
    it('fixes `RUN cd /abs && rest` into WORKDIR + RUN', async () => {
      const text = 'FROM debian:12\nRUN cd /src && make && make install\n';
      const fixed = await assertFixRemoves(text, 'DL3003', R);
      assert.equal(fixed, 'FROM debian:12\nWORKDIR /src\nRUN make && make install\n');
    });
    it('fixes across a line continuation and keeps flags and indentation', async () => {
      const text = 'FROM debian:12\n  RUN --mount=type=cache,target=/root/.cache cd /src && \\\n      make\n';
      const fixed = await assertFixRemoves(text, 'DL3003', R);
      assert.equal(fixed, 'FROM debian:12\n  WORKDIR /src\n  RUN --mount=type=cache,target=/root/.cache make\n');
    });
    it('offers no fix outside the mechanical case', async () => {
      const text = [
        'FROM debian:12',
        'RUN cd src && make',
        'RUN cd /src; make',
        'RUN cd $HOME && make',
        'RUN make && cd /src',
        'RUN cd /src && (make)',
        'RUN cd /src 2>/dev/null && make',
        'ONBUILD RUN cd /src && make',
        'RUN ["sh", "-c", "cd /src && make"]',
        '',
      ].join('\n');
      const findings = await only('DL3003', text);
      assert.equal(findings.length, 8);
      assert.deepEqual(
        findings.map((f) => f.fixes.length),
        [0, 0, 0, 0, 1, 0, 0, 0],
      );
      // In JSON form the `sh -c` script maps to the whole array.
      assert.deepEqual(where(text, findings).slice(-2), ['DL3003@8:13', 'DL3003@9:5']);
    });
  });

  describe('DL3004 sudo', () => {
    it('flags sudo', async () => {
      const text = 'FROM debian:12\nUSER app\nRUN sudo apt-get update && \\\n    /usr/bin/sudo -u root true\n';
      const findings = await only('DL3004', text);
      assert.deepEqual(where(text, findings), ['DL3004@3:5', 'DL3004@4:5']);
      assert.equal(findings[0]!.severity, 'error');
    });
    it('does not flag sudo as an argument', async () => {
      const text = 'FROM debian:12\nRUN apt-get install -y sudo && echo sudo\n';
      assert.deepEqual(await at('DL3004', text), []);
    });
  });

  describe('DL3010 COPY then tar -x', () => {
    it('points at the archive copied and later extracted', async () => {
      const text = 'FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN mkdir /opt/app \\\n && tar -xzf /tmp/app.tar.gz -C /opt/app\n';
      const findings = await only('DL3010', text);
      assert.deepEqual(where(text, findings), ['DL3010@2:6']);
      assert.equal(spanText(text, findings[0]!), 'app.tar.gz');
      assert.match(findings[0]!.message, /line 4/);
    });
    it('leaves extractions ADD cannot do alone: stripped, filtered or renamed entries', async () => {
      const text = [
        'FROM debian:12',
        'COPY a.tar.xz b.tgz c.tar /tmp/',
        'RUN tar -xJf /tmp/a.tar.xz --strip-components=1 -C /opt/a',
        'RUN tar -xzf /tmp/b.tgz --exclude="*.md" -C /opt/b',
        'RUN tar -xf /tmp/c.tar --strip-components 2 -C /opt/c',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3010', text), []);
    });
    it('understands old-style bundles, --file and renamed copies', async () => {
      const text = [
        'FROM debian:12',
        'COPY dist/a.tgz b.tar.xz ./',
        'COPY c.tar /tmp/bundle.tar',
        'RUN tar xzf a.tgz',
        'RUN tar --extract --file=b.tar.xz',
        'RUN tar -x -f /tmp/bundle.tar',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3010', text), ['DL3010@2:6', 'DL3010@2:17', 'DL3010@3:6']);
    });
    it('does not flag archives that are not extracted, other stages, --from or creating archives', async () => {
      const text = [
        'FROM debian:12 AS one',
        'COPY app.tar.gz /tmp/',
        'RUN tar -tzf /tmp/app.tar.gz',
        'RUN tar -czf /tmp/app.tar.gz /src',
        'COPY --from=builder /out/lib.tar /tmp/',
        'RUN tar -xf /tmp/lib.tar',
        'COPY notes.txt /tmp/',
        'FROM debian:12',
        'RUN tar -xzf /tmp/app.tar.gz',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3010', text), []);
    });
    it('does not flag a RUN that extracts before the COPY', async () => {
      const text = 'FROM debian:12\nRUN tar -xf x.tar\nCOPY x.tar /\n';
      assert.deepEqual(await at('DL3010', text), []);
    });
  });

  describe('DL3046 useradd with a high UID', () => {
    it('flags a UID longer than five digits without -l', async () => {
      const text = 'FROM debian:12\nRUN useradd -u 123456 app && useradd --uid=1000000 b && useradd -mu 2000000 c\n';
      assert.deepEqual(await at('DL3046', text), ['DL3046@2:5', 'DL3046@2:30', 'DL3046@2:57']);
    });
    it('accepts -l / --no-log-init, short UIDs and variables', async () => {
      const text = 'FROM debian:12\nRUN useradd -l -u 123456 a && useradd --no-log-init --uid 123456 b && useradd -lmu 123456 c\nRUN useradd -u 1000 d && useradd -u 99999 e && useradd -u "$UID" f\n';
      assert.deepEqual(await at('DL3046', text), []);
    });
    it('fixes by adding --no-log-init', async () => {
      const text = 'FROM debian:12\nRUN useradd -u 123456 app\n';
      assert.equal(await assertFixRemoves(text, 'DL3046', R), 'FROM debian:12\nRUN useradd --no-log-init -u 123456 app\n');
    });
    it('fixes inside sh -c', async () => {
      const text = "FROM debian:12\nRUN sh -c 'useradd -u 123456 app'\n";
      assert.equal(await assertFixRemoves(text, 'DL3046', R), "FROM debian:12\nRUN sh -c 'useradd --no-log-init -u 123456 app'\n");
    });
  });

  describe('DL3047 wget progress', () => {
    it('flags wget without progress options', async () => {
      const text = 'FROM debian:12\nRUN wget https://x/a.tgz && wget -O out https://x/b\n';
      assert.deepEqual(await at('DL3047', text), ['DL3047@2:5', 'DL3047@2:29']);
    });
    it('accepts --progress, -q, -qO-, -nv, --quiet, --no-verbose and a log file', async () => {
      const text = [
        'FROM debian:12',
        'RUN wget --progress=dot:giga https://x/a',
        'RUN wget -qO- https://x/a | tar x',
        'RUN wget -nv https://x/a && wget --quiet https://x/b && wget --no-verbose https://x/c',
        'RUN wget -o /tmp/log https://x/a',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3047', text), []);
    });
    it('fixes by adding --progress=dot:giga, also across continuations', async () => {
      const text = 'FROM debian:12\nRUN apt-get update && \\\n    wget https://x/a.tgz\n';
      assert.equal(await assertFixRemoves(text, 'DL3047', R), 'FROM debian:12\nRUN apt-get update && \\\n    wget --progress=dot:giga https://x/a.tgz\n');
    });
    it('flags JSON form without a fix', async () => {
      const text = 'FROM debian:12\nRUN ["wget", "https://x/a"]\n';
      const findings = await only('DL3047', text);
      assert.deepEqual(where(text, findings), ['DL3047@2:5']);
      assert.deepEqual(findings[0]!.fixes, []);
    });
    it('flags wget in a RUN heredoc', async () => {
      const text = 'FROM debian:12\nRUN <<EOF\nset -e\nwget https://x/a\nEOF\n';
      assert.deepEqual(await at('DL3047', text), ['DL3047@4:1']);
      await assertFixRemoves(text, 'DL3047', R);
    });
  });

  describe('DL3059 consecutive RUN', () => {
    it('flags the later of consecutive RUNs with the same flags', async () => {
      const text = 'FROM debian:12\nRUN a\nRUN b\n# a comment\nRUN c\nENV X=1\nRUN d\n';
      assert.deepEqual(await at('DL3059', text), ['DL3059@3:1', 'DL3059@5:1']);
    });
    it('exempts RUNs with different flags, and RUNs in different stages', async () => {
      const text = 'FROM debian:12\nRUN a\nRUN --mount=type=cache,target=/var/cache/apt b\nFROM debian:12\nRUN c\n';
      assert.deepEqual(await at('DL3059', text), []);
    });
    it('does not count ONBUILD RUN as a RUN of this image', async () => {
      const text = 'FROM debian:12\nRUN a\nONBUILD RUN b\n';
      assert.deepEqual(await at('DL3059', text), []);
    });
    it('fixes by merging into the previous RUN', async () => {
      const text = 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl=7.88.1\n';
      assert.equal(await assertFixRemoves(text, 'DL3059', R), 'FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl=7.88.1\n');
    });
    it('keeps comments and flags when merging', async () => {
      const text = 'FROM debian:12\nRUN --network=none a && \\\n    b\n# then c\nRUN --network=none c\n';
      assert.equal(await assertFixRemoves(text, 'DL3059', R), 'FROM debian:12\nRUN --network=none a && \\\n    b \\\n# then c\n    && c\n');
    });
    it('offers no merge when the scripts would interfere or cannot be joined', async () => {
      const text = [
        'FROM debian:12',
        'RUN x',
        'RUN cd /src',
        'RUN export A=1',
        'RUN A=1',
        'RUN echo hi # note',
        'RUN daemon &',
        'RUN ["echo", "json"]',
        'RUN <<EOF',
        'echo heredoc',
        'EOF',
        'RUN y',
        '',
      ].join('\n');
      const findings = await only('DL3059', text);
      assert.deepEqual(
        findings.map((f) => f.fixes.length),
        [1, 0, 0, 0, 0, 0, 0, 0],
      );
    });
  });

  describe('DL4001 wget and curl', () => {
    it('flags the second tool when both are used in a stage', async () => {
      const text = 'FROM debian:12\nRUN curl -fsSL https://x/a\nRUN wget https://x/b && curl https://x/c && wget https://x/d\n';
      const findings = await only('DL4001', text);
      assert.deepEqual(where(text, findings), ['DL4001@3:5', 'DL4001@3:45']);
      assert.match(findings[0]!.message, /line 2/);
    });
    it('does not flag one tool per stage', async () => {
      const text = 'FROM debian:12\nRUN curl -fsSL https://x/a\nFROM debian:12\nRUN wget -q https://x/b\nRUN echo curl\n';
      assert.deepEqual(await at('DL4001', text), []);
    });
  });

  describe('DL4005 ln over /bin/sh', () => {
    it('flags a symlink replacing /bin/sh', async () => {
      const text = 'FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\nRUN ln --symbolic --force bash /bin/sh\n';
      assert.deepEqual(await at('DL4005', text), ['DL4005@2:5', 'DL4005@3:5']);
    });
    it('ignores other links and /bin/sh as the target', async () => {
      const text = 'FROM debian:12\nRUN ln -s /bin/sh /usr/local/bin/mysh && ln -sf /opt/app/bin/app /usr/bin/app && ln /bin/bash /bin/sh\n';
      assert.deepEqual(await at('DL4005', text), []);
    });
  });

  describe('DL4006 pipefail', () => {
    it('flags a RUN with a pipe at the start of the pipeline', async () => {
      const text = 'FROM debian:12\nRUN apt-get update && curl -fsSL https://x/key | gpg --dearmor -o /k.gpg\n';
      const findings = await only('DL4006', text);
      assert.deepEqual(where(text, findings), ['DL4006@2:23']);
      assert.equal(spanText(text, findings[0]!), 'curl');
    });
    it('accepts a prior SHELL with pipefail, or set -o pipefail at the start', async () => {
      const text = [
        'FROM debian:12 AS base',
        'SHELL ["/bin/bash", "-euxo", "pipefail", "-c"]',
        'RUN a | b',
        'FROM base',
        'RUN c | d',
        'FROM debian:12',
        'RUN set -o pipefail && a | b',
        'RUN set -eo pipefail; a | b',
        'RUN a && b',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL4006', text), []);
    });
    it('flags again after a SHELL without pipefail, and in each stage', async () => {
      const text = 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\nSHELL ["/bin/sh", "-c"]\nRUN c | d\nFROM debian:12\nRUN e | f\n';
      assert.deepEqual(await at('DL4006', text), ['DL4006@5:5', 'DL4006@7:5']);
    });
    it('exempts non-POSIX shells, exec form and pipes only inside sh -c', async () => {
      const text = [
        'FROM debian:12',
        'RUN ["sh", "-c", "a | b"]',
        'RUN sh -c "a | b"',
        'SHELL ["pwsh", "-Command"]',
        'RUN Get-ChildItem | Select-Object Name',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL4006', text), []);
    });
    it('flags a pipe in a heredoc the shell runs, unless the body sets pipefail before it', async () => {
      const text = [
        'FROM debian:12',
        'RUN <<EOF',
        'curl -fsSL https://x | sh',
        'EOF',
        'RUN <<EOF',
        'set -euo pipefail',
        'curl -fsSL https://x | sh',
        'EOF',
        'RUN bash <<EOF',
        'a | b',
        'EOF',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL4006', text), ['DL4006@3:1', 'DL4006@10:1']);
    });
    it('leaves a heredoc run by another interpreter (its shebang) alone', async () => {
      const text = ['FROM python:3.12', 'RUN <<EOF', '#!/usr/bin/env python3', 'x = a | b', 'EOF', 'RUN <<EOF', '#!/bin/bash', 'a | b', 'EOF', ''].join('\n');
      assert.deepEqual(await at('DL4006', text), ['DL4006@8:1']);
    });
    it('accepts set -o pipefail later in the script, as long as it comes before the first pipe', async () => {
      const text = 'FROM debian:12\nRUN apt-get update && set -o pipefail && a | b\nRUN a | b && set -o pipefail\n';
      assert.deepEqual(await at('DL4006', text), ['DL4006@3:5']);
    });
    it('flags ONBUILD RUN with a pipe', async () => {
      const text = 'FROM debian:12\nONBUILD RUN a | b\n';
      assert.deepEqual(await at('DL4006', text), ['DL4006@2:13']);
    });
    it('fixes with a SHELL line before the RUN, above its comments, indented like it', async () => {
      const text = 'FROM debian:12\n  # hadolint ignore=DL3008\n  RUN a \\\n    | b\n';
      assert.equal(
        await assertFixRemoves(text, 'DL4006', R),
        'FROM debian:12\n  SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n  # hadolint ignore=DL3008\n  RUN a \\\n    | b\n',
      );
    });
    it('uses ash on Alpine-based stages, following stage references', async () => {
      const text = 'FROM alpine:3.20 AS base\nFROM base\nRUN a | b\n';
      assert.equal(await assertFixRemoves(text, 'DL4006', R), 'FROM alpine:3.20 AS base\nFROM base\nSHELL ["/bin/ash", "-o", "pipefail", "-c"]\nRUN a | b\n');
    });
    it('is silenced by a hadolint ignore pragma', async () => {
      const text = 'FROM debian:12\n# hadolint ignore=DL4006,DL3059\nRUN a | b\n';
      assert.deepEqual(await at('DL4006', text), []);
    });
  });

  it('every rule has a code, a one-line message and an explanation', () => {
    assertRuleShapes(R);
  });
});
