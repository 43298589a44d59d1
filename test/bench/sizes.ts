/**
 * What ships: the bundled JavaScript in dist/ and the packaged VSIX, against the production
 * dependency tree (dockerode and everything it pulls in) that the bundle replaces.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileText } from './util';

export interface Sizes {
  /** dist/cli.js, the CI command (not part of the extension's runtime). */
  cliBytes: number;
  bundleBytes: number;
  bundleFiles: Array<{ name: string; bytes: number }>;
  vsixBytes: number;
  vsixName: string;
  dependencyTreeBytes: number;
  dependencyPackages: number;
}

/** Bytes of regular files under `dir`, not descending into nested node_modules (listed separately). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') total += treeBytes(path);
    } else if (entry.isFile()) {
      total += lstatSync(path).size;
    }
  }
  return total;
}

/** The production dependency tree as npm resolves it: every installed package dir, once. */
export async function dependencyTree(repo: string): Promise<{ bytes: number; packages: number }> {
  // npm ls exits non-zero on extraneous or invalid packages but still lists the tree.
  const { stdout } = await execFileText('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repo, allowFailure: true });
  const root = resolve(repo);
  const dirs = new Set(
    stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && resolve(line) !== root && existsSync(line)),
  );
  if (dirs.size === 0) throw new Error('npm ls --omit=dev --all --parseable listed no production dependencies');
  let bytes = 0;
  for (const dir of dirs) bytes += treeBytes(dir);
  return { bytes, packages: dirs.size };
}

export async function measureSizes(repo: string): Promise<Sizes> {
  const dist = join(repo, 'dist');
  // The extension's JavaScript: extension.js and the chunks it loads on demand. dist/cli.js is the
  // `berth lint` command for CI, which ships in the VSIX but never runs in the extension host.
  const bundleFiles = readdirSync(dist)
    .filter((name) => name.endsWith('.js') && name !== 'cli.js')
    .map((name) => ({ name, bytes: statSync(join(dist, name)).size }));
  if (!bundleFiles.some((f) => f.name === 'extension.js')) throw new Error(`${dist}/extension.js is missing: did the build run?`);
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsixName = `${manifest.name}-${manifest.version}.vsix`;
  const vsixBytes = statSync(join(repo, vsixName)).size;
  const tree = await dependencyTree(repo);
  return {
    cliBytes: existsSync(join(dist, 'cli.js')) ? statSync(join(dist, 'cli.js')).size : 0,
    bundleBytes: bundleFiles.reduce((sum, f) => sum + f.bytes, 0),
    bundleFiles,
    vsixBytes,
    vsixName,
    dependencyTreeBytes: tree.bytes,
    dependencyPackages: tree.packages,
  };
}
