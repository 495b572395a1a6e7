import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refDrift } from './ref-drift.js';

const Z = '0'.repeat(40);
const a = 'a'.repeat(40);
const b = 'b'.repeat(40);

test('ref drift: moved, created and deleted branches and tags; other refs and recorded deletions ignored', () => {
  const known = new Map([['refs/heads/main', a], ['refs/heads/gone', a], ['refs/tags/old', Z], ['refs/heads/same', b], ['refs/pipelines/1', a]]);
  const actual = [
    { ref: 'refs/heads/main', objectSha: b }, { ref: 'refs/heads/same', objectSha: b }, { ref: 'refs/tags/v1', objectSha: a },
    { ref: 'refs/keep-around/x', objectSha: a },
  ];
  assert.deepEqual(refDrift(known, actual), [
    { ref: 'refs/heads/main', before: a, after: b },
    { ref: 'refs/tags/v1', before: Z, after: a },
    { ref: 'refs/heads/gone', before: a, after: Z },
  ]);
  assert.deepEqual(refDrift(new Map([['refs/heads/main', a]]), [{ ref: 'refs/heads/main', objectSha: a }]), []);
});
