/**
 * Interactive sessions over the Engine API: a process started with exec (Open Shell) or the
 * container's main process (Attach), with stdin, stdout and stderr on one hijacked connection.
 *
 * No child processes and no `docker` CLI: exec create + start (hijacked), exec resize and exec
 * inspect for the exit code; container attach (hijacked), resize and wait.
 *
 * The caller passes the dockerode instance, so this module only needs dockerode's types. The
 * `signal` and `timeoutMs` of each function bound the opening (inspect, create, the upgrade);
 * once open, a session lives until its process exits, the connection drops or `close()`.
 */
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import type { CallOptions, LogStreamName } from './ContainerEngine';
import { CancelledError, RequestFailedError, classifyError } from './errors';
import type { AnyEngineError } from './errors';
import { LogDemuxer } from './mappers';
import { CallScope, withCallScope } from './callScope';

/** Used when the caller gives no `timeoutMs`. */
export const DEFAULT_SESSION_TIMEOUT_MS = 15_000;

/** How long to wait after the stream ends for the engine to report the process as finished. */
const EXIT_GRACE_MS = 3_000;

export interface ExecSpec {
  cmd: string[];
  /** Allocate a pseudo-TTY: one merged, raw output stream, echo, line editing and signals by the TTY (Ctrl-C). */
  tty: boolean;
  /** `NAME=value` entries added to the container's environment. */
  env?: string[];
  workdir?: string;
  /** `user`, `user:group`, `uid` or `uid:gid`; the container's user when undefined. */
  user?: string;
}

export interface SessionOutput {
  /** Always 'stdout' with a TTY (the engine merges the streams). */
  stream: LogStreamName;
  text: string;
}

/**
 * Why a session ended:
 * - `exited`: the process ended (`exitCode` is its status when the engine reported one);
 * - `detached`: the stream ended but the process still runs (the engine's detach keys, Ctrl-P Ctrl-Q);
 * - `closed`: `close()` was called;
 * - `lost`: the connection failed (`error` says how).
 */
export type SessionEndReason = 'exited' | 'detached' | 'closed' | 'lost';

export interface SessionExit {
  exitCode: number | undefined;
  reason: SessionEndReason;
  error?: AnyEngineError;
}

export interface Disposable {
  dispose(): void;
}

export interface InteractiveSession {
  readonly tty: boolean;
  /** False when input goes nowhere: attaching to a container created without `OpenStdin`. */
  readonly stdin: boolean;
  /** Raw input for the process (keystrokes, pastes); ignored once the session has ended. */
  write(data: string | Buffer): void;
  /** Closes the process's stdin (end of input, as Ctrl-D at a terminal) and keeps reading its output. */
  endInput(): void;
  /** Resizes the TTY; a no-op without one. Rejects with a classified `EngineError`. */
  resize(cols: number, rows: number): Promise<void>;
  /**
   * Decoded output, in order. Output that arrives before the first listener is kept and handed to
   * it when it registers, so nothing printed right after opening is lost.
   */
  onOutput(cb: (chunk: SessionOutput) => void): Disposable;
  /** Settles once, after the last output was delivered; never rejects. */
  readonly exited: Promise<SessionExit>;
  /** Ends the session: drops the connection. An exec'd process or an attached container keeps running. */
  close(): void;
}

/** What went wrong in plain terms, for failures the user can act on. */
export type SessionProblem = 'not-found' | 'not-running' | 'paused' | 'restarting' | 'no-shell';

/**
 * A refused session. Still a `RequestFailedError` (the engine layer's closed set of failures),
 * with `problem` saying which of the common cases it is.
 */
export class SessionError extends RequestFailedError {
  static override readonly brand: string = 'SessionError';
  constructor(
    readonly problem: SessionProblem,
    statusCode: number | undefined,
    engineMessage: string,
  ) {
    super(statusCode, engineMessage);
    this.name = 'SessionError';
  }
}

// ---------------------------------------------------------------------------------------------
// Opening

