import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { isSafeRefName } from './object-names.js';

const NAMES = [
  'main', 'feature/x', 'release-1.2', 'a.b', 'v1.0.0', 'ünïcode', 'with@sign', 'x@', '@', '@x', 'a@{b', '@{-1}',
  '', '/', 'a/', '/a', 'a//b', 'a/b/c', '.a', 'a/.b', 'a./b', 'a.', 'a..b', 'a.lock', 'a.lock/b', 'b/a.lock', 'a.locks', 'a.lockb/c',
  'a b', 'a\tb', 'a\u007fb', 'a~b', 'a^b', 'a:b', 'a?b', 'a*b', 'a[b', 'a]b', 'a\\b', 'a{b}', 'a}b', "a'b", 'a"b', 'a!b', 'a#b', 'a$b',
  'HEAD', 'refs/heads/x', 'a-', 'a_b', '1', '.', '..', 'a/..', 'a/./b',
];

test('isSafeRefName agrees with git check-ref-format on branch names (but rejects a leading dash)', () => {
  for (const name of NAMES) {
    const git = spawnSync('git', ['check-ref-format', `refs/heads/${name}`]).status === 0;
    assert.equal(isSafeRefName(name), git, `${JSON.stringify(name)}: git says ${git ? 'valid' : 'invalid'}`);
  }
  assert.equal(spawnSync('git', ['check-ref-format', 'refs/heads/-x']).status, 0);
  assert.equal(isSafeRefName('-x'), false);
  assert.equal(isSafeRefName('a'.repeat(1025)), false);
});
