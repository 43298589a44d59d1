/**
 * `docker build` over the Engine API with the classic builder: the context tar is streamed to
 * `POST /build` and the JSON-lines answer becomes typed events (output, "Step N/M", image id,
 * error). Cancelling closes the connection, which makes the engine stop the build and remove its
 * build container.
 */
import type Docker from 'dockerode';
import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import type { BuildContext } from './buildContext';
import { createBuildContext } from './buildContext';
import { CallScope } from './callScope';
import { CancelledError, RequestFailedError, classifyError } from './errors';
import { JsonLineSplitter } from './mappers';

export interface BuildRequest {
  contextDir: string;
  /** Relative to `contextDir`, or absolute (it may lie outside the context). */
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull?: boolean;
  labels?: Record<string, string>;
  /** For RUN steps, as `docker build --network`; the engine's default when absent. */
  networkMode?: string;
}

export type BuildEvent =
  | { kind: 'output'; text: string }
  | { kind: 'step'; step: number; total: number; instruction: string }
  | { kind: 'error'; message: string }
  | { kind: 'imageId'; id: string };

export interface BuildFailure {
  /** The engine's message. */
  message: string;
  /** The "Step N/M" that failed, when the engine had started one. */
  step?: number;
  instruction?: string;
  /** 1-based Dockerfile line, when the engine names one (parse errors). */
  line?: number;
}

export interface BuildResult {
  imageId?: string;
  error?: BuildFailure;
}

export interface BuildOptions {
  signal?: AbortSignal;
  /** Times the connection phase only, never the build itself. */
  timeoutMs?: number;
  onEvent(event: BuildEvent): void;
}

/**
 * Once the socket has taken this many context bytes (write callbacks), the engine is connected
 * and reading: more than a unix socket's buffer, and over TCP at least a live peer. From then on
 * only the caller's cancellation ends the call, however long a large upload or the build takes.
 */
const CONNECTED_AFTER_BYTES = 1024 * 1024;

/** The classic builder's "Step 3/7 : RUN make" line. */
export function parseStepLine(text: string): { step: number; total: number; instruction: string } | undefined {
  const match = /^Step (\d+)\/(\d+) : ([^\n]*?)\r?\n?$/.exec(text);
  if (!match) return undefined;
  return { step: Number(match[1]), total: Number(match[2]), instruction: match[3] ?? '' };
}

interface RawBuildMessage {
  stream?: unknown;
  status?: unknown;
  progress?: unknown;
  id?: unknown;
  aux?: { ID?: unknown } | null;
  error?: unknown;
  errorDetail?: { message?: unknown } | null;
}

/**
 * Turns the lines of a `/build` response into events, remembering the current step so that an
 * error can name it. Pure: fed with strings, it is tested on captured output.
 */
export class BuildOutputParser {
  private step: { step: number; instruction: string } | undefined;
  imageId: string | undefined;
  error: BuildFailure | undefined;

  line(line: string): BuildEvent[] {
    let message: RawBuildMessage;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null) return [{ kind: 'output', text: `${line}\n` }];
      message = parsed;
    } catch {
      return [{ kind: 'output', text: `${line}\n` }];
    }
    const events: BuildEvent[] = [];
    const errorText = typeof message.errorDetail?.message === 'string' ? message.errorDetail.message : typeof message.error === 'string' ? message.error : undefined;
    if (errorText !== undefined) {
      this.error = failureOf(errorText, this.step);
      events.push({ kind: 'error', message: errorText });
      return events;
    }
    if (typeof message.stream === 'string') {
      const text = message.stream;
      events.push({ kind: 'output', text });
      const step = parseStepLine(text);
      if (step) {
        this.step = { step: step.step, instruction: step.instruction };
        events.push({ kind: 'step', ...step });
      }
      // Engines before API 1.30 send no aux ID; this line is then the only way to learn it.
      const built = /^Successfully built ([0-9a-f]{12,64})\s*$/.exec(text);
      if (built?.[1] && this.imageId === undefined) this.imageId = built[1];
    } else if (typeof message.status === 'string') {
      const id = typeof message.id === 'string' && message.id ? `${message.id}: ` : '';
      const progress = typeof message.progress === 'string' && message.progress ? ` ${message.progress}` : '';
      events.push({ kind: 'output', text: `${id}${message.status}${progress}\n` });
    }
    if (typeof message.aux?.ID === 'string') {
      this.imageId = message.aux.ID;
      events.push({ kind: 'imageId', id: message.aux.ID });
    }
    return events;
  }
}

