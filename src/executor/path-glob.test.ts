import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp, normaliseProjectPath } from './path-glob.js';

test('* stays in one segment, ** spans segments', () => {
  assert.ok(globToRegExp('*.txt').test('a.txt'));
  assert.ok(!globToRegExp('*.txt').test('dir/a.txt'));
  assert.ok(globToRegExp('**/*.txt').test('a.txt'));
  assert.ok(globToRegExp('**/*.txt').test('x/y/a.txt'));
  assert.ok(globToRegExp('dist/**').test('dist/a/b'));
  assert.ok(globToRegExp('src/**/test-?.xml').test('src/a/b/test-1.xml'));
  assert.ok(!globToRegExp('src/**/test-?.xml').test('src/a/b/test-10.xml'));
  assert.ok(globToRegExp('[ab].log').test('b.log'));
  assert.ok(!globToRegExp('[!ab].log').test('b.log'));
});

test('regex characters in patterns are literal', () => {
  assert.ok(globToRegExp('a+b(1).txt').test('a+b(1).txt'));
  assert.ok(!globToRegExp('a.txt').test('abtxt'));
});

test('paths escaping the project directory are refused', () => {
  assert.deepEqual(normaliseProjectPath('../secret', '/b/p'), { ok: false, reason: 'outside the project directory' });
  assert.deepEqual(normaliseProjectPath('a/../../x', '/b/p'), { ok: false, reason: 'outside the project directory' });
  assert.deepEqual(normaliseProjectPath('/etc/passwd', '/b/p'), { ok: false, reason: 'outside the project directory' });
  assert.deepEqual(normaliseProjectPath('/b/p/out/', '/b/p'), { ok: true, path: 'out' });
  assert.deepEqual(normaliseProjectPath('./dist/', '/b/p'), { ok: true, path: 'dist' });
});