/** Starts `spec.cmd` in a running container with stdin, stdout and stderr attached. */
export async function openExec(docker: Docker, containerId: string, spec: ExecSpec, options: CallOptions = {}): Promise<InteractiveSession> {
  return opening(options, async (signal) => {
    await runningContainer(docker, containerId, signal);
    const body: Record<string, unknown> = {
      Cmd: spec.cmd,
      Tty: spec.tty,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    };
    if (spec.env) body.Env = spec.env;
    if (spec.workdir) body.WorkingDir = spec.workdir;
    if (spec.user) body.User = spec.user;
    const created = await dial<{ Id?: string }>(docker, {
      path: `/containers/${encodeURIComponent(containerId)}/exec`,
      method: 'POST',
      options: body,
      abortSignal: signal,
      statusCodes: { 201: true, 404: 'no such container', 409: 'container is paused or not running', 500: 'server error' },
    }).catch((error: unknown) => {
      throw asSessionError(error);
    });
    const execId = created.Id;
    if (!execId) throw new RequestFailedError(undefined, 'The engine did not return an exec id.');
    const socket = await hijack(docker, `/exec/${encodeURIComponent(execId)}/start`, { Detach: false, Tty: spec.tty }, signal, {
      200: true,
      101: true,
      404: 'no such exec',
      409: 'container stopped/paused',
      500: 'container not running',
    });
    const execPath = `/exec/${encodeURIComponent(execId)}`;
    return new HijackedSession(socket, {
      tty: spec.tty,
      stdin: true,
      timeoutMs: options.timeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      resize: async (cols, rows, s) => {
        // Right after the upgrade the engine may not have started the process yet and refuses a
        // resize; `docker exec` retries the same way.
        for (let attempt = 0; ; attempt++) {
          try {
            return await dial(docker, { path: `${execPath}/resize?`, method: 'POST', options: { h: rows, w: cols }, abortSignal: s, statusCodes: RESIZE_STATUS });
          } catch (error) {
            if (attempt >= 9 || s.aborted || typeof (error as { statusCode?: unknown }).statusCode !== 'number') throw error;
            await delay((attempt + 1) * 10, s);
          }
        }
      },
      finish: async (s) => {
        // The engine marks the exec finished a moment after the stream ends.
        const deadline = Date.now() + EXIT_GRACE_MS;
        for (;;) {
          const info = await dial<{ Running?: boolean; ExitCode?: number | null }>(docker, { path: `${execPath}/json`, method: 'GET', abortSignal: s, statusCodes: INSPECT_STATUS });
          if (info.Running !== true) return { exitCode: typeof info.ExitCode === 'number' ? info.ExitCode : undefined, reason: 'exited' };
          if (Date.now() > deadline) return { exitCode: undefined, reason: 'detached' };
          await delay(50, s);
        }
      },
    });
  });
}

export interface AttachOptions extends CallOptions {
  /**
   * Attach to a container that has not started yet, then start it (`docker start -a`, and what
   * `docker run -it` does): nothing it prints is missed, even when it exits at once.
   */
  start?: boolean;
}

/**
 * Attaches to a running container's main process (stdin, stdout, stderr; no past logs). With a
 * TTY when the container was created with one. With `start`, attaches first and then starts it.
 */
export async function openAttach(docker: Docker, containerId: string, options: AttachOptions = {}): Promise<InteractiveSession> {
  const path = `/containers/${encodeURIComponent(containerId)}`;
  // Waiting for the next exit is asked before attaching, as the CLI does, so an exit right after
  // attaching is not missed. It lives as long as the session, so it has its own controller.
  const waiter = new AbortController();
  const waited = dial<{ StatusCode?: number }>(docker, {
    path: `${path}/wait?`,
    method: 'POST',
    options: { condition: 'next-exit' },
    abortSignal: waiter.signal,
    statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
  }).then(
    (r) => ({ exitCode: typeof r.StatusCode === 'number' ? r.StatusCode : undefined }),
    () => 'failed' as const,
  );
  try {
    return await opening(options, async (signal) => {
      const config = options.start ? await containerConfig(docker, containerId, signal) : await runningContainer(docker, containerId, signal);
      const socket = await hijack(docker, `${path}/attach?`, { stream: true, stdin: true, stdout: true, stderr: true, logs: false }, signal, {
        200: true,
        101: true,
        400: 'bad parameter',
        404: 'no such container',
        409: 'container not running',
        500: 'server error',
      });
      try {
        if (options.start) {
          await dial(docker, { path: `${path}/start`, method: 'POST', abortSignal: signal, statusCodes: START_STATUS });
        } else {
          // The engine accepts an attach to a container that stopped a moment ago and then just
          // waits for its next start: check again, as `docker attach` does.
          await runningContainer(docker, containerId, signal);
        }
      } catch (error) {
        socket.destroy();
        throw error;
      }
      let resizedOnce = false;
      return new HijackedSession(socket, {
        tty: config.tty,
        stdin: config.openStdin,
        timeoutMs: options.timeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
        resize: async (cols, rows, s) => {
          const resize = (w: number, h: number): Promise<unknown> => dial(docker, { path: `${path}/resize?`, method: 'POST', options: { h, w }, abortSignal: s, statusCodes: RESIZE_STATUS });
          if (!resizedOnce) {
            resizedOnce = true;
            // A shell already sitting at its prompt prints nothing when we attach. A size change
            // (SIGWINCH) makes it redraw, so first go one larger, as `docker attach` does.
            await resize(cols + 1, rows + 1);
          }
          await resize(cols, rows);
        },
        finish: async (s) => {
          const timer = delay(EXIT_GRACE_MS, s).then(() => 'late' as const);
          const result = await Promise.race([waited, timer]);
          if (typeof result === 'object') return { exitCode: result.exitCode, reason: 'exited' };
          // No exit seen: the wait failed or started too late, or the engine detached us.
          const state = await inspectState(docker, containerId, s);
          return state.running ? { exitCode: undefined, reason: 'detached' } : { exitCode: state.exitCode, reason: 'exited' };
        },
        dispose: () => waiter.abort(),
      });
    });
  } catch (error) {
    waiter.abort();
    throw error;
  }
}

