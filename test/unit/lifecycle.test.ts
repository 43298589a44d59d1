/** The pure rules of the container lifecycle commands. */
import * as assert from 'node:assert/strict';
import type { ContainerState } from '../../src/engine/ContainerEngine';
import { appliesTo, failureSummary, progressTitle, removeQuestion, validContainerName } from '../../src/commands/lifecycle';
import type { LifecycleVerb } from '../../src/commands/lifecycle';
import { formatMessage } from '../../src/l10n';

const STATES: ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead', 'unknown'];

describe('container lifecycle rules', () => {
  it('offers each action only for the states it makes sense in', () => {
    const table = (verb: LifecycleVerb): string[] => STATES.filter((s) => appliesTo(verb, s));
    assert.deepEqual(table('start'), ['created', 'exited', 'dead']);
    assert.deepEqual(table('stop'), ['running', 'paused', 'restarting']);
    assert.deepEqual(table('kill'), ['running', 'paused', 'restarting']);
    assert.deepEqual(table('pause'), ['running']);
    assert.deepEqual(table('unpause'), ['paused']);
    assert.deepEqual(table('restart'), ['created', 'running', 'paused', 'restarting', 'exited', 'unknown']);
    assert.deepEqual(table('remove'), ['created', 'running', 'paused', 'restarting', 'exited', 'dead', 'unknown']);
  });

  it('titles the progress by the one container or by the count', () => {
    assert.equal(progressTitle('stop', ['web'], formatMessage), 'Stopping web…');
    assert.equal(progressTitle('unpause', ['a', 'b', 'c'], formatMessage), 'Resuming 3 containers…');
    assert.equal(progressTitle('remove', ['a', 'b'], formatMessage), 'Removing 2 containers…');
  });

  it('asks more firmly before removing running containers, and says what is lost', () => {
    const stopped = removeQuestion([{ name: 'web', state: 'exited' }], formatMessage);
    assert.equal(stopped.message, 'Remove the container web?');
    assert.match(stopped.detail, /Files it changed outside volumes are lost/);
    assert.doesNotMatch(stopped.detail, /running/);
    const running = removeQuestion([{ name: 'web', state: 'running' }], formatMessage);
    assert.match(running.detail, /^It is running: it will be stopped and removed\./);
    const mixed = removeQuestion([{ name: 'web', state: 'running' }, { name: 'db', state: 'exited' }, { name: 'job', state: 'paused' }], formatMessage);
    assert.equal(mixed.message, 'Remove 3 containers?');
    assert.match(mixed.detail, /^web, job running: they will be stopped and removed\./);
    const allRunning = removeQuestion([{ name: 'a', state: 'running' }, { name: 'b', state: 'running' }], formatMessage);
    assert.match(allRunning.detail, /^They are running/);
  });

  it('validates container names as the engine does', () => {
    assert.equal(validContainerName('web-1.prod_x', formatMessage), undefined);
    assert.match(validContainerName('', formatMessage) ?? '', /required/);
    for (const bad of ['-web', '.web', 'we b', 'web/1', 'wéb']) assert.ok(validContainerName(bad, formatMessage), bad);
  });

  it('sums up failures in one message', () => {
    assert.equal(failureSummary('stop', [{ name: 'web', message: 'boom' }], 1, formatMessage), 'Could not stop web: boom');
    // The API's unpause reads as resume.
    assert.equal(failureSummary('unpause', [{ name: 'web', message: 'boom' }], 1, formatMessage), 'Could not resume web: boom');
    assert.equal(
      failureSummary('remove', [{ name: 'a', message: 'x' }, { name: 'b', message: 'y' }], 5, formatMessage),
      'Could not remove 2 of 5 containers. a: x; b: y',
    );
  });
});
