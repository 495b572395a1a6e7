import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { newMap, type ConfigMap, type ConfigValue } from './config-value.js';
import { deepMerge } from './deep-merge.js';
import { Locations } from './locations.js';

function map(value: Record<string, ConfigValue>): ConfigMap {
  return Object.assign(newMap(), value);
}

test('hashes merge recursively, arrays and scalars are replaced', () => {
  const base = map({ variables: map({ A: '1', B: '2' }), script: ['a', 'b'], stage: 'build' });
  const over = map({ variables: map({ B: '3' }), script: ['c'] });
  const merged = deepMerge(base, over, new Locations());
  assert.deepEqual(JSON.parse(JSON.stringify(merged)), { variables: { A: '1', B: '3' }, script: ['c'], stage: 'build' });
  assert.deepEqual(JSON.parse(JSON.stringify(base)), { variables: { A: '1', B: '2' }, script: ['a', 'b'], stage: 'build' }, 'inputs untouched');
});

test('a hash replaces a scalar and the reverse', () => {
  const merged = deepMerge(map({ cache: 'x', image: map({ name: 'a' }) }), map({ cache: map({ key: 'k' }), image: 'b' }), new Locations());
  assert.deepEqual(JSON.parse(JSON.stringify(merged)), { cache: { key: 'k' }, image: 'b' });
});

test('__proto__ is an ordinary key', () => {
  const merged = deepMerge(map({}), map({ ['__proto__']: 'x' }), new Locations());
  assert.equal(Object.getPrototypeOf(merged), null);
  assert.equal(Object.keys(merged).length, 1);
});
