/**
 * The pure halves of the engine's log, stats, history and diff calls: the log demultiplexer
 * against hand-made frame streams cut at every byte, and the mappers against samples shaped as
 * Docker on cgroup v1 (captured from the private 20.10 engine), Docker on cgroup v2, and Podman send them.
 */
import * as assert from 'node:assert/strict';
import type { LogChunk } from '../../src/engine/ContainerEngine';
import { LogDemuxer, isEmptyStatsSample, toFileChange, toImageHistoryEntry, toStatsSample } from '../../src/engine/mappers';
import type { RawStats } from '../../src/engine/mappers';

/** One frame of the multiplexed log body: [type, 0, 0, 0, size (uint32 BE)] + payload. */
function frame(type: 0 | 1 | 2, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Everything a demuxer yields for `chunks`, including what `end()` flushes. */
function demux(mode: 'multiplexed' | 'raw', chunks: Buffer[]): LogChunk[] {
  const demuxer = new LogDemuxer(mode);
  const out: LogChunk[] = [];
  for (const chunk of chunks) out.push(...demuxer.push(chunk));
  out.push(...demuxer.end());
  return out;
}

/** Adjacent chunks of the same stream merged, so results compare whatever the chunking was. */
function merged(chunks: LogChunk[]): LogChunk[] {
  const out: LogChunk[] = [];
  for (const c of chunks) {
    const last = out[out.length - 1];
    if (last?.stream === c.stream) last.text += c.text;
    else out.push({ ...c });
  }
  return out;
}

function splitAt(body: Buffer, ...offsets: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (const o of offsets) {
    parts.push(body.subarray(start, o));
    start = o;
  }
  parts.push(body.subarray(start));
  return parts;
}

const EURO = Buffer.from('€', 'utf8'); // e2 82 ac

describe('LogDemuxer', () => {
  const body = Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops: ünïcode\n'), frame(1, ''), frame(1, 'wörld ✓ 🚢\n'), frame(2, 'bye\n')]);
  const expected: LogChunk[] = [
    { stream: 'stdout', text: 'hello\n' },
    { stream: 'stderr', text: 'oops: ünïcode\n' },
    { stream: 'stdout', text: 'wörld ✓ 🚢\n' },
    { stream: 'stderr', text: 'bye\n' },
  ];

  it('decodes a body that arrives in one chunk, in order, one chunk per frame', () => {
    assert.deepEqual(demux('multiplexed', [body]), expected);
  });

  it('gives the same result for a body cut in two at every byte offset', () => {
    for (let i = 0; i <= body.length; i++) {
      assert.deepEqual(merged(demux('multiplexed', splitAt(body, i))), expected, `cut at ${i}`);
    }
  });

  it('gives the same result for a body cut in three at every pair of offsets', () => {
    for (let i = 0; i <= body.length; i++) {
      for (let j = i; j <= body.length; j++) {
        const out = demux('multiplexed', splitAt(body, i, j));
        assert.deepEqual(merged(out), expected, `cuts at ${i} and ${j}`);
        assert.ok(out.every((c) => c.text.length > 0 && !c.text.includes('\uFFFD')), `no empty or broken chunk at ${i}/${j}`);
      }
    }
  });

  it('gives the same result for a body fed one byte at a time', () => {
    const bytes = [...body].map((b) => Buffer.from([b]));
    assert.deepEqual(merged(demux('multiplexed', bytes)), expected);
  });

  it('keeps interleaved stdout and stderr apart and merges adjacent frames of one stream', () => {
    const out = demux('multiplexed', [Buffer.concat([frame(1, 'a\n'), frame(1, 'b\n'), frame(2, 'E1\n'), frame(1, 'c\n'), frame(2, 'E2\n'), frame(2, 'E3\n')])]);
    assert.deepEqual(out, [
      { stream: 'stdout', text: 'a\nb\n' },
      { stream: 'stderr', text: 'E1\n' },
      { stream: 'stdout', text: 'c\n' },
      { stream: 'stderr', text: 'E2\nE3\n' },
    ]);
  });

  it('decodes a UTF-8 character split across two frames of the same stream', () => {
    const first = frame(1, Buffer.concat([Buffer.from('price: '), EURO.subarray(0, 2)]));
    const second = frame(1, Buffer.concat([EURO.subarray(2), Buffer.from('5\n')]));
    assert.deepEqual(demux('multiplexed', [first, second]), [
      { stream: 'stdout', text: 'price: ' },
      { stream: 'stdout', text: '€5\n' },
    ]);
    // And in one chunk, where the two pieces merge.
    assert.deepEqual(demux('multiplexed', [Buffer.concat([first, second])]), [{ stream: 'stdout', text: 'price: €5\n' }]);
  });

  it('keeps a split character of stdout whole while a stderr frame comes in between', () => {
    const out = demux('multiplexed', [Buffer.concat([frame(1, EURO.subarray(0, 1)), frame(2, 'err\n'), frame(1, EURO.subarray(1)), frame(1, '\n')])]);
    assert.deepEqual(out, [
      { stream: 'stderr', text: 'err\n' },
      { stream: 'stdout', text: '€\n' },
    ]);
  });

  it('yields nothing for empty frames and for a body of headers only', () => {
    assert.deepEqual(demux('multiplexed', [Buffer.concat([frame(1, ''), frame(2, ''), frame(1, '')])]), []);
    assert.deepEqual(demux('multiplexed', [Buffer.concat([frame(2, ''), frame(1, 'x'), frame(1, '')])]), [{ stream: 'stdout', text: 'x' }]);
    assert.deepEqual(demux('multiplexed', []), []);
  });

  it('handles a frame of 70,000 bytes delivered in 1,000-byte chunks', () => {
    const text = 'ab€'.repeat(14_000); // 70,000 bytes, the euro signs cut by most chunk edges
    const body = Buffer.concat([frame(2, text), frame(1, 'done\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; i += 1000) chunks.push(body.subarray(i, i + 1000));
    assert.deepEqual(merged(demux('multiplexed', chunks)), [
      { stream: 'stderr', text },
      { stream: 'stdout', text: 'done\n' },
    ]);
  });

  it('turns a character cut off at the end of the body into U+FFFD', () => {
    assert.deepEqual(demux('multiplexed', [frame(1, Buffer.concat([Buffer.from('a'), EURO.subarray(0, 2)]))]), [
      { stream: 'stdout', text: 'a' },
      { stream: 'stdout', text: '\uFFFD' },
    ]);
  });

  it('ignores a header cut off at the end of the body', () => {
    assert.deepEqual(demux('multiplexed', [Buffer.concat([frame(1, 'ok\n'), frame(2, 'lost').subarray(0, 5)])]), [{ stream: 'stdout', text: 'ok\n' }]);
  });

  it('shows a body that is not multiplexed as stdout rather than losing it', () => {
    assert.deepEqual(merged(demux('multiplexed', [Buffer.from('plain '), Buffer.from('text\n')])), [{ stream: 'stdout', text: 'plain text\n' }]);
    // Even after some good frames.
    assert.deepEqual(merged(demux('multiplexed', [frame(2, 'e\n'), Buffer.from('then raw\n')])), [
      { stream: 'stderr', text: 'e\n' },
      { stream: 'stdout', text: 'then raw\n' },
    ]);
  });

  describe('raw (TTY) mode', () => {
    it('maps every chunk to stdout as it is, bytes that look like headers included', () => {
      const tty = Buffer.concat([Buffer.from('$ ls\r\n'), frame(2, 'not a frame'), Buffer.from('\x1b[1;32mgreen\x1b[0m\r\n')]);
      assert.deepEqual(demux('raw', [tty]), [{ stream: 'stdout', text: tty.toString('utf8') }]);
    });

    it('decodes a character split across chunks', () => {
      assert.deepEqual(demux('raw', [Buffer.concat([Buffer.from('x'), EURO.subarray(0, 1)]), EURO.subarray(1, 2), Buffer.concat([EURO.subarray(2), Buffer.from('y')])]), [
        { stream: 'stdout', text: 'x' },
        { stream: 'stdout', text: '€y' },
      ]);
    });
  });
});

/** As the private Docker 20.10 engine on a cgroup v1 host sent it, with blkio and networks filled in. */
const dockerCgroupV1: RawStats = {
  read: '2026-11-26T00:22:46.503040889Z',
  pids_stats: { current: 3 },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: 'Read', value: 4096 },
      { op: 'Write', value: 8192 },
      { op: 'Sync', value: 12288 },
      { op: 'Async', value: 0 },
      { op: 'Total', value: 12288 },
      { op: 'Read', value: 1000 },
      { op: 'Write', value: 24 },
    ],
  },
  cpu_stats: {
    cpu_usage: { total_usage: 40257427, percpu_usage: [13280870, 26976557] },
    system_cpu_usage: 19299720000000,
    online_cpus: 2,
  },
  precpu_stats: {
    cpu_usage: { total_usage: 30257427, percpu_usage: [13280870, 16976557] },
    system_cpu_usage: 19297730000000,
    online_cpus: 2,
  },
  memory_stats: {
    usage: 618496,
    stats: { active_file: 4096, cache: 4096, hierarchical_memory_limit: 67108864, inactive_file: 100, total_inactive_file: 8192, rss: 53248 },
    limit: 67108864,
  },
  networks: { eth0: { rx_bytes: 1000, tx_bytes: 200 }, eth1: { rx_bytes: 30, tx_bytes: 4 } },
};

/** Docker on cgroup v2: no percpu_usage, `inactive_file` without the `total_` family, lower-case blkio ops, a pids limit. */
const dockerCgroupV2: RawStats = {
  read: '2025-03-01T10:00:01.000000001Z',
  pids_stats: { current: 7, limit: 512 },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: 'read', value: 1_048_576 },
      { op: 'write', value: 2048 },
    ],
  },
  cpu_stats: { cpu_usage: { total_usage: 5_000_000_000 }, system_cpu_usage: 900_000_000_000, online_cpus: 8 },
  precpu_stats: { cpu_usage: { total_usage: 4_000_000_000 }, system_cpu_usage: 892_000_000_000, online_cpus: 8 },
  memory_stats: { usage: 50_000_000, limit: 8_000_000_000, stats: { anon: 30_000_000, file: 15_000_000, inactive_file: 9_000_000, active_file: 6_000_000 } },
  networks: { eth0: { rx_bytes: 123_456, tx_bytes: 7_890 } },
};

