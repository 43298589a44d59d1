/**
 * Push and pull as a user does them, against a local registry with a password (Debian's
 * docker-registry with htpasswd on 127.0.0.1): the first push asks to sign in, and the pull after it
 * uses the credentials Berth keeps in VS Code's secret storage without asking again.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { TEST_IMAGE } from '../harness/dockerd';
import type { LocalRegistry, RegistryUser } from '../harness/registry';
import { startLocalRegistry } from '../harness/registry';
import { env } from './hooks';
import { contextMenu, explorerPage, pane, screenshot } from './page';

/** The tags the registry holds for a repository, asked over its HTTP API with the user's password. */
function registryTags(registry: LocalRegistry, user: RegistryUser, repository: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: registry.port, path: `/v2/${repository}/tags/list`, auth: `${user.username}:${user.password}`, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          if (res.statusCode === 404) return resolve([]);
          if (res.statusCode !== 200) return reject(new Error(`registry answered ${res.statusCode}: ${body}`));
          resolve((JSON.parse(body) as { tags: string[] | null }).tags ?? []);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('registry request timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('Registry (UI)', function () {
  this.timeout(180_000);
  const ui = explorerPage();
  let registry: LocalRegistry | undefined;
  const user: RegistryUser = { username: 'berth-ui', password: randomBytes(9).toString('base64url') };
  let reference = '';

  before(async () => {
    registry = await startLocalRegistry({ auth: user });
    reference = `${registry.host}/berth/busybox:ui`;
    await env().dockerd.docker.getImage(TEST_IMAGE).tag({ repo: `${registry.host}/berth/busybox`, tag: 'ui' });
  });

  after(async () => {
    await env().dockerd.docker.getImage(reference).remove().catch(() => undefined);
    await registry?.stop();
  });

  it('pushes after asking to sign in, then pulls back with the stored credentials without asking', async () => {
    const page = ui.page();
    const { dockerd } = env();
    if (!registry) throw new Error('no registry');
    const images = pane(page, 'Images');
    const row = images.locator('.monaco-list-row', { hasText: reference }).first();
    await row.waitFor({ timeout: 30_000 });

    await contextMenu(page, row, 'Push Image');
    // The registry answers "unauthorized"; Berth asks once for a user and a password.
    const input = page.locator('.quick-input-widget input');
    const signIn = page.locator('.quick-input-widget', { hasText: `Sign in to ${registry.host}` });
    await signIn.waitFor({ timeout: 60_000 });
    await screenshot(page, 'push-sign-in');
    await input.fill(user.username);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: `Password or access token for ${user.username}` }).waitFor({ timeout: 10_000 });
    await input.fill(user.password);
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item', { hasText: `Pushed ${reference}` }).waitFor({ timeout: 120_000 });
    assert.deepEqual(await registryTags(registry, user, 'berth/busybox'), ['ui']);

    // Gone locally, then pulled back from the Images view's title bar.
    await dockerd.docker.getImage(reference).remove();
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    await images.locator('.pane-header').hover();
    await images.locator('.pane-header .action-label[aria-label="Pull Image…"]').click();
    await page.locator('.quick-input-widget', { hasText: 'The image to pull' }).waitFor({ timeout: 10_000 });
    await input.fill(reference);
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item', { hasText: `Pulled ${reference}` }).waitFor({ timeout: 120_000 });
    await row.waitFor({ timeout: 30_000 });
    // No second sign-in: the credentials came from secret storage.
    assert.equal(await signIn.isVisible(), false);
    const pulled = await dockerd.docker.getImage(reference).inspect();
    assert.ok(pulled.RepoDigests.some((d) => d.startsWith(`${registry?.host ?? ''}/berth/busybox@sha256:`)), `pulled from the registry: ${pulled.RepoDigests.join(', ')}`);
  });
});
