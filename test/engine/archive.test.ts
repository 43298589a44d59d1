/**
 * Container files through the archive endpoints against the private dockerd: stat, list, read,
 * write, create folders, copy both ways, on running and stopped containers and on a FROM scratch
 * image with no shell. Every container has network mode none and is removed afterwards.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import {
  ArchiveError,
  copyFromContainer,
  copyToContainer,
  createDirectory,
  deletePath,
  readDirectory,
  readFile,
  renamePath,
  statPath,
  writeFile,
} from '../../src/engine/archive';
import type { ArchiveProblem } from '../../src/engine/archive';
import { CancelledError, EngineUnavailableError, RequestFailedError } from '../../src/engine/errors';
import { TEST_IMAGE, runBusybox } from '../harness/dockerd';
import { withTimeout } from '../harness/time';
import { privateDockerd } from './hooks';

function unique(prefix: string): string {
  return `berth-test-${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

const SETUP = [
  'mkdir -p /data/sub',
  'echo hello > /data/a.txt',
  'chmod 640 /data/a.txt',
  'chown 12:34 /data/a.txt',
  'echo x > /data/sub/b',
  'ln -s a.txt /data/link',
  'ln -s sub /data/subl',
  'ln -s /etc /data/evil',
  'ln -s ../../../.. /data/up',
].join(' && ');

function assertProblem(problem: ArchiveProblem): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof ArchiveError, `expected ArchiveError(${problem}), got ${String(error)}`);
    assert.equal(error.problem, problem, error.message);
    assert.equal(error.kind, 'request-failed');
    return true;
  };
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** The payloads of a non-TTY log: frames of an 8-byte header (stream, 0, 0, 0, size) and data. */
function demultiplex(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

describe('container files over the archive API (private dockerd)', function () {
  this.timeout(60_000);
  let docker: Docker;
  /** Running `sleep`, with /data set up. */
  let running: Docker.Container;
  /** Exited after setting /data up; prints /data's text files when started again. */
  let stopped: Docker.Container;
  const containers: Docker.Container[] = [];
  const temps: string[] = [];

  function temp(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `berth-files-${prefix}-`));
    temps.push(dir);
    return dir;
  }

  /** Runs a shell command in the running container (a test-side check, not what Berth does). */
  async function sh(container: Docker.Container, script: string): Promise<string> {
    const exec = await container.exec({ Cmd: ['sh', '-c', script], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    docker.modem.demuxStream(stream, out, out);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    return Buffer.concat(chunks).toString('utf8');
  }

  async function waitForFile(container: Docker.Container, path: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await statPath(docker, container.id, path);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  before(async () => {
    docker = privateDockerd().docker;
    running = await runBusybox(docker, unique('files-run'), ['sh', '-c', `${SETUP} && exec sleep 600`]);
    containers.push(running);
    stopped = await runBusybox(docker, unique('files-stop'), ['sh', '-c', `[ -e /data/a.txt ] || (${SETUP}); for f in /data/*.txt; do echo "== $f $(stat -c %a:%u:%g $f)"; cat $f; done`]);
    containers.push(stopped);
    await stopped.wait();
    await waitForFile(running, '/data/up');
  });

  after(async () => {
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  describe('stat', () => {
    it('stats a file, a folder, a symlink and the root', async () => {
      const file = await statPath(docker, running.id, '/data/a.txt');
      assert.deepEqual([file.path, file.name, file.kind, file.size, file.mode], ['/data/a.txt', 'a.txt', 'file', 6, 0o640]);
      assert.ok(Math.abs(file.mtime - Date.now()) < 10 * 60_000, `a recent mtime: ${new Date(file.mtime).toISOString()}`);
      const dir = await statPath(docker, running.id, '/data/');
      assert.deepEqual([dir.path, dir.kind, dir.mode], ['/data', 'directory', 0o755]);
      const link = await statPath(docker, running.id, '/bin/sh');
      assert.deepEqual([link.kind, link.linkTarget], ['symlink', '/bin/busybox']);
      const relative = await statPath(docker, running.id, '/data/link');
      assert.deepEqual([relative.kind, relative.linkTarget], ['symlink', '/data/a.txt']);
      const root = await statPath(docker, running.id, '/');
      assert.equal(root.kind, 'directory');
    });

    it('says not-found (404) for a missing path or container', async () => {
      await assert.rejects(statPath(docker, running.id, '/nope'), (error: unknown) => {
        assertProblem('not-found')(error);
        assert.equal((error as ArchiveError).statusCode, 404);
        assert.match((error as ArchiveError).message, /\/nope/);
        return true;
      });
      await assert.rejects(statPath(docker, 'no-such-container', '/data'), assertProblem('not-found'));
      await assert.rejects(readFile(docker, 'no-such-container', '/data/a.txt'), assertProblem('not-found'));
      await assert.rejects(readFile(docker, running.id, '/nope/x'), assertProblem('not-found'));
    });

    it('refuses a path that is not absolute, and a container id that could reach another endpoint', async () => {
      await assert.rejects(statPath(docker, running.id, 'data/a.txt'), assertProblem('bad-path'));
      await assert.rejects(statPath(docker, running.id, '../etc/passwd'), assertProblem('bad-path'));
      await assert.rejects(readFile(docker, running.id, '/data/a.txt\0x'), assertProblem('bad-path'));
      await assert.rejects(statPath(docker, '../images/x', '/'), assertProblem('bad-path'));
      await assert.rejects(readDirectory(docker, `${running.id}/../..`, '/'), assertProblem('bad-path'));
      // `..` inside an absolute path stays inside the container: it is normalized, not refused.
      assert.equal((await statPath(docker, running.id, '/data/../../../data/a.txt')).path, '/data/a.txt');
    });
  });

  describe('readDirectory', () => {
    it('lists /bin: busybox, and sh as a symlink', async () => {
      const listing = await readDirectory(docker, running.id, '/bin');
      assert.equal(listing.truncated, false);
      const busybox = listing.entries.find((e) => e.name === 'busybox');
      const sh = listing.entries.find((e) => e.name === 'sh');
      assert.equal(busybox?.kind, 'file');
      assert.ok((busybox?.size ?? 0) > 500_000, `busybox is a big static binary: ${busybox?.size}`);
      assert.equal(busybox?.mode, 0o755);
      assert.deepEqual([sh?.kind, sh?.linkTarget], ['symlink', '/bin/busybox']);
      assert.ok(listing.entries.length > 100, `busybox installs its applets: ${listing.entries.length}`);
    });

    it('lists only direct children, through a symlinked folder too, and lists /', async () => {
      const data = await readDirectory(docker, running.id, '/data');
      assert.deepEqual(data.entries.map((e) => e.name).sort(), ['a.txt', 'evil', 'link', 'sub', 'subl', 'up']);
      assert.equal(data.entries.find((e) => e.name === 'sub')?.kind, 'directory');
      assert.deepEqual(data.entries.find((e) => e.name === 'a.txt'), { name: 'a.txt', kind: 'file', size: 6, mode: 0o640, mtime: data.entries.find((e) => e.name === 'a.txt')?.mtime });
      const viaLink = await readDirectory(docker, running.id, '/data/subl');
      assert.equal(viaLink.path, '/data/sub');
      assert.deepEqual(viaLink.entries.map((e) => e.name), ['b']);
      const root = await readDirectory(docker, stopped.id, '/');
      const names = root.entries.map((e) => e.name);
      for (const name of ['bin', 'data', 'etc', 'proc']) assert.ok(names.includes(name), `/ has ${name}: ${names.join(' ')}`);
      assert.ok(!names.some((n) => n.includes('/')), 'no nested names');
    });

    it('stops reading a big subtree and reports the listing as partial', async () => {
      const byEntries = await readDirectory(docker, stopped.id, '/', { maxEntries: 10 });
      assert.equal(byEntries.truncated, true);
      assert.equal(byEntries.scannedEntries, 10);
      assert.ok(byEntries.entries.length < 10);
      const byBytes = await readDirectory(docker, running.id, '/bin', { maxBytes: 100_000 });
      assert.equal(byBytes.truncated, true);
      assert.ok(byBytes.scannedBytes <= 100_000 + 65_536, `stopped near the limit: ${byBytes.scannedBytes}`);
      // The engine holds a container's lock while it sends an archive: stopping early must close
      // the response, or every later call on these containers would hang.
      assert.equal((await statPath(docker, running.id, '/bin', { timeoutMs: 5000 })).kind, 'directory');
      assert.equal(text(await readFile(docker, stopped.id, '/data/sub/b', { timeoutMs: 5000 })), 'x\n');
    });

    it('refuses a file', async () => {
      await assert.rejects(readDirectory(docker, running.id, '/data/a.txt'), assertProblem('not-directory'));
      await assert.rejects(readDirectory(docker, running.id, '/nope'), assertProblem('not-found'));
    });
  });

  describe('readFile', () => {
    it('reads a file, and a file through a symlink', async () => {
      assert.equal(text(await readFile(docker, running.id, '/data/a.txt')), 'hello\n');
      assert.equal(text(await readFile(docker, running.id, '/data/link')), 'hello\n');
      assert.equal(text(await readFile(docker, running.id, '/data/subl/b')), 'x\n');
    });

    it('refuses a folder and a file over the limit', async () => {
      await assert.rejects(readFile(docker, running.id, '/data'), assertProblem('is-directory'));
      await assert.rejects(readFile(docker, running.id, '/bin/busybox', { maxBytes: 1000 }), (error: unknown) => {
        assertProblem('too-large')(error);
        assert.equal((error as ArchiveError).size?.limit, 1000);
        assert.ok(((error as ArchiveError).size?.actual ?? 0) > 1000);
        return true;
      });
    });
  });

  describe('writeFile and createDirectory', () => {
    it('writes a new file (mode 0644, owned like its folder), read back by the container', async () => {
      await sh(running, 'mkdir /data/owned && chown 7:8 /data/owned');
      await writeFile(docker, running.id, '/data/new.txt', Buffer.from('brand new\n'));
      await writeFile(docker, running.id, '/data/owned/n.txt', new TextEncoder().encode('ü\n'));
      assert.equal(await sh(running, 'cat /data/new.txt; stat -c %a:%u:%g /data/new.txt'), 'brand new\n644:0:0\n');
      assert.equal(await sh(running, 'cat /data/owned/n.txt; stat -c %a:%u:%g /data/owned/n.txt'), 'ü\n644:7:8\n');
    });

    it('writes a file of several megabytes (sent in slices) and an empty one, unchanged', async () => {
      const big = randomBytes(3 * 1024 * 1024 + 17);
      await writeFile(docker, running.id, '/data/big-write.bin', big);
      const back = await readFile(docker, running.id, '/data/big-write.bin');
      assert.equal(createHash('sha256').update(back).digest('hex'), createHash('sha256').update(big).digest('hex'));
      await writeFile(docker, running.id, '/data/empty.txt', new Uint8Array(0));
      assert.equal((await readFile(docker, running.id, '/data/empty.txt')).byteLength, 0);
    });

    it('overwrites an existing file keeping its mode and owner, and writes through a symlink', async () => {
      await writeFile(docker, running.id, '/data/a.txt', Buffer.from('changed\n'));
      assert.equal(await sh(running, 'cat /data/a.txt; stat -c %a:%u:%g /data/a.txt'), 'changed\n640:12:34\n');
      await sh(running, 'echo "#!/bin/sh" > /data/tool && chmod 4751 /data/tool');
      await writeFile(docker, running.id, '/data/tool', Buffer.from('#!/bin/sh\necho v2\n'));
      assert.equal(await sh(running, 'stat -c %a /data/tool; /data/tool'), '4751\nv2\n');
      await writeFile(docker, running.id, '/data/link', Buffer.from('via link\n'));
      assert.equal(await sh(running, 'cat /data/a.txt; readlink /data/link'), 'via link\na.txt\n');
      await writeFile(docker, running.id, '/data/empty', new Uint8Array(0));
      assert.equal(await sh(running, 'wc -c < /data/empty'), '0\n');
    });

    it('refuses to write over a folder or into a missing folder', async () => {
      await assert.rejects(writeFile(docker, running.id, '/data/sub', Buffer.from('x')), assertProblem('is-directory'));
      await assert.rejects(writeFile(docker, running.id, '/', Buffer.from('x')), assertProblem('is-directory'));
      await assert.rejects(writeFile(docker, running.id, '/nope/x.txt', Buffer.from('x')), assertProblem('not-found'));
      await assert.rejects(writeFile(docker, running.id, '/data/a.txt/x', Buffer.from('x')), assertProblem('not-directory'));
      await assert.rejects(statPath(docker, running.id, '/data/a.txt/x'), assertProblem('not-directory'));
      assert.equal(await sh(running, 'ls /data/sub'), 'b\n');
    });

    it('creates a folder once, in an existing parent', async () => {
      await createDirectory(docker, running.id, '/data/made');
      assert.equal((await statPath(docker, running.id, '/data/made')).kind, 'directory');
      assert.equal(await sh(running, 'stat -c %a:%u:%g /data/made'), '755:0:0\n');
      await assert.rejects(createDirectory(docker, running.id, '/data/made'), assertProblem('exists'));
      await assert.rejects(createDirectory(docker, running.id, '/data/a.txt'), assertProblem('exists'));
      await assert.rejects(createDirectory(docker, running.id, '/nope/deeper'), assertProblem('not-found'));
    });

    it('says delete and rename are not supported', async () => {
      await assert.rejects(deletePath(docker, running.id, '/data/a.txt'), assertProblem('unsupported'));
      await assert.rejects(renamePath(docker, running.id, '/data/a.txt'), assertProblem('unsupported'));
    });
  });

  it('works on a stopped container: the container sees the files when started again', async () => {
    const info = await stopped.inspect();
    assert.equal(info.State.Running, false);
    assert.equal(text(await readFile(docker, stopped.id, '/data/a.txt')), 'hello\n');
    await writeFile(docker, stopped.id, '/data/a.txt', Buffer.from('edited while stopped\n'));
    await writeFile(docker, stopped.id, '/data/b.txt', Buffer.from('new while stopped\n'));
    await createDirectory(docker, stopped.id, '/data/newdir');
    assert.equal(text(await readFile(docker, stopped.id, '/data/b.txt')), 'new while stopped\n');
    await stopped.start();
    await stopped.wait();
    const logs = demultiplex(await stopped.logs({ stdout: true, stderr: true }));
    const lastRun = logs.slice(logs.lastIndexOf('== /data/a.txt'));
    assert.match(lastRun, /== \/data\/a\.txt 640:12:34\s+edited while stopped/);
    assert.match(lastRun, /== \/data\/b\.txt 644:0:0\s+new while stopped/);
  });

  describe('an image FROM scratch with no shell', () => {
    const tag = `berth-test/noshell:${Date.now().toString(36)}`;
    let bare: Docker.Container;

    before(async () => {
      const context = temp('noshell');
      writeFileSync(join(context, 'hello.txt'), 'hello from scratch\n');
      writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\nCMD ["/nothing"]\n');
      const stream = await docker.buildImage({ context, src: ['Dockerfile', 'hello.txt'] }, { t: tag, rm: true, forcerm: true });
      const output = await new Promise<Array<{ error?: string }>>((resolve, reject) => {
        docker.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string }>) => (err ? reject(err) : resolve(res)));
      });
      assert.equal(output.find((o) => o.error)?.error, undefined);
      // Created, never started: there is nothing in it that could run.
      bare = await docker.createContainer({ name: unique('noshell'), Image: tag, Labels: { 'berth.test': '1' }, HostConfig: { NetworkMode: 'none' } });
      containers.push(bare);
    });

    after(async () => {
      await bare?.remove({ force: true }).catch(() => undefined);
      await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    });

    it('reads, lists, writes and creates folders without any program in the container', async () => {
      assert.equal((await bare.inspect()).State.Status, 'created');
      assert.equal(text(await readFile(docker, bare.id, '/hello.txt')), 'hello from scratch\n');
      await writeFile(docker, bare.id, '/written.txt', Buffer.from('written by berth\n'));
      await writeFile(docker, bare.id, '/hello.txt', Buffer.from('hello, edited\n'));
      await createDirectory(docker, bare.id, '/made');
      await writeFile(docker, bare.id, '/made/inner.txt', Buffer.from('inner\n'));
      assert.equal(text(await readFile(docker, bare.id, '/written.txt')), 'written by berth\n');
      assert.equal(text(await readFile(docker, bare.id, '/hello.txt')), 'hello, edited\n');
      assert.equal((await statPath(docker, bare.id, '/hello.txt')).mode, 0o644);
      const names = (await readDirectory(docker, bare.id, '/')).entries.map((e) => e.name);
      for (const name of ['hello.txt', 'written.txt', 'made']) assert.ok(names.includes(name), `/ has ${name}: ${names.join(' ')}`);
      assert.ok(!names.includes('bin'), 'no busybox in this image');
      const host = temp('noshell-copy');
      const result = await copyFromContainer(docker, bare.id, '/made', host);
      assert.equal(result.files, 1);
      assert.equal(readFileSync(join(host, 'made', 'inner.txt'), 'utf8'), 'inner\n');
    });
  });

  describe('copyFromContainer', () => {
    it('copies a folder into a host folder, refusing the links that lead outside', async () => {
      const base = temp('from');
      const target = join(base, 'deep', 'target');
      const result = await copyFromContainer(docker, stopped.id, '/data', target);
      assert.deepEqual(
        result.refused.map((r) => [r.name, r.reason]),
        [
          ['data/evil', 'link-escapes'],
          ['data/up', 'link-escapes'],
        ],
      );
      assert.deepEqual(readdirSync(base), ['deep']);
      assert.deepEqual(readdirSync(join(base, 'deep')), ['target']);
      assert.equal(readFileSync(join(target, 'data', 'sub', 'b'), 'utf8'), 'x\n');
      assert.equal(statSync(join(target, 'data', 'a.txt')).mode & 0o777, 0o640);
      assert.equal(readlinkSync(join(target, 'data', 'link')), 'a.txt');
      assert.equal(readlinkSync(join(target, 'data', 'subl')), 'sub');
      assert.equal(existsSync(join(target, 'data', 'evil')), false);
      assert.equal(existsSync(join(target, 'data', 'up')), false);
    });

    it('copies a single file, and the root as its contents', async () => {
      const host = temp('from-file');
      const one = await copyFromContainer(docker, running.id, '/data/sub/b', host);
      assert.deepEqual([one.files, one.directories], [1, 0]);
      assert.equal(readFileSync(join(host, 'b'), 'utf8'), 'x\n');
      const rootCopy = temp('from-root');
      const all = await copyFromContainer(docker, stopped.id, '/', rootCopy);
      assert.equal(statSync(join(rootCopy, 'bin', 'busybox')).size, statSync('/bin/busybox').size);
      // Absolute links point into the container, which on this computer means outside the copy.
      assert.throws(() => lstatSync(join(rootCopy, 'bin', 'sh')), /ENOENT/);
      assert.ok(all.refused.some((r) => r.name === './bin/sh' && r.reason === 'link-escapes' && r.linkTarget === '/bin/busybox'));
      assert.ok(existsSync(join(rootCopy, 'data', 'sub', 'b')));
    });

    it('reports a missing path, and stops when cancelled', async () => {
      await assert.rejects(copyFromContainer(docker, running.id, '/nope', temp('from-missing')), assertProblem('not-found'));
      const controller = new AbortController();
      await assert.rejects(
        copyFromContainer(docker, running.id, '/bin', temp('from-cancel'), { signal: controller.signal, onProgress: () => controller.abort() }),
        (error: unknown) => error instanceof CancelledError,
      );
      const aborted = new AbortController();
      aborted.abort();
      await assert.rejects(readDirectory(docker, running.id, '/', { signal: aborted.signal }), (error: unknown) => error instanceof CancelledError);
      await assert.rejects(readDirectory(docker, stopped.id, '/', { timeoutMs: 1 }), (error: unknown) => error instanceof EngineUnavailableError && error.reason === 'timeout');
    });
  });

  describe('copyToContainer', () => {
    it('copies a host folder with modes and symlinks into a container folder', async () => {
      const host = temp('to');
      const tree = join(host, 'tree');
      mkdirSync(join(tree, 'sub'), { recursive: true });
      writeFileSync(join(tree, 'b.txt'), 'bee\n', { mode: 0o600 });
      writeFileSync(join(tree, 'sub', 'c.txt'), 'sea\n');
      symlinkSync('b.txt', join(tree, 'link'));
      const result = await copyToContainer(docker, running.id, tree, '/data');
      assert.deepEqual([result.files, result.directories, result.symlinks, result.bytes], [2, 2, 1, 8]);
      assert.equal(await sh(running, 'cat /data/tree/b.txt /data/tree/sub/c.txt; stat -c %a:%u:%g /data/tree/b.txt; readlink /data/tree/link'), 'bee\nsea\n600:0:0\nb.txt\n');
      const single = await copyToContainer(docker, stopped.id, join(tree, 'sub', 'c.txt'), '/data/sub');
      assert.equal(single.files, 1);
      assert.equal(text(await readFile(docker, stopped.id, '/data/sub/c.txt')), 'sea\n');
    });

    it('streams a big file both ways unchanged', async () => {
      const host = temp('to-big');
      const content = randomBytes(20 * 1024 * 1024);
      writeFileSync(join(host, 'big.bin'), content);
      let progress = 0;
      await copyToContainer(docker, running.id, join(host, 'big.bin'), '/data', { onProgress: (bytes) => (progress = bytes) });
      assert.ok(progress >= content.length, `progress reported: ${progress}`);
      const back = await readFile(docker, running.id, '/data/big.bin');
      assert.equal(createHash('sha256').update(back).digest('hex'), createHash('sha256').update(content).digest('hex'));
      const out = temp('from-big');
      await copyFromContainer(docker, running.id, '/data/big.bin', out);
      assert.ok(readFileSync(join(out, 'big.bin')).equals(content));
    });

    it('ends promptly when cancelled mid-upload of a big file, and when the engine refuses it mid-way', async () => {
      const host = temp('to-cancel');
      writeFileSync(join(host, 'big.bin'), randomBytes(64 * 1024 * 1024));
      const controller = new AbortController();
      const started = Date.now();
      await assert.rejects(
        withTimeout(
          copyToContainer(docker, running.id, join(host, 'big.bin'), '/data', { signal: controller.signal, onProgress: (bytes) => bytes > 1024 * 1024 && controller.abort() }),
          20_000,
          'the cancelled copy to end',
        ),
        (error: unknown) => error instanceof CancelledError,
      );
      assert.ok(Date.now() - started < 20_000);
      // A stopped container with a read-only root refuses the upload: the copy ends with that answer.
      const readOnly = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ['true'], Labels: { 'berth.test': '1' }, HostConfig: { NetworkMode: 'none', ReadonlyRootfs: true } });
      try {
        await assert.rejects(
          withTimeout(copyToContainer(docker, readOnly.id, join(host, 'big.bin'), '/'), 60_000, 'the refused copy to end'),
          (error: unknown) => error instanceof RequestFailedError,
        );
      } finally {
        await readOnly.remove({ force: true });
      }
    });

    it('refuses a missing container folder, a file as the folder, and a missing host path', async () => {
      const host = temp('to-bad');
      writeFileSync(join(host, 'f.txt'), 'f');
      await assert.rejects(copyToContainer(docker, running.id, join(host, 'f.txt'), '/nope'), assertProblem('not-found'));
      await assert.rejects(copyToContainer(docker, running.id, join(host, 'f.txt'), '/data/sub/b'), assertProblem('not-directory'));
      await assert.rejects(copyToContainer(docker, running.id, join(host, 'missing'), '/data'), assertProblem('host-io'));
    });
  });
});
