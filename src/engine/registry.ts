/**
 * `docker pull` and `docker push` over the Engine API (`POST /images/create`,
 * `POST /images/{name}/push`). The engine answers with JSON lines, one per progress update of one
 * layer; `ProgressTracker` folds them into a per-layer table and an overall fraction. A failure the
 * registry reports (in the stream, or as the HTTP status before it) becomes a `RegistryError` whose
 * `reason` tells the UI whether to ask for credentials. Only the connection phase is timed: a large
 * pull may take as long as it needs, and only the caller's cancellation ends it.
 */
import type Docker from 'dockerode';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { Translate } from '../l10n';
import { CancelledError, RequestFailedError, classifyError } from './errors';
import { CallScope } from './callScope';
import { JsonLineSplitter } from './mappers';

/** Credentials for one registry, as the engine's `X-Registry-Auth` header carries them. */
export interface RegistryAuth {
  username: string;
  password: string;
  /** The registry host; defaults to the reference's registry. */
  serveraddress?: string;
}

/** Where a layer is, coarsely, whatever wording the engine uses. */
export type LayerPhase = 'waiting' | 'downloading' | 'verifying' | 'extracting' | 'pushing' | 'done' | 'other';

export interface LayerProgress {
  /** The engine's short layer id (12 hex digits for Docker). */
  id: string;
  /** The engine's own words, e.g. "Downloading", "Already exists", "Mounted from library/x". */
  status: string;
  phase: LayerPhase;
  /** Bytes of the current phase (download, extraction or upload), when the engine says. */
  current?: number;
  total?: number;
}

export type RegistryEvent =
  | { kind: 'layer'; layer: LayerProgress }
  /** A line about the whole image: "Pulling from team/app", "Status: Downloaded newer image for …". */
  | { kind: 'status'; text: string }
  /** The manifest digest: from a pull's "Digest:" line or a push's final aux record. */
  | { kind: 'digest'; digest: string; tag?: string; size?: number }
  | { kind: 'error'; message: string };

export interface RegistryProgress {
  event: RegistryEvent;
  /** Every layer seen so far, in the order the engine first named them. */
  layers: readonly LayerProgress[];
  /** 0..1 over all layers; undefined until the engine has named one. */
  fraction: number | undefined;
}

export interface RegistryCallOptions {
  auth?: RegistryAuth;
  signal?: AbortSignal;
  /** Bounds the connection phase only (until the engine starts answering). Default 30 s. */
  timeoutMs?: number;
  onProgress?(progress: RegistryProgress): void;
}

export interface RegistryResult {
  /** The reference as sent, with its tag made explicit. */
  reference: string;
  /** The manifest digest, when the engine reported it. */
  digest?: string;
  /** The engine's last whole-image line, e.g. "Status: Image is up to date for …". */
  status?: string;
  layers: LayerProgress[];
}

export type RegistryFailureReason =
  | 'unauthorized' // no, wrong or insufficient credentials: ask for them
  | 'not-found' // no such repository, tag or local image
  | 'unreachable' // the engine could not connect to the registry
  | 'tls' // HTTPS trouble: a certificate, or a plain-HTTP registry the engine does not treat as insecure
  | 'other';

/**
 * A pull or push the engine or the registry refused. It stays a `RequestFailedError`, so the one
 * error wrapper words it like any failed request; `reason` lets the UI do better (ask for
 * credentials on 'unauthorized').
 */
export class RegistryError extends RequestFailedError {
  static override readonly brand: string = 'RegistryError';
  constructor(
    statusCode: number | undefined,
    engineMessage: string,
    readonly reason: RegistryFailureReason,
    /** The registry host the operation talked to, e.g. `docker.io` or `127.0.0.1:5000`. */
    readonly registry: string,
  ) {
    super(statusCode, engineMessage);
    this.name = 'RegistryError';
  }
}

