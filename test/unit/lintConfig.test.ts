import * as assert from 'node:assert/strict';
import { configCandidates, configFromFile, findConfigFile, mergeConfig, parseHadolintConfig } from '../../src/lint/config';
import { DEFAULT_CONFIG } from '../../src/lint/types';

describe('.hadolint.yaml', () => {
  it('reads every setting hadolint documents', () => {
    const { config, problems } = configFromFile(`
ignored:
  - DL3000
  - dl3006
override:
  error: [DL3001, DL3002]
  warning: [DL3042]
  info: [DL3032]
  style: [DL3015]
trustedRegistries:
  - docker.io
  - my-company.com:5000
label-schema:
  author: text
  version: semver
strict-labels: true
failure-threshold: warning
no-fail: true
`);
    assert.deepEqual(problems, []);
    assert.deepEqual([...config.ignored], ['DL3000', 'DL3006']);
    assert.deepEqual([...config.overrides], [['DL3001', 'error'], ['DL3002', 'error'], ['DL3042', 'warning'], ['DL3032', 'info'], ['DL3015', 'style']]);
    assert.deepEqual(config.trustedRegistries, ['docker.io', 'my-company.com:5000']);
    assert.deepEqual(config.labelSchema, { author: 'text', version: 'semver' });
    assert.equal(config.strictLabels, true);
    assert.equal(config.failureThreshold, 'warning');
    assert.equal(config.noFail, true);
  });

  it('an empty file is the defaults', () => {
    assert.deepEqual(configFromFile('').config, DEFAULT_CONFIG);
    assert.deepEqual(configFromFile('# nothing\n').problems, []);
  });

  it('reports problems in plain words and keeps the valid parts', () => {
    const { patch, problems } = parseHadolintConfig(`
ignored: [DL3000, NOPE1]
override:
  fatal: [DL3001]
  error: DL3002
label-schema:
  author: words
failure-threshold: fatal
strict-labels: yes-please
`);
    assert.deepEqual(patch.ignored, ['DL3000']);
    assert.ok(problems.some((p) => /unknown rule code "NOPE1"/.test(p)));
    assert.ok(problems.some((p) => /unknown level "fatal"/.test(p)));
    assert.ok(problems.some((p) => /"override.error" should be a list/.test(p)));
    assert.ok(problems.some((p) => /label-schema.author" has an unknown type "words"/.test(p)));
    assert.ok(problems.some((p) => /"failure-threshold" should be/.test(p)));
    assert.ok(problems.some((p) => /"strict-labels" should be true or false/.test(p)));
  });

  it('says when the YAML itself is broken', () => {
    const { problems } = parseHadolintConfig('ignored: [DL3000\n');
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /not valid YAML/);
    assert.match(parseHadolintConfig('- a\n- b\n').problems[0] ?? '', /mapping/);
  });

  it('merges: ignored lists add up, later overrides and scalars win', () => {
    const merged = mergeConfig(DEFAULT_CONFIG, { ignored: ['DL3000'], overrides: [['DL3008', 'error']], failureThreshold: 'error' }, { ignored: ['DL3001'], overrides: [['DL3008', 'style']] });
    assert.deepEqual([...merged.ignored].sort(), ['DL3000', 'DL3001']);
    assert.equal(merged.overrides.get('DL3008'), 'style');
    assert.equal(merged.failureThreshold, 'error');
  });

  it('is found where hadolint looks, in hadolint\'s order', () => {
    const candidates = configCandidates('/work', '/home/u', {});
    assert.deepEqual(candidates.slice(0, 4), ['/work/.hadolint.yaml', '/work/.hadolint.yml', '/home/u/.config/hadolint.yaml', '/home/u/.config/hadolint.yml']);
    assert.ok(candidates.includes('/home/u/.hadolint.yaml'));
    // hadolint's "~/.hadolint/hadolint.yaml or ~/hadolint/config.yaml", before ~/.hadolint.yaml.
    const at = (p: string): number => candidates.indexOf(p);
    assert.ok(at('/home/u/.hadolint/hadolint.yaml') > at('/home/u/.config/hadolint.yml'));
    assert.ok(at('/home/u/hadolint/config.yaml') > at('/home/u/.hadolint/hadolint.yml'));
    assert.ok(at('/home/u/.hadolint.yaml') > at('/home/u/hadolint/config.yml'));
    assert.ok(configCandidates('/w', '/h', { XDG_CONFIG_HOME: '/x' }).includes('/x/hadolint.yaml'));
    const present = new Set(['/home/u/.hadolint.yaml', '/home/u/.config/hadolint.yml']);
    assert.equal(findConfigFile('/work', '/home/u', {}, (p) => present.has(p)), '/home/u/.config/hadolint.yml');
    assert.equal(findConfigFile('/work', '/home/u', {}, () => false), undefined);
  });
});
