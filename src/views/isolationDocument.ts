/** The Isolation view as a read-only Markdown document (`berth-isolation:`), opened in the preview. */
import * as vscode from 'vscode';
import type { EngineProvider } from '../EngineProvider';
import { isolationMarkdown, isolationReport } from './isolation';

export const ISOLATION_SCHEME = 'berth-isolation';

export function isolationUri(id: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ISOLATION_SCHEME, path: `/${name.replace(/[/\\?#%]/g, '_') || id.slice(0, 12)} isolation.md`, query: new URLSearchParams({ id }).toString() });
}

export class IsolationDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly engines: EngineProvider) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const id = new URLSearchParams(uri.query).get('id') ?? '';
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const engine = await this.engines.get();
      const inspect = await engine.inspect('container', id, { signal: controller.signal });
      return isolationMarkdown(isolationReport(inspect, vscode.l10n.t), vscode.l10n.t);
    } finally {
      subscription.dispose();
    }
  }
}

export async function showIsolation(id: string, name: string): Promise<vscode.TextDocument> {
  const uri = isolationUri(id, name);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return document;
}
