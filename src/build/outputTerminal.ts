/**
 * A read-only terminal for build output: it keeps what was written before VS Code opened it,
 * turns lone LF into CRLF, and stays open after the build so the output can be read.
 */
import * as vscode from 'vscode';

const ESC = '\x1b[';
export const style = {
  step: (s: string): string => `${ESC}1;36m${s}${ESC}0m`,
  error: (s: string): string => `${ESC}1;31m${s}${ESC}0m`,
  success: (s: string): string => `${ESC}1;32m${s}${ESC}0m`,
  dim: (s: string): string => `${ESC}2m${s}${ESC}0m`,
};

export class OutputTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private opened = false;
  private pending: string[] = [];
  /** The previous chunk ended in CR: an LF starting the next one is already paired. */
  private lastWasCr = false;

  constructor(private readonly onInput?: (data: string) => void) {}

  open(): void {
    this.opened = true;
    for (const text of this.pending) this.writeEmitter.fire(text);
    this.pending = [];
  }

  close(): void {
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  handleInput(data: string): void {
    this.onInput?.(data);
  }

  write(text: string): void {
    let out = '';
    for (const ch of text) {
      if (ch === '\n' && !this.lastWasCr) out += '\r';
      out += ch;
      this.lastWasCr = ch === '\r';
    }
    if (this.opened) this.writeEmitter.fire(out);
    else this.pending.push(out);
  }

  writeLine(text: string): void {
    this.write(`${text}\n`);
  }

  /** Ends a task's terminal with its exit code. */
  finish(code: number): void {
    this.closeEmitter.fire(code);
  }
}
