import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('berth lint (CLI)', function () {
  this.timeout(20_000);
  let dir: string;

  const run = async (...argv: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env: { HOME: dir }, isTty: false });
    return { code, stdout, stderr };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n  && rm -rf /var/lib/apt/lists/*\n');
    writeFileSync(join(dir, 'clean.Dockerfile'), 'FROM debian:12\nRUN echo hello\n');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints findings as file:line:column code severity: message and exits 1', async () => {
    const r = await run('lint', 'Dockerfile');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Dockerfile:2:66 DL3008 warning: Pin versions in apt-get install/m);
  });

  it('exits 0 when nothing reaches the threshold, and says so', async () => {
    const r = await run('lint', 'clean.Dockerfile');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No problems in 1 file/);
  });

  it('json: an array of {file, diagnostics} with 1-based positions', async () => {
    const r = await run('lint', '--format', 'json', 'Dockerfile', 'clean.Dockerfile');
    const parsed = JSON.parse(r.stdout) as Array<{ file: string; diagnostics: Array<Record<string, unknown>> }>;
    assert.deepEqual(parsed.map((p) => p.file), ['Dockerfile', 'clean.Dockerfile']);
    assert.deepEqual(parsed[0]?.diagnostics[0], {
      code: 'DL3008',
      severity: 'warning',
      message: 'Pin versions in apt-get install: `curl` has no version (`curl=<version>`).',
      line: 2,
      column: 66,
      endLine: 2,
      endColumn: 70,
    });
    assert.deepEqual(parsed[1]?.diagnostics, []);
  });

  it('sarif: a valid 2.1.0 log with rules, levels and regions', async () => {
    const r = await run('lint', '--format', 'sarif', 'Dockerfile');
    const log = JSON.parse(r.stdout) as {
      version: string;
      $schema: string;
      runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string; helpUri: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }> }> }>;
    };
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    const run0 = log.runs[0];
    assert.ok(run0);
    assert.equal(run0.tool.driver.name, 'berth');
    const result = run0.results[0];
    assert.ok(result);
    assert.equal(result.ruleId, 'DL3008');
    assert.equal(result.level, 'warning');
    assert.equal(run0.tool.driver.rules[result.ruleIndex]?.id, 'DL3008');
    assert.equal(run0.tool.driver.rules[result.ruleIndex]?.helpUri, 'https://github.com/hadolint/hadolint/wiki/DL3008');
    assert.deepEqual(result.locations[0]?.physicalLocation.region, { startLine: 2, startColumn: 66, endLine: 2, endColumn: 70 });
    assert.equal(result.locations[0]?.physicalLocation.artifactLocation.uri, 'Dockerfile');
  });

  it('gnu: file:line.col-line.col: severity: code message', async () => {
    const r = await run('lint', '--format', 'gnu', 'Dockerfile');
    assert.match(r.stdout, /^Dockerfile:2\.66-2\.70: warning: DL3008 Pin versions/m);
  });

  it('checkstyle: XML with escaped messages', async () => {
    const r = await run('lint', '--format', 'checkstyle', 'Dockerfile');
    assert.match(r.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<checkstyle version="4.3">/);
    assert.match(r.stdout, /<file name="Dockerfile">/);
    assert.match(r.stdout, /<error line="2" column="66" severity="warning" message="Pin versions in apt-get install: `curl` has no version \(`curl=&lt;version&gt;`\)." source="DL3008"\/>/);
  });

  it('--failure-threshold error lets warnings pass; none always passes', async () => {
    assert.equal((await run('lint', '--failure-threshold', 'error', 'Dockerfile')).code, 0);
    assert.equal((await run('lint', '--failure-threshold', 'warning', 'Dockerfile')).code, 1);
    assert.equal((await run('lint', '--failure-threshold', 'none', 'Dockerfile')).code, 0);
    assert.equal((await run('lint', '--no-fail', 'Dockerfile')).code, 0);
  });

  it('honours .hadolint.yaml in the working directory, and --config', async () => {
    writeFileSync(join(dir, '.hadolint.yaml'), 'ignored:\n  - DL3008\n');
    assert.equal((await run('lint', 'Dockerfile')).code, 0);
    writeFileSync(join(dir, 'strict.yaml'), 'override:\n  error:\n    - DL3008\nfailure-threshold: error\n');
    const r = await run('lint', '--config', 'strict.yaml', '--format', 'json', 'Dockerfile');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /"severity": "error"/);
  });

  it("reports dockerfile-utils' syntax errors as the editor does, once each", async () => {
    writeFileSync(join(dir, 'typo.Dockerfile'), 'FROM debian:12\nRUNN echo hi\nCOPY --chwon=1 a /b\nFROM debian:12 AS a\nFROM debian:12 AS a\n');
    const r = await run('lint', '--format', 'json', 'typo.Dockerfile');
    assert.equal(r.code, 1);
    const [result] = JSON.parse(r.stdout) as Array<{ diagnostics: Array<{ code: string; message: string; line: number }> }>;
    const syntax = (result?.diagnostics ?? []).filter((d) => d.code === 'syntax');
    assert.deepEqual(
      syntax.map((d) => [d.line, d.message]),
      [
        [2, 'Unknown instruction: RUNN'],
        [3, 'Unknown flag: chwon'],
      ],
    );
    // In SARIF the syntax rule has no help page to link (only DL and SC codes do).
    const sarif = JSON.parse((await run('lint', '--format', 'sarif', 'typo.Dockerfile')).stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri?: string }> } } }> };
    const sarifRules = sarif.runs[0]?.tool.driver.rules ?? [];
    assert.equal(sarifRules.find((r) => r.id === 'syntax')?.helpUri, undefined);
    assert.match(sarifRules.find((r) => r.id === 'DL3024')?.helpUri ?? '', /hadolint\/wiki\/DL3024/);
    // `ignored: [syntax]` (any case) and overrides reach them, as for any code.
    writeFileSync(join(dir, 'quiet.yaml'), 'ignored:\n  - Syntax\n');
    const quiet = await run('lint', '--config', 'quiet.yaml', '--format', 'json', 'typo.Dockerfile');
    assert.ok(!quiet.stdout.includes('"code": "syntax"'), quiet.stdout);
    writeFileSync(join(dir, 'soft.yaml'), 'override:\n  info:\n    - syntax\n');
    const soft = JSON.parse((await run('lint', '--config', 'soft.yaml', '--format', 'json', 'typo.Dockerfile')).stdout) as Array<{ diagnostics: Array<{ code: string; severity: string }> }>;
    assert.deepEqual([...new Set((soft[0]?.diagnostics ?? []).filter((d) => d.code === 'syntax').map((d) => d.severity))], ['info']);
    // The duplicate stage name is DL3024's, not reported again by the syntax checks.
    assert.deepEqual(
      (result?.diagnostics ?? []).filter((d) => d.code === 'DL3024').map((d) => d.line),
      [5],
    );
  });

  it('exits 2 with a clear message for usage and I/O errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /missing command/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['lint'], /no Dockerfile given/],
      [['lint', '--format', 'xml', 'Dockerfile'], /unknown format "xml"/],
      [['lint', '--failure-threshold', 'fatal', 'Dockerfile'], /unknown failure threshold "fatal"/],
      [['lint', '--bogus', 'Dockerfile'], /Unknown option '--bogus'/],
      [['lint', 'missing.Dockerfile'], /cannot read missing.Dockerfile: no such file/],
      [['lint', '--config', 'nope.yaml', 'Dockerfile'], /cannot read the configuration file nope.yaml/],
      [['lint', '--config', 'broken.yaml', 'Dockerfile'], /the configuration file broken.yaml cannot be used: The file is not valid YAML/],
      [['lint', '--config', 'list.yaml', 'Dockerfile'], /the configuration file list.yaml cannot be used: The file should hold a mapping/],
    ];
    writeFileSync(join(dir, 'broken.yaml'), 'ignored: [DL3008\n');
    writeFileSync(join(dir, 'list.yaml'), '- DL3008\n');
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, message);
    }
  });

  it('prints help and version with exit 0', async () => {
    assert.match((await run('--help')).stdout, /Usage: berth lint/);
    assert.match((await run('--version')).stdout, /^berth \d+\.\d+\.\d+/);
  });
});