/** Podman's compat API on an older version: sparse. */
const podmanSparse: RawStats = {
  read: '2025-03-01T10:00:01Z',
  cpu_stats: { cpu_usage: { total_usage: 1234 } },
  precpu_stats: {},
  memory_stats: { usage: 1_000_000, limit: 2_000_000 },
  blkio_stats: { io_service_bytes_recursive: null },
  networks: null,
};

describe('toStatsSample', () => {
  it('maps a cgroup v1 sample as `docker stats` reads it', () => {
    assert.deepEqual(toStatsSample(dockerCgroupV1), {
      read: '2026-11-26T00:22:46.503040889Z',
      cpu: { totalUsage: 40257427, systemUsage: 19299720000000, onlineCpus: 2 },
      precpu: { totalUsage: 30257427, systemUsage: 19297730000000, onlineCpus: 2 },
      // total_inactive_file (hierarchical), not the cgroup's own inactive_file.
      memory: { usage: 618496, limit: 67108864, inactiveFile: 8192 },
      network: { rxBytes: 1030, txBytes: 204 },
      blockIo: { readBytes: 5096, writeBytes: 8216 },
      pids: { current: 3, limit: undefined },
    });
  });

  it('maps a cgroup v2 sample', () => {
    assert.deepEqual(toStatsSample(dockerCgroupV2), {
      read: '2025-03-01T10:00:01.000000001Z',
      cpu: { totalUsage: 5_000_000_000, systemUsage: 900_000_000_000, onlineCpus: 8 },
      precpu: { totalUsage: 4_000_000_000, systemUsage: 892_000_000_000, onlineCpus: 8 },
      memory: { usage: 50_000_000, limit: 8_000_000_000, inactiveFile: 9_000_000 },
      network: { rxBytes: 123_456, txBytes: 7_890 },
      blockIo: { readBytes: 1_048_576, writeBytes: 2048 },
      pids: { current: 7, limit: 512 },
    });
  });

  it('fills a sparse Podman sample with zeros and undefined', () => {
    assert.deepEqual(toStatsSample(podmanSparse), {
      read: '2025-03-01T10:00:01Z',
      cpu: { totalUsage: 1234, systemUsage: undefined, onlineCpus: 1 },
      precpu: { totalUsage: 0, systemUsage: undefined, onlineCpus: 1 },
      memory: { usage: 1_000_000, limit: 2_000_000, inactiveFile: 0 },
      network: undefined,
      blockIo: { readBytes: 0, writeBytes: 0 },
      pids: { current: 0, limit: undefined },
    });
    assert.deepEqual(toStatsSample({}), {
      read: '',
      cpu: { totalUsage: 0, systemUsage: undefined, onlineCpus: 1 },
      precpu: { totalUsage: 0, systemUsage: undefined, onlineCpus: 1 },
      memory: { usage: 0, limit: 0, inactiveFile: 0 },
      network: undefined,
      blockIo: { readBytes: 0, writeBytes: 0 },
      pids: { current: 0, limit: undefined },
    });
  });

  it('counts CPUs from percpu_usage when online_cpus is missing or 0 (an old engine, the first precpu)', () => {
    const sample = toStatsSample({ cpu_stats: { cpu_usage: { total_usage: 1, percpu_usage: [1, 0, 0, 0] } }, precpu_stats: { cpu_usage: { total_usage: 0, percpu_usage: null }, online_cpus: 0, system_cpu_usage: 0 } });
    assert.equal(sample.cpu.onlineCpus, 4);
    assert.equal(sample.precpu.onlineCpus, 1);
    assert.equal(sample.precpu.systemUsage, 0);
  });

  it('does not subtract page cache that is not below the usage', () => {
    assert.equal(toStatsSample({ memory_stats: { usage: 100, stats: { inactive_file: 100 } } }).memory.inactiveFile, 0);
    assert.equal(toStatsSample({ memory_stats: { usage: 100, stats: { total_inactive_file: 99 } } }).memory.inactiveFile, 99);
  });

  it('reads a pids limit of max uint64 or 0 as no limit', () => {
    assert.equal(toStatsSample({ pids_stats: { current: 1, limit: Number('18446744073709551615') } }).pids.limit, undefined);
    assert.equal(toStatsSample({ pids_stats: { current: 1, limit: 0 } }).pids.limit, undefined);
  });

  it('sums no network for an empty networks object (network none)', () => {
    assert.equal(toStatsSample({ networks: {} }).network, undefined);
  });

  it('recognizes the all-zero sample of a container that is not running', () => {
    // Captured from the private engine for an exited container.
    const stopped = JSON.parse(
      '{"read":"0001-01-01T00:00:00Z","preread":"0001-01-01T00:00:00Z","pids_stats":{},"blkio_stats":{"io_service_bytes_recursive":null},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":0}},"memory_stats":{},"name":"/x1","id":"1685070665b3"}',
    ) as RawStats;
    assert.equal(isEmptyStatsSample(stopped), true);
    assert.equal(isEmptyStatsSample(dockerCgroupV1), false);
    assert.equal(isEmptyStatsSample(podmanSparse), false);
    assert.equal(isEmptyStatsSample({}), false);
  });

  it('never throws on a sample shaped otherwise than documented: odd fields count as absent', () => {
    const odd: unknown[] = [
      {},
      { networks: null, blkio_stats: { io_service_bytes_recursive: 'x' }, memory_stats: { stats: null } },
      { networks: 'eth0', blkio_stats: { io_service_bytes_recursive: [null, { op: 7, value: 'x' }, { op: 'Read', value: 10 }] } },
      { cpu_stats: { cpu_usage: { percpu_usage: 'many' }, online_cpus: 'two' }, read: 5, pids_stats: { limit: 'none' } },
      { memory_stats: { usage: 'lots', stats: 'x' }, networks: { eth0: null } },
    ];
    for (const raw of odd) {
      const sample = toStatsSample(raw as RawStats);
      assert.equal(typeof sample.read, 'string');
      assert.ok(Number.isFinite(sample.memory.usage) && Number.isFinite(sample.blockIo.readBytes) && sample.cpu.onlineCpus >= 1, JSON.stringify(raw));
    }
    assert.equal(toStatsSample(odd[2] as RawStats).blockIo.readBytes, 10);
  });
});

