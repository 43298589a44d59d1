/**
 * Quick fixes for lint findings, "ignore here" (a hadolint pragma) and "ignore in this workspace"
 * (a setting), plus the hover that explains a finding.
 */
import * as vscode from 'vscode';
import { ruleUrl } from '../lint/formats';
import { ignoreHereEdit } from '../lint/pragmas';
import type { Fix } from '../lint/types';
import type { LintDiagnostics } from './diagnostics';

export const IGNORE_RULE_COMMAND = 'berth.lint.ignoreRuleInWorkspace';

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return code === undefined ? undefined : String(code);
}

/** Our stored diagnostic that matches one VS Code handed back (it passes copies, not our objects). */
function findOurs(lint: LintDiagnostics, document: vscode.TextDocument, diagnostic: vscode.Diagnostic): vscode.Diagnostic | undefined {
  const code = codeOf(diagnostic);
  return lint.diagnosticsOf(document.uri).find((d) => codeOf(d) === code && d.range.isEqual(diagnostic.range) && d.message === diagnostic.message);
}

function toWorkspaceEdit(document: vscode.TextDocument, fix: Fix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(e.span.start), document.positionAt(e.span.end)), e.newText);
  }
  return edit;
}

export class LintCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly lint: LintDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const seenIgnores = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'berth' && diagnostic.source !== 'shellcheck') continue;
      const ours = findOurs(this.lint, document, diagnostic);
      const details = ours ? this.lint.detailsOf(ours) : undefined;
      const code = codeOf(diagnostic);
      if (!code) continue;
      for (const [index, fix] of (details?.finding.fixes ?? []).entries()) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(document, fix);
        action.diagnostics = [diagnostic];
        action.isPreferred = index === 0;
        actions.push(action);
      }
      const ignoreKey = `${code}@${diagnostic.range.start.line}`;
      if (seenIgnores.has(ignoreKey)) continue;
      seenIgnores.add(ignoreKey);
      const here = ignoreHereEdit(document.getText(), document.offsetAt(diagnostic.range.start), code);
      if (here) {
        const action = new vscode.CodeAction(vscode.l10n.t('Ignore {0} for this instruction', code), vscode.CodeActionKind.QuickFix);
        const edit = new vscode.WorkspaceEdit();
        if (here.replaceLine) edit.replace(document.uri, document.lineAt(here.line).range, here.newText);
        else edit.insert(document.uri, new vscode.Position(here.line, 0), here.newText);
        action.edit = edit;
        action.diagnostics = [diagnostic];
        actions.push(action);
      }
      const workspace = new vscode.CodeAction(vscode.l10n.t('Ignore {0} in this workspace', code), vscode.CodeActionKind.QuickFix);
      workspace.command = { command: IGNORE_RULE_COMMAND, title: workspace.title, arguments: [code] };
      workspace.diagnostics = [diagnostic];
      actions.push(workspace);
    }
    return actions;
  }
}

export class LintHoverProvider implements vscode.HoverProvider {
  constructor(private readonly lint: LintDiagnostics) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const parts: vscode.MarkdownString[] = [];
    let range: vscode.Range | undefined;
    for (const diagnostic of this.lint.diagnosticsOf(document.uri)) {
      if ((diagnostic.source !== 'berth' && diagnostic.source !== 'shellcheck') || !diagnostic.range.contains(position)) continue;
      const details = this.lint.detailsOf(diagnostic);
      const code = codeOf(diagnostic);
      if (!details || !code) continue;
      const md = new vscode.MarkdownString(undefined, true);
      md.appendMarkdown(`**[${code}](${ruleUrl(code)})**: `);
      md.appendText(details.finding.message);
      if (details.explanation) {
        md.appendMarkdown('\n\n');
        md.appendText(details.explanation);
      }
      const fix = details.finding.fixes[0];
      md.appendMarkdown('\n\n');
      md.appendText(fix ? vscode.l10n.t('Quick fix: {0}.', fix.title) : vscode.l10n.t('Ignore it here with a "# hadolint ignore={0}" comment above the instruction.', code));
      parts.push(md);
      range = range ? range.union(diagnostic.range) : diagnostic.range;
    }
    return parts.length > 0 ? new vscode.Hover(parts, range) : undefined;
  }
}

export async function ignoreRuleInWorkspace(code: unknown): Promise<void> {
  if (typeof code !== 'string' || !/^(DL|SC)\d{4}$/.test(code)) return;
  const settings = vscode.workspace.getConfiguration('berth.lint');
  const current = settings.get<string[]>('ignoredRules', []);
  if (current.includes(code)) return;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await settings.update('ignoredRules', [...current, code], target);
}
