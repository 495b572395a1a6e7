import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../../pipeline/index.js';
import { actionsToCiConfig, type ActionInput } from './actions-plan.js';

const pipeline = { id: 7, name: 'P', cloneDepth: 0, tags: [] as string[] };
const a = (id: number, type: string, settings: Record<string, unknown> = {}, name = `a${id}`): ActionInput => ({ id, name, type, settings });

async function planOf(actions: ActionInput[], extra: Record<string, unknown> = {}) {
  const { config } = actionsToCiConfig(actions, { pipeline, ...extra });
  const result = await compile({
    config: JSON.stringify(config), configPath: '.gitlab-ci.yml',
    reader: { readFile: async () => null, listFiles: async () => [], hashFiles: async () => null, changedPathsSince: async () => null },
    context: { ref: 'main', tag: false, sha: 'a'.repeat(40), beforeSha: null, source: 'api', variables: {}, projectVariables: {}, changedPaths: null, refProtected: true,
      project: { id: 1, path: 'w/p', namespace: 'w', name: 'p', title: 'p', defaultBranch: 'main', url: 'http://x/w/p', visibility: 'private' }, serverUrl: 'http://x', configPath: '.gitlab-ci.yml', pipeline: { id: 1, iid: 1 } },
  } as Parameters<typeof compile>[0]);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  return result.plan!;
}

