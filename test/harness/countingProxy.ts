/**
 * A unix-socket proxy in front of an engine's socket that records every HTTP request it carries:
 * method, path, when its first byte arrived and when the last byte of its response left the
 * engine. Point a client at `socketPath` to count the calls it makes and the engine time they cost.
 *
 * It parses HTTP/1.1 framing only (request and status lines, Content-Length, chunked bodies), so it
 * follows keep-alive connections that carry several requests. A long-lived response (GET /events)
 * is one request that ends when its connection closes. After a 101 or a hijacked stream (attach,
 * exec) the connection is passed through unparsed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface ProxiedRequest {
  /** The client connection it came on, numbered from 1. */
  readonly connection: number;
  readonly method: string;
  /** The request target, query included. */
  readonly path: string;
  /** performance.now() when its first byte reached the proxy. */
  readonly start: number;
  /** performance.now() when the last byte of its response came from the engine; unset while it streams. */
  end?: number;
  status?: number;
  /** True when the connection closed before the response was complete (a cancelled stream). */
  cut?: boolean;
}

type BodyMode = { kind: 'none' } | { kind: 'length'; bytes: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'tunnel' };

interface Head {
  startLine: string;
  headers: Map<string, string>;
}

/**
 * Incremental framing of one direction of an HTTP/1.x connection: finds where each message's head
 * and body end, without keeping the bodies.
 */
class MessageFramer {
  private state: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'trailers' | 'close' | 'tunnel' = 'head';
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;

  constructor(
    private readonly onStart: () => void,
    private readonly onHead: (head: Head) => BodyMode,
    private readonly onEnd: () => void,
  ) {}

  get passthrough(): boolean {
    return this.state === 'tunnel' || this.state === 'close';
  }

  push(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      switch (this.state) {
        case 'tunnel':
        case 'close':
          return;
        case 'head': {
          if (this.pending.length === 0) this.onStart();
          const joined = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
          const at = joined.indexOf('\r\n\r\n');
          if (at < 0) {
            this.pending = joined;
            return;
          }
          this.pending = Buffer.alloc(0);
          data = joined.subarray(at + 4);
          const [startLine = '', ...lines] = joined.subarray(0, at).toString('latin1').split('\r\n');
          const headers = new Map<string, string>();
          for (const line of lines) {
            const colon = line.indexOf(':');
            if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
          }
          this.begin(this.onHead({ startLine, headers }));
          break;
        }
        case 'length': {
          const take = Math.min(this.remaining, data.length);
          this.remaining -= take;
          data = data.subarray(take);
          if (this.remaining === 0) this.finish();
          break;
        }
        case 'chunk-size':
        case 'trailers': {
          const joined = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
          const at = joined.indexOf('\r\n');
          if (at < 0) {
            this.pending = joined;
            return;
          }
          this.pending = Buffer.alloc(0);
          const line = joined.subarray(0, at).toString('latin1');
          data = joined.subarray(at + 2);
          if (this.state === 'trailers') {
            if (line === '') this.finish();
          } else {
            const size = parseInt(line.split(';')[0] ?? '', 16);
            if (!Number.isFinite(size)) throw new Error(`bad chunk size line ${JSON.stringify(line)}`);
            if (size === 0) {
              this.state = 'trailers';
            } else {
              this.state = 'chunk-data';
              this.remaining = size + 2; // the chunk and its CRLF
            }
          }
          break;
        }
        case 'chunk-data': {
          const take = Math.min(this.remaining, data.length);
          this.remaining -= take;
          data = data.subarray(take);
          if (this.remaining === 0) this.state = 'chunk-size';
          break;
        }
      }
    }
  }

  private begin(mode: BodyMode): void {
    switch (mode.kind) {
      case 'none':
        this.finish();
        return;
      case 'length':
        if (mode.bytes === 0) {
          this.finish();
        } else {
          this.state = 'length';
          this.remaining = mode.bytes;
        }
        return;
      case 'chunked':
        this.state = 'chunk-size';
        return;
      case 'close':
        this.state = 'close';
        return;
      case 'tunnel':
        this.state = 'tunnel';
        return;
    }
  }

  private finish(): void {
    this.state = 'head';
    this.onEnd();
  }
}

