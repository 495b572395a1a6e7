import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LOOP_VARIABLE, loopCombinations, loopRunVariables, loopValues } from './buddy-loop.js';
import { following } from './definition-policies-buddy.js';
import { effectiveSettings, PRIORITY_VALUE } from './buddy-pipeline-settings.js';

describe('pipeline loop (pure)', () => {
  it('reads values one per line or as a JSON array', () => {
    assert.deepEqual(loopValues('a\n b \n\nc'), ['a', 'b', 'c']);
    assert.deepEqual(loopValues('["x", 2]'), ['x', '2']);
    assert.deepEqual(loopValues('[not json'), ['[not json']);
  });

  it('makes every combination, first key slowest; keys without values are ignored', () => {
    assert.deepEqual(loopCombinations(['A', 'B', 'C'], { A: '1\n2', B: 'x\ny\nz' }).map((c) => `${c.A}${c.B}`), ['1x', '1y', '1z', '2x', '2y', '2z']);
    assert.deepEqual(loopCombinations(['A'], {}), []);
    assert.deepEqual(loopCombinations([], { A: '1' }), []);
  });

  it('sets the combination over the request variables and numbers the runs', () => {
    const sets = loopRunVariables([{ key: 'A', value: '1\n2', variable_type: 'env_var' }, { key: 'K', value: 'v', variable_type: 'env_var' }], [{ A: '1' }, { A: '2' }]);
    assert.deepEqual(sets[1]!.map((v) => `${v.key}=${v.value}`), ['K=v', 'A=2', `${LOOP_VARIABLE}=2/2`]);
  });

  it('runs of a loop are started in order and never skipped as superseded', () => {
    const s = effectiveSettings({ source: 'actions', isDefault: false, priority: PRIORITY_VALUE.NORMAL, settings: {} });
    const w = (id: number) => ({ id, status: 'created', ref: 'main', loop: true });
    assert.deepEqual(following(s, [w(2), w(3), w(4)]), { start: [2], skip: [] });
  });
});
