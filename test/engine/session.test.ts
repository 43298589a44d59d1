/**
 * Interactive sessions (Open Shell, Attach) against the private dockerd: exec and attach over
 * hijacked connections, with and without a TTY. Every container runs with network mode none and
 * is removed after its test.
 */
import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { CancelledError, RequestFailedError } from '../../src/engine/errors';
import { SessionError, openAttach, openExec, shellFor } from '../../src/engine/session';
import type { InteractiveSession, SessionOutput } from '../../src/engine/session';
import { TEST_IMAGE, runBusybox } from '../harness/dockerd';
import { withTimeout } from '../harness/time';
import { privateDockerd } from './hooks';

function unique(prefix: string): string {
  return `berth-test-${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Everything a session printed, and a way to wait for a pattern in it. */
class Transcript {
  readonly chunks: SessionOutput[] = [];

  constructor(session: InteractiveSession) {
    session.onOutput((c) => this.chunks.push(c));
  }

  text(stream?: 'stdout' | 'stderr'): string {
    return this.chunks
      .filter((c) => stream === undefined || c.stream === stream)
      .map((c) => c.text)
      .join('');
  }

  /** Resolves when the output (from `from` on) matches; fails with the output so far after `ms`. */
  async waitFor(pattern: RegExp, ms = 10_000, from = 0, stream?: 'stdout' | 'stderr'): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = pattern.exec(this.text(stream).slice(from));
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`Output did not match ${String(pattern)} in ${ms} ms. Output so far:\n${JSON.stringify(this.text())}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

describe('interactive sessions on a private dockerd', function () {
  this.timeout(60_000);
  let docker: Docker;
  const containers: Docker.Container[] = [];
  const sessions: InteractiveSession[] = [];

  before(() => {
    docker = privateDockerd().docker;
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) s.close();
    await Promise.all(containers.splice(0).map((c) => c.remove({ force: true }).catch(() => undefined)));
  });

  async function sleeper(prefix: string, cmd: string[] = ['sleep', '600']): Promise<Docker.Container> {
    const c = await runBusybox(docker, unique(prefix), cmd);
    containers.push(c);
    return c;
  }

  /** A container whose main process is `sh` with stdin open, as `docker run -i [-t]`. */
  async function interactiveContainer(prefix: string, tty: boolean): Promise<Docker.Container> {
    const c = await docker.createContainer({
      name: unique(prefix),
      Image: TEST_IMAGE,
      Cmd: ['sh'],
      Tty: tty,
      OpenStdin: true,
      Labels: { 'berth.test': '1' },
      HostConfig: { NetworkMode: 'none' },
    });
    containers.push(c);
    await c.start();
    return c;
  }

  function track(session: InteractiveSession): InteractiveSession {
    sessions.push(session);
    return session;
  }

  describe('shellFor', () => {
    it('picks sh in busybox, which has no bash', async () => {
      const c = await sleeper('shell-sh');
      assert.deepEqual(await shellFor(docker, c.id), ['/bin/sh']);
    });

    it('prefers bash when the container has one', async () => {
      const c = await sleeper('shell-bash', ['sh', '-c', 'cp /bin/busybox /bin/bash && exec sleep 600']);
      // The copy happens as the container starts; wait for it.
      const deadline = Date.now() + 10_000;
      let shell = await shellFor(docker, c.id);
      while (shell[0] !== '/bin/bash' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        shell = await shellFor(docker, c.id);
      }
      assert.deepEqual(shell, ['/bin/bash']);
    });

    it('does not take a directory or a non-executable file for a shell', async () => {
      const c = await sleeper('shell-fake', ['sh', '-c', 'mkdir -p /usr/bin/bash && echo x > /bin/bash && chmod 644 /bin/bash && exec sleep 600']);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const ls = await openExec(docker, c.id, { cmd: ['ls', '-d', '/bin/bash', '/usr/bin/bash'], tty: false });
        const out = new Transcript(ls);
        await ls.exited;
        if (/\/bin\/bash[\s\S]*\/usr\/bin\/bash/.test(out.text())) break;
        assert.ok(Date.now() < deadline, 'the fake bash files should appear');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(await shellFor(docker, c.id), ['/bin/sh']);
    });

    it('says plainly when a container has no shell at all', async () => {
      const c = await sleeper('shell-none', ['sh', '-c', 'rm /bin/sh && exec sleep 600']);
      const deadline = Date.now() + 10_000;
      let error: unknown;
      while (Date.now() < deadline) {
        error = await shellFor(docker, c.id).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (error) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(error instanceof SessionError, `a SessionError, got ${String(error)}`);
      assert.equal(error.problem, 'no-shell');
      assert.equal(error.kind, 'request-failed');
      assert.match(error.message, /no shell/);
    });

    it('reports a container that does not exist as not-found', async () => {
      await assert.rejects(shellFor(docker, 'berth-test-no-such-container'), (e: unknown) => e instanceof SessionError && e.problem === 'not-found');
    });
  });

  describe('exec', () => {
    it('runs a shell with a TTY: a command, then exit 3', async () => {
      const c = await sleeper('exec-tty');
      const session = track(await openExec(docker, c.id, { cmd: ['/bin/sh'], tty: true }));
      assert.equal(session.tty, true);
      assert.equal(session.stdin, true);
      await session.resize(80, 24);
      const out = new Transcript(session);
      session.write('echo berth-$((6*7))\n');
      // The TTY echoes the command as typed; only the shell's output has the computed value.
      await out.waitFor(/berth-42\r\n/);
      session.write('exit 3\n');
      const exit = await withTimeout(session.exited, 10_000, 'the shell should exit');
      assert.deepEqual(exit, { exitCode: 3, reason: 'exited' });
      assert.ok(out.chunks.every((ch) => ch.stream === 'stdout'), 'a TTY merges stderr into stdout');
    });

    it('keeps stdout and stderr apart without a TTY, and reports the exit code', async () => {
      const c = await sleeper('exec-plain');
      const session = track(await openExec(docker, c.id, { cmd: ['sh'], tty: false }));
      assert.equal(session.tty, false);
      const out = new Transcript(session);
      session.write('echo to-out; echo to-err >&2; echo héllo ✓; exit 5\n');
      const exit = await withTimeout(session.exited, 10_000, 'the shell should exit');
      assert.deepEqual(exit, { exitCode: 5, reason: 'exited' });
      assert.equal(out.text('stdout'), 'to-out\nhéllo ✓\n');
      assert.equal(out.text('stderr'), 'to-err\n');
    });

    it('passes env, workdir and user to the process', async () => {
      const c = await sleeper('exec-opts');
      const session = track(await openExec(docker, c.id, { cmd: ['sh', '-c', 'echo "$BERTH_X $(pwd) $(id -u)"'], tty: false, env: ['BERTH_X=ok'], workdir: '/bin', user: '1234' }));
      const out = new Transcript(session);
      assert.equal((await session.exited).exitCode, 0);
      assert.equal(out.text('stdout'), 'ok /bin 1234\n');
    });

    it('ends stdin on request (Ctrl-D without a TTY)', async () => {
      const c = await sleeper('exec-eof');
      const session = track(await openExec(docker, c.id, { cmd: ['cat'], tty: false }));
      const out = new Transcript(session);
      session.write('line one\n');
      await out.waitFor(/line one\n/);
      session.endInput();
      const exit = await withTimeout(session.exited, 10_000, 'cat should end at end of input');
      assert.deepEqual(exit, { exitCode: 0, reason: 'exited' });
    });

    it('resizes the TTY: stty size follows', async () => {
      const c = await sleeper('exec-resize');
      const session = track(await openExec(docker, c.id, { cmd: ['sh'], tty: true }));
      const out = new Transcript(session);
      await session.resize(100, 30);
      session.write('stty size\n');
      await out.waitFor(/^30 100\r$/m);
      const mark = out.text().length;
      await session.resize(132, 43);
      session.write('stty size\n');
      await out.waitFor(/^43 132\r$/m, 10_000, mark);
    });

    it('delivers Ctrl-C to the TTY: sleep is interrupted and the shell lives on', async () => {
      const c = await sleeper('exec-ctrlc');
      const session = track(await openExec(docker, c.id, { cmd: ['sh'], tty: true }));
      const out = new Transcript(session);
      session.write('sleep 100; echo after-$((1+1))\n');
      // Wait until sleep runs (a process list shows it) before interrupting it.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const ps = await openExec(docker, c.id, { cmd: ['ps'], tty: false });
        const listing = new Transcript(ps);
        await ps.exited;
        if (/sleep 100/.test(listing.text())) break;
        assert.ok(Date.now() < deadline, 'sleep 100 should start');
        await new Promise((r) => setTimeout(r, 50));
      }
      const started = Date.now();
      session.write('\x03');
      session.write('echo alive-$((20+22))\n');
      await out.waitFor(/alive-42\r\n/, 10_000);
      assert.ok(Date.now() - started < 10_000);
      // Interrupting the list interrupts all of it, as at any terminal.
      assert.doesNotMatch(out.text(), /after-2/);
      session.write('exit\n');
      assert.deepEqual(await withTimeout(session.exited, 10_000, 'the shell should exit'), { exitCode: 0, reason: 'exited' });
    });

    it('runs two sessions at once without mixing their output', async () => {
      const c = await sleeper('exec-two');
      const [a, b] = await Promise.all([openExec(docker, c.id, { cmd: ['sh'], tty: true }), openExec(docker, c.id, { cmd: ['sh'], tty: true })]);
      track(a);
      track(b);
      const outA = new Transcript(a);
      const outB = new Transcript(b);
      a.write('echo first-$((1*11))\n');
      b.write('echo second-$((2*11))\n');
      await Promise.all([outA.waitFor(/first-11\r\n/), outB.waitFor(/second-22\r\n/)]);
      assert.doesNotMatch(outA.text(), /second/);
      assert.doesNotMatch(outB.text(), /first/);
      a.write('exit 1\n');
      assert.equal((await a.exited).exitCode, 1);
      // One ending leaves the other working.
      b.write('echo still-$((3*11))\n');
      await outB.waitFor(/still-33\r\n/);
      b.write('exit 2\n');
      assert.equal((await b.exited).exitCode, 2);
    });

    it('close() ends the session at once', async () => {
      const c = await sleeper('exec-close');
      const session = track(await openExec(docker, c.id, { cmd: ['sh'], tty: true }));
      session.close();
      assert.deepEqual(await withTimeout(session.exited, 2_000, 'closing should settle exited'), { exitCode: undefined, reason: 'closed' });
      session.write('echo ignored\n'); // no throw after the end
      await session.resize(10, 10); // a no-op after the end
    });

    it('refuses a stopped container with a clear, classified error', async () => {
      const c = await runBusybox(docker, unique('exec-stopped'), ['true'], { start: false });
      containers.push(c);
      await assert.rejects(openExec(docker, c.id, { cmd: ['sh'], tty: true }), (e: unknown) => {
        assert.ok(e instanceof SessionError, `a SessionError, got ${String(e)}`);
        assert.ok(e instanceof RequestFailedError);
        assert.equal(e.problem, 'not-running');
        assert.match(e.message, /not running/);
        return true;
      });
      await assert.rejects(openAttach(docker, c.id), (e: unknown) => e instanceof SessionError && e.problem === 'not-running');
    });

    it('refuses a paused container', async () => {
      const c = await sleeper('exec-paused');
      await c.pause();
      try {
        await assert.rejects(openExec(docker, c.id, { cmd: ['sh'], tty: true }), (e: unknown) => e instanceof SessionError && e.problem === 'paused');
      } finally {
        await c.unpause();
      }
    });

    it('is cancellable while opening', async () => {
      const c = await sleeper('exec-cancel');
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(openExec(docker, c.id, { cmd: ['sh'], tty: true }, { signal: controller.signal }), CancelledError);
    });
  });

  describe('attach', () => {
    it('attaches to a TTY container running sh, runs a command and sees it exit', async () => {
      const c = await interactiveContainer('attach-tty', true);
      const session = track(await openAttach(docker, c.id));
      assert.equal(session.tty, true);
      assert.equal(session.stdin, true);
      const out = new Transcript(session);
      await session.resize(90, 20);
      session.write('echo attached-$((2*3)); stty size\n');
      await out.waitFor(/attached-6\r\n20 90\r\n/);
      session.write('exit 7\n');
      assert.deepEqual(await withTimeout(session.exited, 10_000, 'the container should exit'), { exitCode: 7, reason: 'exited' });
      const state = (await c.inspect()).State;
      assert.equal(state.Running, false);
      assert.equal(state.ExitCode, 7);
    });

    it('keeps stdout and stderr apart for a container without a TTY', async () => {
      const c = await interactiveContainer('attach-plain', false);
      const session = track(await openAttach(docker, c.id));
      assert.equal(session.tty, false);
      const out = new Transcript(session);
      session.write('echo plain-out; echo plain-err >&2\n');
      await out.waitFor(/plain-out\n/, 10_000, 0, 'stdout');
      await out.waitFor(/plain-err\n/, 10_000, 0, 'stderr');
      session.write('exit 4\n');
      assert.deepEqual(await withTimeout(session.exited, 10_000, 'the container should exit'), { exitCode: 4, reason: 'exited' });
    });

    it('closing detaches: the container keeps running', async () => {
      const c = await interactiveContainer('attach-close', true);
      const session = track(await openAttach(docker, c.id));
      session.close();
      assert.equal((await session.exited).reason, 'closed');
      assert.equal((await c.inspect()).State.Running, true);
      // It can be attached again.
      const again = track(await openAttach(docker, c.id));
      const out = new Transcript(again);
      again.write('echo again-$((5+5))\n');
      await out.waitFor(/again-10\r\n/);
    });

    it('the engine detach keys (Ctrl-P Ctrl-Q) end the session, not the container', async () => {
      const c = await interactiveContainer('attach-detach', true);
      const session = track(await openAttach(docker, c.id));
      session.write('\x10\x11');
      assert.deepEqual(await withTimeout(session.exited, 15_000, 'detaching should end the session'), { exitCode: undefined, reason: 'detached' });
      assert.equal((await c.inspect()).State.Running, true);
    });

    it('says when stdin is not open, and still shows the output', async () => {
      const c = await sleeper('attach-nostdin', ['sh', '-c', 'sleep 1; echo late-$((4*4)); exit 9']);
      const session = track(await openAttach(docker, c.id));
      assert.equal(session.stdin, false);
      const out = new Transcript(session);
      await out.waitFor(/late-16\n/);
      assert.deepEqual(await withTimeout(session.exited, 10_000, 'the container should exit'), { exitCode: 9, reason: 'exited' });
    });

    it('with start, attaches before starting: a container that prints, exits and is removed at once shows all of it', async () => {
      const c = await docker.createContainer({
        name: unique('attach-start'),
        Image: TEST_IMAGE,
        Cmd: ['sh', '-c', 'echo first-$((1+1)); echo second >&2; exit 5'],
        Tty: false,
        OpenStdin: true,
        Labels: { 'berth.test': '1' },
        HostConfig: { NetworkMode: 'none', AutoRemove: true },
      });
      containers.push(c);
      const session = track(await openAttach(docker, c.id, { start: true }));
      const out = new Transcript(session);
      assert.deepEqual(await withTimeout(session.exited, 15_000, 'the container should exit'), { exitCode: 5, reason: 'exited' });
      await out.waitFor(/first-2\n/, 5_000, 0, 'stdout');
      await out.waitFor(/second\n/, 5_000, 0, 'stderr');
    });

    it('with start, reports a start the engine refuses, and leaves the container unstarted', async () => {
      const c = await docker.createContainer({
        name: unique('attach-start-bad'),
        Image: TEST_IMAGE,
        Cmd: ['/no/such/program'],
        Labels: { 'berth.test': '1' },
        HostConfig: { NetworkMode: 'none' },
      });
      containers.push(c);
      await assert.rejects(openAttach(docker, c.id, { start: true }), (error: unknown) => error instanceof RequestFailedError && /no such file|not found/i.test(error.engineMessage));
      assert.equal((await c.inspect()).State.Running, false);
    });
  });
});