/** Judges the engine's or the registry's message. Unauthorized wins over "not found": Docker Hub says both for a private repository. */
export function registryFailureReason(message: string): RegistryFailureReason {
  if (/unauthori[sz]ed|authentication required|no basic auth credentials|access (to the resource )?is denied|denied:|incorrect username or password|may require ['"]?docker login/i.test(message)) return 'unauthorized';
  if (/server gave HTTP response to HTTPS client|x509:|certificate|tls: /i.test(message)) return 'tls';
  if (/connection refused|no such host|i\/o timeout|network is unreachable|no route to host|dial tcp|connection reset|TLS handshake timeout|context deadline exceeded|Client\.Timeout/i.test(message)) return 'unreachable';
  if (/manifest unknown|not found|does not exist|no such image|name unknown/i.test(message)) return 'not-found';
  return 'other';
}

const DEFAULT_REGISTRY = 'docker.io';

/**
 * The registry a reference names: its first component when that looks like a host (a dot, a port
 * or `localhost`, as Docker decides), else Docker Hub. Pure.
 */
export function registryOf(reference: string): string {
  const ref = reference.trim();
  const slash = ref.indexOf('/');
  if (slash < 0) return DEFAULT_REGISTRY;
  const first = ref.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
  if (!isHost) return DEFAULT_REGISTRY;
  return normalizeRegistryHost(first);
}

/** Docker Hub goes by several names; the rest are compared lowercased. */
export function normalizeRegistryHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return h === 'index.docker.io' || h === 'registry-1.docker.io' || h === 'registry.hub.docker.com' ? DEFAULT_REGISTRY : h;
}

export interface ParsedReference {
  /** Everything before the tag or digest, host included: `127.0.0.1:5000/team/app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits `host:5000/team/app:1.2` or `app@sha256:…`; a reference with neither gets tag `latest`. */
export function parseReference(reference: string): ParsedReference {
  const ref = reference.trim();
  const at = ref.indexOf('@');
  if (at >= 0) return { repository: ref.slice(0, at), digest: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref, tag: 'latest' };
}

/**
 * The `X-Registry-Auth` value: base64url JSON with its padding, which Docker 20.10 needs
 * (it decodes with `base64.URLEncoding`).
 */
export function encodeRegistryAuth(auth: RegistryAuth, registry: string): string {
  const json = JSON.stringify({ username: auth.username, password: auth.password, serveraddress: auth.serveraddress ?? registry });
  return Buffer.from(json, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

interface RawProgress {
  status?: unknown;
  id?: unknown;
  progress?: unknown;
  progressDetail?: { current?: unknown; total?: unknown } | null;
  error?: unknown;
  errorDetail?: { message?: unknown } | null;
  aux?: { Tag?: unknown; Digest?: unknown; Size?: unknown } | null;
}

const LAYER_ID = /^[0-9a-f]{12,64}$/;

function phaseOf(status: string): LayerPhase {
  if (/^(Pulling fs layer|Waiting|Preparing)/i.test(status)) return 'waiting';
  if (/^(Downloading|Retrying)/i.test(status)) return 'downloading';
  if (/^(Verifying Checksum|Download complete)/i.test(status)) return 'verifying';
  if (/^Extracting/i.test(status)) return 'extracting';
  if (/^Pushing/i.test(status)) return 'pushing';
  if (/^(Pull complete|Already exists|Pushed|Layer already exists|Mounted from)/i.test(status)) return 'done';
  return 'other';
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** How far one layer is, 0..1. A pull counts download and extraction as halves; a push only the upload. */
function layerFraction(layer: LayerProgress): number {
  const part = layer.current !== undefined && layer.total !== undefined && layer.total > 0 ? Math.min(1, layer.current / layer.total) : 0;
  switch (layer.phase) {
    case 'done':
      return 1;
    case 'downloading':
      return 0.5 * part;
    case 'verifying':
      return 0.5;
    case 'extracting':
      return 0.5 + 0.5 * part;
    case 'pushing':
      return part;
    default:
      return 0;
  }
}

/**
 * Folds the engine's progress records into a per-layer table. Pure: fed with parsed JSON (or
 * lines), it is tested on captured streams. A layer's byte counts belong to its current phase, so
 * they are cleared when the phase changes without new counts.
 */
export class ProgressTracker {
  private readonly byId = new Map<string, LayerProgress>();
  /** Layer sizes as first learnt, which weigh each layer in the overall fraction. */
  private readonly sizes = new Map<string, number>();
  digest: string | undefined;
  status: string | undefined;
  /** The first error the stream reported. */
  error: string | undefined;

  /** One JSON line; a line that is not JSON becomes a status event (engines print odd things). */
  line(line: string): RegistryEvent | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      const text = line.trim();
      return text ? { kind: 'status', text } : undefined;
    }
    return this.push(parsed);
  }

  push(raw: unknown): RegistryEvent | undefined {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const r = raw as RawProgress;
    const errorText = typeof r.errorDetail?.message === 'string' && r.errorDetail.message ? r.errorDetail.message : typeof r.error === 'string' ? r.error : undefined;
    if (errorText !== undefined) {
      this.error ??= errorText;
      return { kind: 'error', message: errorText };
    }
    if (r.aux && typeof r.aux.Digest === 'string') {
      this.digest = r.aux.Digest;
      const event: RegistryEvent = { kind: 'digest', digest: r.aux.Digest };
      if (typeof r.aux.Tag === 'string') event.tag = r.aux.Tag;
      const size = nonNegative(r.aux.Size);
      if (size !== undefined) event.size = size;
      return event;
    }
    const status = typeof r.status === 'string' ? r.status : undefined;
    if (status === undefined) return undefined;
    const id = typeof r.id === 'string' ? r.id : undefined;
    const phase = phaseOf(status);
    // "Pulling from team/app" carries the tag as its id; layer ids are hex.
    if (id !== undefined && (LAYER_ID.test(id) || phase !== 'other')) {
      return { kind: 'layer', layer: this.updateLayer(id, status, phase, r.progressDetail) };
    }
    const digest = /^Digest: (\S+)/.exec(status);
    if (digest?.[1]) {
      this.digest = digest[1];
      return { kind: 'digest', digest: digest[1] };
    }
    const pushed = /^(\S+): digest: (\S+) size: (\d+)/.exec(status);
    if (pushed?.[2]) {
      this.digest = pushed[2];
      return { kind: 'digest', digest: pushed[2], tag: pushed[1] ?? '', size: Number(pushed[3]) };
    }
    const text = id !== undefined ? `${status} ${id}` : status;
    this.status = text;
    return { kind: 'status', text };
  }

  private updateLayer(id: string, status: string, phase: LayerPhase, detail: RawProgress['progressDetail']): LayerProgress {
    const previous = this.byId.get(id);
    const layer: LayerProgress = { id, status, phase };
    const current = nonNegative(detail?.current);
    const total = nonNegative(detail?.total);
    if (current !== undefined) layer.current = current;
    if (total !== undefined && total > 0) layer.total = total;
    // "Extracting" with no counts yet keeps the last counts of the same phase only.
    if (previous && previous.phase === phase && current === undefined) {
      if (previous.current !== undefined) layer.current = previous.current;
      if (previous.total !== undefined && layer.total === undefined) layer.total = previous.total;
    }
    if (layer.total !== undefined && !this.sizes.has(id)) this.sizes.set(id, layer.total);
    // Keep first-seen order: Map iteration follows insertion, and set() on an existing key keeps its place.
    this.byId.set(id, layer);
    return { ...layer };
  }

  get layers(): LayerProgress[] {
    return [...this.byId.values()].map((l) => ({ ...l }));
  }

  /** 0..1, each layer weighed by its size when known (the mean known size otherwise); undefined before any layer. */
  get fraction(): number | undefined {
    if (this.byId.size === 0) return undefined;
    const known = [...this.sizes.values()];
    const fallback = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 1;
    let done = 0;
    let all = 0;
    for (const layer of this.byId.values()) {
      const weight = this.sizes.get(layer.id) ?? fallback;
      all += weight;
      done += weight * layerFraction(layer);
    }
    return all > 0 ? Math.min(1, done / all) : 0;
  }
}

function percent(layers: readonly LayerProgress[]): number | undefined {
  let current = 0;
  let total = 0;
  for (const l of layers) {
    if (l.current === undefined || l.total === undefined) continue;
    current += Math.min(l.current, l.total);
    total += l.total;
  }
  return total > 0 ? Math.floor((100 * current) / total) : undefined;
}

/** One line for a progress notification, e.g. "3 layers: 2 done, 1 downloading 45%". Pure. */
export function describeLayers(layers: readonly LayerProgress[], t: Translate): string {
  if (layers.length === 0) return '';
  const of = (phase: LayerPhase): LayerProgress[] => layers.filter((l) => l.phase === phase);
  const parts: string[] = [];
  const done = of('done');
  if (done.length > 0) parts.push(t('{0} done', done.length));
  const withPercent = (group: LayerProgress[], plain: string, withPct: string): void => {
    if (group.length === 0) return;
    const pct = percent(group);
    parts.push(pct === undefined ? t(plain, group.length) : t(withPct, group.length, pct));
  };
  withPercent(of('downloading'), '{0} downloading', '{0} downloading {1}%');
  const verifying = of('verifying');
  if (verifying.length > 0) parts.push(t('{0} downloaded', verifying.length));
  withPercent(of('extracting'), '{0} extracting', '{0} extracting {1}%');
  withPercent(of('pushing'), '{0} pushing', '{0} pushing {1}%');
  const waiting = of('waiting');
  if (waiting.length > 0) parts.push(t('{0} waiting', waiting.length));
  const other = of('other');
  if (other.length > 0) parts.push(t('{0} other', other.length));
  return layers.length === 1 ? t('1 layer: {0}', parts.join(', ')) : t('{0} layers: {1}', layers.length, parts.join(', '));
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Pull and push statuses Docker 20.10 documents; anything else is a server error. */
const STATUS_CODES: Record<number, string | boolean> = { 200: true, 400: 'bad parameter', 401: 'unauthorized', 403: 'forbidden', 404: 'not found', 500: 'server error' };

/** `{}`, base64: no credentials, for endpoints that insist on the header. */
const EMPTY_AUTH = Buffer.from('{}').toString('base64');

interface RegistryRequest {
  /** Send `X-Registry-Auth` even without credentials. */
  alwaysAuthHeader?: boolean;
  path: string;
  query: Record<string, string>;
  reference: string;
  registry: string;
}


function toRegistryError(error: unknown, registry: string, scope: CallScope, timeoutMs: number): Error {
  const classified = classifyError(error, { timedOut: scope.timedOut, timeoutMs });
  if (classified instanceof RequestFailedError && classified.statusCode !== undefined) {
    return new RegistryError(classified.statusCode, classified.engineMessage, registryFailureReason(classified.engineMessage), registry);
  }
  return classified;
}

async function runRegistryRequest(docker: Docker, request: RegistryRequest, options: RegistryCallOptions): Promise<RegistryResult> {
  if (options.signal?.aborted) throw new CancelledError();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const scope = new CallScope(options.signal, timeoutMs);
  let stream: Readable | undefined;
  try {
    try {
      stream = await new Promise<Readable>((resolve, reject) => {
        const dial: Parameters<Docker['modem']['dial']>[0] & { authconfig?: { base64: string } } = {
          // docker-modem appends the query only to a path that ends in `?`.
          path: `${request.path}?`,
          method: 'POST',
          // An empty `_body` keeps docker-modem from sending the query as a JSON body too.
          options: { _query: request.query, _body: {} },
          isStream: true,
          abortSignal: scope.signal,
          statusCodes: STATUS_CODES,
        };
        if (options.auth) dial.authconfig = { base64: encodeRegistryAuth(options.auth, request.registry) };
        // Docker 20.10 refuses a push without the header (400 "missing X-Registry-Auth"); the CLI sends empty credentials then.
        else if (request.alwaysAuthHeader) dial.authconfig = { base64: EMPTY_AUTH };
        docker.modem.dial(dial, (error, data) => (error ? reject(error) : resolve(data as Readable)));
      });
    } catch (error) {
      throw toRegistryError(error, request.registry, scope, timeoutMs);
    }
    // The engine is answering: from here only the caller's cancellation ends the call.
    scope.stopTimer();
    const opened = stream;
    const onAbort = (): void => {
      opened.destroy();
    };
    scope.signal.addEventListener('abort', onAbort, { once: true });
    const tracker = new ProgressTracker();
    const splitter = new JsonLineSplitter();
    const decoder = new StringDecoder('utf8');
    const emit = (lines: string[]): void => {
      for (const line of lines) {
        const event = tracker.line(line);
        if (event && options.onProgress) options.onProgress({ event, layers: tracker.layers, fraction: tracker.fraction });
        if (scope.signal.aborted) return;
      }
    };
    try {
      if (scope.signal.aborted) throw new CancelledError();
      for await (const chunk of opened) {
        emit(splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer)));
        if (scope.signal.aborted) break;
      }
      if (!scope.signal.aborted) {
        emit(splitter.push(decoder.end()));
        emit(splitter.flush());
      }
    } catch (error) {
      if (scope.signal.aborted) throw new CancelledError();
      throw classifyError(error);
    } finally {
      scope.signal.removeEventListener('abort', onAbort);
    }
    if (scope.signal.aborted) throw new CancelledError();
    if (tracker.error !== undefined) {
      throw new RegistryError(undefined, tracker.error, registryFailureReason(tracker.error), request.registry);
    }
    const result: RegistryResult = { reference: request.reference, layers: tracker.layers };
    if (tracker.digest !== undefined) result.digest = tracker.digest;
    if (tracker.status !== undefined) result.status = tracker.status;
    return result;
  } finally {
    scope.dispose();
    stream?.destroy();
  }
}

function explicitReference(parsed: ParsedReference): string {
  return parsed.digest !== undefined ? `${parsed.repository}@${parsed.digest}` : `${parsed.repository}:${parsed.tag ?? 'latest'}`;
}

/**
 * Pulls an image (`docker pull`). A reference without tag or digest pulls `latest`, never every
 * tag. Throws `RegistryError` for what the engine or registry refused, `CancelledError` when
 * aborted (the connection is closed, which stops the engine's pull), `EngineUnavailableError`
 * when the engine is unreachable or does not answer within `timeoutMs`.
 */
export function pullImage(docker: Docker, reference: string, options: RegistryCallOptions = {}): Promise<RegistryResult> {
  const parsed = parseReference(reference);
  const query: Record<string, string> = { fromImage: parsed.digest !== undefined ? `${parsed.repository}@${parsed.digest}` : parsed.repository };
  if (parsed.digest === undefined) query.tag = parsed.tag ?? 'latest';
  return runRegistryRequest(docker, { path: '/images/create', query, reference: explicitReference(parsed), registry: registryOf(reference) }, options);
}

/**
 * Pushes one tag of a local image (`docker push`); a reference without tag pushes `latest`. The
 * errors are those of `pullImage`; a push to a registry that wants credentials fails with reason
 * 'unauthorized'.
 */
export function pushImage(docker: Docker, reference: string, options: RegistryCallOptions = {}): Promise<RegistryResult> {
  const parsed = parseReference(reference);
  if (parsed.digest !== undefined) {
    return Promise.reject(new RegistryError(undefined, `Push a tag, not a digest: ${reference}`, 'other', registryOf(reference)));
  }
  // The repository goes in the path as is (its slashes and port colon are part of the route, as
  // dockerode sends them), so only reference characters may reach it.
  if (!/^[A-Za-z0-9._:/-]+$/.test(parsed.repository)) {
    return Promise.reject(new RegistryError(undefined, `Not a valid image name: ${reference}`, 'other', registryOf(reference)));
  }
  const tag = parsed.tag ?? 'latest';
  const path = `/images/${parsed.repository}/push`;
  return runRegistryRequest(docker, { path, query: { tag }, alwaysAuthHeader: true, reference: explicitReference(parsed), registry: registryOf(reference) }, options);
}
