// Bundles the extension with esbuild. Two entry points keep activation cheap: dist/extension.js
// holds the VS Code glue, and dist/dockerodeEngine.js (dockerode, ssh2, grpc) is required only
// when a view first needs the engine.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');
const require = createRequire(import.meta.url);

/** Keeps the engine implementation in its own file, loaded at run time by a relative require. */
const lazyEngine = {
  name: 'lazy-engine',
  setup(build) {
    build.onResolve({ filter: /\/dockerodeEngine$/ }, (args) =>
      args.importer.endsWith('dockerodeEngine.ts') ? undefined : { path: './dockerodeEngine.js', external: true },
    );
  },
};

/** web-tree-sitter's ESM build reads import.meta.url, which CommonJS output lacks: use its CJS build. */
const treeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

/** dockerfile-language-service (~300 KB) is loaded when a Dockerfile first needs it, from its own file. */
const lazyLanguageService = {
  name: 'lazy-language-service',
  setup(build) {
    build.onResolve({ filter: /\/dockerfileLanguageService$/ }, (args) =>
      args.importer.endsWith('dockerfileLanguageService.ts') ? undefined : { path: './dockerfileLanguageService.js', external: true },
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  // ssh2 probes these native add-ons inside try/catch and falls back to pure JS without them.
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  absWorkingDir: root,
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
// dockerode loads its BuildKit .proto files from __dirname/proto at run time.
cpSync(join(dirname(require.resolve('dockerode/package.json')), 'lib', 'proto'), join(dist, 'proto'), { recursive: true });
// The shell parser's WebAssembly: the runtime and the bash grammar, found next to the bundle.
cpSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
cpSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'), join(dist, 'tree-sitter-bash.wasm'));

const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', plugins: [lazyEngine, lazyLanguageService] },
  { ...common, entryPoints: { dockerfileLanguageService: 'src/language/dockerfileLanguageService.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { dockerodeEngine: 'src/engine/dockerodeEngine.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', plugins: [treeSitterCjs], banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: { lintWorker: 'src/lint/worker.ts' }, outdir: 'dist', plugins: [treeSitterCjs] },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching src/ …');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
