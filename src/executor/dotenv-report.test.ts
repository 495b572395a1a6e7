import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDotenv } from './dotenv-report.js';

test('parses KEY=VALUE lines, stripping spaces, splitting at the first =', () => {
  assert.deepEqual(parseDotenv('A=1\n B = two words \nC=x=y\nD=\n'), { ok: true, variables: { A: '1', B: 'two words', C: 'x=y', D: '' } });
});

test('keeps quotes, comments and ${} literally, like GitLab', () => {
  assert.deepEqual(parseDotenv('A="q" # c\nB=${A}_x'), { ok: true, variables: { A: '"q" # c', B: '${A}_x' } });
});

test('rejects the whole file for an empty line, a missing = or a bad key', () => {
  assert.deepEqual(parseDotenv('A=1\n\nB=2\n'), { ok: false, error: 'Invalid Format' });
  assert.deepEqual(parseDotenv('{ "A": 1 }'), { ok: false, error: 'Invalid Format' });
  assert.deepEqual(parseDotenv('=1'), { ok: false, error: "Key can't be blank" });
  assert.equal(parseDotenv('A-B=1').ok, false);
});

test('enforces the 20 variable and 5 KiB limits', () => {
  const many = Array.from({ length: 21 }, (_, i) => `K${i}=v`).join('\n');
  assert.deepEqual(parseDotenv(many), { ok: false, error: 'Dotenv files cannot have more than 20 variables' });
  assert.equal(parseDotenv(`A=${'x'.repeat(5200)}`).ok, false);
});

test('ignores a BOM, last duplicate wins', () => {
  assert.deepEqual(parseDotenv('\uFEFFA=1\nA=2'), { ok: true, variables: { A: '2' } });
});