describe('toImageHistoryEntry', () => {
  it('maps a local build step with its id and tags', () => {
    assert.deepEqual(
      toImageHistoryEntry({
        Comment: '',
        Created: 1795652564,
        CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]',
        Id: 'sha256:6a8dc002abc4895b7a7340f483b1e5da4b5e1a4aea5117f9f9789de5def70371',
        Size: 0,
        Tags: ['berth-test/busybox:latest'],
      }),
      {
        id: 'sha256:6a8dc002abc4895b7a7340f483b1e5da4b5e1a4aea5117f9f9789de5def70371',
        created: 1795652564,
        createdBy: '/bin/sh -c #(nop)  CMD ["sh"]',
        size: 0,
        tags: ['berth-test/busybox:latest'],
        comment: '',
      },
    );
  });

  it('reads `<missing>` as no id and null Tags as none', () => {
    assert.deepEqual(
      toImageHistoryEntry({ Id: '<missing>', Created: 1700000000, CreatedBy: 'RUN /bin/sh -c apk add curl # buildkit', Tags: null, Size: 5_242_880, Comment: 'buildkit.dockerfile.v0' }),
      { id: undefined, created: 1700000000, createdBy: 'RUN /bin/sh -c apk add curl # buildkit', size: 5_242_880, tags: [], comment: 'buildkit.dockerfile.v0' },
    );
  });

  it('tolerates missing fields', () => {
    assert.deepEqual(toImageHistoryEntry({}), { id: undefined, created: 0, createdBy: '', size: 0, tags: [], comment: '' });
    assert.equal(toImageHistoryEntry({ Id: '' }).id, undefined);
  });
});

