/**
 * The pure parts of the container terminals: output newline handling, a minimal line discipline
 * for sessions without a TTY, the exit line, what happens after the process ends, and plain
 * words for failures. No `vscode` import: unit-tested directly.
 */
import type { Translate } from '../l10n';
import type { SessionExit } from '../engine/session';

const CSI = '\x1b[';
const DIM = `${CSI}2m`;
const RED = `${CSI}31m`;
const RESET = `${CSI}0m`;

/**
 * Turns lone `\n` into `\r\n` for output that did not come through a TTY (a TTY does it itself):
 * the terminal needs the carriage return to go back to the first column. A `\r\n` split across
 * two chunks stays one line break.
 */
export class NewlineNormalizer {
  private lastWasCr = false;

  push(text: string): string {
    if (text.length === 0) return text;
    let out = '';
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) !== 10 /* \n */) continue;
      const previousIsCr = i === 0 ? this.lastWasCr : text.charCodeAt(i - 1) === 13;
      if (!previousIsCr) {
        out += `${text.slice(start, i)}\r`;
        start = i;
      }
    }
    out += text.slice(start);
    this.lastWasCr = text.charCodeAt(text.length - 1) === 13;
    return out;
  }
}

/** What a keystroke does in a session without a TTY. */
export interface LineInput {
  /** What to show in the terminal (the remote end does not echo). */
  echo: string;
  /** Complete lines to send to the process, each ending with `\n`. */
  send: string;
  /** Ctrl-D on an empty line: close the process's stdin. */
  endOfInput: boolean;
  /** Ctrl-C was pressed: it cannot reach the process (no TTY, no signal). */
  interrupted: boolean;
}

/**
 * A minimal cooked mode for sessions without a TTY, where nothing on the other side echoes or
 * edits: echo, Backspace, Ctrl-U (kill line), Enter sends the line, Ctrl-C drops it, Ctrl-D on an
 * empty line ends input. Pasted text (several lines at once, `\r` or `\r\n` between them) is sent
 * line by line. Escape sequences (arrows, function keys) are ignored: there is no history.
 */
export class LineDiscipline {
  private line = '';
  private lastWasCr = false;

  input(data: string): LineInput {
    const result: LineInput = { echo: '', send: '', endOfInput: false, interrupted: false };
    let i = 0;
    while (i < data.length) {
      const ch = data[i] ?? '';
      const code = data.charCodeAt(i);
      i++;
      if (ch === '\n' && this.lastWasCr) {
        // The second half of a pasted \r\n.
        this.lastWasCr = false;
        continue;
      }
      this.lastWasCr = ch === '\r';
      if (ch === '\r' || ch === '\n') {
        result.send += `${this.line}\n`;
        result.echo += '\r\n';
        this.line = '';
      } else if (code === 0x7f || code === 0x08) {
        const chars = Array.from(this.line);
        if (chars.length > 0) {
          chars.pop();
          this.line = chars.join('');
          result.echo += '\b \b';
        }
      } else if (code === 0x03) {
        this.line = '';
        result.echo += '^C\r\n';
        result.interrupted = true;
      } else if (code === 0x15) {
        result.echo += '\b \b'.repeat(Array.from(this.line).length);
        this.line = '';
      } else if (code === 0x04) {
        if (this.line.length === 0) {
          result.endOfInput = true;
          result.echo += '^D\r\n';
          break;
        }
      } else if (code === 0x1b) {
        i = skipEscape(data, i);
      } else if (code >= 0x20) {
        this.line += ch;
        result.echo += ch;
      }
      // Other control characters have no meaning without a TTY: dropped.
    }
    return result;
  }
}

/** The index after an escape sequence that starts just before `i` (CSI, SS3 or a two-character one). */
function skipEscape(data: string, i: number): number {
  const next = data[i];
  if (next === '[') {
    let j = i + 1;
    while (j < data.length && !/[@-~]/.test(data[j] ?? '')) j++;
    return Math.min(data.length, j + 1);
  }
  if (next === 'O') return Math.min(data.length, i + 2);
  return Math.min(data.length, i + 1);
}

