import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { admission, admitsAlone, following, refusal, shouldPause } from './definition-policies-buddy.js';
import { effectiveSettings, PRIORITY_VALUE } from './buddy-pipeline-settings.js';

const buddy = (settings: Record<string, unknown> = {}) => effectiveSettings({ source: 'actions', isDefault: false, priority: PRIORITY_VALUE.NORMAL, settings });
const run = (id: number, status: string, ref = 'main') => ({ id, status, ref });

describe('Buddy definition policies (pure decisions)', () => {
  it('refuses runs of a disabled pipeline, scheduled runs of a paused one, and uncommented manual runs when required', () => {
    assert.match(refusal(buddy({ disabled: true, disabled_reason: 'frozen' }), { comment: 'x', source: 'api' })!, /disabled: frozen/);
    assert.equal(refusal(buddy({ paused: true }), { comment: null, source: 'api' }), null);
    assert.match(refusal(buddy({ paused: true }), { comment: null, source: 'schedule' })!, /paused/);
    assert.match(refusal(buddy({ description_required: true }), { comment: '  ', source: 'api' })!, /comment/);
    assert.equal(refusal(buddy({ description_required: true }), { comment: 'why', source: 'api' }), null);
    assert.equal(refusal(buddy({ description_required: true }), { comment: null, source: 'push' }), null);
  });

  it('runs one at a time by default and concurrently when allowed', () => {
    assert.deepEqual(admission(buddy(), run(2, 'created'), [run(1, 'running'), run(2, 'created')]), { admit: false, terminate: [] });
    assert.deepEqual(admission(buddy(), run(2, 'created'), [run(2, 'created')]), { admit: true, terminate: [] });
    assert.deepEqual(admission(buddy({ concurrent_pipeline_runs: true }), run(2, 'created'), [run(1, 'running')]), { admit: true, terminate: [] });
  });

  it('decides without the other runs only where they cannot change the answer', () => {
    const others = [[], [run(1, 'running')], [run(1, 'running', 'dev'), run(2, 'pending')]];
    for (const settings of [buddy(), buddy({ concurrent_pipeline_runs: true }), buddy({ terminate_stale_runs: true }), buddy({ concurrent_pipeline_runs: true, terminate_stale_runs: true })]) {
      if (!admitsAlone(settings)) continue;
      for (const list of others) assert.deepEqual(admission(settings, run(3, 'created'), list), admission(settings, run(3, 'created'), []));
    }
    assert.equal(admitsAlone(buddy({ concurrent_pipeline_runs: true })), true);
    assert.equal(admitsAlone(buddy()), false);
    assert.equal(admitsAlone(buddy({ concurrent_pipeline_runs: true, terminate_stale_runs: true })), false);
    assert.equal(admitsAlone(effectiveSettings({ source: 'ci_file', isDefault: true, priority: 0, settings: {} })), true);
  });

  it('terminates the runs in progress on the same ref when terminate_stale_runs is set', () => {
    const d = admission(buddy({ terminate_stale_runs: true }), run(3, 'created'), [run(1, 'running'), run(2, 'running', 'dev'), run(3, 'created')]);
    assert.deepEqual(d, { admit: false, terminate: [1] });
  });

  it('starts the newest waiting run and skips the older ones on its ref; in order with no_skip_to_most_recent', () => {
    const waiting = [run(2, 'created'), run(3, 'created'), run(4, 'created'), run(5, 'created', 'dev')];
    assert.deepEqual(following(buddy(), waiting), { start: [5], skip: [] });
    assert.deepEqual(following(buddy(), waiting.slice(0, 3)), { start: [4], skip: [2, 3] });
    assert.deepEqual(following(buddy({ no_skip_to_most_recent: true }), waiting), { start: [2], skip: [] });
    assert.deepEqual(following(buddy(), [run(1, 'running'), ...waiting]), { start: [], skip: [] });
  });

  it('keeps GitLab semantics for definitions that never set Buddy fields', () => {
    const gitlab = effectiveSettings({ source: 'ci_file', isDefault: true, priority: 0, settings: {} });
    assert.equal(gitlab.concurrent_pipeline_runs, true);
    assert.equal(gitlab.cache_scope, 'PROJECT');
    assert.deepEqual(admission(gitlab, run(2, 'created'), [run(1, 'running')]), { admit: true, terminate: [] });
  });

  it('pauses a scheduled pipeline after N failures in a row, not after a success in between', () => {
    const s = buddy({ events: [{ type: 'SCHEDULE', cron: '* * * * *' }], pause_on_repeated_failures: 2 });
    assert.ok(shouldPause(s, ['failed', 'failed']));
    assert.ok(!shouldPause(s, ['failed', 'success', 'failed']));
    assert.ok(!shouldPause(buddy({ pause_on_repeated_failures: 2 }), ['failed', 'failed']));
    assert.equal(buddy({ events: [{ type: 'SCHEDULE', cron: '* * * * *' }] }).pause_on_repeated_failures, 100);
  });
});
