import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../api/gitlab-entities.ts';
import { mergeJobs } from './merge-jobs.ts';

const job = (id: number, status: string): Job => ({ id, name: `j${id}`, stage: 's', status, allow_failure: false, started_at: null, finished_at: null, duration: null, web_url: '' });

test('unchanged jobs keep their identity; changed ones are replaced', () => {
  const before = [job(1, 'running'), job(2, 'pending')];
  const after = mergeJobs(before, [job(1, 'running'), job(2, 'running')], true);
  assert.equal(after[0], before[0]);
  assert.notEqual(after[1], before[1]);
  assert.equal(after[1]?.status, 'running');
});

test('nothing changed returns the same array', () => {
  const before = [job(1, 'success')];
  assert.equal(mergeJobs(before, [job(1, 'success')], true), before);
  assert.equal(mergeJobs(before, [job(1, 'success')], false), before);
});

test('a partial update keeps the others; a complete list drops jobs that are gone', () => {
  const before = [job(1, 'failed'), job(2, 'success')];
  assert.deepEqual(mergeJobs(before, [job(1, 'running')], false).map((j) => j.status), ['running', 'success']);
  assert.deepEqual(mergeJobs(before, [job(3, 'pending'), job(2, 'success')], true).map((j) => j.id), [2, 3]);
});
