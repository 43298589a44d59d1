/** Workspace trust: Berth builds and runs from workspace files only in a trusted workspace. */
import * as vscode from 'vscode';

/**
 * True when the workspace is trusted; otherwise says why the action is off, with a way to trust
 * the folder, and returns false. The explorer and everything that does not read workspace files
 * stay available.
 */
export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} is off in Restricted Mode: it would use files from this workspace, which you have not trusted. Trust the workspace to use it.', action),
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