export type TerminalKind = 'shell' | 'attach';

/** After the process ended: close the terminal now, or keep it open until a key is pressed. */
export interface AfterExit {
  closeNow: boolean;
  /** The code to close the terminal with (VS Code reports a non-zero one as a failure). */
  closeCode: number | undefined;
}

/**
 * A shell the user left with `exit` (code 0) closes at once, as VS Code's own terminals do, and so
 * does a detach the user asked for. Anything else (a failing exit, an attached container that
 * stopped, a lost connection) stays open so its last output and the exit line can be read, and
 * closes on the next key, as VS Code's task terminals do.
 */
export function afterExit(kind: TerminalKind, exit: SessionExit): AfterExit {
  if (exit.reason === 'detached') return { closeNow: true, closeCode: undefined };
  if (exit.reason === 'closed') return { closeNow: true, closeCode: undefined };
  if (exit.reason === 'lost') return { closeNow: false, closeCode: 1 };
  const closeNow = kind === 'shell' && exit.exitCode === 0;
  return { closeNow, closeCode: exit.exitCode };
}

/** The dim line written when the session ends, without line breaks. */
export function exitLine(exit: SessionExit, containerName: string, t: Translate): string {
  switch (exit.reason) {
    case 'exited':
      return exit.exitCode === undefined ? t('Process exited') : t('Process exited with code {0}', exit.exitCode);
    case 'detached':
      return t('Detached from {0}; it keeps running.', containerName);
    case 'closed':
      return t('Session closed');
    case 'lost': {
      const detail = exit.error ? describeSessionFailure(exit.error, containerName, t) : '';
      return detail ? t('The connection to the engine was lost: {0}', detail) : t('The connection to the engine was lost.');
    }
  }
}

export function dim(text: string): string {
  return `${DIM}${text}${RESET}`;
}

export function red(text: string): string {
  return `${RED}${text}${RESET}`;
}

/** Terminal text for one or more lines of our own: CRLF line ends, starting on a fresh line. */
export function ownLines(lines: readonly string[], atLineStart: boolean): string {
  return `${atLineStart ? '' : '\r\n'}${lines.map((l) => `${l}\r\n`).join('')}`;
}

/** The shape of the errors the engine layer throws, read structurally (no engine import here). */
interface ErrorShape {
  kind?: unknown;
  problem?: unknown;
  engineMessage?: unknown;
  detail?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/** Plain words for a failure to open or keep a session: never a stack trace. */
export function describeSessionFailure(error: unknown, containerName: string, t: Translate): string {
  const e: ErrorShape = typeof error === 'object' && error !== null ? error : { message: String(error) };
  switch (e.problem) {
    case 'not-found':
      return t('The container {0} no longer exists.', containerName);
    case 'not-running':
      return t('The container {0} is not running. Start it first.', containerName);
    case 'paused':
      return t('The container {0} is paused. Unpause it first.', containerName);
    case 'restarting':
      return t('The container {0} is restarting. Try again when it is running.', containerName);
    case 'no-shell':
      return t('The container {0} has no shell: neither bash nor sh was found in it.', containerName);
  }
  const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
  switch (e.kind) {
    case 'cancelled':
      return t('Cancelled.');
    case 'unavailable':
      return t('Could not reach the container engine: {0}', text(e.detail) || text(e.message) || t('no details'));
    case 'request-failed': {
      const detail = text(e.engineMessage) || text(e.message) || t('no details');
      return typeof e.statusCode === 'number' ? t('The engine refused ({0}): {1}', e.statusCode, detail) : t('The request failed: {0}', detail);
    }
  }
  // Only the first line of a message: never a stack.
  const first = text(e.message).split('\n')[0] ?? '';
  return first ? t('Unexpected error: {0}', first) : t('Unexpected error.');
}
