/**
 * The Logs view: a read-only, streaming document per container (`berth-logs:`), fed by a
 * LogFollower while the document is open. Editors scrolled to the end stay at the end as lines
 * arrive, the way a terminal follows output.
 */
import * as vscode from 'vscode';
import type { Config } from '../config';
import type { EngineProvider } from '../EngineProvider';
import type { ExplorerModel } from '../tree/ExplorerModel';
import { LogFollower } from './logFollower';

export const LOGS_SCHEME = 'berth-logs';
export const LOG_LANGUAGE = 'berth-log';
/** The most lines a Logs document keeps; older ones scroll away. */
const MAX_LINES = 50_000;
/** How often an open document takes in new lines at most. */
const UPDATE_MS = 100;

export function logsUri(id: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: LOGS_SCHEME, path: `/${name.replace(/[/\\?#%]/g, '_') || id.slice(0, 12)}.log`, query: new URLSearchParams({ id }).toString() });
}

interface Session {
  follower: LogFollower;
  timer: NodeJS.Timeout | undefined;
  subscription: { dispose(): void };
  /** Pending disposal after the document closed; reopening cancels it. */
  closing: NodeJS.Timeout | undefined;
}

/**
 * How long a closed log document keeps its stream: setting the document's language closes and
 * reopens it at once, and that must not restart the log.
 */
const CLOSE_GRACE_MS = 1500;

export class LogsDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly sessions = new Map<string, Session>();
  /** Editors that were at the end of their log before the last update. */
  private readonly following = new Set<vscode.TextEditor>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly engines: EngineProvider,
    private readonly model: ExplorerModel,
    private readonly config: Config,
  ) {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((document) => this.scheduleClose(document.uri)),
      vscode.workspace.onDidOpenTextDocument((document) => {
        const session = this.sessions.get(document.uri.toString());
        if (session?.closing) {
          clearTimeout(session.closing);
          session.closing = undefined;
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== LOGS_SCHEME) return;
        for (const editor of vscode.window.visibleTextEditors) {
          if (editor.document === e.document && this.following.has(editor)) {
            const end = new vscode.Position(e.document.lineCount - 1, 0);
            editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.Default);
          }
        }
        this.following.clear();
      }),
      engines.onDidChangeEngine(() => {
        for (const session of this.sessions.values()) session.follower.engineChanged(engines.address());
      }),
      config.onDidChange((e) => {
        if (e.affectsConfiguration('berth.logs.timestamps')) for (const key of this.sessions.keys()) this.changeEmitter.fire(vscode.Uri.parse(key));
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const key = uri.toString();
    let session = this.sessions.get(key);
    if (!session) {
      const id = new URLSearchParams(uri.query).get('id') ?? '';
      if (!id) return vscode.l10n.t('Berth cannot show the log of {0}: the address is not one Berth made.', uri.toString());
      const follower = new LogFollower(() => this.engines.get(), id, this.model, { tail: this.config.logsTail, maxLines: MAX_LINES }, vscode.l10n.t);
      const created: Session = { follower, timer: undefined, subscription: { dispose: () => undefined }, closing: undefined };
      created.subscription = follower.onDidChange(() => this.schedule(uri, created));
      this.sessions.set(key, created);
      session = created;
      follower.start();
    }
    const text = session.follower.text(this.config.logsTimestamps);
    return text || (session.follower.state === 'connecting' ? vscode.l10n.t('Connecting to the log…') : vscode.l10n.t('(no output yet)'));
  }

  private schedule(uri: vscode.Uri, session: Session): void {
    if (session.timer) return;
    session.timer = setTimeout(() => {
      session.timer = undefined;
      for (const editor of vscode.window.visibleTextEditors) {
        if (editor.document.uri.toString() !== uri.toString()) continue;
        const last = editor.visibleRanges[editor.visibleRanges.length - 1];
        if (!last || last.end.line >= editor.document.lineCount - 2) this.following.add(editor);
      }
      this.changeEmitter.fire(uri);
    }, UPDATE_MS);
  }

  private scheduleClose(uri: vscode.Uri): void {
    const session = this.sessions.get(uri.toString());
    if (!session || session.closing) return;
    session.closing = setTimeout(() => this.close(uri), CLOSE_GRACE_MS);
  }

  private close(uri: vscode.Uri): void {
    const key = uri.toString();
    const session = this.sessions.get(key);
    if (!session) return;
    if (session.timer) clearTimeout(session.timer);
    if (session.closing) clearTimeout(session.closing);
    session.subscription.dispose();
    session.follower.dispose();
    this.sessions.delete(key);
  }

  /** How many logs are being followed (for tests and the log channel). */
  get openSessions(): number {
    return this.sessions.size;
  }

  dispose(): void {
    for (const key of [...this.sessions.keys()]) this.close(vscode.Uri.parse(key));
    for (const d of this.disposables) d.dispose();
    this.changeEmitter.dispose();
  }
}

export async function showLogs(id: string, name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(logsUri(id, name));
  const withLanguage = document.languageId === LOG_LANGUAGE ? document : await vscode.languages.setTextDocumentLanguage(document, LOG_LANGUAGE);
  const editor = await vscode.window.showTextDocument(withLanguage, { preview: false });
  const end = new vscode.Position(withLanguage.lineCount - 1, 0);
  editor.revealRange(new vscode.Range(end, end));
  return editor;
}