/**
 * The shell to open in a container: bash when it has one, else sh, as an absolute path (so it does
 * not depend on the container's PATH). Decided by looking at the filesystem (`HEAD` on the
 * archive endpoint), not by running a probe, so it also works in odd images and costs no process.
 * Throws `SessionError('no-shell')` when there is neither.
 */
export async function shellFor(docker: Docker, containerId: string, options: CallOptions = {}): Promise<string[]> {
  return opening(options, async (signal) => {
    // Distinguishes "no such container" from "no such file": HEAD responses have no body to tell.
    await containerState(docker, containerId, signal);
    const found = await Promise.all(SHELLS.map((p) => executableAt(docker, containerId, p, signal)));
    const index = found.findIndex(Boolean);
    const shell = index >= 0 ? SHELLS[index] : undefined;
    if (!shell) throw new SessionError('no-shell', undefined, 'This container has no shell (neither bash nor sh was found).');
    return [shell];
  });
}

/** In order of preference. */
const SHELLS = ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash', '/bin/sh', '/usr/bin/sh'];

const RESIZE_STATUS = { 200: true, 201: true, 400: 'bad parameter', 404: 'no such container or exec', 409: 'conflict', 500: 'not running' };
const START_STATUS = { 204: true, 304: 'container already started', 404: 'no such container', 500: 'server error' };
const INSPECT_STATUS = { 200: true, 404: 'no such container or exec', 500: 'server error' };

// Go's os.FileMode bits, as the engine reports them in the path stat header. JS bitwise operators
// work on int32, where bit 31 is the sign: `(mode & bit) !== 0` is still right for it.
const MODE_SYMLINK = 1 << 27;
/** Directory, symlink, device, named pipe, socket, character device, irregular. */
const MODE_TYPE = (1 << 31) | MODE_SYMLINK | (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21) | (1 << 19);

/** Whether `path` is an executable file in the container, following a symlink to its resolved target. */
async function executableAt(docker: Docker, containerId: string, path: string, signal: AbortSignal, hops = 0): Promise<boolean> {
  const stat = await pathStat(docker, containerId, path, signal);
  if (!stat) return false;
  if ((stat.mode & MODE_SYMLINK) !== 0) {
    // The engine resolves the whole chain for us (scoped to the container's root).
    const target = stat.linkTarget;
    if (!target || hops >= 3) return false;
    return executableAt(docker, containerId, target.startsWith('/') ? target : `${path.slice(0, path.lastIndexOf('/') + 1)}${target}`, signal, hops + 1);
  }
  // A regular file with an execute bit.
  return (stat.mode & MODE_TYPE) === 0 && (stat.mode & 0o111) !== 0;
}

interface PathStat {
  mode: number;
  linkTarget: string;
}

