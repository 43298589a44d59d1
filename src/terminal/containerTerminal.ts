/**
 * Open Shell and Attach as VS Code terminals: a `Pseudoterminal` over an interactive session of
 * the Engine API (no `docker` CLI, no child process).
 *
 * - With a TTY, keystrokes go to the container as they are, so Ctrl-C (`\x03`) reaches the TTY and
 *   interrupts the foreground process, and output comes back as it is.
 * - Without a TTY nothing on the other side echoes or edits, so a small line discipline here does:
 *   echo, Backspace, Ctrl-U, Enter sends the line, Ctrl-D on an empty line ends input. Ctrl-C only
 *   drops the typed line: without a TTY there is no way to signal an exec'd process over the
 *   Engine API, and we do not kill an attached container's main process for a keystroke.
 * - Resizes are debounced (50 ms) and reach the engine (exec resize / container resize).
 * - When the process ends, a dim line says how. A shell left with exit code 0, or a detach, closes
 *   the terminal at once, as VS Code's own terminals do; otherwise the terminal stays open to be
 *   read and closes on the next key, as task terminals do, with the exit code (VS Code reports a
 *   non-zero one).
 * - Closing the terminal drops the connection. An attached container keeps running (a detach).
 *   An exec'd shell stays in the container, idle, until the container stops: the Engine API has no
 *   way to signal an exec'd process, as with `docker exec -it` when its client goes away.
 *
 * Each terminal owns its session, timers and emitters: several can be open at once.
 */
import * as vscode from 'vscode';
import type { CallOptions } from '../engine/ContainerEngine';
import type { ExecSpec, InteractiveSession, SessionExit } from '../engine/session';
import type { Translate } from '../l10n';
import { LineDiscipline, NewlineNormalizer, afterExit, describeSessionFailure, dim, exitLine, ownLines, red } from './terminalText';
import type { TerminalKind } from './terminalText';

/**
 * Opens sessions on the current engine: `src/engine/session.ts`'s functions with the engine's
 * dockerode instance bound. Implementations throw the engine layer's classified errors.
 */
export interface SessionOpener {
  openExec(containerId: string, spec: ExecSpec, options?: CallOptions): Promise<InteractiveSession>;
  openAttach(containerId: string, options?: CallOptions): Promise<InteractiveSession>;
  /** The shell command to run: bash when the container has it, else sh. */
  shellFor(containerId: string, options?: CallOptions): Promise<string[]>;
}

export interface TerminalTarget {
  id: string;
  name: string;
}

/** The part of the log channel the terminals use. */
export interface TerminalLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const RESIZE_DEBOUNCE_MS = 50;
/** Bounds the opening (inspect, exec create, the upgrade); the session itself is not timed. */
const OPEN_TIMEOUT_MS = 30_000;

type State = 'idle' | 'opening' | 'open' | 'ended' | 'closed';

