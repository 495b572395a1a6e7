import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRailsParams } from './rails-params.js';

test('groups repeated [] keys into array elements as Rack does', () => {
  const p = parseRailsParams(new URLSearchParams('ref=main&variables[][key]=A&variables[][value]=1&variables[][key]=B&variables[][value]=2'));
  assert.deepEqual(p, { ref: 'main', variables: [{ key: 'A', value: '1' }, { key: 'B', value: '2' }] });
});

test('reads indexed arrays, hashes and scalar arrays', () => {
  const p = parseRailsParams(new URLSearchParams('variables[0][key]=X&variables[0][value]=y&a[b]=c&tags[]=t1&tags[]=t2'));
  assert.deepEqual(p, { variables: [{ key: 'X', value: 'y' }], a: { b: 'c' }, tags: ['t1', 't2'] });
});

test('keeps malformed keys literally and caps depth', () => {
  const deep = 'x' + '[a]'.repeat(20);
  const p = parseRailsParams([['a[b', '1'], [deep, '2']]);
  assert.deepEqual(p, { 'a[b': '1' });
});
