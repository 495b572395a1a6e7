import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractCoverage } from './coverage.js';

test('takes the last matching line, first number in the match', () => {
  const log = 'Coverage: 10.5%\nnoise\nCoverage: 83.25% of 200 lines\ntrailer\n';
  assert.equal(extractCoverage(log, '/Coverage: \\d+\\.\\d+%/'), 83.25);
});

test('uses the last capture group of the last match in the line', () => {
  assert.equal(extractCoverage('total 1 (12%) total 2 (34%)', 'total \\d \\((\\d+)%\\)'), 34);
});

test('skips matches without a number and keeps scanning upwards', () => {
  assert.equal(extractCoverage('Cov: 40\nCov: n/a\n', 'Cov: \\S+'), 40);
});

test('a bad regex or no match gives no coverage', () => {
  assert.equal(extractCoverage('Coverage 50%', '/(unclosed/'), null);
  assert.equal(extractCoverage('nothing here', 'Coverage'), null);
  assert.equal(extractCoverage('Coverage 50%', null), null);
});

test('a regex that can match empty strings terminates', () => {
  assert.equal(extractCoverage('a 12 b', 'x*'), null);
});