describe('actions → plan', () => {
  it('makes sequential stages, and shares a stage for IN_SOFT_PARALLEL', async () => {
    const plan = await planOf([
      a(1, 'BUILD', { execute_commands: ['echo one'], run_next: 'IN_SOFT_PARALLEL' }),
      a(2, 'BUILD', { execute_commands: ['echo two'] }),
      a(3, 'SLEEP', { sleep_in_sec: 2 }),
    ]);
    const byName = Object.fromEntries(plan.jobs.map((j) => [j.name, j]));
    assert.equal(byName.a1!.stage, byName.a2!.stage);
    assert.notEqual(byName.a2!.stage, byName.a3!.stage);
    assert.deepEqual(byName.a3!.script, ['sleep 2']);
    assert.equal(byName.a1!.variables.BUDDY_ACTION_ID!.value, '1');
  });

  it('maps BUILD fields: setup commands, cached dirs, retry (capped), timeout, ignore_errors, variables', async () => {
    const plan = await planOf([a(1, 'BUILD', {
      execute_commands: ['make'], setup_commands: ['apt-get update'], cached_dirs: ['/vendor'], retry_count: 5, timeout: 90,
      ignore_errors: true, variables: [{ key: 'X', value: '1' }],
    })], { actionVariables: { 1: { Y: '2' } } });
    const job = plan.jobs[0]!;
    assert.deepEqual(job.script, ['make']);
    assert.deepEqual(job.beforeScript, ['apt-get update']);
    assert.deepEqual(job.cache[0]!.paths, ['vendor']);
    assert.equal(job.retry.max, 2);
    assert.equal(job.timeoutSeconds, 90);
    assert.equal(job.allowFailure, true);
    assert.equal(job.variables.X!.value, '1');
    assert.equal(job.variables.Y!.value, '2');
  });

  it('turns WAIT_FOR_APPLY into a blocking manual job and routes ON_SUCCESS / ON_FAILURE actions', async () => {
    const plan = await planOf([
      a(1, 'WAIT_FOR_APPLY'), a(2, 'BUILD', { execute_commands: ['x'] }),
      a(3, 'BUILD', { execute_commands: ['ok'], trigger_time: 'ON_SUCCESS' }),
      a(4, 'BUILD', { execute_commands: ['bad'], trigger_time: 'ON_FAILURE' }),
      a(5, 'BUILD', { execute_commands: ['back'], trigger_time: 'ON_BACK_TO_SUCCESS' }),
      a(6, 'BUILD', { execute_commands: ['off'], disabled: true }),
    ]);
    const byName = Object.fromEntries(plan.jobs.map((j) => [j.name, j]));
    assert.equal(byName.a1!.when, 'manual');
    assert.equal(byName.a1!.allowFailure, false);
    assert.equal(byName.a3!.when, 'on_success');
    assert.equal(byName.a4!.when, 'on_failure');
    assert.ok(!byName.a5 && !byName.a6);
    assert.ok(byName.a4!.stageIndex > byName.a3!.stageIndex);
  });

  it('runs only actions_to_run and ON_BACK_TO_SUCCESS after a failed run', async () => {
    const plan = await planOf([a(1, 'BUILD', { execute_commands: ['1'] }), a(2, 'BUILD', { execute_commands: ['2'] }), a(3, 'BUILD', { execute_commands: ['3'], trigger_time: 'ON_BACK_TO_SUCCESS' })],
      { actionsToRun: [2, 3], previousStatus: 'failed' });
    assert.deepEqual(plan.jobs.map((j) => j.name), ['a2', 'a3']);
  });

  it('places ON_WARNING and ON_TERMINATE actions in last stages with Runnel whens, ON_WAIT_FOR_APPROVE beside each wait', async () => {
    const plan = await planOf([
      a(1, 'BUILD', { execute_commands: ['flaky'], ignore_errors: true }),
      a(2, 'WAIT_FOR_APPLY', {}, 'Approve'),
      a(3, 'BUILD', { execute_commands: ['deploy'] }),
      a(4, 'BUILD', { execute_commands: ['echo warned'], trigger_time: 'ON_WARNING' }, 'Warn'),
      a(5, 'BUILD', { execute_commands: ['echo cleanup'], trigger_time: 'ON_TERMINATE' }, 'Cleanup'),
      a(6, 'BUILD', { execute_commands: ['echo please'], trigger_time: 'ON_WAIT_FOR_APPROVE' }, 'Ask'),
      a(7, 'BUILD', { execute_commands: ['bad'], trigger_time: 'ON_FAILURE' }, 'Fail'),
    ]);
    const byName = Object.fromEntries(plan.jobs.map((j) => [j.name, j]));
    assert.deepEqual(plan.stages.filter((st) => st.startsWith('on-')), ['on-failure', 'on-warning', 'on-terminate']);
    assert.equal(byName.Warn!.stage, 'on-warning');
    assert.equal(byName.Warn!.variables.RUNNEL_JOB_WHEN!.value, 'on_warning');
    assert.equal(byName.Cleanup!.stage, 'on-terminate');
    assert.equal(byName.Cleanup!.variables.RUNNEL_JOB_WHEN!.value, 'on_cancel');
    assert.equal(byName.Ask!.stage, byName.Approve!.stage);
    assert.equal(byName.Ask!.when, 'on_success');
    assert.equal(byName.Approve!.when, 'manual');

    const two = await planOf([a(1, 'WAIT_FOR_APPLY', {}, 'First'), a(2, 'WAIT_FOR_VARIABLES', {}, 'Second'), a(3, 'BUILD', { execute_commands: ['x'], trigger_time: 'ON_WAIT_FOR_APPROVE' }, 'Ask')]);
    assert.deepEqual(two.jobs.filter((j) => j.name.startsWith('Ask')).map((j) => [j.name, j.stage]), [['Ask (First)', 'action-1'], ['Ask (Second)', 'action-2']]);
    const none = await planOf([a(1, 'BUILD', { execute_commands: ['x'] }), a(3, 'BUILD', { execute_commands: ['x'], trigger_time: 'ON_WAIT_FOR_APPROVE' }, 'Ask')]);
    assert.deepEqual(none.jobs.map((j) => j.name), ['a1']);
  });

  it('asks preparation warnings to fail the jobs when fail_on_prepare_env_warning is on', async () => {
    const strict = await planOf([a(1, 'BUILD', { execute_commands: ['x'] })], { pipeline: { ...pipeline, failOnPrepareWarning: true } });
    assert.equal(strict.jobs[0]!.variables.RUNNEL_FAIL_ON_PREPARE_WARNING!.value, 'true');
    const lax = await planOf([a(1, 'BUILD', { execute_commands: ['x'] })], { pipeline: { ...pipeline, failOnPrepareWarning: false } });
    assert.equal(lax.jobs[0]!.variables.RUNNEL_FAIL_ON_PREPARE_WARNING, undefined);
  });
});
