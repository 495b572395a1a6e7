import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DELAY_VARIABLE, delayUntilOf, delayVariable, isDelayed, parseDelayUntil } from './buddy-delays.js';
import { following } from './definition-policies-buddy.js';
import { effectiveSettings, PRIORITY_VALUE } from './buddy-pipeline-settings.js';

describe('delay_until (pure)', () => {
  const at = Date.parse('2030-01-01T10:00:00.000Z');
  const run = (extra: Record<string, unknown> = {}) => ({ variables: [delayVariable(at)], context: extra });

  it('reads the delay from the run variable and ends it when released', () => {
    assert.equal(delayVariable(at).key, DELAY_VARIABLE);
    assert.equal(delayUntilOf(run()), at);
    assert.equal(isDelayed(run(), at - 1), true);
    assert.equal(isDelayed(run(), at), false);
    assert.equal(delayUntilOf(run({ buddy: { delayReleased: true } })), null);
    assert.equal(delayUntilOf({ variables: [], context: {} }), null);
  });

  it('parses ISO dates in the future only', () => {
    assert.deepEqual(parseDelayUntil('2030-01-01T10:00:00Z', at - 1000), { at });
    assert.ok('error' in parseDelayUntil('2030-01-01T10:00:00Z', at));
    assert.ok('error' in parseDelayUntil('soon', 0));
    assert.ok('error' in parseDelayUntil(12, 0));
  });

  it('a run still delayed is never started by following', () => {
    const settings = effectiveSettings({ source: 'actions', isDefault: false, priority: PRIORITY_VALUE.NORMAL, settings: {} });
    assert.deepEqual(following(settings, [{ id: 1, status: 'created', ref: 'main', delayed: true }]), { start: [], skip: [] });
    assert.deepEqual(following(settings, [{ id: 1, status: 'created', ref: 'main', delayed: true }, { id: 2, status: 'created', ref: 'main' }]), { start: [2], skip: [] });
  });
});
