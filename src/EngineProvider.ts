/**
 * Owns the connection to the engine for the VS Code side: resolves the address from settings,
 * environment and Docker contexts, connects lazily, and starts over when the settings change.
 * Each connection is one cleanup scope: replacing it disposes the old engine.
 */
import * as vscode from 'vscode';
import type { Config } from './config';
import type { ContainerEngine } from './engine/ContainerEngine';
import { EngineUnavailableError, connectEngine, resolveEngineConnection } from './engine';
import type { ConnectionResolution } from './engine/connection';

export class EngineProvider implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeEngine = this.changeEmitter.event;
  private current: { resolution: ConnectionResolution; engine?: Promise<ContainerEngine> } | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = config.onDidChange((e) => {
      if (e.affectsConfiguration('berth.engine')) this.reset();
    });
  }

  /** Where Berth looks for the engine, resolved once per connection. */
  resolution(): ConnectionResolution {
    if (!this.current) {
      const resolution = resolveEngineConnection(this.config.engineHost);
      this.current = { resolution };
      if (resolution.ok) {
        this.log.info(`Engine address ${resolution.address} (from ${resolution.source}${resolution.contextName ? ` "${resolution.contextName}"` : ''})`);
      } else {
        this.log.warn(`Engine address could not be resolved: ${resolution.detail}`);
      }
    }
    return this.current.resolution;
  }

  /** A display string of the address tried, for messages. */
  address(): string {
    const r = this.resolution();
    return r.ok ? r.address : (r.address ?? this.config.engineHost);
  }

  get(): Promise<ContainerEngine> {
    const resolution = this.resolution();
    const current = this.current;
    if (!current) {
      return Promise.reject(new EngineUnavailableError('other', 'no connection'));
    }
    if (!current.engine) {
      if (!resolution.ok) {
        return Promise.reject(new EngineUnavailableError('bad-address', resolution.detail));
      }
      current.engine = connectEngine(resolution, this.config.engineTimeoutMs);
      current.engine.catch(() => {
        // A failed load is retried on the next call rather than cached.
        if (this.current === current) current.engine = undefined;
      });
    }
    return current.engine;
  }

  /** Forgets the connection, e.g. after the settings or the environment changed. */
  reset(): void {
    const previous = this.current;
    this.current = undefined;
    void previous?.engine?.then((engine) => engine.dispose(), () => undefined);
    this.changeEmitter.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    const previous = this.current;
    this.current = undefined;
    void previous?.engine?.then((engine) => engine.dispose(), () => undefined);
    this.changeEmitter.dispose();
  }
}
