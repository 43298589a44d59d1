/** Wires the linter into VS Code: diagnostics, quick fixes, hovers and the ignore command. */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { IGNORE_RULE_COMMAND, LintCodeActionProvider, LintHoverProvider, ignoreRuleInWorkspace } from './codeActions';
import { LintDiagnostics } from './diagnostics';

const DOCKERFILE: vscode.DocumentSelector = { language: 'dockerfile' };

export function registerLinting(extensionPath: string, log: vscode.LogOutputChannel): vscode.Disposable {
  // The worker bundle sits next to the extension bundle in dist/.
  const lint = new LintDiagnostics(join(extensionPath, 'dist', 'lintWorker.js'), log);
  return vscode.Disposable.from(
    lint,
    vscode.languages.registerCodeActionsProvider(DOCKERFILE, new LintCodeActionProvider(lint), LintCodeActionProvider.metadata),
    vscode.languages.registerHoverProvider(DOCKERFILE, new LintHoverProvider(lint)),
    vscode.commands.registerCommand(IGNORE_RULE_COMMAND, (code: unknown) => ignoreRuleInWorkspace(code)),
  );
}
