import * as assert from 'node:assert/strict';
import { CancelledError, EngineUnavailableError, RequestFailedError, classifyError } from '../../src/engine/errors';
import type { UnavailableReason } from '../../src/engine/errors';
import { ArchiveError } from '../../src/engine/archive';
import type { ArchiveProblem } from '../../src/engine/archive';
import { describeArchiveProblem, describeEngineError } from '../../src/errorMessages';
import { formatMessage } from '../../src/l10n';
import type { Translate } from '../../src/l10n';

const ADDRESS = 'unix:///var/run/docker.sock';
const DETAIL = 'detail-text-42';

const ALL_REASONS: UnavailableReason[] = ['not-running', 'no-socket', 'permission', 'host-unknown', 'timeout', 'tls', 'ssh', 'connection-lost', 'bad-address', 'other'];

function messageFor(reason: UnavailableReason, address = ADDRESS, detail = DETAIL): string {
  return describeEngineError(new EngineUnavailableError(reason, detail), address, formatMessage);
}

describe('describeEngineError', () => {
  describe('unavailable engines', () => {
    for (const reason of ALL_REASONS.filter((r) => r !== 'bad-address')) {
      it(`"${reason}" names the address`, () => {
        const message = messageFor(reason);
        assert.ok(message.includes(ADDRESS), message);
        assert.doesNotMatch(message, /\{\d\}/, 'no unsubstituted placeholder');
      });
    }

    it('"bad-address" names the problem with the address (its detail), not the address', () => {
      const message = messageFor('bad-address', ADDRESS, 'tcp://:99999 is not a valid address');
      assert.equal(message, 'The engine address is not usable: tcp://:99999 is not a valid address');
    });

    it('gives every reason its own message', () => {
      const messages = ALL_REASONS.map((r) => messageFor(r));
      assert.equal(new Set(messages).size, ALL_REASONS.length);
    });

    it('includes the detail for tls, ssh, bad-address and other, and not for the plain cases', () => {
      for (const reason of ALL_REASONS) {
        const withDetail = ['tls', 'ssh', 'bad-address', 'other'].includes(reason);
        assert.equal(messageFor(reason).includes(DETAIL), withDetail, reason);
      }
    });

    it('says what to do about the common local failures', () => {
      assert.match(messageFor('not-running'), /Is the container engine running\?/);
      assert.match(messageFor('no-socket'), /berth\.engine\.host/);
      assert.match(messageFor('permission'), /docker group/);
      assert.match(messageFor('tls'), /DOCKER_CERT_PATH/);
      assert.match(messageFor('ssh'), /SSH agent/);
    });

    it('reads in full for an ssh address', () => {
      assert.equal(
        messageFor('ssh', 'ssh://ann@build-box', 'All configured authentication methods failed'),
        'The SSH connection to ssh://ann@build-box failed: All configured authentication methods failed. Check that your SSH agent holds a key the host accepts.',
      );
    });

    it('falls back to the generic message for a reason it does not know', () => {
      const message = describeEngineError(new EngineUnavailableError('martian' as UnavailableReason, DETAIL), ADDRESS, formatMessage);
      assert.equal(message, `Could not reach the engine at ${ADDRESS}: ${DETAIL}`);
    });
  });

  describe('request failures and cancellation', () => {
    it('gives the status and the engine message', () => {
      assert.equal(
        describeEngineError(new RequestFailedError(404, 'No such container: nope'), ADDRESS, formatMessage),
        'The engine refused the request (404): No such container: nope',
      );
    });

    it('omits the status when there is none', () => {
      assert.equal(describeEngineError(new RequestFailedError(undefined, 'weird'), ADDRESS, formatMessage), 'The request failed: weird');
    });

    it('says "no details" for an empty engine message', () => {
      assert.equal(describeEngineError(new RequestFailedError(500, ''), ADDRESS, formatMessage), 'The engine refused the request (500): no details');
      assert.equal(describeEngineError(new RequestFailedError(undefined, ''), ADDRESS, formatMessage), 'The request failed: no details');
    });

    it('says the operation was cancelled', () => {
      assert.equal(describeEngineError(new CancelledError(), ADDRESS, formatMessage), 'The operation was cancelled.');
    });
  });

  describe('translation', () => {
    it('passes a message key with placeholders and the address as an argument to `t`', () => {
      for (const reason of ALL_REASONS.filter((r) => r !== 'bad-address')) {
        const calls: Array<{ message: string; args: unknown[] }> = [];
        const t: Translate = (message, ...args) => {
          calls.push({ message, args });
          return formatMessage(message, ...args);
        };
        describeEngineError(new EngineUnavailableError(reason, DETAIL), ADDRESS, t);
        assert.equal(calls.length, 1, reason);
        assert.match(calls[0]?.message ?? '', /\{0\}/, reason);
        assert.equal(calls[0]?.args[0], ADDRESS, reason);
        assert.equal(calls[0]?.message.includes(ADDRESS), false, `${reason}: the address must not be baked into the key`);
      }
    });

    it('returns what `t` returns', () => {
      assert.equal(describeEngineError(new CancelledError(), ADDRESS, () => 'übersetzt'), 'übersetzt');
    });
  });

  describe('end to end with classifyError', () => {
    it('a refused connection on the system socket', () => {
      const error = classifyError(Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }));
      assert.equal(describeEngineError(error, ADDRESS, formatMessage), `Nothing is listening at ${ADDRESS}. Is the container engine running?`);
    });

    it('a permission problem on the system socket', () => {
      const error = classifyError(Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }));
      assert.match(describeEngineError(error, ADDRESS, formatMessage), /^Permission denied opening unix:\/\/\/var\/run\/docker\.sock\./);
    });

    it('a timeout on a TCP engine', () => {
      const error = classifyError(new Error('aborted'), { timedOut: true, timeoutMs: 15_000 });
      assert.equal(describeEngineError(error, 'tcp://10.0.0.5:2376', formatMessage), 'The engine at tcp://10.0.0.5:2376 did not answer in time. It may be starting or overloaded.');
    });

    it('a docker-modem 404', () => {
      const raw = Object.assign(new Error('(HTTP code 404) no such container - No such container: nope '), { statusCode: 404, json: { message: 'No such container: nope' } });
      assert.equal(describeEngineError(classifyError(raw), ADDRESS, formatMessage), 'The engine refused the request (404): No such container: nope');
    });
  });
});

