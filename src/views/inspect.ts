/**
 * Inspect: the engine's JSON for a container, image, volume or network, as a read-only virtual
 * document (`berth-inspect:`), so it gets VS Code's JSON highlighting, folding and search.
 */
import * as vscode from 'vscode';
import type { InspectTarget } from '../engine/ContainerEngine';
import type { EngineProvider } from '../EngineProvider';

export const INSPECT_SCHEME = 'berth-inspect';
const TARGETS: ReadonlySet<string> = new Set(['container', 'image', 'volume', 'network']);

/** `berth-inspect:/container/web.json?id=…`: the path names the document, the query says what to fetch. */
export function inspectUri(target: InspectTarget, id: string, title: string): vscode.Uri {
  const safeTitle = title.replace(/[/\\?#%]/g, '_') || id.slice(0, 12);
  return vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${target}/${safeTitle}.json`, query: new URLSearchParams({ id }).toString() });
}

export class InspectDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly engines: EngineProvider) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const target = uri.path.split('/')[1] ?? '';
    const id = new URLSearchParams(uri.query).get('id') ?? '';
    if (!TARGETS.has(target) || !id) {
      return vscode.l10n.t('// Berth cannot inspect {0}: the address is not one Berth made.', uri.toString());
    }
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const engine = await this.engines.get();
      const document = await engine.inspect(target as InspectTarget, id, { signal: controller.signal });
      return `${JSON.stringify(document, null, 2)}\n`;
    } finally {
      subscription.dispose();
    }
  }
}

export async function showInspect(target: InspectTarget, id: string, title: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(inspectUri(target, id, title));
  await vscode.window.showTextDocument(document, { preview: true });
}
