// Debian packages the tooling needs. As root, missing ones are installed (saying what and why);
// otherwise the exact apt-get command is printed. Usable as a module or as a command:
//   node test/tools/prereqs.mjs ripgrep libkrb5-dev   (exits 1 if any is still missing)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const APT_PACKAGES = {
  'docker.io': 'the Docker engine (dockerd) for the engine and e2e suites',
  'busybox-static': 'a static busybox for the FROM-scratch test image',
  'docker-registry': 'a local image registry on 127.0.0.1 for the pull and push tests',
  'apache2-utils': "htpasswd, for the local registry's basic auth",
  chromium: 'the browser that drives VS Code in the e2e suite',
  'libkrb5-dev': "code-server's kerberos native module",
  ripgrep: "VS Code's search binary (code-server cannot download it)",
  shellcheck: 'ShellCheck, which Berth runs on RUN scripts (tested in the unit suite)',
};

export function isInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === 'installed';
}

/** Installs what is missing when root; returns the packages that are still missing. */
export function ensurePackages(packages = Object.keys(APT_PACKAGES)) {
  const missing = packages.filter((p) => !isInstalled(p));
  if (missing.length === 0) return [];
  const describe = () => {
    for (const p of missing) console.log(`  ${p.padEnd(16)} ${APT_PACKAGES[p] ?? ''}`);
  };
  if (process.getuid?.() !== 0) {
    console.log('These Debian packages are missing, and installing them needs root:');
    describe();
    console.log(`Install them with:\n  sudo apt-get install -y ${missing.join(' ')}`);
    return missing;
  }
  console.log(`Installing Debian packages: ${missing.join(', ')}`);
  describe();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  if (!apt(['update', '-qq']) || !apt(['install', '-y', '-qq', ...missing])) {
    console.log('apt-get failed; what needs these packages cannot run.');
  }
  return missing.filter((p) => !isInstalled(p));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const still = ensurePackages(process.argv.slice(2).length > 0 ? process.argv.slice(2) : undefined);
  process.exit(still.length > 0 ? 1 : 0);
}