export class ContainerPseudoterminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  private state: State = 'idle';
  private session: InteractiveSession | undefined;
  private outputSubscription: { dispose(): void } | undefined;
  private readonly opening = new AbortController();
  private readonly newlines = new NewlineNormalizer();
  private readonly lines = new LineDiscipline();
  /** Keys typed while connecting, sent once the session is open. */
  private pendingInput: string[] = [];
  private dimensions: vscode.TerminalDimensions | undefined;
  private resizeTimer: NodeJS.Timeout | undefined;
  /** Set when the process ended and the terminal waits for a key to close. */
  private closeOnKey: { code: number | undefined } | undefined;
  private atLineStart = true;
  private toldAboutCtrlC = false;

  constructor(
    private readonly opener: SessionOpener,
    private readonly target: TerminalTarget,
    private readonly kind: TerminalKind,
    private readonly log: TerminalLog,
    private readonly t: Translate = vscode.l10n.t,
  ) {}

  open(initialDimensions: vscode.TerminalDimensions | undefined): void {
    if (this.state !== 'idle') return;
    this.state = 'opening';
    this.dimensions = initialDimensions;
    void this.start();
  }

  handleInput(data: string): void {
    if (this.closeOnKey) {
      this.finish(this.closeOnKey.code);
      return;
    }
    if (this.state === 'opening') {
      this.pendingInput.push(data);
      return;
    }
    if (this.state !== 'open' || !this.session) return;
    this.send(this.session, data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.dimensions = dimensions;
    if (this.state !== 'open') return; // used when the session opens
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = undefined;
      this.applySize();
    }, RESIZE_DEBOUNCE_MS);
  }

  /** The user closed the terminal (or it is being disposed). */
  close(): void {
    this.dispose();
  }

  private dispose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.opening.abort();
    clearTimeout(this.resizeTimer);
    this.outputSubscription?.dispose();
    this.session?.close();
    this.session = undefined;
    this.pendingInput = [];
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private async start(): Promise<void> {
    let session: InteractiveSession;
    try {
      const options: CallOptions = { signal: this.opening.signal, timeoutMs: OPEN_TIMEOUT_MS };
      if (this.kind === 'shell') {
        const cmd = await this.opener.shellFor(this.target.id, options);
        session = await this.opener.openExec(this.target.id, { cmd, tty: true }, options);
      } else {
        session = await this.opener.openAttach(this.target.id, options);
      }
    } catch (error) {
      if (this.state === 'closed') return;
      this.failed(error);
      return;
    }
    if (this.state === 'closed') {
      session.close();
      return;
    }
    this.session = session;
    this.state = 'open';
    this.log.info(`${this.kind === 'shell' ? 'Shell' : 'Attached'}: ${this.target.name} (${session.tty ? 'TTY' : 'no TTY'})`);
    this.outputSubscription = session.onOutput((chunk) => this.output(session, chunk.text));
    if (!session.stdin) {
      this.writeOwn([dim(this.t('{0} was not started with an open stdin: what you type is not sent.', this.target.name))]);
    }
    this.applySize();
    for (const data of this.pendingInput.splice(0)) this.send(session, data);
    void session.exited.then((exit) => this.ended(exit));
  }

  private send(session: InteractiveSession, data: string): void {
    if (!session.stdin) return; // said so when it opened
    if (session.tty) {
      session.write(data);
      return;
    }
    const input = this.lines.input(data);
    if (input.echo) this.write(input.echo);
    if (input.send) session.write(input.send);
    if (input.endOfInput) session.endInput();
    if (input.interrupted && !this.toldAboutCtrlC) {
      this.toldAboutCtrlC = true;
      this.writeOwn([dim(this.t('Ctrl-C cannot interrupt a process without a TTY; the typed line was dropped.'))]);
    }
  }

  private output(session: InteractiveSession, text: string): void {
    this.write(session.tty ? text : this.newlines.push(text));
  }

  private applySize(): void {
    const session = this.session;
    const size = this.dimensions;
    if (!session?.tty || !size || this.state !== 'open') return;
    session.resize(size.columns, size.rows).catch((error: unknown) => {
      // A failed resize only garbles the layout; the session goes on.
      if (this.state === 'open') this.log.warn(`Resizing the terminal of ${this.target.name} failed: ${describeSessionFailure(error, this.target.name, this.t)}`);
    });
  }

  private ended(exit: SessionExit): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    clearTimeout(this.resizeTimer);
    this.outputSubscription?.dispose();
    this.session = undefined;
    this.log.info(`${this.target.name}: session ended (${exit.reason}${exit.exitCode === undefined ? '' : `, exit code ${exit.exitCode}`})`);
    const next = afterExit(this.kind, exit);
    const line = exitLine(exit, this.target.name, this.t);
    if (next.closeNow) {
      this.writeOwn([dim(line)]);
      this.finish(next.closeCode);
      return;
    }
    this.writeOwn([dim(line), dim(this.t('Press any key to close the terminal.'))]);
    this.closeOnKey = { code: next.closeCode };
  }

  private failed(error: unknown): void {
    this.state = 'ended';
    const message = describeSessionFailure(error, this.target.name, this.t);
    this.log.error(`${this.kind === 'shell' ? 'Open Shell' : 'Attach'} ${this.target.name}: ${message}`);
    const headline = this.kind === 'shell' ? this.t('Could not open a shell in {0}.', this.target.name) : this.t('Could not attach to {0}.', this.target.name);
    this.writeOwn([red(headline), message, dim(this.t('Press any key to close the terminal.'))]);
    this.closeOnKey = { code: 1 };
  }

  /** Closes the terminal with the exit code. */
  private finish(code: number | undefined): void {
    if (this.state === 'closed') return;
    this.closeOnKey = undefined;
    // VS Code takes a positive number as a failure; 0 and "unknown" close it quietly.
    this.closeEmitter.fire(code !== undefined && code > 0 ? code : undefined);
    this.dispose();
  }

  private writeOwn(lines: readonly string[]): void {
    this.write(ownLines(lines, this.atLineStart));
  }

  private write(text: string): void {
    if (text.length === 0 || this.state === 'closed') return;
    this.atLineStart = text.endsWith('\n');
    this.writeEmitter.fire(text);
  }
}

function createContainerTerminal(name: string, pty: ContainerPseudoterminal): vscode.Terminal {
  const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('terminal') });
  terminal.show();
  return terminal;
}

/** `berth.containers.openShell`: bash (or sh) in the container, with a TTY, in a new terminal. */
export function openShellTerminal(opener: SessionOpener, container: TerminalTarget, log: TerminalLog): vscode.Terminal {
  const pty = new ContainerPseudoterminal(opener, container, 'shell', log);
  return createContainerTerminal(vscode.l10n.t('Shell: {0}', container.name), pty);
}

/** `berth.containers.attach`: the container's main process in a new terminal, with its TTY if it has one. */
export function attachTerminal(opener: SessionOpener, container: TerminalTarget, log: TerminalLog): vscode.Terminal {
  const pty = new ContainerPseudoterminal(opener, container, 'attach', log);
  return createContainerTerminal(vscode.l10n.t('Attach: {0}', container.name), pty);
}
