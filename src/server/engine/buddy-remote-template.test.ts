import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillTemplate, parameterMap, templateActions } from './buddy-remote-template.js';

test('fills !name and !{name:default}, leaves YAML tags alone, reports what has no value', () => {
  assert.deepEqual(fillTemplate('a: !x\nb: !{y:why}\nc: !!str 5\nd: !{z}', { x: '1' }), { text: 'a: 1\nb: why\nc: !!str 5\nd: !{z}', missing: ['z'] });
  assert.deepEqual(fillTemplate('run !{y:no} !y!y', { y: 'yes' }).text, 'run yes yesyes');
  assert.deepEqual(fillTemplate('Hello! world', {}), { text: 'Hello! world', missing: [] });
  assert.deepEqual(parameterMap([{ key: 'a', value: 'b' }, { key: '', value: 'x' }, { value: 'y' }, { key: 'n', value: null }]), { a: 'b', n: '' });
});

test('template actions: one pipeline, named actions of supported types, every problem at once', () => {
  const ok = templateActions('t.yml', '- pipeline: p\n  actions:\n    - action: A\n      type: BUILD\n      execute_commands: ["!cmd"]\n', { cmd: 'make' });
  assert.deepEqual(ok, { ok: true, actions: [{ id: 1, name: 'A', type: 'BUILD', settings: { execute_commands: ['make'] } }] });
  const bad = templateActions('t.yml', 'actions:\n  - type: DEPLOY_TO_MARS\n  - action: B\n    type: BUILD\n    trigger_time: SOMETIMES\n  - action: B\n    type: SLEEP\n', {});
  assert.equal(bad.ok, false);
  assert.deepEqual(!bad.ok && bad.problems, [
    't.yml: actions[0]: action (its name) is required',
    't.yml: actions[0]: type must be one of BUILD, SLEEP, WAIT_FOR_APPLY, WAIT_FOR_VARIABLES, RUN_NEXT_PIPELINE',
    't.yml: actions[1]: trigger_time must be one of ON_EVERY_EXECUTION, ON_SUCCESS, ON_FAILURE, ON_BACK_TO_SUCCESS, ON_WARNING, ON_WAIT_FOR_APPROVE, ON_TERMINATE',
    "t.yml: two actions are named 'B'",
  ]);
  assert.deepEqual(templateActions('t.yml', '- a\n- b\n', {}), { ok: false, problems: ['t.yml: a template holds exactly one pipeline, found 2'] });
  const notYaml = templateActions('t.yml', 'actions: [\n', {});
  assert.equal(notYaml.ok, false);
  assert.match(!notYaml.ok ? notYaml.problems[0]! : '', /^t\.yml: not valid YAML/);
});
