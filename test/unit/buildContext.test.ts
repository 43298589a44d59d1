/**
 * The build context and the build's pure parts, without an engine: `.dockerignore` semantics as
 * Docker applies them (the expectations were checked against what docker CLI 28.2 uploads for
 * `DOCKER_BUILDKIT=0 docker build`; the 20.10 CLI still used the older parent-folder rule and
 * differs in the cases marked below), the tar stream for a real temp folder, "Step N/M" parsing
 * on output captured from a Docker 20.10 engine, and mapping a step to its Dockerfile line.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { BuildEvent } from '../../src/engine/build';
import { entriesOf } from '../harness/tar';
import { BuildOutputParser, failingInstructionLine, instructionStartLines, parseStepLine } from '../../src/engine/build';
import { DockerignoreSyntaxError, createBuildContext, dockerignoreFilter, parseDockerignore } from '../../src/engine/buildContext';
import { CancelledError } from '../../src/engine/errors';

/** The paths among `paths` that are sent, for the given .dockerignore text. */
function sent(ignore: string, paths: readonly string[], alwaysInclude: readonly string[] = []): string[] {
  const filter = dockerignoreFilter(ignore, { alwaysInclude });
  return paths.filter((p) => !filter.ignores(p));
}


describe('.dockerignore as Docker applies it', () => {
  it('reads lines as Docker does: comments only at column 0, trimmed, cleaned, a leading / dropped', () => {
    assert.deepEqual(
      parseDockerignore('\uFEFF# comment\r\n\n  spaced.txt   \n/rooted\n./dotted/../cleaned/\n ! negated \n  # not a comment\n'),
      [
        { pattern: 'spaced.txt', exception: false, line: 3 },
        { pattern: 'rooted', exception: false, line: 4 },
        { pattern: 'cleaned', exception: false, line: 5 },
        { pattern: 'negated', exception: true, line: 6 },
        { pattern: '# not a comment', exception: false, line: 7 },
      ],
    );
  });

  it('refuses what Docker refuses: a lone "!" and a malformed pattern, naming the line', () => {
    assert.throws(() => parseDockerignore('a\n!\n'), (e: unknown) => e instanceof DockerignoreSyntaxError && e.line === 2);
    assert.throws(() => parseDockerignore('a\n\n[unclosed\n'), (e: unknown) => e instanceof DockerignoreSyntaxError && e.line === 3);
  });

  it('anchors patterns at the context root: * does not cross folders, ** does', () => {
    const paths = ['a.log', 'dir/b.log', 'dir/sub/c.log', 'keep.txt'];
    assert.deepEqual(sent('*.log', paths), ['dir/b.log', 'dir/sub/c.log', 'keep.txt']);
    assert.deepEqual(sent('**/*.log', paths), ['keep.txt']);
    assert.deepEqual(sent('*/*.log', paths), ['a.log', 'dir/sub/c.log', 'keep.txt']);
    assert.deepEqual(sent('dir/**/*.log', paths), ['a.log', 'keep.txt']);
    assert.deepEqual(sent('**', paths), []);
  });

  it('excludes a folder with everything in it, with or without a trailing or leading slash', () => {
    const paths = ['node_modules', 'node_modules/x/index.js', 'app/node_modules/y.js', 'nodemodules'];
    for (const pattern of ['node_modules', 'node_modules/', '/node_modules', './node_modules']) {
      assert.deepEqual(sent(pattern, paths), ['app/node_modules/y.js', 'nodemodules'], pattern);
    }
    assert.deepEqual(sent('**/node_modules', paths), ['nodemodules']);
    // `dir/**` leaves the folder itself (empty) in the context.
    assert.deepEqual(sent('node_modules/**', paths), ['node_modules', 'app/node_modules/y.js', 'nodemodules']);
  });

  it('negations: the last matching line wins', () => {
    const paths = ['README.md', 'CHANGES.md', 'src/a.ts'];
    assert.deepEqual(sent('*.md\n!README.md', paths), ['README.md', 'src/a.ts']);
    assert.deepEqual(sent('!README.md\n*.md', paths), ['src/a.ts']);
    assert.deepEqual(sent('*\n!src', paths), ['src/a.ts']);
  });

  it('an exception re-includes a file inside an excluded folder, and only that file', () => {
    const ignore = 'secret.txt\nkeep\n!keep/important.txt\n';
    const filter = dockerignoreFilter(ignore);
    assert.deepEqual(sent(ignore, ['secret.txt', 'keep', 'keep/important.txt', 'keep/other.txt', 'other.txt']), ['keep/important.txt', 'other.txt']);
    // The walk enters "keep" because an exception starts with "keep/" (the folder's own entry is not sent).
    assert.equal(filter.mustDescend('keep'), true);
    assert.equal(filter.match('keep').excluded, true);
    // Deeper: the exception may name a file several folders down.
    assert.deepEqual(sent('docs\n!docs/api/index.md', ['docs/api/index.md', 'docs/api/other.md', 'docs/intro.md']), ['docs/api/index.md']);
  });

  it('an exception with ** does not reopen an excluded folder: Docker only looks for a literal prefix', () => {
    const ignore = 'keep\n!**/important.txt\n';
    assert.equal(dockerignoreFilter(ignore).mustDescend('keep'), false);
    assert.deepEqual(sent(ignore, ['keep/important.txt', 'important.txt', 'a/important.txt']), ['important.txt', 'a/important.txt']);
  });

  it("follows today's Docker (results carried from the parent folder), not the parent rule of Docker 20.10 and before", () => {
    // `!sub` matches the folder, which was never excluded: the CLI does not let it re-include sub/x.
    assert.deepEqual(sent('sub/x\n!sub\n', ['sub', 'sub/x', 'sub/y']), ['sub', 'sub/y']);
    // An exception for a folder that was excluded does re-include its content.
    assert.deepEqual(sent('sub\n!sub\n', ['sub', 'sub/x']), ['sub', 'sub/x']);
    assert.deepEqual(sent('**\n!keep\n', ['keep', 'keep/x', 'other']), ['keep', 'keep/x']);
  });

  it('matches case-sensitively, "?" and character classes within one path segment', () => {
    const paths = ['secret', 'Secret', 'SECRET', 's/ecret'];
    assert.deepEqual(sent('Secret', paths), ['secret', 'SECRET', 's/ecret']);
    assert.deepEqual(sent('?ecret', paths), ['SECRET', 's/ecret']);
    assert.deepEqual(sent('[sS]ecret', paths), ['SECRET', 's/ecret']);
  });

  it('treats regular-expression characters literally, as moby does', () => {
    const paths = ['c++', 'c', 'a(1).txt', 'a1.txt', 'x|y', 'x', '{a,b}', 'a', 'v$1'];
    assert.deepEqual(sent('c++', paths), paths.filter((p) => p !== 'c++'));
    assert.deepEqual(sent('a(1).txt', paths), paths.filter((p) => p !== 'a(1).txt'));
    assert.deepEqual(sent('x|y', paths), paths.filter((p) => p !== 'x|y'));
    assert.deepEqual(sent('{a,b}', paths), paths.filter((p) => p !== '{a,b}'));
    assert.deepEqual(sent('v$1', paths), paths.filter((p) => p !== 'v$1'));
    // A backslash escapes the next character.
    assert.deepEqual(sent('\\*', ['*', 'x']), ['x']);
  });

  it('a "." pattern matches nothing, "./x" is "x", and a "#" after spaces is a pattern', () => {
    assert.deepEqual(sent('.', ['a', 'b/c']), ['a', 'b/c']);
    assert.deepEqual(sent('!.', ['a']), ['a']);
    assert.deepEqual(sent('./secret', ['secret', 'x/secret']), ['x/secret']);
    assert.deepEqual(sent('  #hash', ['#hash', 'x']), ['x']);
    assert.deepEqual(sent('#hash', ['#hash', 'x']), ['#hash', 'x']);
  });

  it('ignores files whose names are Object.prototype keys (the library caches answers in a plain object)', () => {
    assert.deepEqual(sent('*', ['constructor', 'toString', '__proto__', 'hasOwnProperty']), []);
  });

  it('always keeps the Dockerfile and .dockerignore, with a trailing exception as the CLI adds', () => {
    const filter = dockerignoreFilter('*\n', { alwaysInclude: ['.dockerignore', 'Dockerfile'] });
    assert.deepEqual(filter.patterns.slice(1), [
      { pattern: '.dockerignore', exception: true },
      { pattern: 'Dockerfile', exception: true },
    ]);
    assert.deepEqual(sent('*\n', ['.dockerignore', 'Dockerfile', 'a'], ['.dockerignore', 'Dockerfile']), ['.dockerignore', 'Dockerfile']);
    // A Dockerfile in an excluded folder: the folder is entered for it, nothing else comes along.
    assert.deepEqual(sent('build\n', ['build/Dockerfile.dev', 'build/other'], ['build/Dockerfile.dev']), ['build/Dockerfile.dev']);
    // Not ignored: nothing is added.
    assert.equal(dockerignoreFilter('a\n', { alwaysInclude: ['Dockerfile'] }).patterns.length, 1);
    // Where the CLI's own check misses it (sub/Dockerfile excluded, `!sub` not re-including it), it is still sent.
    assert.deepEqual(sent('sub/Dockerfile\n!sub\n', ['sub/Dockerfile'], ['sub/Dockerfile']), ['sub/Dockerfile']);
  });
});

