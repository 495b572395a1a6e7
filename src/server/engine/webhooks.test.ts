import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock, silentLogger } from '../../shared/index.js';
import type { Store } from '../store/index.js';
import { createWebhooks } from './webhooks.js';

test('a job event for a growing log reads nothing; a status change is looked at', async () => {
  const reads: number[] = [];
  const store = {
    jobs: { byId: async (id: number) => { reads.push(id); return null; } },
  } as unknown as Store;
  const webhooks = createWebhooks({ store, clock: systemClock, logger: silentLogger(), baseUrl: () => 'http://runnel.test' });
  webhooks.onEvent({ type: 'job', jobId: 1, runId: 1, logOnly: true });
  await webhooks.idle();
  assert.deepEqual(reads, []);
  webhooks.onEvent({ type: 'job', jobId: 2, runId: 1 });
  await webhooks.idle();
  assert.deepEqual(reads, [2]);
});
