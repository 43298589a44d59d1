/**
 * Lint diagnostics for open Dockerfiles: debounced after typing, linted in a worker, stale runs
 * dropped. Configuration is hadolint's `.hadolint.yaml` (found the way hadolint finds it) merged
 * with Berth's `berth.lint.*` settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { configFromFile, findConfigFile, mergeConfig, normalizeCode } from '../lint/config';
import type { ConfigPatch } from '../lint/config';
import { ruleUrl } from '../lint/formats';
import { LintCancelled, LintClient } from '../lint/LintClient';
import type { Finding, LintConfig, RuleSeverity } from '../lint/types';
import { DEFAULT_CONFIG } from '../lint/types';
import { toWireConfig } from '../lint/wire';

export const DEBOUNCE_MS = 150;
const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  // Not Hint: VS Code leaves hints out of the Problems panel, and a style finding must show there.
  style: vscode.DiagnosticSeverity.Information,
};
const RULE_SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info', 'style', 'ignore']);

/** What a diagnostic carries beyond what VS Code stores: its fixes and our explanation. */
export interface FindingDetails {
  finding: Finding;
  explanation: string | undefined;
}

export class LintDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('berth');
  private readonly client: LintClient;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly details = new WeakMap<vscode.Diagnostic, FindingDetails>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly configCache = new Map<string, { config: LintConfig; file: string | undefined }>();
  private readonly reportedConfigProblems = new Set<string>();

  constructor(
    workerScript: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.client = new LintClient(workerScript);
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('berth.lint')) this.relintAll();
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/.hadolint.{yaml,yml}');
    this.disposables.push(watcher, watcher.onDidChange(() => this.relintAll()), watcher.onDidCreate(() => this.relintAll()), watcher.onDidDelete(() => this.relintAll()));
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  /** The finding and explanation behind one of our diagnostics. */
  detailsOf(diagnostic: vscode.Diagnostic): FindingDetails | undefined {
    return this.details.get(diagnostic);
  }

  diagnosticsOf(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  relintAll(): void {
    this.configCache.clear();
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (document.languageId !== 'dockerfile') return;
    const key = document.uri.toString();
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.lint(document);
      }, delay),
    );
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
    this.collection.delete(document.uri);
  }

  private async lint(document: vscode.TextDocument): Promise<void> {
    const settings = vscode.workspace.getConfiguration('berth.lint', document.uri);
    if (!settings.get<boolean>('enable', true)) {
      this.collection.delete(document.uri);
      return;
    }
    const version = document.version;
    const config = this.configFor(document);
    try {
      const shellcheck = settings.get<boolean>('shellcheck.enable', true) ? settings.get<string>('shellcheck.path', '').trim() || 'shellcheck' : undefined;
      const response = await this.client.lint(document.uri.toString(), document.getText(), toWireConfig(config), { syntax: settings.get<boolean>('syntaxChecks', true), shellcheck });
      if (document.isClosed || document.version !== version) return;
      const diagnostics = response.findings.map((finding) => {
        const range = new vscode.Range(document.positionAt(finding.span.start), document.positionAt(finding.span.end));
        const diagnostic = new vscode.Diagnostic(range, finding.message, SEVERITY[finding.severity]);
        diagnostic.source = finding.code === 'syntax' ? 'dockerfile-utils' : 'berth';
        if (finding.code !== 'syntax') diagnostic.code = { value: finding.code, target: vscode.Uri.parse(ruleUrl(finding.code)) };
        if (finding.code.startsWith('SC')) diagnostic.source = 'shellcheck';
        this.details.set(diagnostic, { finding, explanation: response.explanations[finding.code] });
        return diagnostic;
      });
      this.collection.set(document.uri, diagnostics);
      this.log.trace(`Linted ${document.uri.fsPath} in ${response.durationMs.toFixed(1)} ms: ${diagnostics.length} finding(s)`);
    } catch (error) {
      if (error instanceof LintCancelled) return;
      this.log.error(`Linting ${document.uri.fsPath} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** `.hadolint.yaml` from the document's workspace folder (hadolint's working directory) or home, then the settings. */
  private configFor(document: vscode.TextDocument): LintConfig {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const cwd = folder?.uri.fsPath ?? (document.uri.scheme === 'file' ? join(document.uri.fsPath, '..') : homedir());
    let cached = this.configCache.get(cwd);
    if (!cached) {
      const file = findConfigFile(cwd, homedir(), process.env, existsSync);
      let config = DEFAULT_CONFIG;
      if (file) {
        try {
          const loaded = configFromFile(readFileSync(file, 'utf8'));
          config = loaded.config;
          for (const problem of loaded.problems) {
            const key = `${file}:${problem}`;
            if (this.reportedConfigProblems.has(key)) continue;
            this.reportedConfigProblems.add(key);
            void vscode.window.showWarningMessage(vscode.l10n.t('{0}: {1}', file, problem), vscode.l10n.t('Open File')).then((choice) => {
              if (choice) void vscode.window.showTextDocument(vscode.Uri.file(file));
            });
          }
        } catch (error) {
          this.log.warn(`Could not read ${file}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      cached = { config, file };
      this.configCache.set(cwd, cached);
    }
    return mergeConfig(cached.config, settingsPatch(vscode.workspace.getConfiguration('berth.lint', document.uri)));
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.client.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** `berth.lint.ignoredRules` and `berth.lint.severityOverrides` as a config patch; bad entries are skipped. */
export function settingsPatch(settings: vscode.WorkspaceConfiguration): ConfigPatch {
  const ignored = settings.get<unknown>('ignoredRules', []);
  const overrides = settings.get<unknown>('severityOverrides', {});
  const patch: ConfigPatch = {
    ignored: Array.isArray(ignored) ? ignored.filter((c): c is string => typeof c === 'string').map(normalizeCode) : [],
    overrides:
      overrides && typeof overrides === 'object'
        ? Object.entries(overrides as Record<string, unknown>)
            .filter((e): e is [string, RuleSeverity] => typeof e[1] === 'string' && RULE_SEVERITIES.has(e[1]))
            .map(([code, severity]) => [normalizeCode(code), severity])
        : [],
  };
  return patch;
}
