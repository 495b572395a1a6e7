import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBatcher } from './batcher.ts';

test('a burst of keys is flushed once, deduplicated, after the delay', async () => {
  const flushed: number[][] = [];
  const b = createBatcher<number>(20, (keys) => flushed.push([...keys]));
  for (const k of [1, 2, 2, 3]) b.add(k);
  assert.equal(flushed.length, 0);
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(flushed, [[1, 2, 3]]);
  b.add(4);
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(flushed, [[1, 2, 3], [4]]);
});

test('cancel drops pending keys', async () => {
  let calls = 0;
  const b = createBatcher<string>(10, () => { calls++; });
  b.add('x');
  b.cancel();
  await new Promise((r) => setTimeout(r, 25));
  assert.equal(calls, 0);
});
