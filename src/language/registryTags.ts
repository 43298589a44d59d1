/**
 * Docker Hub tag lookups for `FROM image:<tag>` completion, in place of dockerfile-language-service's
 * own client. Its client (lib/dockerRegistryClient.js) calls auth.docker.io and registry-1.docker.io
 * with no timeout: offline behind a firewall that drops packets, a completion waits for the OS's
 * TCP timeout (minutes), and a non-JSON 200 answer (a captive portal) throws inside an event
 * handler, which nothing catches. This client bounds every wait, caches answers, backs off after
 * network failures, and can be switched off (`berth.dockerfile.registryLookups`).
 * No `vscode` import.
 */
import * as https from 'node:https';

/** Fetches JSON; rejects with an error carrying `statusCode` for non-200 answers. */
export type GetJson = (url: URL, headers: Readonly<Record<string, string>>, signal: AbortSignal) => Promise<unknown>;

export interface RegistryTagsOptions {
  enabled: () => boolean;
  /** How long a completion waits for an answer; the lookup itself may finish later and fill the cache. */
  waitMs?: number;
  /** The lookup's own limit (both requests). */
  timeoutMs?: number;
  /** Answers (including "no such image") are reused this long. */
  ttlMs?: number;
  /** After a network failure, lookups are skipped (answering []) this long. */
  backoffMs?: number;
  getJson?: GetJson;
  now?: () => number;
  log?: (message: string) => void;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The Docker Hub repository path (`library/node`, `bitnami/redis`) of an image reference as written
 * in a FROM line, or undefined when it names another registry or uses a variable.
 */
export function dockerHubRepository(image: string): string | undefined {
  if (!image || image.includes('$') || image.includes('@')) return undefined;
  let name = image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) name = name.slice(0, colon);
  const parts = name.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (first !== 'docker.io' && first !== 'index.docker.io' && first !== 'registry-1.docker.io') return undefined;
    parts.shift();
  }
  if (parts.length === 0 || parts.some((p) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return undefined;
  if (parts.length === 1) parts.unshift('library');
  return parts.join('/');
}

/** Whether `prefix` (the FROM image word up to the cursor) has the cursor in the tag part. */
export function isTagPosition(prefix: string): boolean {
  return prefix.lastIndexOf(':') > prefix.lastIndexOf('/') && !prefix.includes('@');
}

interface Entry {
  at: number;
  tags: string[];
}

export class RegistryTags {
  private readonly waitMs: number;
  private readonly timeoutMs: number;
  private readonly ttlMs: number;
  private readonly backoffMs: number;
  private readonly getJson: GetJson;
  private readonly now: () => number;
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, { promise: Promise<string[]>; controller: AbortController }>();
  private offlineUntil = 0;

  constructor(private readonly options: RegistryTagsOptions) {
    this.waitMs = options.waitMs ?? 800;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.backoffMs = options.backoffMs ?? 60_000;
    this.getJson = options.getJson ?? httpsGetJson;
    this.now = options.now ?? Date.now;
  }

  /** True while a lookup is still running after its caller stopped waiting. */
  get pending(): boolean {
    return this.inFlight.size > 0;
  }

  /**
   * The tags of a Docker Hub repository (`node` means `library/node`). Resolves within `waitMs`,
   * to [] when lookups are off, offline, slow or failing; never rejects.
   */
  async getTags(image: string): Promise<string[]> {
    if (!this.options.enabled()) return [];
    const repository = dockerHubRepository(image);
    if (!repository) return [];
    const cached = this.cache.get(repository);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.tags;
    if (this.now() < this.offlineUntil) return [];
    const flight = this.inFlight.get(repository) ?? this.start(repository);
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([]), this.waitMs);
    });
    try {
      return await Promise.race([flight.promise, wait]);
    } finally {
      clearTimeout(timer);
    }
  }

  private start(repository: string): { promise: Promise<string[]>; controller: AbortController } {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`Docker Hub did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    const promise = this.fetchTags(repository, controller.signal)
      .then(
        (tags) => {
          this.cache.set(repository, { at: this.now(), tags });
          return tags;
        },
        (error: unknown) => {
          const status = statusCodeOf(error);
          if (status !== undefined && status >= 400 && status < 500) {
            // Not on Docker Hub, or private: a stable answer.
            this.cache.set(repository, { at: this.now(), tags: [] });
          } else {
            this.offlineUntil = this.now() + this.backoffMs;
          }
          this.options.log?.(`Docker Hub tag lookup for ${repository} failed: ${error instanceof Error ? error.message : String(error)}`);
          return [];
        },
      )
      .finally(() => {
        clearTimeout(timer);
        this.inFlight.delete(repository);
      });
    const flight = { promise, controller };
    this.inFlight.set(repository, flight);
    return flight;
  }

  private async fetchTags(repository: string, signal: AbortSignal): Promise<string[]> {
    const scope = `repository:${repository}:pull`;
    const auth = await this.getJson(new URL(`https://auth.docker.io/token?service=registry.docker.io&scope=${encodeURIComponent(scope)}`), { Accept: 'application/json' }, signal);
    const token = isRecord(auth) && typeof auth.token === 'string' ? auth.token : undefined;
    if (!token) throw new Error('Docker Hub returned no token');
    const list = await this.getJson(new URL(`https://registry-1.docker.io/v2/${repository}/tags/list`), { Accept: 'application/json', Authorization: `Bearer ${token}` }, signal);
    if (!isRecord(list) || !Array.isArray(list.tags)) return [];
    return list.tags.filter((t): t is string => typeof t === 'string');
  }

  dispose(): void {
    for (const flight of this.inFlight.values()) flight.controller.abort();
    this.inFlight.clear();
    this.cache.clear();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function statusCodeOf(error: unknown): number | undefined {
  return isRecord(error) && typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

/**
 * GET over node:https (which VS Code's proxy support patches), bounded by `signal`, with a size cap
 * and JSON parsing that rejects rather than throws.
 */
export const httpsGetJson: GetJson = (url, headers, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const request = https.get(url, { headers, signal }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(Object.assign(new Error(`HTTP ${response.statusCode ?? '?'} ${response.statusMessage ?? ''}`.trim()), { statusCode: response.statusCode }));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          request.destroy(new Error('response too large'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    request.on('error', reject);
  });