function failureOf(message: string, step: { step: number; instruction: string } | undefined): BuildFailure {
  const failure: BuildFailure = { message };
  if (step) {
    failure.step = step.step;
    failure.instruction = step.instruction;
  }
  // "dockerfile parse error line 3: …" (20.10) or "… parse error on line 3: …" (later engines).
  const line = /parse error (?:on )?line (\d+)/i.exec(message);
  if (line?.[1]) failure.line = Number(line[1]);
  return failure;
}

/**
 * The 0-based line where the `step`th instruction starts, as the classic builder numbers steps
 * (every instruction of the file in order, meta ARGs and FROMs included). Skips parser
 * directives, comments, blank lines, continuation lines (honouring `# escape=`) and heredoc
 * bodies.
 */
export function failingInstructionLine(dockerfileText: string, step: number): number | undefined {
  if (!Number.isInteger(step) || step < 1) return undefined;
  return instructionStartLines(dockerfileText)[step - 1];
}

export function instructionStartLines(text: string): number[] {
  const lines = text.split(/\r?\n/);
  const starts: number[] = [];
  let escape = '\\';
  let directives = true;
  let i = 0;
  while (i < lines.length) {
    const trimmed = (lines[i] ?? '').trim();
    if (directives) {
      const directive = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(trimmed);
      if (directive) {
        if (directive[1]?.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) escape = directive[2];
        i++;
        continue;
      }
      directives = false;
    }
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    starts.push(i);
    const keyword = (/^(\S+)/.exec(trimmed)?.[1] ?? '').toUpperCase();
    const heredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
    const takeHeredocs = (line: string): void => {
      if (keyword !== 'RUN' && keyword !== 'COPY' && keyword !== 'ADD') return;
      for (const m of line.matchAll(/<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
        if (m[3]) heredocs.push({ delimiter: m[3], stripTabs: m[1] === '-' });
      }
    };
    let current = lines[i] ?? '';
    takeHeredocs(current);
    i++;
    while (continues(current, escape) && i < lines.length) {
      const next = lines[i] ?? '';
      i++;
      const t = next.trim();
      // Comments and empty lines inside a continued instruction do not end it.
      if (t === '' || t.startsWith('#')) continue;
      current = next;
      takeHeredocs(current);
    }
    for (const heredoc of heredocs) {
      while (i < lines.length) {
        const body = lines[i] ?? '';
        i++;
        if ((heredoc.stripTabs ? body.replace(/^\t+/, '') : body) === heredoc.delimiter) break;
      }
    }
  }
  return starts;
}

function continues(line: string, escape: string): boolean {
  const trimmed = line.replace(/[ \t]+$/, '');
  return trimmed.endsWith(escape) && !line.trim().startsWith('#');
}

/**
 * The request body. docker-modem pipes it into the request; this `pipe` writes each chunk with a
 * callback instead, so that once the socket has taken a chunk its memory goes back to the
 * context for later file reads (see `BuildContext.recycle`), and the bytes the socket has taken
 * tell when the engine is connected and reading. Read as a plain Readable, it passes chunks on.
 */
class ContextUpload extends Readable {
  private taken = 0;
  private passing = false;

  constructor(
    // Not `context`: dockerode reads an object with a `context` field as a folder to pack itself.
    private readonly tarball: BuildContext,
    private readonly onTaken: (total: number) => void,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    // Failures are reported through the context's `done`; this keeps them from being uncaught.
    this.on('error', () => undefined);
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T): T {
    const source = this.tarball.stream;
    let waiting = false;
    const resume = (): void => {
      waiting = false;
      source.resume();
    };
    source.on('data', (chunk: Buffer) => {
      const more = destination.write(chunk, (error) => {
        if (error) return;
        this.taken += chunk.length;
        this.onTaken(this.taken);
        this.tarball.recycle(chunk);
      });
      if (!more && !waiting) {
        waiting = true;
        source.pause();
        destination.once('drain', resume);
      }
    });
    source.once('end', () => destination.end());
    source.once('error', (error) => this.destroy(error));
    // The request closes when it is done or destroyed (cancel, engine gone): stop reading files.
    destination.once('close', () => source.destroy());
    return destination;
  }

  override _read(): void {
    const source = this.tarball.stream;
    if (!this.passing) {
      this.passing = true;
      source.on('data', (chunk: Buffer) => {
        if (!this.push(chunk)) source.pause();
      });
      source.once('end', () => this.push(null));
      source.once('error', (error) => this.destroy(error));
    }
    source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.tarball.stream.destroy();
    callback(error);
  }
}

function queryOf(request: BuildRequest, dockerfile: string): Record<string, unknown> {
  const query: Record<string, unknown> = {
    dockerfile,
    // The classic builder: its progress is the "Step N/M" stream parsed here, and it needs no session.
    version: '1',
    rm: true,
    // Unlike the CLI, also remove the container of a failed step: it would clutter the explorer.
    forcerm: true,
    nocache: request.noCache,
  };
  if (request.tags.length > 0) query.t = request.tags;
  if (Object.keys(request.buildArgs).length > 0) query.buildargs = request.buildArgs;
  if (request.labels && Object.keys(request.labels).length > 0) query.labels = request.labels;
  if (request.target) query.target = request.target;
  if (request.pull !== undefined) query.pull = request.pull;
  if (request.networkMode) query.networkmode = request.networkMode;
  return query;
}

/**
 * Builds an image. Build failures the engine reports (a failing step, a bad Dockerfile, an
 * unreadable context file) come back as `result.error`; an unreachable engine, a timeout of the
 * connection phase and cancellation throw classified errors (`CancelledError` for the latter).
 */
export async function buildImage(docker: Docker, request: BuildRequest, options: BuildOptions): Promise<BuildResult> {
  if (options.signal?.aborted) throw new CancelledError();
  const scope = new CallScope(options.signal, options.timeoutMs);
  const context = createBuildContext(request.contextDir, { dockerfile: request.dockerfile, signal: scope.signal });
  let contextError: unknown;
  context.done.catch((error: unknown) => {
    contextError = error;
  });
  // A context error reaches docker-modem as an 'error' of `upload`, which destroys the request.
  const upload = new ContextUpload(context, (taken) => {
    if (taken >= CONNECTED_AFTER_BYTES) scope.stopTimer();
  });
  let response: Readable | undefined;

  const contextFailure = (): BuildResult | undefined => {
    if (contextError === undefined || contextError instanceof CancelledError) return undefined;
    const message = contextError instanceof Error ? contextError.message : 'unknown error';
    const error: BuildFailure = { message: `The build context could not be sent: ${message}` };
    options.onEvent({ kind: 'error', message: error.message });
    return { error };
  };
  const failed = (error: unknown): BuildResult => {
    const fromContext = contextFailure();
    if (fromContext) return fromContext;
    const classified = classifyError(error, { timedOut: scope.timedOut, timeoutMs: options.timeoutMs });
    if (classified instanceof CancelledError || options.signal?.aborted) throw new CancelledError();
    // The engine refused the build itself (bad Dockerfile, unknown target, missing base image).
    if (classified instanceof RequestFailedError && classified.statusCode !== undefined) {
      const failure = failureOf(classified.engineMessage, undefined);
      options.onEvent({ kind: 'error', message: failure.message });
      return { error: failure };
    }
    throw classified;
  };

  try {
    try {
      const query = { ...queryOf(request, context.dockerfile), abortSignal: scope.signal };
      response = (await docker.buildImage(upload, query as Docker.ImageBuildOptions)) as unknown as Readable;
    } catch (error) {
      return failed(error);
    }
    scope.stopTimer();
    const parser = new BuildOutputParser();
    const splitter = new JsonLineSplitter();
    const decoder = new StringDecoder('utf8');
    const stream = response;
    const onAbort = (): void => {
      stream.destroy();
    };
    scope.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const emit = (lines: string[]): void => {
        for (const line of lines) for (const event of parser.line(line)) options.onEvent(event);
      };
      if (scope.signal.aborted) throw new CancelledError();
      for await (const chunk of stream) {
        emit(splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer)));
      }
      emit(splitter.push(decoder.end()));
      emit(splitter.flush());
    } catch (error) {
      if (scope.signal.aborted) throw new CancelledError();
      return failed(error);
    } finally {
      scope.signal.removeEventListener('abort', onAbort);
    }
    if (scope.signal.aborted) throw new CancelledError();
    if (parser.error) return { error: parser.error };
    const fromContext = contextFailure();
    if (fromContext) return fromContext;
    if (parser.imageId === undefined) {
      // The answer ended with neither an image nor an error: the engine went away mid-build.
      throw classifyError(Object.assign(new Error('The engine ended the build without a result.'), { code: 'ECONNRESET' }));
    }
    return { imageId: parser.imageId };
  } finally {
    scope.dispose();
    response?.destroy();
    upload.destroy();
    context.stream.destroy();
  }
}
