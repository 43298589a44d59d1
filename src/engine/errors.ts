/**
 * Every failure that leaves the engine layer is one of three kinds, so the UI can choose one
 * message and one set of actions without looking at transport details.
 */

export type UnavailableReason =
  | 'not-running' // nothing listens at the address
  | 'no-socket' // the socket file does not exist
  | 'permission' // the socket exists but we may not open it
  | 'host-unknown' // DNS could not resolve the host
  | 'timeout' // the engine did not answer in time
  | 'tls' // the TLS handshake failed (certificates)
  | 'ssh' // the SSH connection or its authentication failed
  | 'connection-lost' // the connection dropped mid-call
  | 'bad-address' // the configured address or Docker context is not usable
  | 'other';

/** Where an engine error records the brands of its class chain (a global symbol: shared by every bundle). */
const BRANDS = Symbol.for('berth.engine-error.brands');

/**
 * The engine runs from its own bundle (dist/dockerodeEngine.js, loaded when first needed), so the
 * extension's copy of these classes is not the one that threw. `instanceof` therefore checks a
 * brand each class declares, not the prototype chain: an engine error is an instance of its class
 * whichever bundle made it.
 */
export abstract class EngineError extends Error {
  /** A name unique among engine errors; every subclass declares its own. */
  static readonly brand: string = 'EngineError';
  abstract readonly kind: 'unavailable' | 'request-failed' | 'cancelled';

  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass that declares no brand of its own would answer for its parent's instances.
    if (!Object.hasOwn(this, 'brand')) throw new TypeError(`${this.name} declares no brand of its own`);
    if (typeof value !== 'object' || value === null) return false;
    const brands = (value as { [BRANDS]?: unknown })[BRANDS];
    return Array.isArray(brands) && brands.includes(this.brand);
  }

  constructor(message: string) {
    super(message);
    const brands: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'brand')) brands.push((c as unknown as { brand: string }).brand);
    }
    Object.defineProperty(this, BRANDS, { value: brands });
  }
}

export class EngineUnavailableError extends EngineError {
  static override readonly brand: string = 'EngineUnavailableError';
  readonly kind = 'unavailable' as const;
  constructor(
    readonly reason: UnavailableReason,
    readonly detail: string,
    readonly code?: string,
  ) {
    super(detail);
    this.name = 'EngineUnavailableError';
  }
}

export class RequestFailedError extends EngineError {
  static override readonly brand: string = 'RequestFailedError';
  readonly kind = 'request-failed' as const;
  constructor(
    readonly statusCode: number | undefined,
    /** The engine's own message, without the HTTP framing docker-modem adds. */
    readonly engineMessage: string,
  ) {
    super(engineMessage);
    this.name = 'RequestFailedError';
  }
}

export class CancelledError extends EngineError {
  static override readonly brand: string = 'CancelledError';
  readonly kind = 'cancelled' as const;
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** The closed set of engine failures, discriminated by `kind`. */
export type AnyEngineError = EngineUnavailableError | RequestFailedError | CancelledError;

function isAnyEngineError(e: unknown): e is AnyEngineError {
  return e instanceof EngineUnavailableError || e instanceof RequestFailedError || e instanceof CancelledError;
}

const NOT_RUNNING = new Set(['ECONNREFUSED']);
const NO_SOCKET = new Set(['ENOENT', 'ENOTDIR']);
const PERMISSION = new Set(['EACCES', 'EPERM']);
const HOST_UNKNOWN = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const LOST = new Set(['ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  json?: unknown;
  level?: unknown;
  cause?: unknown;
}

function asErrorLike(e: unknown): ErrorLike {
  return typeof e === 'object' && e !== null ? e : { message: safeString(e) };
}

/** String(x) throws for objects without a prototype; a classifier must never throw. */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** docker-modem wraps the engine's JSON message as "(HTTP code 404) no such container - <message> ". */
function engineMessageOf(e: ErrorLike): string {
  const json = e.json;
  if (typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message.trim();
  }
  if (typeof json === 'string' && json.trim()) {
    return json.trim();
  }
  const message = typeof e.message === 'string' ? e.message : '';
  // An empty body leaves "(HTTP code 304) container already started - ": use the reason then.
  const framed = /^\(HTTP code \d+\) ([^-]*?)\s*-\s*(.*)$/s.exec(message.trim());
  if (!framed) return message.trim();
  return (framed[2]?.trim() || framed[1]?.trim()) ?? '';
}

/**
 * Maps whatever dockerode, docker-modem, ssh2 or Node's sockets threw to an `EngineError`.
 * `timedOut` tells whether our own timeout signal fired, which Node reports as a plain abort.
 */
export function classifyError(error: unknown, context: { timedOut?: boolean; timeoutMs?: number } = {}): AnyEngineError {
  return classify(error, context, new Set());
}

function classify(error: unknown, context: { timedOut?: boolean; timeoutMs?: number }, seen: Set<unknown>): AnyEngineError {
  seen.add(error);
  if (isAnyEngineError(error)) {
    return error;
  }
  const e = asErrorLike(error);
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : safeString(error);

  if (context.timedOut || name === 'TimeoutError') {
    const seconds = context.timeoutMs !== undefined ? ` after ${context.timeoutMs / 1000} s` : '';
    return new EngineUnavailableError('timeout', `The engine did not answer${seconds}.`, 'ETIMEDOUT');
  }
  if (name === 'AbortError' || code === 'ABORT_ERR') {
    return new CancelledError();
  }
  if (typeof e.statusCode === 'number') {
    return new RequestFailedError(e.statusCode, engineMessageOf(e));
  }
  if (NOT_RUNNING.has(code)) return new EngineUnavailableError('not-running', message, code);
  if (NO_SOCKET.has(code)) return new EngineUnavailableError('no-socket', message, code);
  if (PERMISSION.has(code)) return new EngineUnavailableError('permission', message, code);
  if (HOST_UNKNOWN.has(code)) return new EngineUnavailableError('host-unknown', message, code);
  if (TIMEOUT.has(code)) return new EngineUnavailableError('timeout', message, code);
  if (LOST.has(code) || /socket hang up/i.test(message)) return new EngineUnavailableError('connection-lost', message, code || undefined);
  if (/^(ERR_SSL|ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/.test(code) || (code === 'EPROTO' && /SSL|TLS/i.test(message))) {
    return new EngineUnavailableError('tls', message, code);
  }
  // ssh2 marks its failures with a `level`: "client-authentication", "agent", "protocol", "handshake"…
  if (typeof e.level === 'string' && e.level.length > 0) {
    return new EngineUnavailableError('ssh', message, e.level);
  }
  if (e.cause !== undefined && !seen.has(e.cause)) {
    const inner = classify(e.cause, context, seen);
    if (!(inner instanceof RequestFailedError && inner.statusCode === undefined)) {
      return inner;
    }
  }
  return new RequestFailedError(undefined, message);
}
