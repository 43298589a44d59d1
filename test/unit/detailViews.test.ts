/** The pure parts of the detail views: log lines, stats figures, image layers and container diffs. */
import * as assert from 'node:assert/strict';
import type { ImageHistoryEntry, StatsSample } from '../../src/engine/ContainerEngine';
import { formatMessage } from '../../src/l10n';
import { diffMarkdown, summarizeChanges } from '../../src/views/diff';
import { instructionOf, layersMarkdown, layersReport, makesLayer } from '../../src/views/layers';
import { LineAssembler, renderLog, splitTimestamp, timestampNs } from '../../src/views/logFollower';
import { escapeMarkdown, inlineCode } from '../../src/views/markdown';
import { statsFigures, statsRows } from '../../src/views/stats';

describe('detail views', () => {
  describe('log lines', () => {
    it('parses RFC 3339 timestamps with 0–9 fraction digits to nanoseconds', () => {
      assert.equal(timestampNs('2024-05-01T10:00:00Z'), 1714557600n * 1_000_000_000n);
      assert.equal(timestampNs('2024-05-01T10:00:00.5Z'), 1714557600n * 1_000_000_000n + 500_000_000n);
      assert.equal(timestampNs('2024-05-01T10:00:00.123456789Z'), 1714557600n * 1_000_000_000n + 123_456_789n);
      assert.equal(timestampNs('2024-05-01T12:00:00.000000001+02:00'), 1714557600n * 1_000_000_000n + 1n);
      for (const bad of ['', 'hello', '2024-05-01', '2024-05-01T10:00:00.1234567890Z']) assert.equal(timestampNs(bad), undefined, bad);
    });

    it('orders timestamps the engine trims differently (".1" after ".09")', () => {
      const a = timestampNs('2024-05-01T10:00:00.09Z');
      const b = timestampNs('2024-05-01T10:00:00.1Z');
      assert.ok(a !== undefined && b !== undefined && a < b);
    });

    it('splits the timestamp from the text, and leaves lines without one alone', () => {
      assert.deepEqual(splitTimestamp('2024-05-01T10:00:00.1Z hello world'), { timestamp: '2024-05-01T10:00:00.1Z', text: 'hello world' });
      assert.deepEqual(splitTimestamp('2024-05-01T10:00:00.1Z '), { timestamp: '2024-05-01T10:00:00.1Z', text: '' });
      assert.deepEqual(splitTimestamp('2024-05-01T10:00:00.1Z'), { timestamp: '2024-05-01T10:00:00.1Z', text: '' });
      assert.deepEqual(splitTimestamp('not a time at all'), { timestamp: '', text: 'not a time at all' });
    });

    it('assembles whole lines per stream, across chunks, dropping CR of CRLF', () => {
      const a = new LineAssembler();
      assert.deepEqual(a.push({ stream: 'stdout', text: 'one\ntw' }), [{ stream: 'stdout', line: 'one' }]);
      assert.deepEqual(a.push({ stream: 'stderr', text: 'oops\r\nhal' }), [{ stream: 'stderr', line: 'oops' }]);
      assert.deepEqual(a.push({ stream: 'stdout', text: 'o\r\n\nthree' }), [
        { stream: 'stdout', line: 'two' },
        { stream: 'stdout', line: '' },
      ]);
      assert.deepEqual(a.flush(), [
        { stream: 'stdout', line: 'three' },
        { stream: 'stderr', line: 'hal' },
      ]);
      assert.deepEqual(a.flush(), []);
    });

    it('renders stdout and stderr apart, timestamps on request, and notes as rules', () => {
      const entries = [
        { stream: 'stdout' as const, timestamp: '2024-05-01T10:00:00Z', text: 'ready' },
        { stream: 'stderr' as const, timestamp: '2024-05-01T10:00:01Z', text: 'warning: disk' },
        { stream: 'note' as const, timestamp: '', text: 'The container stopped at 10:00:02.' },
      ];
      assert.equal(renderLog(entries, false), '[out] ready\n[err] warning: disk\n── The container stopped at 10:00:02. ──\n');
      assert.equal(renderLog(entries, true), '2024-05-01T10:00:00Z [out] ready\n2024-05-01T10:00:01Z [err] warning: disk\n── The container stopped at 10:00:02. ──\n');
      assert.equal(renderLog([], true), '');
    });
  });

  describe('stats', () => {
    const sample: StatsSample = {
      read: '2024-05-01T10:00:01Z',
      cpu: { totalUsage: 3_000_000_000, systemUsage: 200_000_000_000, onlineCpus: 2 },
      precpu: { totalUsage: 2_500_000_000, systemUsage: 198_000_000_000, onlineCpus: 2 },
      memory: { usage: 80 * 1024 * 1024, limit: 64 * 1024 * 1024 * 2, inactiveFile: 16 * 1024 * 1024 },
      network: { rxBytes: 1500, txBytes: 500 },
      blockIo: { readBytes: 4096, writeBytes: 0 },
      pids: { current: 3, limit: 100 },
    };

    it('computes CPU % as docker stats does, and memory without reclaimable cache', () => {
      const f = statsFigures(sample);
      // 0.5 s of CPU over 2 s of host time on 2 CPUs = 50 %.
      assert.equal(f.cpuPercent, 50);
      assert.equal(f.memoryUsed, 64 * 1024 * 1024);
      assert.equal(f.memoryPercent, 50);
      assert.deepEqual(f.network, { rxBytes: 1500, txBytes: 500 });
      assert.equal(f.pids, 3);
    });

    it('has no CPU figure for the first sample (no previous counters) or without host time', () => {
      assert.equal(statsFigures({ ...sample, precpu: { totalUsage: 0, systemUsage: 0, onlineCpus: 0 } }).cpuPercent, undefined);
      assert.equal(statsFigures({ ...sample, cpu: { ...sample.cpu, systemUsage: undefined } }).cpuPercent, undefined);
      assert.equal(statsRows(statsFigures({ ...sample, precpu: { totalUsage: 0, systemUsage: 0, onlineCpus: 0 } }), formatMessage)[0]?.value, 'measuring…');
    });

    it('shows rows with bars for bounded figures', () => {
      const rows = statsRows(statsFigures(sample), formatMessage);
      assert.deepEqual(
        rows.map((r) => [r.label, r.value, r.percent]),
        [
          ['CPU', '50.0 % of 2 CPUs', 25],
          ['Memory', '67.1 MB of 134 MB (50.0 %)', 50],
          ['Network I/O', '1.50 kB received / 500 B sent', undefined],
          ['Block I/O', '4.10 kB read / 0 B written', undefined],
          ['PIDs', '3 of 100', 3],
        ],
      );
      const noNet = statsRows(statsFigures({ ...sample, network: undefined, pids: { current: 1, limit: undefined } }), formatMessage);
      assert.equal(noNet[2]?.value, 'no network');
      assert.equal(noNet[4]?.value, '1');
    });
  });

  describe('image layers', () => {
    it('turns history entries into the instructions that made them', () => {
      assert.equal(instructionOf('/bin/sh -c #(nop)  CMD ["sh"]'), 'CMD ["sh"]');
      assert.equal(instructionOf('/bin/sh -c #(nop) ADD file:abc in / '), 'ADD file:abc in /');
      assert.equal(instructionOf(`/bin/sh -c #(nop) COPY file:${'73e2b2d48642'.padEnd(64, 'a')} in /bin/busybox `), 'COPY file:73e2b2d48642… in /bin/busybox');
      assert.equal(instructionOf('/bin/sh -c apk add --no-cache curl'), 'RUN apk add --no-cache curl');
      assert.equal(instructionOf('|2 A=1 B=two /bin/sh -c make'), 'RUN make');
      assert.equal(instructionOf('RUN /bin/sh -c make install # buildkit'), 'RUN make install');
      assert.equal(instructionOf('COPY /bin/busybox /bin/busybox # buildkit'), 'COPY /bin/busybox /bin/busybox');
      assert.equal(instructionOf('CMD ["sh"]'), 'CMD ["sh"]');
      assert.equal(instructionOf('/bin/busybox --install -s /bin'), 'RUN /bin/busybox --install -s /bin');
      assert.equal(instructionOf(''), '');
    });

    function step(createdBy: string, size: number, id?: string): ImageHistoryEntry {
      return { id, created: 1000, createdBy, size, tags: [], comment: '' };
    }

    // Newest first, as the engine gives it.
    const history = [step('CMD ["app"]', 0, 'sha256:top'), step('RUN /bin/sh -c build # buildkit', 5000), step('ENV A=1', 0), step('COPY app /app # buildkit', 3000), step('WORKDIR /srv', 0), step('/bin/sh -c #(nop) ADD file:x in / ', 1_000_000)];

    it('knows which steps made a layer', () => {
      assert.deepEqual(history.map(makesLayer), [false, true, false, true, true, true]);
    });

    it('lists steps base first, matches digests, and finds layers shared over the same base', () => {
      const layers = ['sha256:base', 'sha256:workdir', 'sha256:copy', 'sha256:run'];
      const report = layersReport('app:1', 'sha256:app', history, layers, [
        { id: 'sha256:app', tags: ['app:1'], layers },
        { id: 'sha256:other', tags: ['other:1'], layers: ['sha256:base', 'sha256:workdir', 'sha256:else'] },
        { id: 'sha256:base-only', tags: [], layers: ['sha256:base'] },
        { id: 'sha256:unrelated', tags: ['x:1'], layers: ['sha256:workdir'] },
      ]);
      assert.equal(report.matched, true);
      assert.deepEqual(
        report.rows.map((r) => [r.instruction, r.digest, r.sharedWith]),
        [
          ['ADD file:x in /', 'sha256:base', ['base-only', 'other:1']],
          ['WORKDIR /srv', 'sha256:workdir', ['other:1']],
          ['COPY app /app', 'sha256:copy', []],
          ['ENV A=1', undefined, []],
          ['RUN build', 'sha256:run', []],
          ['CMD ["app"]', undefined, []],
        ],
      );
      assert.equal(report.totalSize, 1_008_000);
      assert.equal(report.layerCount, 4);
      assert.equal(report.sharedLayers, 2);
      assert.equal(report.sharedSize, 1_000_000);
    });

    it('still counts shared layers when history and digests do not line up', () => {
      const report = layersReport('app:1', 'sha256:app', history, ['sha256:base'], [{ id: 'sha256:o', tags: ['o:1'], layers: ['sha256:base'] }]);
      assert.equal(report.matched, false);
      assert.equal(report.sharedLayers, 1);
      assert.ok(report.rows.every((r) => r.digest === undefined));
    });

    it('renders a table with the total and the sharing', () => {
      const md = layersMarkdown(layersReport('app:1', 'sha256:app', history, ['sha256:base', 'sha256:workdir', 'sha256:copy', 'sha256:run'], [{ id: 'sha256:o', tags: ['o:1'], layers: ['sha256:base'] }]), formatMessage);
      assert.match(md, /^# Layers of app:1$/m);
      assert.match(md, /4 layers, 1\.01 MB in total\./);
      assert.match(md, /1 of its layers \(1\.00 MB\) are shared with other local images/);
      assert.match(md, /^\| 1 \| `ADD file:x in \/` \| 1\.00 MB \| `base` \| o:1 \|$/m);
      assert.match(md, /^\| 5 \| `RUN build` \| 5\.00 kB \| `run` \|  \|$/m);
      assert.match(md, /\*\*Total: 1\.01 MB\*\*/);
    });
  });

  describe('container diff', () => {
    it('groups and sorts changes, and says they are lost with the container', () => {
      const summary = summarizeChanges([
        { path: '/tmp/b', kind: 'added' },
        { path: '/tmp', kind: 'modified' },
        { path: '/tmp/a', kind: 'added' },
        { path: '/etc/motd', kind: 'deleted' },
      ]);
      assert.deepEqual(summary, { added: ['/tmp/a', '/tmp/b'], modified: ['/tmp'], deleted: ['/etc/motd'] });
      const md = diffMarkdown('web', summary, formatMessage);
      assert.match(md, /2 added, 1 changed, 1 deleted\./);
      assert.match(md, /lost when this container is removed/);
      assert.match(md, /## Added \(2\)\n\n- A `\/tmp\/a`\n- A `\/tmp\/b`/);
      assert.match(md, /## Deleted \(1\)\n\n- D `\/etc\/motd`/);
    });

    it('says so when nothing changed, and caps long lists', () => {
      assert.match(diffMarkdown('web', summarizeChanges([]), formatMessage), /has not changed any file/);
      const many = summarizeChanges(Array.from({ length: 2005 }, (_, i) => ({ path: `/f${String(i).padStart(5, '0')}`, kind: 'added' as const })));
      assert.match(diffMarkdown('web', many, formatMessage), /… and 5 more/);
    });
  });

  it('escapes Markdown and makes inline code that survives backticks', () => {
    assert.equal(escapeMarkdown('a_b*c|d<e>'), 'a\\_b\\*c\\|d\\<e\\>');
    assert.equal(inlineCode('plain'), '`plain`');
    assert.equal(inlineCode('has ` tick'), '``has ` tick``');
    assert.equal(inlineCode('`edge'), '`` `edge ``');
    assert.equal(inlineCode('a|b'), '`a\\|b`');
  });
});
