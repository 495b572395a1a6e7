import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StageGroup } from '../store/index.js';
import { summarizeRun } from './run-summary.js';

const group = (g: Partial<StageGroup> & Pick<StageGroup, 'stageIdx' | 'status'>): StageGroup => ({
  dag: false, allowFailure: false, n: 1, startedAt: null, coverageSum: 0, coverageCount: 0, ...g,
});

test('the lowest created stage counts stage-ordered jobs only; earlier stages give the statuses before it', () => {
  const s = summarizeRun([
    group({ stageIdx: 0, status: 'success', startedAt: 20, coverageSum: 30, coverageCount: 1 }),
    group({ stageIdx: 1, status: 'failed', allowFailure: true, startedAt: 10, coverageSum: 91, coverageCount: 2 }),
    group({ stageIdx: 1, status: 'created', dag: true }),
    group({ stageIdx: 2, status: 'created' }),
    group({ stageIdx: 3, status: 'created' }),
  ]);
  assert.equal(s.lowestCreatedStage, 2);
  assert.deepEqual(s.statusesBefore(2), [
    { status: 'success', allowFailure: false }, { status: 'failed', allowFailure: true }, { status: 'created', allowFailure: false },
  ]);
  assert.deepEqual(s.statusesBefore(1), [{ status: 'success', allowFailure: false }]);
  assert.equal(s.startedAt, 10);
  assert.equal(s.coverage, 121 / 3, 'the average over every job with a figure, not over groups');
  assert.equal(s.status, 'running', 'GitLab: some jobs done, others still to come');
});

test('a run with no jobs is skipped and has nothing to start; a running job makes the run running', () => {
  const none = summarizeRun([]);
  assert.equal(none.status, 'skipped');
  assert.equal(none.lowestCreatedStage, null);
  assert.equal(none.startedAt, null);
  assert.equal(none.coverage, null);
  const running = summarizeRun([group({ stageIdx: 0, status: 'running', startedAt: 5 }), group({ stageIdx: 1, status: 'created' })]);
  assert.equal(running.status, 'running');
  assert.equal(running.lowestCreatedStage, 1);
});
