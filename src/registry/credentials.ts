/**
 * Registry credentials in VS Code's SecretStorage (the OS keychain where there is one): one secret
 * per registry host holding `{username, password}`, plus an index of the hosts, because
 * SecretStorage cannot list its keys and `berth.registry.logout` needs to offer them.
 */
import * as vscode from 'vscode';
import { normalizeRegistryHost } from '../engine/registry';

export interface RegistryCredential {
  username: string;
  password: string;
}

const KEY_PREFIX = 'berth.registry.credentials/';
const INDEX_KEY = 'berth.registry.hosts';

function parseCredential(text: string | undefined): RegistryCredential | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { username, password } = value as { username?: unknown; password?: unknown };
    return typeof username === 'string' && typeof password === 'string' && username !== '' ? { username, password } : undefined;
  } catch {
    return undefined;
  }
}

function parseHosts(text: string | undefined): string[] {
  if (text === undefined) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((h): h is string => typeof h === 'string' && h !== '') : [];
  } catch {
    return [];
  }
}

export class RegistryCredentials {
  /** Writes one at a time, so two concurrent `set`s cannot lose a host from the index. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly secrets: vscode.SecretStorage) {}

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async get(host: string): Promise<RegistryCredential | undefined> {
    return parseCredential(await this.secrets.get(KEY_PREFIX + normalizeRegistryHost(host)));
  }

  set(host: string, credential: RegistryCredential): Promise<void> {
    const key = normalizeRegistryHost(host);
    return this.serialized(async () => {
      await this.secrets.store(KEY_PREFIX + key, JSON.stringify({ username: credential.username, password: credential.password }));
      const hosts = parseHosts(await this.secrets.get(INDEX_KEY));
      if (!hosts.includes(key)) await this.secrets.store(INDEX_KEY, JSON.stringify([...hosts, key]));
    });
  }

  delete(host: string): Promise<void> {
    const key = normalizeRegistryHost(host);
    return this.serialized(async () => {
      await this.secrets.delete(KEY_PREFIX + key);
      const hosts = parseHosts(await this.secrets.get(INDEX_KEY));
      if (hosts.includes(key)) await this.secrets.store(INDEX_KEY, JSON.stringify(hosts.filter((h) => h !== key)));
    });
  }

  /** Hosts with stored credentials, sorted. */
  async hosts(): Promise<string[]> {
    const hosts = parseHosts(await this.secrets.get(INDEX_KEY));
    const present = await Promise.all(hosts.map(async (h) => ((await this.secrets.get(KEY_PREFIX + h)) !== undefined ? h : undefined)));
    return present.filter((h): h is string => h !== undefined).sort();
  }
}

/**
 * Asks for a user name and a password (masked) for `host`. Undefined when the user backs out.
 * `rejected` says the registry refused the credentials we had, so the prompt says so.
 */
export async function askForCredentials(host: string, options: { username?: string; rejected?: boolean } = {}): Promise<RegistryCredential | undefined> {
  const t = vscode.l10n.t;
  const title = options.rejected ? t('{0} refused the stored credentials: sign in again', host) : t('Sign in to {0}', host);
  const username = await vscode.window.showInputBox({
    title,
    prompt: t('User name for {0}', host),
    value: options.username ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? t('A user name is required.') : undefined),
  });
  if (username === undefined) return undefined;
  const password = await vscode.window.showInputBox({
    title,
    prompt: t('Password or access token for {0} on {1}. Berth keeps it in VS Code\'s secret storage.', username.trim(), host),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v === '' ? t('A password is required.') : undefined),
  });
  if (password === undefined) return undefined;
  return { username: username.trim(), password };
}