describe('toFileChange', () => {
  it('maps the kinds 0, 1 and 2', () => {
    assert.deepEqual(toFileChange({ Path: '/bin', Kind: 0 }), { path: '/bin', kind: 'modified' });
    assert.deepEqual(toFileChange({ Path: '/tmp/new-file', Kind: 1 }), { path: '/tmp/new-file', kind: 'added' });
    assert.deepEqual(toFileChange({ Path: '/bin/ls', Kind: 2 }), { path: '/bin/ls', kind: 'deleted' });
  });

  it('accepts the letters `docker diff` prints', () => {
    assert.deepEqual(toFileChange({ Path: '/a', Kind: 'C' }), { path: '/a', kind: 'modified' });
    assert.deepEqual(toFileChange({ Path: '/b', Kind: 'A' }), { path: '/b', kind: 'added' });
    assert.deepEqual(toFileChange({ Path: '/c', Kind: 'D' }), { path: '/c', kind: 'deleted' });
  });

  it('drops entries without a path or with an unknown kind', () => {
    assert.equal(toFileChange({ Kind: 1 }), undefined);
    assert.equal(toFileChange({ Path: '/x' }), undefined);
    assert.equal(toFileChange({ Path: '/x', Kind: 3 }), undefined);
    assert.equal(toFileChange({ Path: '/x', Kind: -1 }), undefined);
  });
});