function bodyOf(headers: Map<string, string>, untilClose: boolean): BodyMode {
  if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) return { kind: 'chunked' };
  const length = headers.get('content-length');
  if (length !== undefined) return { kind: 'length', bytes: Number(length) };
  return untilClose ? { kind: 'close' } : { kind: 'none' };
}

export class CountingProxy {
  readonly requests: ProxiedRequest[] = [];
  private readonly sockets = new Set<net.Socket>();
  private connections = 0;

  private constructor(
    private readonly server: net.Server,
    readonly socketPath: string,
    private readonly dir: string,
  ) {}

  /** Listens on a new socket in a temp folder and forwards each connection to `upstreamSocket`. */
  static async start(upstreamSocket: string): Promise<CountingProxy> {
    const dir = mkdtempSync(join(tmpdir(), 'berth-proxy-'));
    const socketPath = join(dir, 'engine.sock');
    const server = net.createServer();
    const proxy = new CountingProxy(server, socketPath, dir);
    server.on('connection', (client) => proxy.accept(client, upstreamSocket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  /** `unix://…`, for resolveEngineConnection and DOCKER_HOST. */
  get host(): string {
    return `unix://${this.socketPath}`;
  }

  /** The requests that started at or after `since` (a performance.now() time). */
  requestsSince(since: number): ProxiedRequest[] {
    return this.requests.filter((r) => r.start >= since);
  }

  /** True while some request has no complete response yet, apart from `except`. */
  busy(except: (r: ProxiedRequest) => boolean = () => false): boolean {
    return this.requests.some((r) => r.end === undefined && !except(r));
  }

  private accept(client: net.Socket, upstreamSocket: string): void {
    const id = ++this.connections;
    const upstream = net.createConnection(upstreamSocket);
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    /** Requests sent on this connection whose response has not ended, oldest first. */
    const waiting: ProxiedRequest[] = [];
    let requestStart = 0;

    const requests = new MessageFramer(
      () => {
        requestStart = performance.now();
      },
      (head) => {
        const [method = '?', path = '?'] = head.startLine.split(' ');
        const request: ProxiedRequest = { connection: id, method, path, start: requestStart };
        this.requests.push(request);
        waiting.push(request);
        // An upgrade request's body, if any, is the hijacked stream: stop parsing this direction.
        if (head.headers.has('upgrade')) return { kind: 'tunnel' };
        return bodyOf(head.headers, false);
      },
      () => undefined,
    );
    const responses = new MessageFramer(
      () => undefined,
      (head) => {
        const status = Number(head.startLine.split(' ')[1]);
        const request = waiting[0];
        if (request) request.status = status;
        if (status === 101) return { kind: 'tunnel' };
        // An interim response: the final one follows for the same request.
        if (status >= 100 && status < 200) return { kind: 'none' };
        if (request?.method === 'HEAD' || status === 204 || status === 304) return { kind: 'length', bytes: 0 };
        // Docker answers attach and exec start with a raw stream after the head (a hijacked connection).
        if (head.headers.get('content-type')?.startsWith('application/vnd.docker.') && !head.headers.has('content-length') && !head.headers.has('transfer-encoding')) {
          return { kind: 'tunnel' };
        }
        return bodyOf(head.headers, true);
      },
      () => {
        const request = waiting[0];
        // The end of an interim response leaves the request waiting for its final one.
        if (request && request.status !== undefined && (request.status >= 200 || request.status === 101)) {
          request.end = performance.now();
          waiting.shift();
        }
      },
    );

    const fail = (where: string, error: unknown): void => {
      // A framing mistake must not take the connection down: carry on as a plain pipe.
      console.error(`[proxy] cannot follow the ${where} on connection ${id}: ${error instanceof Error ? error.message : String(error)}`);
    };
    let requestsBroken = false;
    let responsesBroken = false;
    client.on('data', (chunk: Buffer) => {
      if (!requestsBroken) {
        try {
          requests.push(chunk);
        } catch (error) {
          requestsBroken = true;
          fail('requests', error);
        }
      }
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!responsesBroken) {
        try {
          responses.push(chunk);
        } catch (error) {
          responsesBroken = true;
          fail('responses', error);
        }
      }
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      const now = performance.now();
      for (const request of waiting.splice(0)) {
        request.end = now;
        // A response read until the close (no length) ends there; anything else was cut short.
        if (!responses.passthrough) request.cut = true;
      }
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
