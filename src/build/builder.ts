/**
 * Building images: the build form (tag, context, build args, target stage, no-cache; remembered per
 * Dockerfile), a cancellable "step N of M" progress, the full output in a terminal, the failing
 * instruction marked in the Dockerfile, and Run offered on success. Tasks use the same builder.
 */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { BuildEvent, BuildResult } from '../engine/ContainerEngine';
import { failingInstructionLine } from '../engine/build';
import { classifyError } from '../engine/errors';
import { describeEngineError } from '../errorMessages';
import type { Services } from '../services';
import { validateReference } from '../commands/images';
import { requireTrust } from '../commands/trust';
import { shellWords } from '../run/runOptions';
import type { BuildSettings } from './buildForm';
import { defaultTag, formatBuildArgs, parseBuildArgs, readBuildSettings, stageNames } from './buildForm';
import { OutputTerminal, style } from './outputTerminal';

const MEMORY_KEY = 'berth.build.settings';
export const DOCKERFILE_GLOB = '**/{Dockerfile,Dockerfile.*,*.dockerfile,Containerfile,Containerfile.*}';

export interface BuildRun {
  /** Where the output goes; a new terminal when absent. */
  output?: OutputTerminal;
  /** Offer to run the image afterwards (not from a task). */
  offerRun: boolean;
  token?: vscode.CancellationToken;
}

