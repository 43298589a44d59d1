import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/lint/dockerfile';
import { LABEL_RULES, isEmail, isGitHash, isRfc3339, isSemver, isSpdxExpression, isUrl, labelKeyProblem, labelPairs } from '../../src/lint/rules/labels';
import type { Finding, LintConfig } from '../../src/lint/types';
import { lint, spanText, where } from './lintHelpers';

const R = LABEL_RULES;

async function only(code: string, text: string, config: Partial<LintConfig> = {}): Promise<Finding[]> {
  return (await lint(text, R, config)).filter((f) => f.code === code);
}

async function at(code: string, text: string, config: Partial<LintConfig> = {}): Promise<string[]> {
  return where(text, await only(code, text, config));
}

function pairsOf(text: string): Array<[string, string, string]> {
  const file = parseDockerfile(text);
  return file.instructions
    .filter((i) => i.keyword === 'LABEL')
    .flatMap(labelPairs)
    .map((p) => [p.key, p.value, text.slice(p.valueSpan.start, p.valueSpan.end)]);
}

describe('lint: label rules', () => {
  describe('LABEL parsing', () => {
    it('reads key=value pairs with quotes and continuations', () => {
      const text = 'FROM x\nLABEL a=1 "b.c"="two words" d=\'x y\' \\\n      e="q\\"uote" f=\n';
      assert.deepEqual(pairsOf(text), [
        ['a', '1', '1'],
        ['b.c', 'two words', '"two words"'],
        ['d', 'x y', "'x y'"],
        ['e', 'q"uote', '"q\\"uote"'],
        ['f', '', ''],
      ]);
    });
    it('reads the legacy `key value` form', () => {
      assert.deepEqual(pairsOf('FROM x\nLABEL maintainer Jane Doe <jane@example.com>\n'), [['maintainer', 'Jane Doe <jane@example.com>', 'Jane Doe <jane@example.com>']]);
    });
  });

  describe('DL3048 label keys', () => {
    it('flags keys outside the recommended format', async () => {
      const text = 'FROM x\nLABEL Org.Example=1 org..example=2 -org.example=3 org.example-=4 org_example=5 com.docker.thing=6 org.-x=7\n';
      const findings = await only('DL3048', text);
      assert.deepEqual(where(text, findings), ['DL3048@2:7', 'DL3048@2:21', 'DL3048@2:36', 'DL3048@2:51', 'DL3048@2:66', 'DL3048@2:80', 'DL3048@2:99']);
      assert.equal(spanText(text, findings[1]!), 'org..example');
      assert.match(findings[5]!.message, /reserved/);
      assert.equal(findings[0]!.severity, 'style');
    });
    it('accepts good keys, quoted keys, variables and the legacy form', async () => {
      const text = 'FROM x\nLABEL org.opencontainers.image.source=https://x "org.example.build-date"=now ${NS}.version=1\nLABEL version 1.0\n';
      assert.deepEqual(await at('DL3048', text), []);
    });
    it('checks ONBUILD LABEL too, and honours ignore pragmas', async () => {
      const text = 'FROM x\nONBUILD LABEL Bad=1\n# hadolint ignore=DL3048\nLABEL Worse=1\n';
      assert.deepEqual(await at('DL3048', text), ['DL3048@2:15']);
    });
    it('explains each problem', () => {
      assert.equal(labelKeyProblem('org.example'), undefined);
      assert.match(labelKeyProblem('io.docker.x') ?? '', /reserved/);
      assert.match(labelKeyProblem('a--b') ?? '', /consecutive/);
      assert.match(labelKeyProblem('a.') ?? '', /start or end/);
      assert.match(labelKeyProblem('A') ?? '', /lower-case/);
    });
  });

  describe('DL3049 missing labels', () => {
    const config = { labelSchema: { 'org.example.version': 'semver', 'org.example.vendor': 'text' } };
    it('reports each missing schema label on the FROM of each stage', async () => {
      const text = 'FROM debian:12 AS build\nLABEL org.example.version=1.0.0\nFROM debian:12\nLABEL org.example.vendor=ACME org.example.version=1.0.0\n';
      const findings = await only('DL3049', text, config);
      assert.deepEqual(where(text, findings), ['DL3049@1:1']);
      assert.equal(spanText(text, findings[0]!), 'FROM debian:12 AS build');
      assert.match(findings[0]!.message, /org\.example\.vendor/);
    });
    it('counts labels inherited from an earlier stage, but not ONBUILD LABEL', async () => {
      const text = 'FROM debian:12 AS base\nLABEL org.example.version=1.0.0 org.example.vendor=ACME\nFROM base\nFROM debian:12\nONBUILD LABEL org.example.version=1.0.0 org.example.vendor=ACME\n';
      assert.deepEqual(await at('DL3049', text, config), ['DL3049@4:1', 'DL3049@4:1']);
    });
    it('is off without a schema', async () => {
      assert.deepEqual(await at('DL3049', 'FROM debian:12\n'), []);
    });
  });

  describe('DL3050 strict labels', () => {
    it('flags labels missing from the schema when strict', async () => {
      const text = 'FROM x\nLABEL org.example.version=1.0.0 org.example.extra=1\n';
      const config = { labelSchema: { 'org.example.version': 'semver' }, strictLabels: true };
      const findings = await only('DL3050', text, config);
      assert.deepEqual(where(text, findings), ['DL3050@2:33']);
      assert.equal(spanText(text, findings[0]!), 'org.example.extra');
    });
    it('is off when not strict', async () => {
      const text = 'FROM x\nLABEL org.example.extra=1\n';
      assert.deepEqual(await at('DL3050', text, { labelSchema: { 'org.example.version': 'semver' } }), []);
    });
  });

  describe('DL3051 empty labels', () => {
    const config = { labelSchema: { 'org.example.vendor': 'text', 'org.example.url': 'url' } };
    it('flags empty schema labels', async () => {
      const text = 'FROM x\nLABEL org.example.vendor="" org.example.url= other=\n';
      const findings = await only('DL3051', text, config);
      assert.deepEqual(where(text, findings), ['DL3051@2:7', 'DL3051@2:29']);
      assert.equal(spanText(text, findings[0]!), 'org.example.vendor=""');
    });
    it('accepts labels with values', async () => {
      assert.deepEqual(await at('DL3051', 'FROM x\nLABEL org.example.vendor=ACME\n', config), []);
    });
  });

  describe('typed label values', () => {
    const config = {
      labelSchema: {
        'org.example.url': 'url',
        'org.example.created': 'rfc3339',
        'org.example.license': 'spdx',
        'org.example.revision': 'hash',
        'org.example.version': 'semver',
        'org.example.email': 'email',
        'org.example.vendor': 'text',
      },
    };
    const good = [
      'FROM x',
      'LABEL org.example.url=https://github.com/example/app \\',
      '      org.example.created=2024-02-29T12:30:00Z \\',
      '      org.example.license="Apache-2.0 OR MIT" \\',
      '      org.example.revision=0123abc \\',
      '      org.example.version=2.0.0-rc.1+build.5 \\',
      '      org.example.email=team@example.com \\',
      '      org.example.vendor="anything at all"',
      'LABEL org.example.version=$VERSION org.example.created="${CREATED}"',
      '',
    ].join('\n');
    const bad = [
      'FROM x',
      'LABEL org.example.url="github.com/example" \\',
      '      org.example.created=2023-02-29 \\',
      '      org.example.license="Apache License" \\',
      '      org.example.revision=main \\',
      '      org.example.version=v1.2 \\',
      '      org.example.email="Team <team@example.com>"',
      '',
    ].join('\n');

    it('accepts valid values of each type, and values from variables', async () => {
      assert.deepEqual(
        (await lint(good, R, config)).map((f) => f.code).filter((c) => c !== 'DL3049'),
        [],
      );
    });
    it('flags invalid values at the value', async () => {
      const findings = (await lint(bad, R, config)).filter((f) => f.code !== 'DL3049');
      assert.deepEqual(where(bad, findings), ['DL3052@2:23', 'DL3053@3:27', 'DL3054@4:27', 'DL3055@5:28', 'DL3056@6:27', 'DL3058@7:25']);
      assert.equal(spanText(bad, findings[0]!), '"github.com/example"');
      assert.match(findings[0]!.message, /should be a valid URL/);
    });
    it('checks nothing for labels outside the schema', async () => {
      const text = 'FROM x\nLABEL url=nope created=never license=mine\n';
      assert.deepEqual(await lint(text, R, config).then((f) => f.filter((x) => x.code !== 'DL3049')), []);
    });
    it('validates URLs', () => {
      assert.ok(isUrl('https://example.com/x?y=1'));
      assert.ok(isUrl('git+ssh://git@example.com/repo.git'));
      assert.ok(!isUrl('example.com'));
      assert.ok(!isUrl('https://'));
      assert.ok(!isUrl('https://exa mple.com'));
    });
    it('validates RFC 3339 times', () => {
      assert.ok(isRfc3339('2024-05-01T12:30:00.123+02:00'));
      assert.ok(isRfc3339('2024-05-01t12:30:00z'));
      assert.ok(!isRfc3339('2024-05-01'));
      assert.ok(!isRfc3339('2024-13-01T00:00:00Z'));
      assert.ok(!isRfc3339('2024-05-01T24:00:00Z'));
      assert.ok(!isRfc3339('2024-05-01T12:30:00'));
    });
    it('validates SPDX expressions', () => {
      for (const ok of ['MIT', 'apache-2.0', 'GPL-2.0-or-later WITH Classpath-exception-2.0', '(MIT OR Apache-2.0) AND BSD-3-Clause', 'LicenseRef-Proprietary', 'GPL-2.0+']) {
        assert.ok(isSpdxExpression(ok), ok);
      }
      for (const no of ['', 'MIT OR', 'Apache License 2.0', '(MIT', 'MIT WITH Nothing', 'Proprietary']) assert.ok(!isSpdxExpression(no), no);
    });
    it('validates git hashes', () => {
      assert.ok(isGitHash('0123abc'));
      assert.ok(isGitHash('0123456789abcdef0123456789abcdef01234567'));
      assert.ok(!isGitHash('0123ab'));
      assert.ok(!isGitHash('0123456789abcdef0123456789abcdef012345678'));
      assert.ok(!isGitHash('ghijklm'));
    });
    it('validates semantic versions', () => {
      assert.ok(isSemver('1.2.3'));
      assert.ok(isSemver('1.0.0-alpha.1+exp.sha.5114f85'));
      assert.ok(!isSemver('1.2'));
      assert.ok(!isSemver('v1.2.3'));
      assert.ok(!isSemver('01.2.3'));
    });
    it('validates email addresses', () => {
      assert.ok(isEmail('first.last+tag@example.co.uk'));
      assert.ok(!isEmail('team@'));
      assert.ok(!isEmail('team.@example.com'));
      assert.ok(!isEmail('a b@example.com'));
      assert.ok(!isEmail('team@-example.com'));
    });
  });

  describe('typed label values, rule by rule', () => {
    /** One schema label of `type`, set to `value`; only findings of `code` are kept. */
    async function typed(code: string, type: string, value: string): Promise<{ text: string; findings: Finding[] }> {
      const text = `FROM x\nLABEL org.example.field=${value}\n`;
      return { text, findings: await only(code, text, { labelSchema: { 'org.example.field': type } }) };
    }
    async function assertFires(code: string, type: string, value: string): Promise<void> {
      const { text, findings } = await typed(code, type, value);
      assert.deepEqual(where(text, findings), [`${code}@2:25`], `${code} should flag ${value}`);
      assert.equal(spanText(text, findings[0]!), value);
      assert.equal(findings[0]!.severity, 'warning');
      assert.match(findings[0]!.message, /`org\.example\.field`/);
    }
    async function assertSilent(code: string, type: string, value: string): Promise<void> {
      const { text, findings } = await typed(code, type, value);
      assert.deepEqual(where(text, findings), [], `${code} should accept ${value}`);
    }

    describe('DL3052 url', () => {
      it('flags a value that is not an absolute URL', async () => {
        for (const value of ['example.com/app', '"not a url"', 'https://', '/relative/path']) await assertFires('DL3052', 'url', value);
      });
      it('accepts absolute URLs', async () => {
        for (const value of ['https://github.com/example/app', 'http://example.com:8080/x?y=1#z', 'git+ssh://git@example.com/repo.git', '"https://example.com/a"']) {
          await assertSilent('DL3052', 'url', value);
        }
      });
    });

    describe('DL3053 rfc3339', () => {
      it('flags dates without a time or zone, and impossible dates', async () => {
        for (const value of ['2024-05-01', '2024-05-01T12:30:00', '2023-02-29T00:00:00Z', '"May 1st 2024"', '1714566600']) await assertFires('DL3053', 'rfc3339', value);
      });
      it('accepts RFC 3339 timestamps', async () => {
        for (const value of ['2024-05-01T12:30:00Z', '2024-02-29T23:59:59.123+02:00', '2024-05-01t12:30:00z', '"2024-05-01 12:30:00-05:00"']) {
          await assertSilent('DL3053', 'rfc3339', value);
        }
      });
    });

    describe('DL3054 spdx', () => {
      it('flags free-form license names', async () => {
        for (const value of ['"Apache License 2.0"', 'Proprietary', '"MIT OR"', '"GPL-2.0 WITH Nothing"']) await assertFires('DL3054', 'spdx', value);
      });
      it('accepts SPDX identifiers and expressions', async () => {
        for (const value of ['MIT', 'Apache-2.0', '"(MIT OR Apache-2.0) AND BSD-3-Clause"', '"GPL-2.0-or-later WITH Classpath-exception-2.0"', 'LicenseRef-Proprietary']) {
          await assertSilent('DL3054', 'spdx', value);
        }
      });
    });

    describe('DL3055 hash', () => {
      it('flags branch names, short or non-hex values', async () => {
        for (const value of ['main', '0123ab', 'g123456', '0123456789abcdef0123456789abcdef012345678']) await assertFires('DL3055', 'hash', value);
      });
      it('accepts abbreviated and full commit hashes', async () => {
        for (const value of ['0123abc', 'DEADBEEF', '0123456789abcdef0123456789abcdef01234567']) await assertSilent('DL3055', 'hash', value);
      });
    });

    describe('DL3056 semver', () => {
      it('flags versions that are not semantic versions', async () => {
        for (const value of ['v1.2.3', '1.2', '01.2.3', 'latest', '1.2.3-']) await assertFires('DL3056', 'semver', value);
      });
      it('accepts semantic versions with pre-release and build parts', async () => {
        for (const value of ['1.2.3', '0.0.0', '2.0.0-rc.1', '1.0.0-alpha.1+exp.sha.5114f85']) await assertSilent('DL3056', 'semver', value);
      });
    });

    describe('DL3058 email', () => {
      it('flags display names, missing parts and spaces', async () => {
        for (const value of ['"Team <team@example.com>"', 'team', 'team@', '@example.com', '"a b@example.com"']) await assertFires('DL3058', 'email', value);
      });
      it('accepts plain addresses', async () => {
        for (const value of ['team@example.com', 'first.last+tag@example.co.uk', '"ops@example.org"']) await assertSilent('DL3058', 'email', value);
      });
    });

    it('each typed rule stays silent for labels of another type, empty values and variables', async () => {
      const types: Record<string, string> = { DL3052: 'url', DL3053: 'rfc3339', DL3054: 'spdx', DL3055: 'hash', DL3056: 'semver', DL3058: 'email' };
      for (const [code, type] of Object.entries(types)) {
        await assertSilent(code, 'text', 'anything');
        await assertSilent(code, type === 'url' ? 'semver' : 'url', 'not-valid-for-any-type');
        await assertSilent(code, type, '');
        await assertSilent(code, type, '"${VALUE}"');
      }
    });

    it('checks ONBUILD LABEL, the legacy form, and honours ignore pragmas', async () => {
      const config = { labelSchema: { 'org.example.version': 'semver' } };
      const text = 'FROM x\nONBUILD LABEL org.example.version=v1\nLABEL org.example.version v2\n# hadolint ignore=DL3056\nLABEL org.example.version=v3\n';
      assert.deepEqual(await at('DL3056', text, config), ['DL3056@2:35', 'DL3056@3:27']);
    });
  });
});
