/**
 * Task types `berth-build` and `berth-run`, for tasks.json: they run through the same builder and
 * run code as the commands (Engine API, no shell). Build failures are printed in a form the
 * `$berth-build` problem matcher maps to the Dockerfile.
 */
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { classifyError } from '../engine/errors';
import { describeEngineError } from '../errorMessages';
import { parseDockerRun, toCreateOptions } from '../run/runOptions';
import type { Services } from '../services';
import { shortId } from '../tree/format';
import type { Builder } from './builder';
import { defaultTag } from './buildForm';
import { OutputTerminal, style } from './outputTerminal';

/** How long a task's terminal stays open after its last output, for the problem matcher. */
const FINISH_DELAY_MS = 500;

export interface BuildTaskDefinition extends vscode.TaskDefinition {
  type: 'berth-build';
  /** The Dockerfile, relative to the workspace folder. */
  dockerfile: string;
  tag?: string;
  /** The context folder, relative to the workspace folder (default: the Dockerfile's folder). */
  context?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  noCache?: boolean;
}

export interface RunTaskDefinition extends vscode.TaskDefinition {
  type: 'berth-run';
  image: string;
  /** `docker run` flags, e.g. "-d --name web -p 8080:80" (read by Berth's parser, not a shell). */
  args?: string;
  /** The command instead of the image's: the words after the image (read by Berth's parser, not a shell). */
  command?: string;
}

