import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignServerErrors, buildPatch, PIPELINE_FIELDS, toFormValues } from './pipeline-fields.ts';

const pipeline = {
  id: 7, name: 'Build', identifier: 'build', refs: ['refs/heads/main'], events: [{ type: 'PUSH', refs: ['refs/heads/main'] }],
  priority: 'NORMAL', disabled: false, clone_depth: 0, auto_clear_cache: false, variables: [], git_config: null, folder: null,
};

test('every documented editable pipeline field is in the form, each once', () => {
  const keys = PIPELINE_FIELDS.map((f) => f.key);
  assert.equal(new Set(keys).size, keys.length);
  for (const k of ['name', 'identifier', 'refs', 'events', 'trigger_conditions', 'loop', 'priority', 'disabled', 'disabled_reason', 'paused',
    'pause_on_repeated_failures', 'always_from_scratch', 'auto_clear_cache', 'no_skip_to_most_recent', 'terminate_stale_runs',
    'concurrent_pipeline_runs', 'cache_scope', 'fetch_all_refs', 'clone_depth', 'git_changeset_base', 'filesystem_changeset_base',
    'resources', 'cpu', 'fail_on_prepare_env_warning', 'do_not_create_commit_status', 'target_site_url', 'execution_message_template',
    'ignore_fail_on_project_status', 'description_required', 'folder', 'tags', 'definition_source', 'git_config_ref', 'git_config',
    'remote_path', 'remote_ref', 'remote_project_name', 'remote_parameters', 'variables', 'environments', 'permissions',
    'manage_variables_by_yaml', 'manage_permissions_by_yaml', 'last_execution_revision']) {
    assert.ok(keys.includes(k), k);
  }
  for (const readOnly of ['id', 'url', 'html_url', 'create_date', 'creator', 'project', 'stale', 'waiting_for_push', 'actions', 'last_execution_status']) {
    assert.ok(!keys.includes(readOnly), readOnly);
  }
});

test('an untouched form produces an empty patch', () => {
  const initial = toFormValues(pipeline);
  assert.deepEqual(buildPatch({ ...initial }, initial), { patch: {}, errors: {} });
});

test('changed fields are converted to API types and only they are sent', () => {
  const initial = toFormValues(pipeline);
  const values = { ...initial, name: ' Build all ', refs: 'refs/heads/main\n\nrefs/tags/*\n', clone_depth: '5', auto_clear_cache: true, events: '[{"type":"SCHEDULE","cron":"0 * * * *"}]', folder: 'CI' };
  const { patch, errors } = buildPatch(values, initial);
  assert.deepEqual(errors, {});
  assert.deepEqual(patch, {
    name: 'Build all', refs: ['refs/heads/main', 'refs/tags/*'], clone_depth: 5, auto_clear_cache: true,
    events: [{ type: 'SCHEDULE', cron: '0 * * * *' }], folder: 'CI',
  });
});

test('invalid values are reported per field and not sent', () => {
  const initial = toFormValues(pipeline);
  const { patch, errors } = buildPatch({ ...initial, name: '  ', clone_depth: '-1', pause_on_repeated_failures: '2.5', events: '[{', identifier: '-bad-' }, initial);
  assert.deepEqual(patch, {});
  assert.equal(errors.name, 'is required');
  assert.equal(errors.clone_depth, 'must be at least 0');
  assert.equal(errors.pause_on_repeated_failures, 'must be a whole number');
  assert.match(errors.events ?? '', /^is not valid JSON/);
  assert.match(errors.identifier ?? '', /^must use/);
});

test('clearing an optional text or JSON field sends null', () => {
  const initial = toFormValues({ ...pipeline, target_site_url: 'https://x', git_config: { path: 'a' } });
  const { patch } = buildPatch({ ...initial, target_site_url: '', git_config: '' }, initial);
  assert.deepEqual(patch, { target_site_url: null, git_config: null });
});

test('form values round-trip API values', () => {
  const values = toFormValues(pipeline);
  assert.equal(values.refs, 'refs/heads/main');
  assert.equal(values.clone_depth, '0');
  assert.equal(values.disabled, false);
  assert.equal(values.folder, '');
  assert.equal(JSON.parse(String(values.events))[0].type, 'PUSH');
});

test('server messages are attached to the field they name', () => {
  const { byField, general } = assignServerErrors(['clone_depth must be greater than or equal to 0', 'Pipeline identifier already exists', 'Something else broke', 'Invalid value of events[0].type']);
  assert.equal(byField.clone_depth, 'clone_depth must be greater than or equal to 0');
  assert.equal(byField.identifier, 'Pipeline identifier already exists');
  assert.equal(byField.events, 'Invalid value of events[0].type');
  assert.deepEqual(general, ['Something else broke']);
});