/** `HEAD /containers/{id}/archive?path=…`: the stat of a path, or undefined when it does not exist. */
async function pathStat(docker: Docker, containerId: string, path: string, signal: AbortSignal): Promise<PathStat | undefined> {
  let response: { headers: Record<string, string | string[] | undefined>; resume(): void };
  try {
    response = await dial(docker, {
      path: `/containers/${encodeURIComponent(containerId)}/archive?`,
      method: 'HEAD',
      options: { path },
      isStream: true,
      abortSignal: signal,
      statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such file', 500: 'server error' },
    });
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (status === 404 || status === 400) return undefined;
    throw error;
  }
  response.resume();
  const header = response.headers['x-docker-container-path-stat'];
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return { mode: 0o755, linkTarget: '' };
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as { mode?: unknown; linkTarget?: unknown };
    return { mode: typeof parsed.mode === 'number' ? parsed.mode : 0o755, linkTarget: typeof parsed.linkTarget === 'string' ? parsed.linkTarget : '' };
  } catch {
    // An engine that sends no usable stat still said the path exists.
    return { mode: 0o755, linkTarget: '' };
  }
}

interface RawContainerState {
  Config?: { Tty?: boolean; OpenStdin?: boolean } | null;
  State?: { Running?: boolean; Paused?: boolean; Restarting?: boolean; ExitCode?: number } | null;
}

async function containerState(docker: Docker, containerId: string, signal: AbortSignal): Promise<RawContainerState> {
  try {
    return await dial<RawContainerState>(docker, { path: `/containers/${encodeURIComponent(containerId)}/json`, method: 'GET', abortSignal: signal, statusCodes: INSPECT_STATUS });
  } catch (error) {
    throw asSessionError(error);
  }
}

async function inspectState(docker: Docker, containerId: string, signal: AbortSignal): Promise<{ running: boolean; exitCode: number | undefined }> {
  const raw = await containerState(docker, containerId, signal);
  return { running: raw.State?.Running === true, exitCode: typeof raw.State?.ExitCode === 'number' ? raw.State.ExitCode : undefined };
}

/** The container's TTY settings, whatever its state. */
async function containerConfig(docker: Docker, containerId: string, signal: AbortSignal): Promise<{ tty: boolean; openStdin: boolean }> {
  const raw = await containerState(docker, containerId, signal);
  return { tty: raw.Config?.Tty === true, openStdin: raw.Config?.OpenStdin === true };
}

/** The container's TTY settings, after checking that it runs (and is not paused). */
async function runningContainer(docker: Docker, containerId: string, signal: AbortSignal): Promise<{ tty: boolean; openStdin: boolean }> {
  const raw = await containerState(docker, containerId, signal);
  const state = raw.State ?? {};
  if (state.Paused === true) throw new SessionError('paused', 409, 'The container is paused. Unpause it first.');
  if (state.Restarting === true) throw new SessionError('restarting', 409, 'The container is restarting. Try again when it runs.');
  if (state.Running !== true) throw new SessionError('not-running', 409, 'The container is not running. Start it first.');
  return { tty: raw.Config?.Tty === true, openStdin: raw.Config?.OpenStdin === true };
}

/** The common refusals as `SessionError`s (a race with a stop can still reach exec create or attach). */
function asSessionError(error: unknown): unknown {
  const e = error as { statusCode?: unknown; message?: unknown; json?: unknown };
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined) return error;
  const message = classifyError(error);
  const text = message instanceof RequestFailedError ? message.engineMessage : String(e.message);
  if (status === 404) return new SessionError('not-found', 404, text);
  if (status === 409 && /paused/i.test(text)) return new SessionError('paused', 409, text);
  if (status === 409 && /restarting/i.test(text)) return new SessionError('restarting', 409, text);
  if (status === 409 || (status === 500 && /not running/i.test(text))) return new SessionError('not-running', status, text);
  return error;
}

// ---------------------------------------------------------------------------------------------
// Plumbing

/** Runs the opening phase under one signal: the caller's cancellation or our timeout. */
function opening<T>(options: CallOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withCallScope(options, DEFAULT_SESSION_TIMEOUT_MS, fn);
}

type DialRequest = Parameters<Docker['modem']['dial']>[0];

function dial<T>(docker: Docker, request: DialRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(request, (error, data) => (error ? reject(error) : resolve(data as T)));
  });
}

/**
 * A hijacked connection: the engine answers `101 UPGRADED` and the socket then carries stdin one
 * way and the output the other. An engine that answers 200 instead gets docker-modem's duplex.
 */
async function hijack(docker: Docker, path: string, options: Record<string, unknown>, signal: AbortSignal, statusCodes: Record<number, string | boolean>): Promise<Duplex> {
  let socket: Duplex;
  try {
    socket = await dial<Duplex>(docker, { path, method: 'POST', options, hijack: true, openStdin: true, isStream: true, abortSignal: signal, statusCodes });
  } catch (error) {
    throw asSessionError(error);
  }
  // Until the session listens, an error must not go unhandled (an 'error' without a listener throws).
  socket.on('error', () => undefined);
  if (signal.aborted) {
    // Cancelled or timed out just as the upgrade came: nobody will own this socket.
    socket.destroy();
    throw new CancelledError();
  }
  return socket;
}

