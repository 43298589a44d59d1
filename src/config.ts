/** Typed access to Berth's settings: one getter per setting, and a change event per section. */
import * as vscode from 'vscode';

export class Config implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.ConfigurationChangeEvent>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.changeEmitter.event;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('berth')) this.changeEmitter.fire(e);
    });
  }

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('berth');
  }

  /** `berth.engine.host`: an explicit engine address that overrides DOCKER_HOST and contexts. */
  get engineHost(): string {
    return this.section.get<string>('engine.host', '').trim();
  }

  /** `berth.engine.timeoutSeconds`: how long one engine request may take. */
  get engineTimeoutMs(): number {
    const seconds = this.section.get<number>('engine.timeoutSeconds', 15);
    return Math.max(1, Number.isFinite(seconds) ? seconds : 15) * 1000;
  }

  /** `berth.dockerfile.registryLookups`: complete image tags from Docker Hub. */
  get dockerfileRegistryLookups(): boolean {
    return this.section.get<boolean>('dockerfile.registryLookups', true);
  }

  /** `berth.logs.tail`: how many lines of history the Logs view opens with. */
  get logsTail(): number {
    const n = this.section.get<number>('logs.tail', 500);
    return Number.isFinite(n) ? Math.min(100_000, Math.max(0, Math.floor(n))) : 500;
  }

  /** `berth.logs.timestamps`: prefix each log line with the engine's timestamp. */
  get logsTimestamps(): boolean {
    return this.section.get<boolean>('logs.timestamps', false);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
