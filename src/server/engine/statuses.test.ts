import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compositeStatus, decideCreatedJob, gitlabWhen } from './statuses.js';

const s = (status: string, allowFailure = false) => ({ status, allowFailure });

test('composite follows GitLab\'s order of rules', () => {
  assert.equal(compositeStatus([]), null);
  assert.equal(compositeStatus([s('success'), s('skipped')]), 'success');
  assert.equal(compositeStatus([s('success'), s('failed', true)]), 'success');
  assert.equal(compositeStatus([s('success'), s('failed')]), 'failed');
  assert.equal(compositeStatus([s('skipped'), s('manual', true)]), 'skipped');
  assert.equal(compositeStatus([s('success'), s('manual')]), 'manual');
  assert.equal(compositeStatus([s('success'), s('manual', true)]), 'success');
  assert.equal(compositeStatus([s('running'), s('failed')]), 'running');
  assert.equal(compositeStatus([s('created'), s('success')]), 'running');
  assert.equal(compositeStatus([s('created'), s('pending')]), 'pending');
  assert.equal(compositeStatus([s('created'), s('failed')]), 'running');
  assert.equal(compositeStatus([s('canceled'), s('success')]), 'canceled');
  assert.equal(compositeStatus([s('scheduled'), s('success')]), 'scheduled');
  assert.equal(compositeStatus([s('waiting_for_resource'), s('success')]), 'waiting_for_resource');
});

test('dag composite skips on a skipped need and holds until every need is complete', () => {
  assert.equal(compositeStatus([s('success'), s('skipped')], { dag: true }), 'skipped');
  assert.equal(compositeStatus([s('success'), s('running')], { dag: true }), 'pending');
  assert.equal(compositeStatus([s('success'), s('failed', true)], { dag: true }), 'success');
});

test('a created job is decided by its when and its prerequisites', () => {
  assert.equal(decideCreatedJob({ when: 'on_success', dag: false }, null), 'pending');
  assert.equal(decideCreatedJob({ when: 'on_success', dag: false }, 'running'), null);
  assert.equal(decideCreatedJob({ when: 'on_success', dag: false }, 'failed'), 'skipped');
  assert.equal(decideCreatedJob({ when: 'on_success', dag: false }, 'skipped'), 'pending');
  assert.equal(decideCreatedJob({ when: 'on_success', dag: true }, 'skipped'), 'skipped');
  assert.equal(decideCreatedJob({ when: 'on_failure', dag: false }, 'failed'), 'pending');
  assert.equal(decideCreatedJob({ when: 'on_failure', dag: false }, 'success'), 'skipped');
  assert.equal(decideCreatedJob({ when: 'always', dag: false }, 'failed'), 'pending');
  assert.equal(decideCreatedJob({ when: 'always', dag: false }, 'canceled'), 'skipped');
  assert.equal(decideCreatedJob({ when: 'manual', dag: false }, 'success'), 'manual');
  assert.equal(decideCreatedJob({ when: 'delayed', dag: false }, 'success'), 'scheduled');
  assert.equal(decideCreatedJob({ when: 'on_success', dag: false }, 'manual'), null);
});

test("Runnel's own whens: on_warning runs only after warnings, on_cancel is never started by processing", () => {
  assert.equal(decideCreatedJob({ when: 'on_warning', dag: false }, 'success', true), 'pending');
  assert.equal(decideCreatedJob({ when: 'on_warning', dag: false }, 'failed', true), 'pending');
  assert.equal(decideCreatedJob({ when: 'on_warning', dag: false }, 'success', false), 'skipped');
  assert.equal(decideCreatedJob({ when: 'on_warning', dag: false }, 'running', true), null);
  assert.equal(decideCreatedJob({ when: 'on_cancel', dag: false }, 'success'), 'skipped');
  assert.equal(decideCreatedJob({ when: 'on_cancel', dag: false }, 'canceled'), 'skipped');
  assert.equal(decideCreatedJob({ when: 'on_cancel', dag: false }, 'running'), null);
  assert.equal(gitlabWhen('on_cancel'), 'on_success');
  assert.equal(gitlabWhen('manual'), 'manual');
});
