import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseDuration } from './duration.js';

test('GitLab durations in their common spellings', () => {
  const cases: Array<[string | number, number]> = [
    ['30', 30], [45, 45], ['1h', 3600], ['1h 30m', 5400], ['90m', 5400], ['3 hours', 10800], ['3 hours 30 minutes', 12600],
    ['1 week', 604800], ['2d', 172800], ['2 days and 4 hours', 187200], ['1:30', 90], ['1:00:00', 3600], ['1.5 hours', 5400],
    ['10 mins', 600], ['1 month', 2592000], ['1 year', 31557600], ['5 sec', 5],
  ];
  for (const [text, seconds] of cases) assert.equal(parseDuration(text), seconds, String(text));
});

test('non-durations are null', () => {
  for (const text of ['forever', '', 'h', '1 fortnight', '-5', 'abc 1h', null, true, {}]) assert.equal(parseDuration(text), null, String(text));
});