export class Builder implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('berth-build');

  constructor(private readonly services: Services) {}

  dispose(): void {
    this.diagnostics.dispose();
  }

  /** The Dockerfile a command was invoked on, or one picked from the workspace. */
  async pickDockerfile(arg: unknown): Promise<vscode.Uri | undefined> {
    if (arg instanceof vscode.Uri) return arg;
    const active = vscode.window.activeTextEditor?.document;
    const files = await vscode.workspace.findFiles(DOCKERFILE_GLOB, '**/node_modules/**', 200);
    if (files.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no Dockerfile in this workspace.'));
      return undefined;
    }
    if (files.length === 1) return files[0];
    const items = files
      .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
      .sort((a, b) => Number(b.uri.toString() === active?.uri.toString()) - Number(a.uri.toString() === active?.uri.toString()) || a.label.localeCompare(b.label));
    return (await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Pick the Dockerfile to build') }))?.uri;
  }

  settingsFor(dockerfile: vscode.Uri): BuildSettings {
    const all = this.services.memento.get<Record<string, unknown>>(MEMORY_KEY) ?? {};
    return readBuildSettings(all[dockerfile.fsPath], { tag: defaultTag(dockerfile.fsPath), contextDir: dirname(dockerfile.fsPath), buildArgs: {}, target: undefined, noCache: false });
  }

  private async remember(dockerfile: vscode.Uri, settings: BuildSettings): Promise<void> {
    const all = { ...(this.services.memento.get<Record<string, unknown>>(MEMORY_KEY) ?? {}) };
    all[dockerfile.fsPath] = settings;
    await this.services.memento.update(MEMORY_KEY, all);
  }

  /** The form: Build at the top, each setting below it. Undefined when the user backs out. */
  async form(dockerfile: vscode.Uri, initial: BuildSettings): Promise<BuildSettings | undefined> {
    const t = vscode.l10n.t;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(dockerfile));
    const stages = stageNames(text);
    let s = initial;
    for (;;) {
      type Item = vscode.QuickPickItem & { key?: 'tag' | 'context' | 'args' | 'target' | 'noCache' };
      const items: Item[] = [
        { label: `$(play) ${t('Build')}`, description: s.tag, alwaysShow: true },
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        { label: t('Tag'), description: s.tag, key: 'tag' },
        { label: t('Context folder'), description: vscode.workspace.asRelativePath(s.contextDir) || s.contextDir, key: 'context' },
        { label: t('Build args'), description: formatBuildArgs(s.buildArgs) || '—', key: 'args' },
        { label: t('Target stage'), description: s.target ?? t('(the last stage)'), key: 'target' },
        { label: t('No cache'), description: s.noCache ? t('yes: rebuild every step') : t('no: reuse cached steps'), key: 'noCache' },
      ];
      const picked = await vscode.window.showQuickPick(items, { title: t('Build {0}', vscode.workspace.asRelativePath(dockerfile)), placeHolder: t('Pick a setting to change, or Build') });
      if (!picked) return undefined;
      switch (picked.key) {
        case undefined:
          return s;
        case 'tag': {
          const tag = await vscode.window.showInputBox({ title: t('Tag'), value: s.tag, prompt: t('The image name, as repository:tag'), validateInput: (v) => validateReference(v, t) });
          if (tag !== undefined) s = { ...s, tag: tag.trim() };
          break;
        }
        case 'context': {
          const here = dirname(dockerfile.fsPath);
          const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath).filter((p) => p !== here);
          const choice = await vscode.window.showQuickPick(
            [
              { label: vscode.workspace.asRelativePath(here) || here, description: t("the Dockerfile's folder"), path: here },
              ...folders.map((p) => ({ label: p, description: t('workspace folder'), path: p })),
              { label: t('Choose a folder…'), description: '', path: '' },
            ],
            { title: t('Context folder') },
          );
          if (!choice) break;
          if (choice.path) {
            s = { ...s, contextDir: choice.path };
          } else {
            const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, defaultUri: vscode.Uri.file(here), openLabel: t('Use as Context') });
            if (chosen?.[0]) s = { ...s, contextDir: chosen[0].fsPath };
          }
          break;
        }
        case 'args': {
          const parse = (v: string): Record<string, string> | { error: string } => {
            const words = shellWords(v, t);
            return 'error' in words ? words : parseBuildArgs(words.words, t);
          };
          const value = await vscode.window.showInputBox({
            title: t('Build args'),
            value: formatBuildArgs(s.buildArgs),
            prompt: t('NAME=value pairs, separated by spaces; quote values with spaces'),
            validateInput: (v) => {
              const r = parse(v);
              return 'error' in r && typeof r.error === 'string' ? r.error : undefined;
            },
          });
          if (value === undefined) break;
          const parsed = parse(value);
          if (!('error' in parsed && typeof parsed.error === 'string')) s = { ...s, buildArgs: parsed };
          break;
        }
        case 'target': {
          if (stages.length === 0) {
            void vscode.window.showInformationMessage(t('This Dockerfile has no named stages (FROM … AS name).'));
            break;
          }
          const choice = await vscode.window.showQuickPick([{ label: t('(the last stage)'), stage: undefined as string | undefined }, ...stages.map((name) => ({ label: name, stage: name }))], { title: t('Target stage') });
          if (choice) s = { ...s, target: choice.stage };
          break;
        }
        case 'noCache':
          s = { ...s, noCache: !s.noCache };
          break;
      }
    }
  }

  /** Runs a build with progress, output, diagnostics and the follow-up. */
  async build(dockerfile: vscode.Uri, settings: BuildSettings, run: BuildRun): Promise<BuildResult | undefined> {
    const t = vscode.l10n.t;
    if (!(await requireTrust(t('Building')))) return undefined;
    await this.remember(dockerfile, settings);
    let output = run.output;
    if (!output) {
      output = new OutputTerminal();
      vscode.window.createTerminal({ name: t('Build: {0}', settings.tag), pty: output, iconPath: new vscode.ThemeIcon('tools') }).show(true);
    }
    const out = output;
    out.writeLine(style.dim(t('Building {0} from {1} (context {2})', settings.tag, vscode.workspace.asRelativePath(dockerfile), settings.contextDir)));
    // The terminal is open: whatever ends the build, it says so there too.
    const fail = (error: unknown): never => {
      out.writeLine(style.error(t('Build failed: {0}', describeEngineError(classifyError(error), this.services.engines.address(), t))));
      throw error;
    };
    const engine = await this.services.engines.get().catch(fail);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Building {0}', settings.tag), cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const subs = [token.onCancellationRequested(() => controller.abort()), run.token?.onCancellationRequested(() => controller.abort())];
      let lastStep = 0;
      try {
        return await engine.buildImage(
          { contextDir: settings.contextDir, dockerfile: dockerfile.fsPath, tags: [settings.tag], buildArgs: settings.buildArgs, noCache: settings.noCache, ...(settings.target ? { target: settings.target } : {}) },
          {
            signal: controller.signal,
            onEvent: (event: BuildEvent) => {
              switch (event.kind) {
                case 'step':
                  // The step line itself arrives as output too: only the progress moves here.
                  progress.report({ message: t('step {0} of {1}: {2}', event.step, event.total, event.instruction.slice(0, 60)), increment: ((event.step - lastStep) / event.total) * 100 });
                  lastStep = event.step;
                  break;
                case 'output':
                  out.write(event.text.replace(/^Step \d+\/\d+ : .*$/gm, (line) => style.step(line)));
                  break;
                case 'error':
                  out.writeLine(style.error(event.message));
                  break;
                case 'imageId':
                  break;
              }
            },
          },
        );
      } catch (error) {
        const classified = classifyError(error);
        if (classified.kind === 'cancelled') {
          out.writeLine(style.error(t('Build cancelled.')));
          return undefined;
        }
        return fail(error);
      } finally {
        for (const s of subs) s?.dispose();
      }
    });
    if (!result) return undefined;
    await this.report(dockerfile, settings, result, out, run.offerRun);
    return result;
  }

  private async report(dockerfile: vscode.Uri, settings: BuildSettings, result: BuildResult, out: OutputTerminal, offerRun: boolean): Promise<void> {
    const t = vscode.l10n.t;
    if (!result.error) {
      this.diagnostics.delete(dockerfile);
      out.writeLine(style.success(t('Built {0}', settings.tag)));
      if (!offerRun) return;
      const runIt = t('Run');
      if ((await vscode.window.showInformationMessage(t('Built {0}.', settings.tag), runIt)) === runIt) {
        await vscode.commands.executeCommand('berth.images.run', { kind: 'image', tag: settings.tag, image: { id: result.imageId ?? settings.tag } });
      }
      return;
    }
    const failure = result.error;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(dockerfile));
    const line = failure.line !== undefined ? failure.line - 1 : failure.step !== undefined ? failingInstructionLine(text, failure.step) : undefined;
    const lines = text.split(/\r?\n/);
    const at = Math.min(Math.max(0, line ?? 0), Math.max(0, lines.length - 1));
    if (!offerRun) {
      // In a task, a plain line for the `$berth-build` problem matcher marks the Dockerfile.
      out.writeLine(`${dockerfile.fsPath}:${at + 1}: error: ${failure.message.replace(/\s+/g, ' ')}`);
      return;
    }
    out.writeLine(style.error(t('Build failed: {0}', failure.message)));
    const diagnostic = new vscode.Diagnostic(new vscode.Range(at, 0, at, (lines[at] ?? '').length), t('Build failed here: {0}', failure.message), vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'berth build';
    this.diagnostics.set(dockerfile, [diagnostic]);
    const show = t('Show Output');
    const open = t('Open Dockerfile');
    const where = failure.step !== undefined ? t('at step {0}', failure.step) : '';
    const choice = await vscode.window.showErrorMessage(t('Building {0} failed {1}: {2}', settings.tag, where, failure.message), open, show);
    if (choice === open) await vscode.window.showTextDocument(dockerfile, { selection: new vscode.Range(at, 0, at, 0) });
    else if (choice === show) await vscode.commands.executeCommand('workbench.action.terminal.focus');
  }
}

/** `berth.images.build`: from the Explorer, the editor title or the palette. */
export function buildCommand(builder: Builder): (services: Services, arg: unknown) => Promise<void> {
  return async (_services, arg) => {
    if (!(await requireTrust(vscode.l10n.t('Building')))) return;
    const dockerfile = await builder.pickDockerfile(arg);
    if (!dockerfile) return;
    const settings = await builder.form(dockerfile, builder.settingsFor(dockerfile));
    if (!settings) return;
    await builder.build(dockerfile, settings, { offerRun: true });
  };
}
