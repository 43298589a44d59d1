/**
 * The Dockerfile editor features a user reaches through VS Code (Format Document, Format
 * Selection, formatting as they type `\`, links, Rename Symbol, semantic highlighting, the file
 * names that open as Dockerfiles, and linting that keeps up with quick edits), asked through
 * VS Code's own provider commands in a real extension host with Berth installed.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'berth.berth';

async function until<T>(what: string, probe: () => T | undefined | false, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function codes(uri: vscode.Uri): string[] {
  return vscode.languages.getDiagnostics(uri).map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '')));
}

describe('Dockerfile editing in a real VS Code', () => {
  const folder = (): vscode.Uri => {
    const first = vscode.workspace.workspaceFolders?.[0];
    assert.ok(first, 'a workspace folder is open');
    return vscode.Uri.joinPath(first.uri, 'language-test');
  };
  const options: vscode.FormattingOptions = { tabSize: 4, insertSpaces: true };
  const TEXT = 'FROM busybox:1.36 AS base\nRUN echo a \\\necho b\nFROM base\nCOPY --from=base /a /b\n';
  let uri: vscode.Uri;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    uri = vscode.Uri.joinPath(folder(), 'Dockerfile');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(TEXT));
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.languageId, 'dockerfile');
    // Opening a Dockerfile is what activates Berth's language features.
    await until('activation', () => extension.isActive);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(folder(), { recursive: true, useTrash: false });
  });

  it('opens Containerfile, Dockerfile.<name>, *.dockerfile and *.containerfile as Dockerfiles', async () => {
    for (const name of ['Containerfile', 'Dockerfile.dev', 'app.dockerfile', 'Containerfile.prod', 'web.containerfile']) {
      const file = vscode.Uri.joinPath(folder(), name);
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('FROM busybox:1.36\n'));
      assert.equal((await vscode.workspace.openTextDocument(file)).languageId, 'dockerfile', name);
    }
  });

  it('formats the document, a selection, and a line as `\\` is typed, with the editor\'s tab settings', async () => {
    const indent: Array<[number, string]> = [[2, '    ']];
    const shape = (edits: vscode.TextEdit[] | undefined): Array<[number, string]> => (edits ?? []).map((e) => [e.range.start.line, e.newText]);
    assert.deepEqual(shape(await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', uri, options)), indent);
    assert.deepEqual(
      shape(await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatRangeProvider', uri, new vscode.Range(1, 0, 2, 6), options)),
      indent,
    );
    assert.deepEqual(shape(await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatOnTypeProvider', uri, new vscode.Position(1, 12), '\\', options)), indent);
    // Two-space tabs give two spaces.
    assert.deepEqual(shape(await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', uri, { tabSize: 2, insertSpaces: true })), [[2, '  ']]);
  });

  it('links the base image to its Docker Hub page', async () => {
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri, 10);
    const link = links.find((l) => l.range.start.line === 0);
    assert.ok(link?.target, JSON.stringify(links));
    assert.match(link.target.toString(), /hub\.docker\.com\/_\/busybox/);
  });

  it('renames a stage everywhere it is used', async () => {
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', uri, new vscode.Position(4, 14), 'builder');
    const edits = edit.get(uri).map((e) => [e.range.start.line, e.range.start.character, e.newText]);
    assert.deepEqual(edits, [
      [0, 21, 'builder'],
      [3, 5, 'builder'],
      [4, 12, 'builder'],
    ]);
  });

  it('completes the local image and its tag in the tag position, where Docker Hub is asked too (and is not reachable here)', async () => {
    const file = vscode.Uri.joinPath(folder(), 'tags.dockerfile');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('FROM berth-test/busybox:\n'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', file, new vscode.Position(0, 24));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('berth-test/busybox:latest'), labels.join(', '));
  });

  it('provides semantic tokens', async () => {
    const tokens = await vscode.commands.executeCommand<vscode.SemanticTokens | undefined>('vscode.provideDocumentSemanticTokens', uri);
    assert.ok(tokens && tokens.data.length >= 5 && tokens.data.length % 5 === 0, String(tokens?.data.length));
  });

  it('lints what the file says after a burst of quick edits, not an earlier state', async () => {
    const editor = await vscode.window.showTextDocument(uri);
    const lines = ['ADD a.txt /x/', 'ADD b.txt /y/', 'MAINTAINER someone', 'EXPOSE 80'];
    for (const line of lines) {
      // Faster than the debounce: each replaces the last line.
      await editor.edit((b) => b.insert(new vscode.Position(editor.document.lineCount - 1, 0), `${line}\n`));
    }
    await editor.edit((b) => {
      for (let i = 0; i < 2; i++) b.delete(editor.document.lineAt(editor.document.lineCount - 5 + i).rangeIncludingLineBreak);
    });
    // Left: MAINTAINER (DL4000) and EXPOSE; the ADD lines (DL3020) are gone.
    await until(`DL4000 without DL3020, got ${codes(uri).join(', ')}`, () => codes(uri).includes('DL4000') && !codes(uri).includes('DL3020'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
