/**
 * The container terminals: the pure text helpers, then the Pseudoterminal itself driven with a fake
 * session opener and a minimal stand-in for the `vscode` module (no VS Code, no daemon).
 */
import * as assert from 'node:assert/strict';
import Module from 'node:module';
import type { ExecSpec, InteractiveSession, SessionExit, SessionOutput } from '../../src/engine/session';
import { EngineUnavailableError } from '../../src/engine/errors';
import { formatMessage } from '../../src/l10n';
import { LineDiscipline, NewlineNormalizer, afterExit, describeSessionFailure, exitLine, ownLines } from '../../src/terminal/terminalText';
import type * as ContainerTerminalModule from '../../src/terminal/containerTerminal';

const t = formatMessage;

describe('terminal text', () => {
  describe('NewlineNormalizer', () => {
    it('turns lone \\n into \\r\\n and leaves \\r\\n alone', () => {
      const n = new NewlineNormalizer();
      assert.equal(n.push('a\nb\r\nc\n\n'), 'a\r\nb\r\nc\r\n\r\n');
    });

    it('keeps a \\r\\n split across chunks as one line break', () => {
      const n = new NewlineNormalizer();
      assert.equal(n.push('one\r'), 'one\r');
      assert.equal(n.push('\ntwo\n'), '\ntwo\r\n');
      assert.equal(n.push('\n'), '\r\n');
    });

    it('handles a chunk that is only a newline, and empty chunks', () => {
      const n = new NewlineNormalizer();
      assert.equal(n.push('x'), 'x');
      assert.equal(n.push(''), '');
      assert.equal(n.push('\n'), '\r\n');
      assert.equal(n.push('\r'), '\r');
      assert.equal(n.push(''), '');
      assert.equal(n.push('\n'), '\n');
    });

    it('is the same however the text is cut', () => {
      const text = 'héllo\nwörld\r\n\n✓ done\r\nlast\n';
      const whole = new NewlineNormalizer().push(text);
      for (let cut = 0; cut <= text.length; cut++) {
        const n = new NewlineNormalizer();
        assert.equal(n.push(text.slice(0, cut)) + n.push(text.slice(cut)), whole, `cut at ${cut}`);
      }
      assert.equal(whole, 'héllo\r\nwörld\r\n\r\n✓ done\r\nlast\r\n');
    });
  });

  describe('LineDiscipline (no TTY)', () => {
    it('echoes typing and sends the line on Enter', () => {
      const d = new LineDiscipline();
      assert.deepEqual(d.input('ec'), { echo: 'ec', send: '', endOfInput: false, interrupted: false });
      assert.deepEqual(d.input('ho hi'), { echo: 'ho hi', send: '', endOfInput: false, interrupted: false });
      assert.deepEqual(d.input('\r'), { echo: '\r\n', send: 'echo hi\n', endOfInput: false, interrupted: false });
    });

    it('erases with Backspace (whole characters) and Ctrl-U', () => {
      const d = new LineDiscipline();
      d.input('ab✓');
      assert.equal(d.input('\x7f').echo, '\b \b');
      assert.equal(d.input('\x7f\x7f\x7f').echo, '\b \b\b \b', 'nothing left to erase after two');
      d.input('xyz');
      assert.equal(d.input('\x15').echo, '\b \b\b \b\b \b');
      assert.equal(d.input('ok\r').send, 'ok\n');
    });

    it('sends a multi-line paste line by line, with \\r or \\r\\n between lines', () => {
      const d = new LineDiscipline();
      const r = d.input('one\rtwo\r\nthree\r\n');
      assert.equal(r.send, 'one\ntwo\nthree\n');
      assert.equal(r.echo, 'one\r\ntwo\r\nthree\r\n');
      // A \r\n cut between two inputs is still one line break.
      assert.equal(d.input('four\r').send, 'four\n');
      assert.equal(d.input('\nfive\r').send, 'five\n');
    });

    it('Ctrl-C drops the typed line and says so; Ctrl-D on an empty line ends input', () => {
      const d = new LineDiscipline();
      d.input('sleep 10');
      const c = d.input('\x03');
      assert.equal(c.interrupted, true);
      assert.equal(c.echo, '^C\r\n');
      assert.equal(c.send, '');
      assert.equal(d.input('\r').send, '\n', 'the dropped text is gone');
      assert.equal(d.input('abc\x04').endOfInput, false, 'Ctrl-D after text does nothing');
      d.input('\x15');
      assert.deepEqual(d.input('\x04'), { echo: '^D\r\n', send: '', endOfInput: true, interrupted: false });
    });

    it('ignores escape sequences (arrows, function keys) and other control characters', () => {
      const d = new LineDiscipline();
      const r = d.input('a\x1b[A\x1b[1;5Cb\x1bOPc\x01\x1bxd\r');
      assert.equal(r.send, 'abcd\n');
      assert.equal(r.echo, 'abcd\r\n');
    });
  });

  describe('after the process ends', () => {
    it('closes at once after a shell exits with 0, or a detach', () => {
      assert.deepEqual(afterExit('shell', { exitCode: 0, reason: 'exited' }), { closeNow: true, closeCode: 0 });
      assert.deepEqual(afterExit('attach', { exitCode: undefined, reason: 'detached' }), { closeNow: true, closeCode: undefined });
    });

    it('stays open until a key for a failing shell, a stopped container or a lost connection', () => {
      assert.deepEqual(afterExit('shell', { exitCode: 3, reason: 'exited' }), { closeNow: false, closeCode: 3 });
      assert.deepEqual(afterExit('shell', { exitCode: undefined, reason: 'exited' }), { closeNow: false, closeCode: undefined });
      assert.deepEqual(afterExit('attach', { exitCode: 0, reason: 'exited' }), { closeNow: false, closeCode: 0 });
      assert.deepEqual(afterExit('attach', { exitCode: undefined, reason: 'lost' }), { closeNow: false, closeCode: 1 });
    });

    it('words the exit line', () => {
      assert.equal(exitLine({ exitCode: 3, reason: 'exited' }, 'web', t), 'Process exited with code 3');
      assert.equal(exitLine({ exitCode: 0, reason: 'exited' }, 'web', t), 'Process exited with code 0');
      assert.equal(exitLine({ exitCode: undefined, reason: 'exited' }, 'web', t), 'Process exited');
      assert.equal(exitLine({ exitCode: undefined, reason: 'detached' }, 'web', t), 'Detached from web; it keeps running.');
      assert.equal(
        exitLine({ exitCode: undefined, reason: 'lost', error: new EngineUnavailableError('connection-lost', 'read ECONNRESET', 'ECONNRESET') }, 'web', t),
        'The connection to the engine was lost: Could not reach the container engine: read ECONNRESET',
      );
    });

    it('writes our own lines on a fresh line with CRLF', () => {
      assert.equal(ownLines(['a', 'b'], true), 'a\r\nb\r\n');
      assert.equal(ownLines(['a'], false), '\r\na\r\n');
    });
  });

  describe('describeSessionFailure', () => {
    it('puts the common refusals in plain words', () => {
      assert.equal(describeSessionFailure({ kind: 'request-failed', problem: 'not-running', statusCode: 409, engineMessage: 'x' }, 'web', t), 'The container web is not running. Start it first.');
      assert.equal(describeSessionFailure({ kind: 'request-failed', problem: 'no-shell' }, 'web', t), 'The container web has no shell: neither bash nor sh was found in it.');
      assert.equal(describeSessionFailure({ kind: 'request-failed', problem: 'paused' }, 'web', t), 'The container web is paused. Unpause it first.');
      assert.equal(describeSessionFailure({ kind: 'request-failed', problem: 'not-found' }, 'web', t), 'The container web no longer exists.');
    });

    it('falls back to the engine message, and never shows a stack', () => {
      assert.equal(describeSessionFailure({ kind: 'request-failed', statusCode: 500, engineMessage: 'OCI runtime exec failed' }, 'web', t), 'The engine refused (500): OCI runtime exec failed');
      assert.equal(describeSessionFailure({ kind: 'unavailable', detail: 'The engine did not answer after 30 s.' }, 'web', t), 'Could not reach the container engine: The engine did not answer after 30 s.');
      const error = new TypeError('boom');
      const text = describeSessionFailure(error, 'web', t);
      assert.equal(text, 'Unexpected error: boom');
      assert.doesNotMatch(text, /at /);
      assert.equal(describeSessionFailure('weird', 'web', t), 'Unexpected error: weird');
      assert.equal(describeSessionFailure(Object.create(null), 'web', t), 'Unexpected error.');
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The Pseudoterminal, with a stand-in `vscode` module

class FakeEmitter<T> {
  private listeners: Array<(e: T) => void> = [];
  disposed = false;
  readonly event = (listener: (e: T) => void): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}

const created: Array<{ name: string; pty: unknown; shown: boolean }> = [];
const fakeVscode = {
  EventEmitter: FakeEmitter,
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  l10n: { t: formatMessage },
  window: {
    createTerminal(options: { name: string; pty: unknown }) {
      const entry = { name: options.name, pty: options.pty, shown: false };
      created.push(entry);
      return {
        show: () => {
          entry.shown = true;
        },
      };
    },
  },
};

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: ModuleLoad };

function loadTerminalModule(): typeof ContainerTerminalModule {
  const original = moduleWithLoad._load;
  moduleWithLoad._load = (request, parent, isMain) => (request === 'vscode' ? fakeVscode : original(request, parent, isMain));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../../src/terminal/containerTerminal') as typeof ContainerTerminalModule;
  } finally {
    moduleWithLoad._load = original;
  }
}

class FakeSession implements InteractiveSession {
  readonly written: string[] = [];
  readonly resizes: Array<[number, number]> = [];
  inputEnded = false;
  closed = false;
  private listener: ((c: SessionOutput) => void) | undefined;
  private resolveExit!: (e: SessionExit) => void;
  readonly exited = new Promise<SessionExit>((r) => (this.resolveExit = r));

  constructor(
    readonly tty: boolean,
    readonly stdin = true,
  ) {}

  write(data: string | Buffer): void {
    this.written.push(String(data));
  }
  endInput(): void {
    this.inputEnded = true;
  }
  resize(cols: number, rows: number): Promise<void> {
    this.resizes.push([cols, rows]);
    return Promise.resolve();
  }
  onOutput(cb: (chunk: SessionOutput) => void): { dispose(): void } {
    this.listener = cb;
    return { dispose: () => (this.listener = undefined) };
  }
  emit(text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.listener?.({ stream, text });
  }
  exit(e: SessionExit): void {
    this.resolveExit(e);
  }
  close(): void {
    this.closed = true;
    this.resolveExit({ exitCode: undefined, reason: 'closed' });
  }
}

class FakeOpener {
  readonly execs: Array<{ id: string; spec: ExecSpec; signal: AbortSignal | undefined }> = [];
  readonly sessions: FakeSession[] = [];
  shell: string[] | Error = ['/bin/sh'];
  attachTty = true;
  attachStdin = true;
  /** When set, opening waits for it. */
  gate: Promise<void> | undefined;

  shellFor(): Promise<string[]> {
    return this.shell instanceof Error ? Promise.reject(this.shell) : Promise.resolve(this.shell);
  }
  async openExec(id: string, spec: ExecSpec, options?: { signal?: AbortSignal }): Promise<InteractiveSession> {
    this.execs.push({ id, spec, signal: options?.signal });
    await this.gate;
    if (options?.signal?.aborted) throw Object.assign(new Error('cancelled'), { kind: 'cancelled' });
    const s = new FakeSession(spec.tty);
    this.sessions.push(s);
    return s;
  }
  async openAttach(): Promise<InteractiveSession> {
    await this.gate;
    const s = new FakeSession(this.attachTty, this.attachStdin);
    this.sessions.push(s);
    return s;
  }
}

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('ContainerPseudoterminal', () => {
  const terminalModule = loadTerminalModule();
  type Pty = InstanceType<typeof terminalModule.ContainerPseudoterminal>;

  function harness(pty: Pty): { out: () => string; closes: Array<number | void> } {
    let out = '';
    const closes: Array<number | void> = [];
    pty.onDidWrite((s) => (out += s));
    pty.onDidClose((c) => closes.push(c));
    return { out: () => out, closes };
  }

  function shell(opener: FakeOpener): Pty {
    return new terminalModule.ContainerPseudoterminal(opener, { id: 'c1', name: 'web' }, 'shell', quietLog, formatMessage);
  }

  it('opens the detected shell with a TTY at the terminal size, and passes keys through (Ctrl-C too)', async () => {
    const opener = new FakeOpener();
    const pty = shell(opener);
    const h = harness(pty);
    pty.open({ columns: 120, rows: 40 });
    await tick();
    assert.deepEqual(opener.execs[0]?.spec, { cmd: ['/bin/sh'], tty: true });
    const session = opener.sessions[0];
    assert.ok(session);
    assert.deepEqual(session.resizes, [[120, 40]]);
    pty.handleInput('echo berth-$((6*7))\r');
    pty.handleInput('\x03');
    pty.handleInput('pasted\r\ntext');
    assert.deepEqual(session.written, ['echo berth-$((6*7))\r', '\x03', 'pasted\r\ntext']);
    session.emit('berth-42\r\n$ ');
    assert.equal(h.out(), 'berth-42\r\n$ ', 'TTY output passes through');
  });

  it('debounces resizes', async () => {
    const opener = new FakeOpener();
    const pty = shell(opener);
    pty.open(undefined);
    await tick();
    const session = opener.sessions[0];
    assert.ok(session);
    assert.deepEqual(session.resizes, [], 'no size known yet');
    pty.setDimensions({ columns: 100, rows: 30 });
    pty.setDimensions({ columns: 101, rows: 31 });
    pty.setDimensions({ columns: 102, rows: 32 });
    await tick(120);
    assert.deepEqual(session.resizes, [[102, 32]]);
    pty.close();
  });

  it('keeps keys typed while connecting and sends them once open', async () => {
    const opener = new FakeOpener();
    let release!: () => void;
    opener.gate = new Promise((r) => (release = r));
    const pty = shell(opener);
    pty.open({ columns: 80, rows: 24 });
    pty.handleInput('ls\r');
    release();
    await tick();
    assert.deepEqual(opener.sessions[0]?.written, ['ls\r']);
  });

  it('closes at once after `exit` with 0, showing the exit line', async () => {
    const opener = new FakeOpener();
    const pty = shell(opener);
    const h = harness(pty);
    pty.open({ columns: 80, rows: 24 });
    await tick();
    opener.sessions[0]?.emit('exit\r\n');
    opener.sessions[0]?.exit({ exitCode: 0, reason: 'exited' });
    await tick();
    assert.equal(plain(h.out()), 'exit\r\nProcess exited with code 0\r\n');
    assert.deepEqual(h.closes, [undefined]);
  });

  it('after a failing exit shows the code and closes with it on the next key', async () => {
    const opener = new FakeOpener();
    const pty = shell(opener);
    const h = harness(pty);
    pty.open({ columns: 80, rows: 24 });
    await tick();
    opener.sessions[0]?.emit('$ exit 3');
    opener.sessions[0]?.exit({ exitCode: 3, reason: 'exited' });
    await tick();
    assert.equal(plain(h.out()), '$ exit 3\r\nProcess exited with code 3\r\nPress any key to close the terminal.\r\n');
    assert.deepEqual(h.closes, []);
    pty.handleInput('x');
    assert.deepEqual(h.closes, [3]);
  });

  it('shows a failure to open in plain words, then closes with 1 on a key', async () => {
    const opener = new FakeOpener();
    opener.shell = Object.assign(new Error('This container has no shell'), { kind: 'request-failed', problem: 'no-shell', stack: 'Error: at secret (file.js:1:1)' });
    const pty = shell(opener);
    const h = harness(pty);
    pty.open({ columns: 80, rows: 24 });
    await tick();
    assert.equal(plain(h.out()), 'Could not open a shell in web.\r\nThe container web has no shell: neither bash nor sh was found in it.\r\nPress any key to close the terminal.\r\n');
    assert.doesNotMatch(h.out(), /secret|file\.js/);
    pty.handleInput('\r');
    assert.deepEqual(h.closes, [1]);
  });

  it('without a TTY: echoes, sends whole lines, converts newlines, explains Ctrl-C, ends input on Ctrl-D', async () => {
    const opener = new FakeOpener();
    opener.attachTty = false;
    const pty = new terminalModule.ContainerPseudoterminal(opener, { id: 'c1', name: 'db' }, 'attach', quietLog, formatMessage);
    const h = harness(pty);
    pty.open({ columns: 80, rows: 24 });
    await tick();
    const session = opener.sessions[0];
    assert.ok(session);
    assert.deepEqual(session.resizes, [], 'no TTY to resize');
    pty.handleInput('echo hi');
    pty.handleInput('\r');
    assert.deepEqual(session.written, ['echo hi\n']);
    session.emit('hi\n');
    session.emit('oops\n', 'stderr');
    assert.equal(h.out(), 'echo hi\r\nhi\r\noops\r\n');
    pty.handleInput('sleep 5\x03');
    assert.match(plain(h.out()), /sleep 5\^C\r\nCtrl-C cannot interrupt a process without a TTY; the typed line was dropped\.\r\n$/);
    pty.handleInput('\x04');
    assert.equal(session.inputEnded, true);
  });

  it('says when an attached container has no open stdin, and sends nothing', async () => {
    const opener = new FakeOpener();
    opener.attachStdin = false;
    const pty = new terminalModule.ContainerPseudoterminal(opener, { id: 'c1', name: 'db' }, 'attach', quietLog, formatMessage);
    const h = harness(pty);
    pty.open({ columns: 80, rows: 24 });
    await tick();
    assert.match(plain(h.out()), /db was not started with an open stdin/);
    pty.handleInput('ls\r');
    assert.deepEqual(opener.sessions[0]?.written, []);
  });

  it('a detach closes the terminal at once; an attached container that stops waits for a key', async () => {
    const opener = new FakeOpener();
    const make = (): Pty => new terminalModule.ContainerPseudoterminal(opener, { id: 'c1', name: 'db' }, 'attach', quietLog, formatMessage);
    const a = make();
    const ha = harness(a);
    a.open({ columns: 80, rows: 24 });
    await tick();
    opener.sessions[0]?.exit({ exitCode: undefined, reason: 'detached' });
    await tick();
    assert.match(plain(ha.out()), /Detached from db; it keeps running\./);
    assert.deepEqual(ha.closes, [undefined]);

    const b = make();
    const hb = harness(b);
    b.open({ columns: 80, rows: 24 });
    await tick();
    opener.sessions[1]?.exit({ exitCode: 0, reason: 'exited' });
    await tick();
    assert.deepEqual(hb.closes, []);
    b.handleInput(' ');
    assert.deepEqual(hb.closes, [undefined]);
  });

  it('closing the terminal while connecting cancels the opening; closing it later closes the session', async () => {
    const opener = new FakeOpener();
    let release!: () => void;
    opener.gate = new Promise((r) => (release = r));
    const pty = shell(opener);
    const h = harness(pty);
    pty.open({ columns: 80, rows: 24 });
    await tick();
    pty.close();
    assert.equal(opener.execs[0]?.signal?.aborted, true);
    release();
    await tick();
    assert.equal(h.out(), '', 'nothing written after close');

    const opener2 = new FakeOpener();
    const pty2 = shell(opener2);
    pty2.open({ columns: 80, rows: 24 });
    await tick();
    pty2.close();
    assert.equal(opener2.sessions[0]?.closed, true);
  });

  it('several terminals at once each keep their own session', async () => {
    const opener = new FakeOpener();
    const one = shell(opener);
    const two = shell(opener);
    const h1 = harness(one);
    const h2 = harness(two);
    one.open({ columns: 80, rows: 24 });
    two.open({ columns: 100, rows: 30 });
    await tick();
    const [s1, s2] = opener.sessions;
    assert.ok(s1 && s2 && s1 !== s2);
    one.handleInput('a');
    two.handleInput('b');
    assert.deepEqual(s1.written, ['a']);
    assert.deepEqual(s2.written, ['b']);
    s1.emit('from one');
    s2.emit('from two');
    assert.equal(h1.out(), 'from one');
    assert.equal(h2.out(), 'from two');
    s1.exit({ exitCode: 0, reason: 'exited' });
    await tick();
    assert.deepEqual(h1.closes, [undefined]);
    assert.deepEqual(h2.closes, []);
    two.handleInput('c');
    assert.deepEqual(s2.written, ['b', 'c']);
  });

  it('openShellTerminal and attachTerminal create and show named terminals with a terminal icon', () => {
    const opener = new FakeOpener();
    terminalModule.openShellTerminal(opener, { id: 'c1', name: 'web' }, quietLog);
    terminalModule.attachTerminal(opener, { id: 'c2', name: 'db' }, quietLog);
    assert.deepEqual(
      created.map((c) => [c.name, c.shown]),
      [
        ['Shell: web', true],
        ['Attach: db', true],
      ],
    );
  });
});
