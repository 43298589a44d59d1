/** The run form's fields: showing current values and applying typed text through the docker run parser. */
import * as assert from 'node:assert/strict';
import { formatMessage } from '../../src/l10n';
import { applyField, fieldText, runFields } from '../../src/run/runForm';
import type { RunFieldId } from '../../src/run/runForm';
import { emptyRunOptions, parseDockerRun } from '../../src/run/runOptions';
import type { RunOptions } from '../../src/run/runOptions';

const fields = runFields(formatMessage);
function field(id: RunFieldId): NonNullable<(typeof fields)[number]> {
  const f = fields.find((x) => x.id === id);
  assert.ok(f);
  return f;
}

function apply(id: RunFieldId, text: string, options: RunOptions): RunOptions {
  const result = applyField(field(id), text, options, formatMessage, { cwd: '/work/app', home: '/root' });
  assert.ok('options' in result, 'error' in result ? result.error : '');
  return result.options;
}

describe('run form', () => {
  const base = emptyRunOptions('berth-test/busybox:latest');

  it('has the fields the issue asks for, in order', () => {
    assert.deepEqual(fields.map((f) => f.id), ['name', 'ports', 'env', 'envFiles', 'volumes', 'network', 'restart', 'memory', 'cpus', 'command']);
  });

  it('round-trips every field through its text', () => {
    let o = base;
    o = apply('name', 'web', o);
    o = apply('ports', '8080:80 127.0.0.1:5432:5432 53:53/udp', o);
    o = apply('env', 'MODE=dev "GREETING=hello world"', o);
    o = apply('envFiles', '.env', o);
    o = apply('volumes', './data:/data pgdata:/var/lib/pg:ro', o);
    o = apply('network', 'none', o);
    o = apply('restart', 'on-failure:3', o);
    o = apply('memory', '512m', o);
    o = apply('cpus', '0.5', o);
    o = apply('command', 'sh -c "echo hi"', o);
    assert.equal(o.name, 'web');
    assert.deepEqual(o.ports.map((p) => [p.hostIp ?? '', p.hostPort, p.containerPort, p.protocol]), [
      ['', 8080, 80, 'tcp'],
      ['127.0.0.1', 5432, 5432, 'tcp'],
      ['', 53, 53, 'udp'],
    ]);
    assert.deepEqual(o.env, [
      { name: 'MODE', value: 'dev' },
      { name: 'GREETING', value: 'hello world' },
    ]);
    assert.deepEqual(o.envFiles, ['/work/app/.env']);
    assert.equal(o.volumes[0]?.source, '/work/app/data');
    assert.equal(o.network, 'none');
    assert.deepEqual(o.restart, { name: 'on-failure', maxRetries: 3 });
    assert.equal(o.memoryBytes, 512 * 1024 * 1024);
    assert.equal(o.cpus, 0.5);
    assert.deepEqual(o.command, ['sh', '-c', 'echo hi']);
    // What each field shows reads back to the same options.
    let again = base;
    for (const f of fields) again = apply(f.id, fieldText(f, o), again);
    assert.deepEqual(again, o);
  });

  it('clears a field with empty text', () => {
    const o = apply('memory', '1g', base);
    assert.equal(apply('memory', '', o).memoryBytes, undefined);
    assert.equal(apply('command', '', apply('command', 'true', base)).command, undefined);
  });

  it('names the flag in errors, and refuses two values for a one-value field', () => {
    const bad = (id: RunFieldId, text: string): string => {
      const r = applyField(field(id), text, base, formatMessage, {});
      assert.ok('error' in r, `expected an error for ${text}`);
      return r.error;
    };
    assert.match(bad('ports', '80:99999'), /-p|--publish/);
    assert.match(bad('memory', 'lots'), /--memory/);
    assert.match(bad('restart', 'sometimes'), /--restart/);
    assert.match(bad('name', 'a b'), /--name takes one value/);
    assert.match(bad('env', 'A=1; rm -rf /'), /;/);
  });

  it('keeps what the pasted line set when the form changes one field', () => {
    const parsed = parseDockerRun('docker run -d --name api -e A=1 --cpus 2 berth-test/busybox:latest sleep 9', formatMessage);
    assert.ok('options' in parsed);
    const o = apply('env', 'A=2 B=3', parsed.options);
    assert.equal(o.name, 'api');
    assert.equal(o.cpus, 2);
    assert.deepEqual(o.command, ['sleep', '9']);
    assert.deepEqual(o.env.map((e) => `${e.name}=${e.value}`), ['A=2', 'B=3']);
  });
});
