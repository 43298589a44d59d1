/**
 * Run an image: through a form (name, ports suggested from EXPOSE, env and env files, volumes,
 * network, restart policy, limits, command), interactively in a terminal, or from a pasted
 * `docker run` line. Everything goes through the Engine API; the options are remembered per image.
 */
import * as vscode from 'vscode';
import { classifyError } from '../engine/errors';
import { runFailureKind } from '../engine/run';
import { shortId } from '../tree/format';
import type { ExplorerNode } from '../tree/providers';
import type { InteractiveSession } from '../engine/ContainerEngine';
import { attachTerminal } from '../terminal/containerTerminal';
import type { SessionOpener } from '../terminal/containerTerminal';
import { applyField, fieldText, runFields } from '../run/runForm';
import type { RunField } from '../run/runForm';
import { describeEnvFileError, emptyRunOptions, formatDockerRun, parseDockerRun, parseEnvFile, suggestedPorts, toCreateOptions } from '../run/runOptions';
import type { ParseContext, RunOptions } from '../run/runOptions';
import type { Services } from '../services';
import type { CommandHandler } from './registry';
import { showEngineError } from './registry';
import { requireTrust } from './trust';

const MEMORY_KEY = 'berth.run.lastOptions';

function parseContext(): ParseContext {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder?.scheme === 'file' ? { cwd: folder.fsPath, home: process.env.HOME } : { home: process.env.HOME };
}

function remembered(services: Services, image: string): RunOptions | undefined {
  const all = services.memento.get<Record<string, string>>(MEMORY_KEY) ?? {};
  const line = all[image];
  if (!line) return undefined;
  const parsed = parseDockerRun(line, vscode.l10n.t, parseContext());
  return 'options' in parsed ? parsed.options : undefined;
}

async function remember(services: Services, options: RunOptions): Promise<void> {
  const all = { ...(services.memento.get<Record<string, string>>(MEMORY_KEY) ?? {}) };
  all[options.image] = formatDockerRun(options);
  await services.memento.update(MEMORY_KEY, all);
}

async function pickImage(services: Services, clicked: unknown): Promise<string | undefined> {
  const node = clicked as ExplorerNode | undefined;
  if (node && typeof node === 'object' && node.kind === 'image') return node.tag ?? node.image.id;
  const engine = await services.engines.get();
  const refs = (await engine.listImages()).flatMap((i) => (i.repoTags.length > 0 ? i.repoTags.map((tag) => ({ label: tag, description: shortId(i.id), ref: tag })) : [{ label: shortId(i.id), description: vscode.l10n.t('dangling'), ref: i.id }]));
  if (refs.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The engine has no images to run. Build or pull one first.'));
    return undefined;
  }
  return (await vscode.window.showQuickPick(refs, { placeHolder: vscode.l10n.t('Pick the image to run'), matchOnDescription: true }))?.ref;
}

/** The form: a list of fields to edit, with Run at the top. Undefined when the user backs out. */
async function runForm(options: RunOptions): Promise<RunOptions | undefined> {
  const t = vscode.l10n.t;
  const fields = runFields(t);
  let current = options;
  for (;;) {
    type Item = vscode.QuickPickItem & { field?: RunField };
    const items: Item[] = [
      { label: `$(play) ${t('Run')}`, description: formatDockerRun(current), alwaysShow: true },
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      ...fields.map((field) => ({ label: field.label, description: fieldText(field, current) || '—', field })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: t('Run {0}', options.image), placeHolder: t('Pick a setting to change, or Run'), matchOnDescription: false });
    if (!picked) return undefined;
    if (!picked.field) return current;
    const field = picked.field;
    const text = await vscode.window.showInputBox({
      title: t('{0} for {1}', field.label, options.image),
      value: fieldText(field, current),
      placeHolder: field.placeholder,
      prompt: field.placeholder,
      validateInput: (value) => {
        const result = applyField(field, value, current, t, parseContext());
        return 'error' in result ? result.error : undefined;
      },
    });
    if (text === undefined) continue;
    const result = applyField(field, text, current, t, parseContext());
    if ('options' in result) current = result.options;
  }
}

