/**
 * Extraction of untrusted container archives: the lexical checks of `safeEntryPath`, then real
 * extractions of hand-built malicious tars into a temp folder, checking that nothing appears
 * outside it. Links that would be followed point at a sentinel folder we own (or at a name in
 * /etc that must never exist), so a regression here cannot damage the machine.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { formatMessage } from '../../src/l10n';
import { describeRefusal, extractTar, safeEntryPath, symlinkStaysInside } from '../../src/files/safeExtract';
import type { ExtractResult, RefusalReason } from '../../src/files/safeExtract';

type TarHeader = Partial<tar.Header> & { name: string };

/** A tar built entry by entry, names and link targets exactly as given (no normalizing). */
async function tarOf(entries: Array<{ header: TarHeader; body?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const { header, body } of entries) {
    if (body !== undefined) pack.entry({ type: 'file', ...header }, body);
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function file(name: string, body: string, mode?: number): { header: TarHeader; body: string } {
  return { header: mode === undefined ? { name } : { name, mode }, body };
}
function dir(name: string, mode?: number): { header: TarHeader } {
  return { header: mode === undefined ? { name, type: 'directory' } : { name, type: 'directory', mode } };
}
function symlink(name: string, linkname: string): { header: TarHeader } {
  return { header: { name, type: 'symlink', linkname } };
}
function hardlink(name: string, linkname: string): { header: TarHeader } {
  return { header: { name, type: 'link', linkname } };
}

/** Every path under `root`, relative, with `/` separators, sorted; symlinks are not followed. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      out.push(relative(root, child).split(sep).join('/'));
      if (lstatSync(child).isDirectory()) walk(child);
    }
  };
  walk(root);
  return out.sort();
}

function refusedOf(result: ExtractResult): Array<[string, RefusalReason]> {
  return result.refused.map((r) => [r.name, r.reason]);
}

describe('safeEntryPath (pure)', () => {
  const root = join(tmpdir(), 'berth-target');

  it('places ordinary names under the target', () => {
    assert.equal(safeEntryPath(root, 'a.txt'), join(root, 'a.txt'));
    assert.equal(safeEntryPath(root, 'dir/sub/f'), join(root, 'dir', 'sub', 'f'));
    assert.equal(safeEntryPath(root, './x'), join(root, 'x'));
    assert.equal(safeEntryPath(root, 'dir/'), join(root, 'dir'));
    assert.equal(safeEntryPath(root, 'a/../b'), join(root, 'b'));
    assert.equal(safeEntryPath(root, 'a//b/./c'), join(root, 'a', 'b', 'c'));
    assert.equal(safeEntryPath(root, './'), root);
  });

  it('refuses names that climb out with ..', () => {
    assert.deepEqual(safeEntryPath(root, '../../etc/passwd'), { refused: 'escapes' });
    assert.deepEqual(safeEntryPath(root, '..'), { refused: 'escapes' });
    assert.deepEqual(safeEntryPath(root, 'a/../../x'), { refused: 'escapes' });
    assert.deepEqual(safeEntryPath(root, 'a/b/../../../x'), { refused: 'escapes' });
    assert.deepEqual(safeEntryPath(root, './../x'), { refused: 'escapes' });
  });

  it('refuses absolute names, drive letters and UNC paths', () => {
    assert.deepEqual(safeEntryPath(root, '/etc/x'), { refused: 'absolute' });
    assert.deepEqual(safeEntryPath(root, '//etc/x'), { refused: 'absolute' });
    assert.deepEqual(safeEntryPath(root, 'C:\\Windows\\x'), { refused: 'absolute' });
    assert.deepEqual(safeEntryPath(root, 'c:/x'), { refused: 'absolute' });
    assert.deepEqual(safeEntryPath(root, 'C:x'), { refused: 'absolute' });
    assert.deepEqual(safeEntryPath(root, '\\\\server\\share\\x'), { refused: 'absolute' });
    assert.deepEqual(safeEntryPath(root, '\\etc\\x'), { refused: 'absolute' });
  });

  it('treats a backslash as a separator, so Windows-style escapes are caught too', () => {
    assert.deepEqual(safeEntryPath(root, '..\\..\\x'), { refused: 'escapes' });
    assert.deepEqual(safeEntryPath(root, 'a\\..\\..\\x'), { refused: 'escapes' });
    assert.deepEqual(safeEntryPath(root, 'a/..\\..\\x'), { refused: 'escapes' });
    assert.equal(safeEntryPath(root, 'a\\b'), join(root, 'a', 'b'));
  });

  it('refuses empty names and NUL bytes', () => {
    assert.deepEqual(safeEntryPath(root, ''), { refused: 'invalid' });
    assert.deepEqual(safeEntryPath(root, 'a\0/../../x'), { refused: 'invalid' });
  });

  it('refuses symlinks whose target leaves the target folder, from the link\'s own folder', () => {
    assert.deepEqual(safeEntryPath(root, 'a', '/etc'), { refused: 'link-escapes' });
    assert.deepEqual(safeEntryPath(root, 'a', '../x'), { refused: 'link-escapes' });
    assert.deepEqual(safeEntryPath(root, 'd/a', '../../x'), { refused: 'link-escapes' });
    assert.deepEqual(safeEntryPath(root, 'a', '..\\..\\x'), { refused: 'link-escapes' });
    assert.deepEqual(safeEntryPath(root, 'a', 'C:\\Windows'), { refused: 'link-escapes' });
    assert.deepEqual(safeEntryPath(root, 'a', 'sub/../../..'), { refused: 'link-escapes' });
    assert.deepEqual(safeEntryPath(root, 'a', ''), { refused: 'invalid' });
    assert.deepEqual(safeEntryPath(root, './', 'x'), { refused: 'conflict' });
    // Inside: relative to the link's folder.
    assert.equal(safeEntryPath(root, 'd/a', '../x'), join(root, 'd', 'a'));
    assert.equal(safeEntryPath(root, 'a', 'b/c'), join(root, 'a'));
    assert.equal(safeEntryPath(root, 'a', '.'), join(root, 'a'));
  });

  it('resolves hard links from the archive root, not from the entry\'s folder', () => {
    assert.deepEqual(safeEntryPath(root, 'a', '../x', 'hardlink'), { refused: 'link-escapes' });
    assert.deepEqual(safeEntryPath(root, 'd/a', '../x', 'hardlink'), { refused: 'link-escapes' });
    assert.deepEqual(safeEntryPath(root, 'a', '/etc/passwd', 'hardlink'), { refused: 'link-escapes' });
    assert.equal(safeEntryPath(root, 'd/a', 'x', 'hardlink'), join(root, 'd', 'a'));
    assert.equal(safeEntryPath(root, 'd/a', 'd/../x', 'hardlink'), join(root, 'd', 'a'));
  });

  it('words every refusal', () => {
    const reasons: RefusalReason[] = ['absolute', 'escapes', 'link-escapes', 'through-symlink', 'invalid', 'conflict'];
    for (const reason of reasons) {
      const text = describeRefusal(reason, 'x/y', formatMessage);
      assert.match(text, /^x\/y was not extracted: /);
    }
  });
});

describe('extractTar on a temp folder', () => {
  let base: string;
  let target: string;
  let outside: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'berth-extract-'));
    // Deep enough that `../../x` still lands inside `base`, where the test can see it.
    target = join(base, 'one', 'two', 'target');
    outside = join(base, 'outside');
    mkdirSync(target, { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'victim'), 'original');
  });

  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  /** Everything under `base` that is not under the target: only the sentinel may be there. */
  function assertNothingOutside(): void {
    const strays = tree(base).filter((p) => !p.startsWith('one/two/target/') && !['one', 'one/two', 'one/two/target', 'outside', 'outside/victim'].includes(p));
    assert.deepEqual(strays, []);
    assert.equal(readFileSync(join(outside, 'victim'), 'utf8'), 'original');
    assert.equal(existsSync('/etc/berth-test-must-not-exist'), false);
  }

  it('extracts files, folders, symlinks and hard links with their modes', async () => {
    const archive = await tarOf([
      dir('data/', 0o750),
      file('data/a.txt', 'hello\n', 0o640),
      file('data/run.sh', '#!/bin/sh\n', 0o4755),
      dir('data/ro/', 0o555),
      file('data/ro/inside', 'x', 0o444),
      symlink('data/link', 'a.txt'),
      symlink('data/ro/up', '../a.txt'),
      hardlink('data/hard', 'data/a.txt'),
    ]);
    const result = await extractTar(Readable.from([archive]), target);
    assert.deepEqual(result.refused, []);
    assert.deepEqual([result.files, result.directories, result.symlinks, result.hardlinks, result.bytes], [3, 2, 2, 1, 17]);
    assert.deepEqual(tree(target), ['data', 'data/a.txt', 'data/hard', 'data/link', 'data/ro', 'data/ro/inside', 'data/ro/up', 'data/run.sh']);
    assert.equal(readFileSync(join(target, 'data/a.txt'), 'utf8'), 'hello\n');
    assert.equal(statSync(join(target, 'data/a.txt')).mode & 0o7777, 0o640);
    // setuid is not carried over to the host.
    assert.equal(statSync(join(target, 'data/run.sh')).mode & 0o7777, 0o755);
    assert.equal(statSync(join(target, 'data')).mode & 0o7777, 0o750);
    assert.equal(statSync(join(target, 'data/ro')).mode & 0o7777, 0o555);
    assert.equal(readlinkSync(join(target, 'data/link')), 'a.txt');
    assert.equal(readFileSync(join(target, 'data/ro/up'), 'utf8'), 'hello\n');
    assert.equal(statSync(join(target, 'data/hard')).ino, statSync(join(target, 'data/a.txt')).ino);
    assertNothingOutside();
  });

  it('writes nothing outside the target folder for a hand-built malicious tar', async () => {
    const archive = await tarOf([
      file('ok.txt', 'fine'),
      file('../../etc/passwd', 'pwned'),
      file('../outside.txt', 'pwned'),
      file('a/../../x', 'pwned'),
      file('/etc/berth-test-must-not-exist', 'pwned'),
      file(`${outside}/victim`, 'pwned'),
      file('..\\..\\win.txt', 'pwned'),
      // A symlink to a folder outside, then a file through it.
      symlink('evil', outside),
      file('evil/victim', 'pwned'),
      symlink('etc', '/etc'),
      file('etc/berth-test-must-not-exist', 'pwned'),
      symlink('up', '../../..'),
      file('up/outside/victim', 'pwned'),
      // Hard links to files outside.
      hardlink('h1', '../../../outside/victim'),
      hardlink('h2', `${outside}/victim`),
      hardlink('h3', '/etc/passwd'),
    ]);
    const result = await extractTar(Readable.from([archive]), target);
    assertNothingOutside();
    assert.deepEqual(refusedOf(result), [
      ['../../etc/passwd', 'escapes'],
      ['../outside.txt', 'escapes'],
      ['a/../../x', 'escapes'],
      ['/etc/berth-test-must-not-exist', 'absolute'],
      [`${outside}/victim`, 'absolute'],
      ['..\\..\\win.txt', 'escapes'],
      ['evil', 'link-escapes'],
      ['etc', 'link-escapes'],
      ['up', 'link-escapes'],
      ['h1', 'link-escapes'],
      ['h2', 'link-escapes'],
      ['h3', 'link-escapes'],
    ]);
    // The refused links were never created, so their "contents" became plain folders inside.
    assert.deepEqual(tree(target), ['etc', 'etc/berth-test-must-not-exist', 'evil', 'evil/victim', 'ok.txt', 'up', 'up/outside', 'up/outside/victim']);
    assert.equal(lstatSync(join(target, 'evil')).isDirectory(), true);
  });

  it('never writes through a symlink already on disk, and replaces a link rather than following it', async () => {
    symlinkSync(outside, join(target, 'pre'));
    symlinkSync(join(outside, 'victim'), join(target, 'same-name'));
    const archive = await tarOf([file('pre/victim', 'pwned'), dir('pre/'), file('same-name', 'new content'), hardlink('h', 'pre/victim')]);
    const result = await extractTar(Readable.from([archive]), target);
    assertNothingOutside();
    assert.deepEqual(refusedOf(result), [
      ['pre/victim', 'through-symlink'],
      ['pre/', 'through-symlink'],
      ['h', 'link-escapes'],
    ]);
    assert.equal(lstatSync(join(target, 'same-name')).isFile(), true);
    assert.equal(readFileSync(join(target, 'same-name'), 'utf8'), 'new content');
  });

  it('removes a chain of links that is lexically inside but leads outside on disk', async () => {
    const archive = await tarOf([
      symlink('c1', '.'),
      // c1/.. reads as the target folder, but c1 is the target folder itself, so it is the parent.
      symlink('c2', 'c1/..'),
      file('c2/escaped', 'pwned'),
      dir('d/'),
      symlink('d/self', '../d'),
      symlink('loop1', 'loop2'),
      symlink('loop2', 'loop1'),
      symlink('dangling', 'missing/deeper'),
    ]);
    const result = await extractTar(Readable.from([archive]), target);
    assertNothingOutside();
    assert.deepEqual(refusedOf(result), [
      ['c2/escaped', 'through-symlink'],
      ['c2', 'link-escapes'],
      ['loop1', 'link-escapes'],
      ['loop2', 'link-escapes'],
    ]);
    assert.deepEqual(tree(target), ['c1', 'd', 'd/self', 'dangling']);
    assert.equal(result.symlinks, 3);
    assert.equal(await symlinkStaysInside(target, join(target, 'd/self')), true);
  });

  it('refuses a file where a folder is, skips devices, and leaves the target folder\'s own mode alone', async () => {
    mkdirSync(join(target, 'taken'));
    const before = statSync(target).mode;
    const archive = await tarOf([
      dir('./', 0o700),
      file('taken', 'x'),
      file('./', 'x'),
      { header: { name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 } },
      { header: { name: 'fifo', type: 'fifo' } },
      file('kept', 'y'),
    ]);
    const result = await extractTar(Readable.from([archive]), target);
    assert.deepEqual(refusedOf(result), [
      ['taken', 'conflict'],
      ['./', 'conflict'],
    ]);
    assert.deepEqual(result.skipped, ['dev', 'fifo']);
    assert.deepEqual(tree(target), ['kept', 'taken']);
    assert.equal(statSync(target).mode, before);
  });

  it('leaves the mode of a folder that was already there alone (a project\'s tmp/ must not become 0777)', async () => {
    mkdirSync(join(target, 'tmp'), { mode: 0o750 });
    chmodSync(join(target, 'tmp'), 0o750);
    const archive = await tarOf([dir('tmp/', 0o1777), file('tmp/new', 'n'), dir('fresh/', 0o700)]);
    const result = await extractTar(Readable.from([archive]), target);
    assert.deepEqual(result.refused, []);
    assert.equal(statSync(join(target, 'tmp')).mode & 0o7777, 0o750);
    assert.equal(readFileSync(join(target, 'tmp/new'), 'utf8'), 'n');
    // The folder Berth made takes the archive's mode.
    assert.equal(statSync(join(target, 'fresh')).mode & 0o7777, 0o700);
  });

  it('creates a missing target folder', async () => {
    const fresh = join(base, 'new', 'folder');
    const result = await extractTar(Readable.from([await tarOf([file('f', 'z')])]), fresh);
    assert.equal(result.files, 1);
    assert.equal(readFileSync(join(fresh, 'f'), 'utf8'), 'z');
  });

  it('fails on a truncated archive, and stops when cancelled', async () => {
    const archive = await tarOf([file('a', 'x'.repeat(4096)), file('b', 'y')]);
    await assert.rejects(extractTar(Readable.from([archive.subarray(0, 1500)]), target));

    const controller = new AbortController();
    // A source that never ends on its own: only the cancellation can finish the extraction.
    const endless = new Readable({ read() {} });
    endless.push(archive.subarray(0, 512));
    const extracting = extractTar(endless, join(target, 'cancelled'), controller.signal);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(extracting, (error: Error) => error.name === 'AbortError');
    assert.equal(endless.destroyed, true);

    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(extractTar(Readable.from([archive]), join(target, 'never'), aborted.signal), (error: Error) => error.name === 'AbortError');
    assert.equal(existsSync(join(target, 'never')), false);
  });

  it('rejects, rather than waits forever, when the stream failed before extraction began', async () => {
    const failed = new Readable({ read() {} });
    failed.on('error', () => undefined);
    failed.destroy(new Error('connection reset before the first byte'));
    await assert.rejects(extractTar(failed, join(target, 'x')), /connection reset before the first byte/);
    const closed = new Readable({ read() {} });
    closed.destroy();
    await assert.rejects(extractTar(closed, join(target, 'y')), /closed before it was read/);
  });

  it('reports a host failure as a HostFileError, not as an engine error', async () => {
    writeFileSync(join(target, 'plain'), 'not a folder');
    await assert.rejects(extractTar(Readable.from([await tarOf([file('f', 'z')])]), join(target, 'plain', 'sub')), (error: Error) => {
      assert.equal(error.name, 'HostFileError');
      assert.equal((error as Error & { hostCode?: string }).hostCode, 'ENOTDIR');
      return true;
    });
  });
});