describe('describeEngineError for file transfers', () => {
  // Every problem, checked by the compiler: a new one must be added here.
  const PROBLEMS: Record<ArchiveProblem, true> = {
    'not-found': true,
    'is-directory': true,
    'not-directory': true,
    'not-file': true,
    exists: true,
    'too-large': true,
    'not-permitted': true,
    unsupported: true,
    'bad-path': true,
    'host-io': true,
  };
  /** Marks what went through the translator, so English from the engine layer shows as unmarked. */
  const marked: Translate = (message, ...args) => `«${formatMessage(message, ...args)}»`;

  for (const problem of Object.keys(PROBLEMS) as ArchiveProblem[]) {
    it(`words "${problem}" itself instead of the engine layer's English`, () => {
      const error = new ArchiveError(problem, '/srv/data', 'ENGLISH-FROM-THE-ENGINE-LAYER', 400);
      const message = describeEngineError(error, ADDRESS, marked);
      assert.match(message, /^«.*»$/s, message);
      if (problem === 'not-permitted' || problem === 'host-io') {
        // There the engine's or the system's words are the reason, inside a translated sentence.
        assert.ok(message.includes('ENGLISH-FROM-THE-ENGINE-LAYER'), message);
      } else {
        assert.doesNotMatch(message, /ENGLISH-FROM-THE-ENGINE-LAYER/);
      }
      if (problem !== 'unsupported' && problem !== 'host-io') assert.ok(message.includes('/srv/data'), message);
    });
  }

  it('keeps what the engine or the system said where it is the reason (read-only file system, host I/O)', () => {
    assert.equal(describeEngineError(new ArchiveError('not-permitted', '/etc/x', 'container rootfs is marked read-only', 403), ADDRESS, formatMessage), 'The engine does not allow writing /etc/x: container rootfs is marked read-only');
    assert.equal(describeEngineError(new ArchiveError('host-io', '/home/me/x', 'EACCES: permission denied'), ADDRESS, formatMessage), 'Reading or writing on this computer failed: EACCES: permission denied');
  });

  it('leaves other request failures to the generic wording', () => {
    assert.equal(describeArchiveProblem(new RequestFailedError(500, 'boom'), formatMessage), undefined);
  });
});