/** Creates and starts the container; an interactive run gets an attached terminal. */
async function run(services: Services, options: RunOptions, reopen: (o: RunOptions) => Promise<void>): Promise<void> {
  const t = vscode.l10n.t;
  const envFiles: Record<string, string> = {};
  // Env files and binds read this workspace's files: only in a trusted workspace.
  if ((options.envFiles.length > 0 || options.volumes.some((v) => v.kind === 'bind')) && !(await requireTrust(t('Running with env files or bind mounts')))) return;
  for (const path of options.envFiles) {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(path)));
    } catch {
      void vscode.window.showErrorMessage(t('The env file {0} could not be read.', path));
      return;
    }
    const parsed = parseEnvFile(text);
    if (!parsed.ok) {
      void vscode.window.showErrorMessage(describeEnvFileError(path, parsed, t));
      return;
    }
    envFiles[path] = text;
  }
  const engine = await services.engines.get();
  const body = toCreateOptions(options, envFiles);
  const interactive = options.interactive || options.tty;
  /** Set while the container exists but has not started: a failure then removes it. */
  let unstarted: string | undefined;
  let started: { id: string; warnings: string[]; session: InteractiveSession | undefined };
  try {
    started = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Starting {0}…', options.name ?? options.image) }, async () => {
      const c = await engine.createContainer(body, options.name, options.platform ? { platform: options.platform } : {});
      unstarted = c.id;
      // Interactive: attach first, then start, as `docker run -it` does, so no early output is
      // lost and a container that exits (and is removed) at once still shows what it printed.
      let session: InteractiveSession | undefined;
      if (interactive) session = await engine.openAttach(c.id, { start: true });
      else await engine.containerAction(c.id, 'start');
      unstarted = undefined;
      return { id: c.id, warnings: c.warnings, session };
    });
  } catch (error) {
    // A container created but not started (a port taken) would only be clutter: remove it.
    if (unstarted !== undefined) await engine.removeContainer(unstarted, { force: true }).catch(() => undefined);
    const kind = runFailureKind(error);
    const message = classifyError(error).message;
    services.log.error(`Run ${options.image}: ${message}`);
    if (kind === 'image-missing') {
      void vscode.window.showErrorMessage(t('The image {0} is not on this engine. Build it, or pull it, then run it again.', options.image));
    } else if (kind === 'name-in-use' || kind === 'port-in-use') {
      const fix = kind === 'name-in-use' ? t('Change the Name') : t('Change the Ports');
      const text = kind === 'name-in-use' ? t('A container called {0} already exists.', options.name ?? '') : t('A published port is already in use on this machine: {0}', message);
      if ((await vscode.window.showErrorMessage(text, fix)) === fix) await reopen(options);
    } else {
      await showEngineError(services, error, `run ${options.image}`);
    }
    return;
  }
  // The container runs: nothing below may remove it.
  for (const warning of started.warnings) services.log.warn(`Run ${options.image}: ${warning}`);
  await remember(services, options).catch((error: unknown) => services.log.warn(`Run ${options.image}: could not remember the options: ${classifyError(error).message}`));
  const session = started.session;
  if (session) {
    // The engine names an unnamed container: show that name, as the Containers view does.
    const listed = options.name ? undefined : await engine.listContainers({ ids: [started.id] }).catch(() => undefined);
    const name = options.name ?? listed?.[0]?.name ?? shortId(started.id);
    // The terminal takes the session opened above; a later re-attach opens a new one.
    let pending: InteractiveSession | undefined = session;
    const opener: SessionOpener = {
      openExec: (id, spec, o) => engine.openExec(id, spec, o),
      shellFor: (id, o) => engine.shellFor(id, o),
      openAttach: (id, o) => {
        const first = pending;
        pending = undefined;
        return first ? Promise.resolve(first) : engine.openAttach(id, o);
      },
    };
    attachTerminal(opener, { id: started.id, name }, services.log);
  } else {
    vscode.window.setStatusBarMessage(t('Started {0}', options.name ?? shortId(started.id)), 4000);
  }
}

async function startingOptions(services: Services, image: string): Promise<RunOptions> {
  const last = remembered(services, image);
  if (last) return last;
  const options: RunOptions = { ...emptyRunOptions(image), detach: true };
  try {
    const engine = await services.engines.get();
    const inspect = await engine.inspect('image', image);
    // Suggest publishing what the image exposes, on the same port numbers, on this machine only.
    options.ports = suggestedPorts(inspect).map((p) => ({ hostIp: '127.0.0.1', hostPort: p.port, containerPort: p.port, protocol: p.protocol }));
  } catch {
    // No suggestions; the form still works.
  }
  return options;
}

const runWithForm: CommandHandler = async (services, clicked) => {
  const image = await pickImage(services, clicked);
  if (!image) return;
  const go = async (from: RunOptions): Promise<void> => {
    const options = await runForm(from);
    if (options) await run(services, options, go);
  };
  await go(await startingOptions(services, image));
};

const runInteractive: CommandHandler = async (services, clicked) => {
  const image = await pickImage(services, clicked);
  if (!image) return;
  const base = await startingOptions(services, image);
  const options: RunOptions = { ...base, interactive: true, tty: true, detach: false, remove: true, name: undefined };
  await run(services, options, async (o) => {
    const edited = await runForm(o);
    if (edited) await run(services, edited, () => Promise.resolve());
  });
};

const runWithCommandLine: CommandHandler = async (services, clicked) => {
  const t = vscode.l10n.t;
  const image = await pickImage(services, clicked);
  if (!image) return;
  const last = remembered(services, image);
  const ask = async (initial: string): Promise<void> => {
    const line = await vscode.window.showInputBox({
      title: t('Run {0} with a docker run command line', image),
      value: initial,
      prompt: t('Paste or edit a docker run line. Berth reads its flags (no shell runs it); an unsupported flag is named.'),
      validateInput: (value) => {
        const parsed = parseDockerRun(value, t, parseContext());
        return 'error' in parsed ? parsed.error : undefined;
      },
    });
    if (line === undefined) return;
    const parsed = parseDockerRun(line, t, parseContext());
    if ('error' in parsed) return;
    await run(services, parsed.options, (o) => ask(formatDockerRun(o)));
  };
  await ask(last ? formatDockerRun(last) : formatDockerRun({ ...emptyRunOptions(image), detach: true }));
};

export const runCommands: Readonly<Record<string, CommandHandler>> = {
  'berth.images.run': runWithForm,
  'berth.images.runInteractive': runInteractive,
  'berth.images.runWithCommandLine': runWithCommandLine,
};