function folderOf(task: vscode.Task): string | undefined {
  const scope = task.scope;
  if (scope && typeof scope === 'object' && 'uri' in scope) return scope.uri.fsPath;
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function trustedOrExplain(out: OutputTerminal): boolean {
  if (vscode.workspace.isTrusted) return true;
  out.writeLine(style.error(vscode.l10n.t('Berth tasks do not run in Restricted Mode: they build and run from this workspace\'s files. Trust the workspace to run them.')));
  out.finish(1);
  return false;
}

/**
 * The provider of one task type: VS Code asks each registered provider for tasks of its own type
 * only, and reports (in the Tasks output, which it opens) any task of another type it returns.
 */
export class BerthTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly services: Services,
    private readonly builder: Builder,
    readonly type: 'berth-build' | 'berth-run',
  ) {}

  /** One build task per Dockerfile in the workspace, so they show under Run Task without a tasks.json. */
  async provideTasks(): Promise<vscode.Task[]> {
    // berth-run tasks exist only in tasks.json: there is nothing to detect.
    if (this.type !== 'berth-build') return [];
    const tasks: vscode.Task[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/{Dockerfile,Containerfile}'), '**/node_modules/**', 50);
      for (const file of files) {
        const relative = vscode.workspace.asRelativePath(file, false);
        const task = this.resolveTask(new vscode.Task({ type: 'berth-build', dockerfile: relative } satisfies BuildTaskDefinition, folder, vscode.l10n.t('build {0}', relative), 'berth'));
        if (task) tasks.push(task);
      }
    }
    return tasks;
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const definition = task.definition;
    if (definition.type !== this.type) return undefined;
    if (definition.type === 'berth-build') return this.withExecution(task, (out, token) => this.runBuild(task, definition as BuildTaskDefinition, out, token), ['$berth-build']);
    if (definition.type === 'berth-run') return this.withExecution(task, (out, token) => this.runRun(task, definition as RunTaskDefinition, out, token), []);
    return undefined;
  }

  private withExecution(task: vscode.Task, body: (out: OutputTerminal, token: vscode.CancellationToken) => Promise<number>, matchers: string[]): vscode.Task {
    const execution = new vscode.CustomExecution(() => {
      const cancel = new vscode.CancellationTokenSource();
      const out = new OutputTerminal((data) => {
        if (data === '\x03') cancel.cancel();
      });
      const originalOpen = out.open.bind(out);
      out.open = () => {
        originalOpen();
        if (!trustedOrExplain(out)) return;
        // Close a moment after the last line, so the problem matcher has read all the output.
        const finish = (code: number): void => {
          setTimeout(() => out.finish(code), FINISH_DELAY_MS);
        };
        body(out, cancel.token).then(finish, (error: unknown) => {
          out.writeLine(style.error(describeEngineError(classifyError(error), this.services.engines.address(), vscode.l10n.t)));
          finish(1);
        });
      };
      const originalClose = out.close.bind(out);
      out.close = () => {
        cancel.cancel();
        cancel.dispose();
        originalClose();
      };
      return Promise.resolve(out);
    });
    const resolved = new vscode.Task(task.definition, task.scope ?? vscode.TaskScope.Workspace, task.name, 'berth', execution, matchers);
    resolved.group = task.definition.type === 'berth-build' ? vscode.TaskGroup.Build : undefined;
    return resolved;
  }

  private async runBuild(task: vscode.Task, d: BuildTaskDefinition, out: OutputTerminal, token: vscode.CancellationToken): Promise<number> {
    const folder = folderOf(task);
    if (typeof d.dockerfile !== 'string' || !d.dockerfile) {
      out.writeLine(style.error(vscode.l10n.t('A berth-build task needs "dockerfile": the path of the Dockerfile.')));
      return 2;
    }
    const path = isAbsolute(d.dockerfile) || !folder ? d.dockerfile : join(folder, d.dockerfile);
    const dockerfile = vscode.Uri.file(path);
    const base = this.builder.settingsFor(dockerfile);
    const contextDir = d.context ? (isAbsolute(d.context) || !folder ? d.context : join(folder, d.context)) : base.contextDir;
    const result = await this.builder.build(
      dockerfile,
      { tag: d.tag ?? base.tag ?? defaultTag(path), contextDir, buildArgs: d.buildArgs ?? {}, target: d.target, noCache: d.noCache === true },
      { output: out, offerRun: false, token },
    );
    return result && !result.error ? 0 : 1;
  }

  private async runRun(task: vscode.Task, d: RunTaskDefinition, out: OutputTerminal, token: vscode.CancellationToken): Promise<number> {
    const t = vscode.l10n.t;
    const folder = folderOf(task);
    const line = `${d.args ?? ''} ${d.image.startsWith('-') ? '-- ' : ''}${d.image} ${d.command ?? ''}`;
    const parsed = parseDockerRun(line, t, folder ? { cwd: folder, home: process.env.HOME } : {});
    if ('error' in parsed) {
      out.writeLine(style.error(parsed.error));
      return 2;
    }
    const options = parsed.options;
    const envFiles: Record<string, string> = {};
    for (const file of options.envFiles) envFiles[file] = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
    const engine = await this.services.engines.get();
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    let unstarted: string | undefined;
    try {
      const created = await engine.createContainer(toCreateOptions(options, envFiles), options.name, { signal: controller.signal });
      unstarted = created.id;
      for (const warning of created.warnings) out.writeLine(style.dim(warning));
      const label = options.name ?? options.image;
      if (options.detach) {
        await engine.containerAction(created.id, 'start', { signal: controller.signal });
        unstarted = undefined;
        out.writeLine(style.success(t('Started {0} ({1})', label, shortId(created.id))));
        return 0;
      }
      // In the foreground the task shows the container's output until it exits: attached before
      // it starts, as `docker run` does, so nothing is missed and `--rm` cannot take the exit code.
      const session = await engine.openAttach(created.id, { start: true, signal: controller.signal });
      unstarted = undefined;
      out.writeLine(style.success(t('Started {0} ({1})', label, shortId(created.id))));
      const output = session.onOutput((chunk) => out.write(chunk.text.replace(/\r?\n/g, '\r\n')));
      const stop = (): void => {
        // Terminating the task stops the container, as Ctrl-C stops a foreground `docker run`.
        session.close();
        void engine.containerAction(created.id, 'stop').catch(() => undefined);
      };
      controller.signal.addEventListener('abort', stop, { once: true });
      try {
        const exit = await session.exited;
        if (controller.signal.aborted) {
          out.writeLine(style.dim(t('Stopping {0}…', label)));
          return 130;
        }
        const code = exit.exitCode ?? 0;
        out.writeLine(style.dim(t('The container exited with code {0}.', code)));
        return code;
      } finally {
        controller.signal.removeEventListener('abort', stop);
        output.dispose();
        session.close();
      }
    } catch (error) {
      // A container created but never started (a port taken, a bad command) would only be clutter.
      if (unstarted !== undefined) await engine.removeContainer(unstarted, { force: true }).catch(() => undefined);
      throw error;
    } finally {
      sub.dispose();
    }
  }
}