describe('createBuildContext', () => {
  let root: string;
  const write = (path: string, content: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'berth-ctx-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('streams the folder as Docker would: lexical order, modes, symlinks, hard links, uid 0, .dockerignore applied', async () => {
    write('Dockerfile', 'FROM scratch\n');
    write('.dockerignore', 'secret.txt\nkeep\n!keep/important.txt\n*.log\n');
    write('secret.txt', 'secret');
    write('keep/important.txt', 'important');
    write('keep/other.txt', 'other');
    write('app.log', 'log');
    write('b.txt', 'b');
    write('B.txt', 'B');
    write('bin/run', '#!/bin/sh\n');
    chmodSync(join(root, 'bin/run'), 0o755);
    mkdirSync(join(root, 'empty'));
    symlinkSync('bin/run', join(root, 'run-link'));
    linkSync(join(root, 'b.txt'), join(root, 'z-hardlink'));
    const long = `deep/${'n'.repeat(150)}.txt`;
    write(long, 'long');
    utimesSync(join(root, 'b.txt'), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));

    const context = createBuildContext(root, { dockerfile: 'Dockerfile' });
    assert.equal(context.dockerfile, 'Dockerfile');
    const [entries, done] = await Promise.all([entriesOf(context.stream), context.done]);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['.dockerignore', 'B.txt', 'Dockerfile', 'b.txt', 'bin/', 'bin/run', 'deep/', long, 'empty/', 'keep/important.txt', 'run-link', 'z-hardlink'],
    );
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.equal(byName.get('bin/run')?.mode, 0o755);
    assert.equal(byName.get('bin/run')?.content, '#!/bin/sh\n');
    assert.equal(byName.get('bin/')?.type, 'directory');
    assert.deepEqual([byName.get('run-link')?.type, byName.get('run-link')?.linkname], ['symlink', 'bin/run']);
    assert.deepEqual([byName.get('z-hardlink')?.type, byName.get('z-hardlink')?.linkname], ['link', 'b.txt']);
    assert.equal(byName.get('keep/important.txt')?.content, 'important');
    assert.equal(byName.get('b.txt')?.mtime?.toISOString(), '2024-01-02T03:04:05.000Z');
    assert.ok(entries.every((e) => e.uid === 0 && e.gid === 0));
    assert.equal(done.files, 8);
    assert.ok(done.bytes > 0 && done.bytes % 512 === 0);
  });

  it('skips sockets and fifos', async () => {
    write('Dockerfile', 'FROM scratch\n');
    const fifo = spawnSync('mkfifo', [join(root, 'fifo')]);
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(join(root, 'sock'), r));
    try {
      const names = (await entriesOf(createBuildContext(root, { dockerfile: 'Dockerfile' }).stream)).map((e) => e.name);
      assert.deepEqual(names, ['Dockerfile']);
      assert.equal(fifo.status, 0, 'mkfifo ran');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('sends an ignored Dockerfile and .dockerignore anyway', async () => {
    write('docker/app.Dockerfile', 'FROM scratch\n');
    write('docker/other', 'x');
    write('.dockerignore', '.dockerignore\ndocker\n');
    write('a', 'a');
    const context = createBuildContext(root, { dockerfile: join(root, 'docker/app.Dockerfile') });
    assert.equal(context.dockerfile, 'docker/app.Dockerfile');
    assert.deepEqual((await entriesOf(context.stream)).map((e) => e.name), ['.dockerignore', 'a', 'docker/app.Dockerfile']);
  });

  it('adds a Dockerfile from outside the context under a generated name, listed in the sent .dockerignore', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'berth-df-'));
    try {
      writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
      write('a', 'a');
      const context = createBuildContext(root, { dockerfile: join(outside, 'Dockerfile') });
      assert.match(context.dockerfile, /^\.dockerfile\.[0-9a-f]{20}$/);
      const entries = await entriesOf(context.stream);
      assert.deepEqual(entries.map((e) => e.name), ['a', '.dockerignore', context.dockerfile]);
      assert.equal(entries[1]?.content, `.dockerignore\n${context.dockerfile}\n`);
      assert.equal(entries[2]?.content, 'FROM scratch\nCOPY . /\n');
      assert.equal(entries[2]?.mode, 0o600);

      // With a .dockerignore of its own, the name is appended to it, in place.
      write('.dockerignore', '*.log');
      const again = createBuildContext(root, { dockerfile: join(outside, 'Dockerfile') });
      const second = await entriesOf(again.stream);
      assert.deepEqual(second.map((e) => e.name), ['.dockerignore', 'a', again.dockerfile]);
      assert.equal(second[0]?.content, `*.log\n${again.dockerfile}\n`);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('holds back while nobody reads: a few MB in flight, not the file', async () => {
    write('Dockerfile', 'FROM scratch\n');
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(64 * 1024 * 1024, 1));
    const context = createBuildContext(root, { dockerfile: 'Dockerfile' });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(context.stream.readableLength <= 4 * 1024 * 1024, `buffered ${context.stream.readableLength} bytes`);
    let total = 0;
    for await (const chunk of context.stream) total += (chunk as Buffer).length;
    const done = await context.done;
    assert.equal(total, done.bytes);
    assert.ok(total > 64 * 1024 * 1024);
  });

  it('reuses recycled chunks for later reads, and the content stays right', async () => {
    write('Dockerfile', 'FROM scratch\n');
    const a = randomBytes(5 * 1024 * 1024 + 123);
    const b = randomBytes(3 * 1024 * 1024 + 7);
    writeFileSync(join(root, 'a.bin'), a);
    writeFileSync(join(root, 'b.bin'), b);
    const context = createBuildContext(root, { dockerfile: 'Dockerfile' });
    const copies: Buffer[] = [];
    const memories = new Set<ArrayBufferLike>();
    let chunks = 0;
    // Flowing, like the upload: one 'data' per chunk, never merged.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        copies.push(Buffer.from(chunk));
        if (chunk.length >= 1024) {
          chunks++;
          memories.add(chunk.buffer);
        }
        // As a socket's write callback would: done with it once copied.
        context.recycle(chunk);
        callback();
      },
    });
    context.stream.pipe(sink);
    await Promise.all([context.done, new Promise((r) => sink.on('finish', r))]);
    assert.ok(memories.size < chunks / 2, `${chunks} content chunks in ${memories.size} buffers`);
    const entries = await entriesOf(Readable.from(copies));
    assert.equal(createHash('sha256').update(entries.find((e) => e.name === 'a.bin')?.raw ?? Buffer.alloc(0)).digest('hex'), createHash('sha256').update(a).digest('hex'));
    assert.equal(createHash('sha256').update(entries.find((e) => e.name === 'b.bin')?.raw ?? Buffer.alloc(0)).digest('hex'), createHash('sha256').update(b).digest('hex'));
    // Not ours: ignored.
    context.recycle(Buffer.alloc(16));
  });

  it('cancellation ends the stream with CancelledError and rejects done', async () => {
    write('Dockerfile', 'FROM scratch\n');
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(32 * 1024 * 1024, 1));
    const controller = new AbortController();
    const context = createBuildContext(root, { dockerfile: 'Dockerfile', signal: controller.signal });
    const errors: unknown[] = [];
    context.stream.on('error', (e) => errors.push(e));
    context.stream.once('data', () => controller.abort());
    context.stream.resume();
    await assert.rejects(context.done, CancelledError);
    await new Promise((r) => setImmediate(r));
    assert.ok(context.stream.destroyed);
    assert.ok(errors[0] instanceof CancelledError);
  });

  it('a consumer that destroys the stream stops the walk', async () => {
    write('Dockerfile', 'FROM scratch\n');
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(32 * 1024 * 1024, 1));
    const context = createBuildContext(root, { dockerfile: 'Dockerfile' });
    context.stream.once('data', () => context.stream.destroy());
    context.stream.resume();
    await assert.rejects(context.done, CancelledError);
  });

  it('a bad .dockerignore fails the stream and done with the line', async () => {
    write('Dockerfile', 'FROM scratch\n');
    write('.dockerignore', 'a\n[b\n');
    const context = createBuildContext(root, { dockerfile: 'Dockerfile' });
    context.stream.on('error', () => undefined);
    context.stream.resume();
    await assert.rejects(context.done, (e: unknown) => e instanceof DockerignoreSyntaxError && e.line === 2);
  });
});

