import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conditionsHold, eventsMatchPush, nextScheduleTime, pushKinds, refMatches, type ConditionContext } from './buddy-triggers.js';

const ctx = (over: Partial<ConditionContext> = {}): ConditionContext => ({
  changedPaths: ['src/a.ts'], variables: { ENV: 'prod' }, now: Date.UTC(2026, 0, 5, 10), userEmail: 'ann@example.com', userGroups: ['devs'], fromScratch: false, ...over,
});

describe('Buddy triggers', () => {
  it('matches refs with wildcards, short names and :context', () => {
    assert.ok(refMatches('refs/heads/feature-*', 'refs/heads/feature-x'));
    assert.ok(!refMatches('refs/heads/feature-*', 'refs/heads/main'));
    assert.ok(refMatches('main', 'refs/heads/main'));
    assert.ok(refMatches('*', 'refs/tags/v1'));
    assert.ok(refMatches(':context', 'refs/heads/main', ['refs/heads/main']));
    assert.ok(!refMatches(':context', 'refs/heads/dev', ['refs/heads/main']));
  });

  it('fires PUSH, CREATE_REF and DELETE_REF events for the matching kinds of push', () => {
    const events = [{ type: 'PUSH', refs: ['refs/heads/*'] }];
    assert.deepEqual(pushKinds('0'.repeat(40), 'a'.repeat(40)), ['CREATE_REF', 'PUSH']);
    assert.ok(eventsMatchPush(events, [], 'refs/heads/x', pushKinds('b'.repeat(40), 'a'.repeat(40))));
    assert.ok(!eventsMatchPush(events, [], 'refs/heads/x', pushKinds('b'.repeat(40), '0'.repeat(40))));
    assert.ok(eventsMatchPush([{ type: 'DELETE_REF', refs: ['*'] }], [], 'refs/heads/x', ['DELETE_REF']));
  });

  it('evaluates conditions with AND at the top and OR/AND groups', () => {
    assert.ok(conditionsHold([{ trigger_condition: 'ON_CHANGE_AT_PATH', trigger_condition_paths: ['src/'] }], ctx()));
    assert.ok(!conditionsHold([{ trigger_condition: 'ON_CHANGE_AT_PATH', trigger_condition_paths: ['docs'] }], ctx()));
    assert.ok(conditionsHold([{ trigger_condition: 'ON_CHANGE_AT_PATH', trigger_condition_paths: ['docs'] }], ctx({ fromScratch: true })));
    assert.ok(!conditionsHold([{ trigger_condition: 'VAR_IS', trigger_variable_key: 'ENV', trigger_variable_value: 'dev' }], ctx()));
    assert.ok(conditionsHold([{ trigger_condition: 'OR', trigger_operands: [
      { trigger_condition: 'VAR_IS', trigger_variable_key: 'ENV', trigger_variable_value: 'dev' },
      { trigger_condition: 'VAR_CONTAINS', trigger_variable_key: 'ENV', trigger_variable_value: 'pro' },
    ] }], ctx()));
    assert.ok(!conditionsHold([{ trigger_condition: 'ON_CHANGE' }, { trigger_condition: 'TRIGGERING_USER_IS', trigger_user: 'bob@example.com' }], ctx()));
    // 2026-01-05 is a Monday; 10:00 UTC is 11:00 in Warsaw.
    assert.ok(conditionsHold([{ trigger_condition: 'DATETIME', trigger_hours: [11], trigger_days: [1], timezone: 'Europe/Warsaw' }], ctx()));
    assert.ok(!conditionsHold([{ trigger_condition: 'DATETIME', trigger_hours: [10], trigger_days: [2], timezone: 'UTC' }], ctx()));
  });

  it('computes the next schedule tick from cron or from start_date + delay', () => {
    const t0 = Date.UTC(2026, 0, 1, 0, 7);
    assert.equal(nextScheduleTime({ cron: '*/15 * * * *' }, t0), Date.UTC(2026, 0, 1, 0, 15));
    assert.equal(nextScheduleTime({ start_date: '2026-01-01T00:00:00Z', delay: 10 }, t0), Date.UTC(2026, 0, 1, 0, 10));
    assert.equal(nextScheduleTime({ start_date: '2026-02-01T00:00:00Z', delay: 10 }, t0), Date.UTC(2026, 1, 1));
  });
});
