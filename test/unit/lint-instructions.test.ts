import * as assert from 'node:assert/strict';
import { INSTRUCTION_RULES, looksLikeSecret, splitShellWords } from '../../src/lint/rules/instructions';
import type { Finding } from '../../src/lint/types';
import { assertFixRemoves, assertRuleShapes, lint, spanText, where } from './lintHelpers';

const rules = INSTRUCTION_RULES;

async function found(text: string, code: string, config: Parameters<typeof lint>[2] = {}): Promise<string[]> {
  return where(text, (await lint(text, rules, config)).filter((f) => f.code === code));
}

async function findings(text: string, code: string, config: Parameters<typeof lint>[2] = {}): Promise<Finding[]> {
  return (await lint(text, rules, config)).filter((f) => f.code === code);
}

const enable = (code: string): Parameters<typeof lint>[2] => ({ overrides: new Map([[code, 'info']]) });

describe('lint: instruction rules', () => {
  it('every rule has a code, a one-line message and an explanation', () => {
    assert.equal(assertRuleShapes(rules).length, 28);
  });

  it('does not throw on incomplete or odd instructions', async () => {
    const text =
      'CMD\nFROM\nFROM AS\nCOPY\nCOPY --from=\nADD\nENV\nENV =\nARG\nUSER\nWORKDIR\nEXPOSE\nONBUILD\nMAINTAINER\nHEALTHCHECK\nENTRYPOINT ""\nCMD "\nFROM --platform= x:1 AS\nCOPY ["a"\nENV A=${\nCMD [\n';
    const all = await lint(text, rules, { overrides: new Map([['DL1001', 'info'], ['DL3057', 'info']]), trustedRegistries: ['x'] });
    assert.deepEqual(all.filter((f) => f.message.startsWith('Internal error')), []);
  });

  describe('DL1001 inline pragmas', () => {
    const text = 'FROM debian:12\n# hadolint ignore=DL3059\nRUN true\n# just a comment\n# hadolint global ignore=DL3008\n';
    it('is off by default', async () => {
      assert.deepEqual(await found(text, 'DL1001'), []);
    });
    it('reports each pragma comment when enabled', async () => {
      const result = await findings(text, 'DL1001', enable('DL1001'));
      assert.deepEqual(where(text, result), ['DL1001@2:1', 'DL1001@5:1']);
      assert.equal(spanText(text, result[0]!), '# hadolint ignore=DL3059');
    });
  });

  describe('DL3000 absolute WORKDIR', () => {
    it('reports a relative path', async () => {
      const text = 'FROM debian:12\nWORKDIR app\nWORKDIR "src/x"\n';
      assert.deepEqual(await found(text, 'DL3000'), ['DL3000@2:9', 'DL3000@3:9']);
    });
    it('accepts absolute, variable and Windows paths', async () => {
      const text = 'FROM debian:12\nWORKDIR /app\nWORKDIR "/srv/x"\nWORKDIR $HOME/x\nWORKDIR C:\\app\n';
      assert.deepEqual(await found(text, 'DL3000'), []);
      assert.deepEqual(await found('# escape=`\nFROM mcr.microsoft.com/windows:1\nWORKDIR C:\\app\nWORKDIR "D:/x"\n', 'DL3000'), []);
    });
    it('checks ONBUILD WORKDIR', async () => {
      assert.deepEqual(await found('FROM debian:12\nONBUILD WORKDIR app\n', 'DL3000'), ['DL3000@2:17']);
    });
    it('honours a hadolint ignore pragma', async () => {
      const text = 'FROM debian:12\n# hadolint ignore=DL3000\nWORKDIR app\nWORKDIR other\n';
      assert.deepEqual(await found(text, 'DL3000'), ['DL3000@4:9']);
    });
  });

  describe('DL3002 last USER root', () => {
    it('reports root as the final stage’s last USER', async () => {
      assert.deepEqual(await found('FROM debian:12\nUSER app\nUSER root\n', 'DL3002'), ['DL3002@3:6']);
      assert.deepEqual(await found('FROM debian:12\nUSER 0:0\n', 'DL3002'), ['DL3002@2:6']);
      assert.deepEqual(await found('FROM debian:12\nUSER root:staff\n', 'DL3002'), ['DL3002@2:6']);
    });
    it('accepts a non-root last USER, and root in earlier stages', async () => {
      assert.deepEqual(await found('FROM debian:12\nUSER root\nRUN x\nUSER 1000\n', 'DL3002'), []);
      assert.deepEqual(await found('FROM debian:12 AS build\nUSER root\nFROM debian:12\nUSER app\n', 'DL3002'), []);
      assert.deepEqual(await found('FROM debian:12\nUSER rooted\n', 'DL3002'), []);
    });
    it('follows a final stage built on an earlier one', async () => {
      assert.deepEqual(await found('FROM debian:12 AS base\nUSER root\nFROM base\nRUN x\n', 'DL3002'), ['DL3002@2:6']);
    });
  });

  describe('DL3006 untagged image', () => {
    it('reports images without tag or digest', async () => {
      const text = 'FROM ubuntu\nFROM localhost:5000/app AS x\nFROM ghcr.io/o/app\n';
      assert.deepEqual(await found(text, 'DL3006'), ['DL3006@1:6', 'DL3006@2:6', 'DL3006@3:6']);
    });
    it('accepts tags, digests, scratch, earlier stages and variables', async () => {
      const text = 'FROM ubuntu:24.04 AS build\nFROM build\nFROM scratch\nFROM alpine@sha256:abc\nFROM ${BASE}\nFROM localhost:5000/app:1\n';
      assert.deepEqual(await found(text, 'DL3006'), []);
    });
    it('does not treat a later stage name as a stage', async () => {
      assert.deepEqual(await found('FROM later\nFROM debian:12 AS later\n', 'DL3006'), ['DL3006@1:6']);
    });
  });

  describe('DL3007 latest tag', () => {
    it('points at the tag', async () => {
      const text = 'FROM ubuntu:latest\nFROM --platform=$BUILDPLATFORM ghcr.io/a/b:latest AS x\n';
      const result = await findings(text, 'DL3007');
      assert.deepEqual(where(text, result), ['DL3007@1:13', 'DL3007@2:44']);
      assert.equal(spanText(text, result[1]!), 'latest');
    });
    it('accepts other tags and digest-pinned latest', async () => {
      assert.deepEqual(await found('FROM ubuntu:latest-lts\nFROM ubuntu:latest@sha256:abc\nFROM ubuntu\n', 'DL3007'), []);
    });
  });

  describe('DL3011 EXPOSE ports', () => {
    it('reports out-of-range and malformed ports', async () => {
      const text = 'FROM debian:12\nEXPOSE 80 65536/tcp 8000-70000 http\n';
      assert.deepEqual(await found(text, 'DL3011'), ['DL3011@2:11', 'DL3011@2:21', 'DL3011@2:32']);
    });
    it('accepts valid ports, ranges, protocols and variables', async () => {
      assert.deepEqual(await found('FROM debian:12\nEXPOSE 0 80/tcp 53/udp 8000-8010 65535 ${PORT}\n', 'DL3011'), []);
    });
  });

  describe('DL3012 one HEALTHCHECK per stage', () => {
    it('reports the second HEALTHCHECK of a stage', async () => {
      const text = 'FROM debian:12\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n';
      assert.deepEqual(await found(text, 'DL3012'), ['DL3012@3:1']);
    });
    it('accepts one per stage', async () => {
      assert.deepEqual(await found('FROM a:1\nHEALTHCHECK CMD a\nFROM b:1\nHEALTHCHECK CMD b\nONBUILD HEALTHCHECK NONE\n', 'DL3012'), []);
    });
  });

  describe('DL3020 ADD for files', () => {
    it('reports ADD of local files and folders, with a fix', async () => {
      const text = 'FROM debian:12\nADD app.py /app/\nADD --chown=1:1 ["a b", "/x/"]\n';
      assert.deepEqual(await found(text, 'DL3020'), ['DL3020@2:1', 'DL3020@3:1']);
      const fixed = await assertFixRemoves(text, 'DL3020', rules);
      assert.equal(fixed, 'FROM debian:12\nCOPY app.py /app/\nADD --chown=1:1 ["a b", "/x/"]\n');
    });
    it('accepts URLs, archives, git and variables', async () => {
      const text =
        'FROM debian:12\nADD https://example.com/x.txt /x\nADD rootfs.tar.gz /\nADD git@github.com:o/r.git /src\nADD $SRC /dst\nADD --checksum=sha256:abc https://x/y /y\nADD a.tgz b.tar.xz /z/\n';
      assert.deepEqual(await found(text, 'DL3020'), []);
    });
    it('fixes ONBUILD ADD', async () => {
      const text = 'FROM debian:12\nONBUILD ADD . /src\n';
      assert.deepEqual(await found(text, 'DL3020'), ['DL3020@2:9']);
      assert.equal(await assertFixRemoves(text, 'DL3020', rules), 'FROM debian:12\nONBUILD COPY . /src\n');
    });
  });

  describe('DL3021 COPY destination folder', () => {
    it('reports several sources into a destination without /', async () => {
      const text = 'FROM debian:12\nCOPY a b /dest\nCOPY ["a", "b", "/json"]\n';
      assert.deepEqual(await found(text, 'DL3021'), ['DL3021@2:10', 'DL3021@3:17']);
    });
    it('accepts one source, or a destination ending in /', async () => {
      assert.deepEqual(await found('FROM debian:12\nCOPY a /dest\nCOPY a b /dest/\nCOPY --from=x a \\\n  b /d/\n', 'DL3021'), []);
    });
    it('counts heredoc sources', async () => {
      const text = 'FROM debian:12\nCOPY <<one <<two /etc\nA\none\nB\ntwo\nCOPY <<EOF /etc/x\nC\nEOF\n';
      assert.deepEqual(await found(text, 'DL3021'), ['DL3021@2:18']);
      assert.equal(await assertFixRemoves(text, 'DL3021', rules), text.replace('/etc\n', '/etc/\n'));
    });
    it('fixes shell and JSON forms', async () => {
      assert.equal(await assertFixRemoves('FROM debian:12\nCOPY a b /dest\n', 'DL3021', rules), 'FROM debian:12\nCOPY a b /dest/\n');
      assert.equal(await assertFixRemoves('FROM debian:12\nCOPY ["a", "b", "/j"]\n', 'DL3021', rules), 'FROM debian:12\nCOPY ["a", "b", "/j/"]\n');
      assert.equal(await assertFixRemoves('FROM debian:12\nCOPY a \\\n  b "/q"\n', 'DL3021', rules), 'FROM debian:12\nCOPY a \\\n  b "/q/"\n');
    });
  });

  describe('DL3022 / DL3023 COPY --from', () => {
    it('reports --from that names no earlier stage', async () => {
      const text = 'FROM debian:12 AS a\nCOPY --from=nope /x /x\nCOPY --from=b /x /x\nCOPY --from=5 /x /x\nFROM debian:12 AS b\n';
      assert.deepEqual(await found(text, 'DL3022'), ['DL3022@2:13', 'DL3022@3:13', 'DL3022@4:13']);
    });
    it('accepts earlier stages (by name or number), images and variables', async () => {
      const text = 'FROM debian:12 AS Build\nFROM debian:12\nCOPY --from=build /x /x\nCOPY --from=0 /x /x\nCOPY --from=nginx:1.27 /x /x\nCOPY --from=$STAGE /x /x\nCOPY --from=ghcr.io/o/i /x /x\n';
      assert.deepEqual(await found(text, 'DL3022'), []);
    });
    it('DL3023 reports a stage copying from itself', async () => {
      const text = 'FROM debian:12 AS a\nCOPY --from=a /x /x\nFROM debian:12\nCOPY --from=1 /x /x\nCOPY --from=a /x /x\n';
      assert.deepEqual(await found(text, 'DL3023'), ['DL3023@2:13', 'DL3023@4:13']);
      assert.deepEqual(await found(text, 'DL3022'), []);
    });
  });

  describe('DL3024 unique stage names', () => {
    it('reports a repeated name, case-insensitively', async () => {
      assert.deepEqual(await found('FROM a:1 AS x\nFROM b:1 AS y\nFROM c:1 as X\n', 'DL3024'), ['DL3024@3:13']);
    });
    it('accepts distinct names', async () => {
      assert.deepEqual(await found('FROM a:1 AS x\nFROM b:1 AS y\nFROM c:1\n', 'DL3024'), []);
    });
  });

  describe('DL3025 JSON form for CMD and ENTRYPOINT', () => {
    it('reports shell form, not JSON form', async () => {
      const text = 'FROM debian:12\nCMD nginx -g "daemon off;"\nENTRYPOINT ["/bin/tini", "--"]\nENTRYPOINT run.sh\n';
      assert.deepEqual(await found(text, 'DL3025'), ['DL3025@2:5', 'DL3025@4:12']);
    });
    it('converts plain words, honouring quotes and escaping for JSON', async () => {
      const text = 'FROM debian:12\nCMD nginx -g "daemon off;" \'it\'\\\'\'s\' "a \\"q\\" \\\\b" c\\ d\n';
      const fixed = await assertFixRemoves(text, 'DL3025', rules);
      assert.equal(fixed, 'FROM debian:12\nCMD ["nginx", "-g", "daemon off;", "it\'s", "a \\"q\\" \\\\b", "c d"]\n');
    });
    it('keeps shell features by going through /bin/sh -c', async () => {
      const text = 'FROM debian:12\nENTRYPOINT exec "$APP" --port $PORT && echo "done"\n';
      const fixed = await assertFixRemoves(text, 'DL3025', rules);
      assert.equal(fixed, 'FROM debian:12\nENTRYPOINT ["/bin/sh", "-c", "exec \\"$APP\\" --port $PORT && echo \\"done\\""]\n');
    });
    it('converts across line continuations and in ONBUILD', async () => {
      const text = 'FROM debian:12\nCMD python \\\n    app.py\nONBUILD CMD ./start\n';
      assert.deepEqual(await found(text, 'DL3025'), ['DL3025@2:5', 'DL3025@4:13']);
      const fixed = await assertFixRemoves(text, 'DL3025', rules);
      assert.equal(fixed, 'FROM debian:12\nCMD ["python", "app.py"]\nONBUILD CMD ./start\n');
      assert.equal(await assertFixRemoves(fixed, 'DL3025', rules), 'FROM debian:12\nCMD ["python", "app.py"]\nONBUILD CMD ["./start"]\n');
    });
    it('offers no fix for a botched array or an open quote', async () => {
      const text = "FROM debian:12\nCMD ['a', 'b']\nCMD echo \"open\n";
      const result = await findings(text, 'DL3025');
      assert.equal(result.length, 2);
      assert.deepEqual(result.map((f) => f.fixes.length), [0, 0]);
    });
    it('splits words like sh', () => {
      assert.deepEqual(splitShellWords('a "b c" d\\ e'), { words: ['a', 'b c', 'd e'], needsShell: false });
      assert.equal(splitShellWords('x > out')?.needsShell, true);
      assert.equal(splitShellWords('FOO=1 x')?.needsShell, true);
      assert.equal(splitShellWords("echo '$HOME'")?.needsShell, false);
      assert.equal(splitShellWords('echo a#b')?.needsShell, false);
      assert.equal(splitShellWords('cd /x')?.needsShell, true);
      assert.equal(splitShellWords('echo "x'), undefined);
    });
  });

  describe('DL3026 trusted registries', () => {
    const text = 'FROM debian:12\nFROM ghcr.io/o/app:1 AS b\nFROM b\nFROM scratch\nFROM quay.io/x/y:2\nFROM docker.io/library/alpine:3\n';
    it('allows everything when no registry is configured', async () => {
      assert.deepEqual(await found(text, 'DL3026'), []);
    });
    it('reports images from other registries; Docker Hub is docker.io', async () => {
      assert.deepEqual(await found(text, 'DL3026', { trustedRegistries: ['docker.io'] }), ['DL3026@2:6', 'DL3026@5:6']);
      assert.deepEqual(await found(text, 'DL3026', { trustedRegistries: ['ghcr.io', 'quay.*'] }), ['DL3026@1:6', 'DL3026@6:6']);
      assert.deepEqual(await found(text, 'DL3026', { trustedRegistries: ['docker.io', 'ghcr.io', 'quay.io'] }), []);
    });
  });

  describe('DL3029 FROM --platform', () => {
    it('reports a fixed platform', async () => {
      assert.deepEqual(await found('FROM --platform=linux/amd64 debian:12\n', 'DL3029'), ['DL3029@1:6']);
    });
    it('accepts variables such as $BUILDPLATFORM', async () => {
      assert.deepEqual(await found('FROM --platform=$BUILDPLATFORM golang:1 AS b\nFROM debian:12\n', 'DL3029'), []);
    });
  });

  describe('DL3043 ONBUILD triggers', () => {
    it('reports FROM, MAINTAINER and ONBUILD triggers', async () => {
      const text = 'FROM debian:12\nONBUILD FROM x\nONBUILD maintainer me\nONBUILD ONBUILD RUN x\n';
      assert.deepEqual(await found(text, 'DL3043'), ['DL3043@2:9', 'DL3043@3:9', 'DL3043@4:9']);
    });
    it('accepts other triggers', async () => {
      assert.deepEqual(await found('FROM debian:12\nONBUILD RUN make\nONBUILD COPY . /src\n', 'DL3043'), []);
    });
  });

  describe('DL3044 ENV self-reference', () => {
    it('reports a reference to a variable set earlier in the same ENV', async () => {
      const text = 'FROM debian:12\nENV A=1 B=$A C="${A}/x" \\\n    D=${B:-d}\n';
      const result = await findings(text, 'DL3044');
      assert.deepEqual(where(text, result), ['DL3044@2:11', 'DL3044@2:17', 'DL3044@3:7']);
      assert.equal(spanText(text, result[2]!), '${B:-d}');
    });
    it('accepts self-extension, earlier ENVs, escapes and single quotes', async () => {
      const text = "FROM debian:12\nENV A=1\nENV B=$A PATH=/x:$PATH\nENV C=1 D=\\$C E='$C'\nENV F value $F\n";
      assert.deepEqual(await found(text, 'DL3044'), []);
    });
  });

  describe('DL3045 COPY to a relative destination without WORKDIR', () => {
    it('reports relative destinations before any WORKDIR', async () => {
      const text = 'FROM debian:12\nCOPY a.sh a.sh\nCOPY ["b", "rel/"]\nWORKDIR /app\nCOPY . .\nFROM debian:12\nCOPY . .\n';
      assert.deepEqual(await found(text, 'DL3045'), ['DL3045@2:11', 'DL3045@3:12', 'DL3045@7:8']);
    });
    it('accepts absolute destinations, variables and inherited WORKDIR', async () => {
      const text = 'FROM debian:12 AS base\nWORKDIR /app\nCOPY /a /b\nFROM base\nCOPY . .\nFROM debian:12\nCOPY a $DEST\nCOPY a /abs/\n';
      assert.deepEqual(await found(text, 'DL3045'), []);
    });
  });

  describe('DL3057 missing HEALTHCHECK', () => {
    it('is off by default', async () => {
      assert.deepEqual(await found('FROM debian:12\n', 'DL3057'), []);
    });
    it('reports a final stage without one when enabled', async () => {
      const text = 'FROM debian:12 AS a\nHEALTHCHECK CMD true\nFROM debian:12\nRUN x\n';
      assert.deepEqual(await found(text, 'DL3057', enable('DL3057')), ['DL3057@3:1']);
    });
    it('accepts HEALTHCHECK (or NONE) in the final stage or its base stage', async () => {
      assert.deepEqual(await found('FROM debian:12\nHEALTHCHECK NONE\n', 'DL3057', enable('DL3057')), []);
      assert.deepEqual(await found('FROM debian:12 AS a\nHEALTHCHECK CMD x\nFROM a\n', 'DL3057', enable('DL3057')), []);
    });
  });

  describe('DL3061 instruction order', () => {
    it('reports the first instruction before FROM that is not ARG', async () => {
      assert.deepEqual(await found('# c\nARG V=1\nRUN x\nENV A=1\nFROM debian:$V\n', 'DL3061'), ['DL3061@3:1']);
    });
    it('accepts ARG and comments before FROM', async () => {
      assert.deepEqual(await found('# syntax=docker/dockerfile:1\n# c\nARG V=1\nFROM debian:$V\nRUN x\n', 'DL3061'), []);
    });
    it('names the instruction, and reads well when there is no keyword (a lone escape character)', async () => {
      const messages = async (text: string): Promise<string[]> => (await lint(text, INSTRUCTION_RULES)).filter((f) => f.code === 'DL3061').map((f) => f.message);
      assert.deepEqual(await messages('RUN x\nFROM d\n'), ['Start the Dockerfile with FROM: `RUN` comes before any FROM.']);
      assert.deepEqual(await messages('\\\n'), ['Start the Dockerfile with FROM: an instruction comes before any FROM.']);
    });
  });

  describe('DL3063 reserved stage names', () => {
    it('reports scratch and context', async () => {
      assert.deepEqual(await found('FROM debian:12 AS scratch\nFROM debian:12 AS Context\n', 'DL3063'), ['DL3063@1:19', 'DL3063@2:19']);
    });
    it('accepts other names', async () => {
      assert.deepEqual(await found('FROM debian:12 AS builder\nFROM scratch\n', 'DL3063'), []);
    });
  });

  describe('DL3064 secrets in ARG and ENV', () => {
    it('reports names that look like secrets', async () => {
      const text = 'FROM debian:12\nARG GITHUB_TOKEN\nENV DB_PASSWORD=x API_KEY=y\nENV aws_secret_access_key value\n';
      assert.deepEqual(await found(text, 'DL3064'), ['DL3064@2:5', 'DL3064@3:5', 'DL3064@3:19', 'DL3064@4:5']);
    });
    it('accepts ordinary names and references to secret files', async () => {
      const text = 'FROM debian:12\nARG VERSION=1\nENV PASSWORD_FILE=/run/secrets/pw KEYRING=/k PWD_X=1 TOKENIZERS_PARALLELISM=false\n';
      assert.deepEqual(await found(text, 'DL3064'), []);
    });
    it('accepts secret-like names whose value is only a switch (yes, no, true, 1), not an empty default', async () => {
      const text = 'FROM mysql:8\nENV MYSQL_ALLOW_EMPTY_PASSWORD=yes MYSQL_RANDOM_ROOT_PASSWORD="true" NO_SECRETS=1\nARG API_TOKEN=\nENV DB_PASSWORD=hunter2\n';
      assert.deepEqual(await found(text, 'DL3064'), ['DL3064@3:5', 'DL3064@4:5']);
    });
    it('classifies names', () => {
      assert.equal(looksLikeSecret('npm_token'), true);
      assert.equal(looksLikeSecret('SSH_PRIVATE_KEY'), true);
      assert.equal(looksLikeSecret('GPG_KEY'), false);
      assert.equal(looksLikeSecret('TOKEN_URL'), false);
    });
  });

  describe('DL3065 redundant --platform=$TARGETPLATFORM', () => {
    it('reports and removes it', async () => {
      const text = 'FROM --platform=$TARGETPLATFORM debian:12\nFROM --platform=${TARGETPLATFORM} alpine:3 AS x\n';
      assert.deepEqual(await found(text, 'DL3065'), ['DL3065@1:6', 'DL3065@2:6']);
      // The message quotes the flag as written.
      const messages = (await lint(text, rules)).filter((f) => f.code === 'DL3065').map((f) => f.message);
      assert.deepEqual(messages, ['Remove `--platform=$TARGETPLATFORM`: it is the default.', 'Remove `--platform=${TARGETPLATFORM}`: it is the default.']);
      assert.equal(await assertFixRemoves(text, 'DL3065', rules), 'FROM debian:12\nFROM --platform=${TARGETPLATFORM} alpine:3 AS x\n');
      assert.deepEqual(await found(text, 'DL3029'), []);
    });
    it('accepts $BUILDPLATFORM', async () => {
      assert.deepEqual(await found('FROM --platform=$BUILDPLATFORM debian:12\n', 'DL3065'), []);
    });
  });

  describe('DL3066 numeric USER', () => {
    it('reports user names', async () => {
      assert.deepEqual(await found('FROM debian:12\nUSER app\nUSER nobody:1000\n', 'DL3066'), ['DL3066@2:6', 'DL3066@3:6']);
    });
    it('accepts UIDs and variables', async () => {
      assert.deepEqual(await found('FROM debian:12\nUSER 1000\nUSER 1000:staff\nUSER ${UID}\n', 'DL3066'), []);
    });
  });

  describe('DL3067 COPY of the whole filesystem', () => {
    it('reports / copied from another stage', async () => {
      const text = 'FROM debian:12 AS a\nFROM scratch\nCOPY --from=a / /\nCOPY --from=a ["/", "/x/"]\n';
      assert.deepEqual(await found(text, 'DL3067'), ['DL3067@3:15', 'DL3067@4:16']);
    });
    it('accepts specific paths and a context copy of /', async () => {
      assert.deepEqual(await found('FROM debian:12 AS a\nFROM scratch\nCOPY --from=a /app /app\nCOPY / /ctx/\n', 'DL3067'), []);
    });
  });

  describe('DL4000 MAINTAINER', () => {
    it('reports MAINTAINER', async () => {
      assert.deepEqual(await found('FROM debian:12\nMAINTAINER Jane <jane@example.com>\n', 'DL4000'), ['DL4000@2:1']);
      assert.deepEqual(await found('FROM debian:12\nLABEL maintainer="Jane"\n', 'DL4000'), []);
    });
    it('rewrites it as a LABEL with proper quoting', async () => {
      const text = 'FROM debian:12\nMAINTAINER Jane "JD" Doe \\o/ $5\n';
      const fixed = await assertFixRemoves(text, 'DL4000', rules);
      assert.equal(fixed, 'FROM debian:12\nLABEL maintainer="Jane \\"JD\\" Doe \\\\o/ \\$5"\n');
    });
    it('quotes with the escape character in use', async () => {
      const text = '# escape=`\nFROM mcr.microsoft.com/windows:1\nMAINTAINER C:\\x "y"\n';
      const fixed = await assertFixRemoves(text, 'DL4000', rules);
      assert.equal(fixed, '# escape=`\nFROM mcr.microsoft.com/windows:1\nLABEL maintainer="C:\\x `"y`""\n');
    });
  });

  describe('DL4003 / DL4004 repeated CMD and ENTRYPOINT', () => {
    it('reports every CMD or ENTRYPOINT after the first in a stage', async () => {
      const text = 'FROM debian:12\nCMD ["a"]\nENTRYPOINT ["x"]\nCMD ["b"]\nENTRYPOINT ["y"]\nCMD ["c"]\n';
      assert.deepEqual(await found(text, 'DL4003'), ['DL4003@4:1', 'DL4003@6:1']);
      assert.deepEqual(await found(text, 'DL4004'), ['DL4004@5:1']);
    });
    it('counts per stage and ignores ONBUILD', async () => {
      const text = 'FROM debian:12 AS a\nCMD ["a"]\nENTRYPOINT ["x"]\nFROM debian:12\nCMD ["b"]\nENTRYPOINT ["y"]\nONBUILD CMD ["c"]\n';
      assert.deepEqual(await found(text, 'DL4003'), []);
      assert.deepEqual(await found(text, 'DL4004'), []);
    });
  });
});