describe('build output', () => {
  it('parses the classic builder\'s "Step N/M : instruction" lines', () => {
    assert.deepEqual(parseStepLine('Step 3/7 : RUN make -j4'), { step: 3, total: 7, instruction: 'RUN make -j4' });
    assert.deepEqual(parseStepLine('Step 12/12 : CMD ["sh"]\n'), { step: 12, total: 12, instruction: 'CMD ["sh"]' });
    assert.equal(parseStepLine(' ---> Running in 5c37c9b2113d\n'), undefined);
    assert.equal(parseStepLine('Step 1/2 : RUN a\nStep 2/2 : RUN b\n'), undefined);
    assert.equal(parseStepLine('echo Step 1/2 : x'), undefined);
  });

  // Captured from Docker 20.10.24 (classic builder), line for line, "\r" included.
  const failing = [
    '{"stream":"Step 1/3 : FROM berth-test/busybox:latest"}\r',
    '{"stream":"\\n"}\r',
    '{"stream":" ---\\u003e 8dc4046bdaf5\\n"}\r',
    '{"stream":"Step 2/3 : RUN echo ok"}\r',
    '{"stream":"\\n"}\r',
    '{"stream":" ---\\u003e Running in e6d5d5f2f303\\n"}\r',
    '{"stream":"ok\\n"}\r',
    '{"stream":"Removing intermediate container e6d5d5f2f303\\n"}\r',
    '{"stream":" ---\\u003e 97d5c6d7f791\\n"}\r',
    '{"stream":"Step 3/3 : RUN exit 3"}\r',
    '{"stream":"\\n"}\r',
    '{"stream":" ---\\u003e Running in e9aed0d98ec7\\n"}\r',
    '{"stream":"Removing intermediate container e9aed0d98ec7\\n"}\r',
    '{"errorDetail":{"code":3,"message":"The command \'/bin/sh -c exit 3\' returned a non-zero code: 3"},"error":"The command \'/bin/sh -c exit 3\' returned a non-zero code: 3"}\r',
  ];
  const succeeding = [
    '{"stream":"Step 1/2 : FROM berth-test/busybox:latest AS base"}\r',
    '{"stream":"\\n"}\r',
    '{"stream":"Step 2/2 : LABEL a=b"}\r',
    '{"stream":"\\n"}\r',
    '{"stream":" ---\\u003e 607f88d92ef9\\n"}\r',
    '{"aux":{"ID":"sha256:607f88d92ef9e59fcf8fc8c15aa99dcad5221302d78e5199f7f20ea9feff6a60"}}\r',
    '{"stream":"Successfully built 607f88d92ef9\\n"}\r',
    '{"stream":"Successfully tagged cap-label:latest\\n"}\r',
  ];

  it('turns a failing build into output, steps and an error that names the step', () => {
    const parser = new BuildOutputParser();
    const events: BuildEvent[] = failing.flatMap((l) => parser.line(l));
    assert.deepEqual(
      events.filter((e) => e.kind === 'step'),
      [
        { kind: 'step', step: 1, total: 3, instruction: 'FROM berth-test/busybox:latest' },
        { kind: 'step', step: 2, total: 3, instruction: 'RUN echo ok' },
        { kind: 'step', step: 3, total: 3, instruction: 'RUN exit 3' },
      ],
    );
    const output = events.flatMap((e) => (e.kind === 'output' ? [e.text] : [])).join('');
    assert.ok(output.startsWith('Step 1/3 : FROM berth-test/busybox:latest\n ---> 8dc4046bdaf5\n'));
    assert.ok(output.includes('ok\n'));
    assert.deepEqual(events.at(-1), { kind: 'error', message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" });
    assert.deepEqual(parser.error, { message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3", step: 3, instruction: 'RUN exit 3' });
    assert.equal(parser.imageId, undefined);
  });

  it('takes the image id from aux.ID', () => {
    const parser = new BuildOutputParser();
    const events = succeeding.flatMap((l) => parser.line(l));
    assert.deepEqual(events.filter((e) => e.kind === 'imageId'), [{ kind: 'imageId', id: 'sha256:607f88d92ef9e59fcf8fc8c15aa99dcad5221302d78e5199f7f20ea9feff6a60' }]);
    assert.equal(parser.imageId, 'sha256:607f88d92ef9e59fcf8fc8c15aa99dcad5221302d78e5199f7f20ea9feff6a60');
    assert.equal(parser.error, undefined);
  });

  it('falls back to "Successfully built" without aux, shows pull status lines, and passes non-JSON through', () => {
    const parser = new BuildOutputParser();
    assert.deepEqual(parser.line('{"status":"Downloading","progress":"[==>   ] 1MB/4MB","id":"abc123"}'), [{ kind: 'output', text: 'abc123: Downloading [==>   ] 1MB/4MB\n' }]);
    assert.deepEqual(parser.line('not json'), [{ kind: 'output', text: 'not json\n' }]);
    parser.line('{"stream":"Successfully built 0123456789ab\\n"}');
    assert.equal(parser.imageId, '0123456789ab');
  });

  it('takes the line of a parse error from the message', () => {
    const parser = new BuildOutputParser();
    parser.line('{"error":"dockerfile parse error line 7: unknown instruction: FOO"}');
    assert.deepEqual(parser.error, { message: 'dockerfile parse error line 7: unknown instruction: FOO', line: 7 });
  });
});

describe('failingInstructionLine', () => {
  it('maps step N to the line of the Nth instruction, skipping directives, comments and blank lines', () => {
    const text = ['# syntax=docker/dockerfile:1', '# escape=\\', '', '# a comment', 'ARG BASE=busybox', 'FROM $BASE', '', 'RUN echo one', '  # indented comment', 'RUN exit 3'].join('\n');
    assert.deepEqual(instructionStartLines(text), [4, 5, 7, 9]);
    assert.equal(failingInstructionLine(text, 1), 4);
    assert.equal(failingInstructionLine(text, 4), 9);
    assert.equal(failingInstructionLine(text, 5), undefined, 'a step past the file (the LABEL added for --label)');
    assert.equal(failingInstructionLine(text, 0), undefined);
  });

  it('counts a continued instruction once, through comments and empty lines inside it', () => {
    const text = ['FROM busybox', 'RUN apt-get update \\', '    # a comment inside', '', '    && apt-get install -y curl \\  ', '    && true', 'RUN exit 3'].join('\r\n');
    assert.deepEqual(instructionStartLines(text), [0, 1, 6]);
  });

  it('honours the escape directive', () => {
    const text = ['# escape=`', 'FROM windows', 'RUN dir `', '    c:\\', 'RUN exit 3'].join('\n');
    assert.deepEqual(instructionStartLines(text), [1, 2, 4]);
  });

  it('skips heredoc bodies', () => {
    const text = ['FROM busybox', 'RUN <<EOF', 'echo FROM inside', 'EOF', 'COPY <<-"END" /x', '\tRUN not an instruction', '\tEND', 'RUN exit 3'].join('\n');
    assert.deepEqual(instructionStartLines(text), [0, 1, 4, 7]);
  });

  it('a directive after the first comment is a comment', () => {
    const text = ['# hello', '# escape=`', 'FROM busybox', 'RUN a \\', 'b', 'RUN c'].join('\n');
    assert.deepEqual(instructionStartLines(text), [2, 3, 5]);
  });
});