/** Resolves after `ms`, or at once when `signal` aborts. Leaves no timer behind. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}

interface SessionHooks {
  tty: boolean;
  stdin: boolean;
  timeoutMs: number;
  resize(cols: number, rows: number, signal: AbortSignal): Promise<unknown>;
  /** After the stream ended by itself: how the process ended. */
  finish(signal: AbortSignal): Promise<SessionExit>;
  dispose?(): void;
}

/** One interactive session over a hijacked socket. Everything it holds, it owns. */
class HijackedSession implements InteractiveSession {
  readonly tty: boolean;
  readonly stdin: boolean;
  readonly exited: Promise<SessionExit>;
  private readonly demuxer: LogDemuxer;
  private readonly listeners = new Set<(chunk: SessionOutput) => void>();
  /** Output that came before anyone listened. */
  private backlog: SessionOutput[] | undefined = [];
  /** Aborts the calls the session makes after opening (resize, finish) when it is closed. */
  private readonly lifetime = new AbortController();
  private ended = false;
  private closedByUs = false;
  private resolveExit!: (exit: SessionExit) => void;

  constructor(
    private readonly socket: Duplex,
    private readonly hooks: SessionHooks,
  ) {
    this.tty = hooks.tty;
    this.stdin = hooks.stdin;
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.demuxer = new LogDemuxer(hooks.tty ? 'raw' : 'multiplexed');
    socket.on('data', (chunk: Buffer | string) => {
      for (const out of this.demuxer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))) this.emit(out);
    });
    socket.once('end', () => void this.end(undefined));
    socket.once('close', () => void this.end(undefined));
    socket.on('error', (error: Error) => void this.end(error));
    // It may have failed while the session was being set up (see `hijack`).
    if (socket.destroyed) void this.end(undefined);
  }

  write(data: string | Buffer): void {
    if (this.ended || this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(data);
  }

  endInput(): void {
    if (this.ended || this.socket.destroyed || !this.socket.writable) return;
    // A half-close: the engine closes the process's stdin and keeps sending its output.
    this.socket.end();
  }

  async resize(cols: number, rows: number): Promise<void> {
    if (!this.tty || this.ended) return;
    const c = Math.max(1, Math.floor(cols));
    const r = Math.max(1, Math.floor(rows));
    const scope = new CallScope(this.lifetime.signal, this.hooks.timeoutMs);
    try {
      await this.hooks.resize(c, r, scope.signal);
    } catch (error) {
      throw classifyError(error, { timedOut: scope.timedOut, timeoutMs: this.hooks.timeoutMs });
    } finally {
      scope.dispose();
    }
  }

  onOutput(cb: (chunk: SessionOutput) => void): Disposable {
    this.listeners.add(cb);
    const backlog = this.backlog;
    this.backlog = undefined;
    for (const chunk of backlog ?? []) cb(chunk);
    return { dispose: () => this.listeners.delete(cb) };
  }

  close(): void {
    if (this.ended) return;
    this.closedByUs = true;
    this.socket.destroy();
    void this.end(undefined);
  }

  private emit(chunk: SessionOutput): void {
    if (this.backlog) {
      this.backlog.push(chunk);
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(chunk);
      } catch {
        // One listener's failure must not starve the others or break the stream.
      }
    }
  }

  private async end(error: Error | undefined): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    for (const out of this.demuxer.end()) this.emit(out);
    this.socket.destroy();
    let exit: SessionExit;
    if (this.closedByUs) {
      exit = { exitCode: undefined, reason: 'closed' };
    } else if (error) {
      exit = { exitCode: undefined, reason: 'lost', error: classifyError(error) };
    } else {
      const scope = new CallScope(this.lifetime.signal, this.hooks.timeoutMs + EXIT_GRACE_MS);
      try {
        exit = await this.hooks.finish(scope.signal);
      } catch (e) {
        exit = { exitCode: undefined, reason: 'lost', error: classifyError(e, { timedOut: scope.timedOut, timeoutMs: this.hooks.timeoutMs }) };
      } finally {
        scope.dispose();
      }
    }
    this.lifetime.abort();
    this.hooks.dispose?.();
    this.resolveExit(exit);
  }
}
