/** Reads tar streams in tests: every entry with its header fields and content. */
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type: string;
  mode: number;
  size: number;
  linkname: string | null;
  uid: number;
  gid: number;
  mtime: Date | undefined;
  content: string;
  raw: Buffer;
}

export async function entriesOf(stream: Readable): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    body.on('end', () => {
      const { name, type, mode, size, linkname, uid, gid, mtime } = header;
      const raw = Buffer.concat(chunks);
      entries.push({ name, type, mode, size, linkname: linkname || null, uid, gid, mtime, content: raw.toString('utf8'), raw });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.on('error', reject);
    stream.pipe(extract);
  });
  return entries;
}
