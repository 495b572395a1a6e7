import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandValue, expandVariables, variableLookup } from './variable-expansion.js';

const vars = [
  { key: 'A', value: 'alpha' },
  { key: 'B', value: '$A-beta' },
  { key: 'C', value: '${B}+${A}' },
  { key: 'RAW', value: '$A', raw: true },
];

test('expands $VAR and ${VAR}, one level deep like gitlab-runner', () => {
  const out = Object.fromEntries(expandVariables(vars).map((v) => [v.key, v.value]));
  assert.equal(out.B, 'alpha-beta');
  assert.equal(out.C, '$A-beta+alpha'); // the referenced value is inserted unexpanded
  assert.equal(out.RAW, '$A');
});

test('unknown variables become empty, $$ is a dollar, shell specials stay', () => {
  const lookup = variableLookup(vars);
  assert.equal(expandValue('x$NOPE-y', lookup), 'x-y');
  assert.equal(expandValue('cost $$5', lookup), 'cost $5');
  assert.equal(expandValue('$1 $? $@', lookup), '$1 $? $@');
  assert.equal(expandValue('end$', lookup), 'end$');
  assert.equal(expandValue('a$ b', lookup), 'a$ b');
  assert.equal(expandValue('${}x', lookup), 'x');
});

test('the last definition of a key wins', () => {
  const lookup = variableLookup([{ key: 'X', value: '1' }, { key: 'X', value: '2' }]);
  assert.equal(expandValue('$X', lookup), '2');
});
