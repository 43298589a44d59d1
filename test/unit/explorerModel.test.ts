import * as assert from 'node:assert/strict';
import type { ContainerState } from '../../src/engine/ContainerEngine';
import { contradicts } from '../../src/tree/ExplorerModel';

describe('contradicts (does a listed state disagree with the last event?)', () => {
  const cases: Array<[string, ContainerState, boolean]> = [
    ['die', 'running', true],
    ['die', 'paused', true],
    ['die', 'exited', false],
    ['die', 'restarting', false],
    ['stop', 'running', true],
    ['stop', 'exited', false],
    ['oom', 'running', true],
    ['pause', 'running', true],
    ['pause', 'paused', false],
    ['unpause', 'paused', true],
    ['unpause', 'running', false],
    ['start', 'created', true],
    ['start', 'running', false],
    ['start', 'exited', false],
    ['restart', 'created', true],
    ['create', 'created', false],
    ['rename', 'running', false],
  ];
  for (const [action, state, expected] of cases) {
    it(`"${action}" then ${state}: ${expected ? 'stale' : 'consistent'}`, () => {
      assert.equal(contradicts(action, { state }), expected);
    });
  }
});
