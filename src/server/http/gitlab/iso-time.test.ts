import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoTime } from '../../../shared/index.js';
import { fastIsoTime, isoTimeText } from './iso-time.js';

const same = (ms: number) => {
  let expected: string | Error;
  try { expected = new Date(ms).toISOString(); } catch (error) { expected = error as Error; }
  if (expected instanceof Error) assert.throws(() => isoTimeText(ms), RangeError);
  else assert.equal(isoTimeText(ms), expected, `ms=${ms}`);
};

test('formats like Date#toISOString at the edges of days, years and the supported range', () => {
  const edges = [0, 1, 999, 1000, 59_999, 60_000, 3_599_999, 3_600_000, 86_399_999, 86_400_000, -1, -999, -1000, -86_400_000, -86_400_001,
    Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(1900, 1, 28, 1, 2, 3, 45), Date.UTC(2026, 10, 24, 10, 0, 0, 0), Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    Date.UTC(10000, 0, 1), Date.UTC(0, 0, 1) - 1, -62_167_219_200_000, -62_167_219_200_001, 8.64e15, -8.64e15, 8.64e15 + 1, 1.5, -0.5, -0, NaN, Infinity, -Infinity];
  for (const ms of edges) same(ms);
});

test('formats every millisecond of a day and random instants like Date#toISOString', () => {
  const start = Date.UTC(2026, 10, 24);
  for (let ms = start - 5_000; ms < start + 86_400_000 + 5_000; ms += 61) same(ms);
  fc.assert(fc.property(fc.integer({ min: -70_000_000_000_000, max: 260_000_000_000_000 }), (ms) => { same(ms); }), { numRuns: 20_000 });
  fc.assert(fc.property(fc.double(), (ms) => { same(ms); }), { numRuns: 2_000 });
});

test('fastIsoTime keeps isoTime\'s nulls', () => {
  assert.equal(fastIsoTime(null), isoTime(null));
  assert.equal(fastIsoTime(undefined), isoTime(undefined));
  assert.equal(fastIsoTime(1234), isoTime(1234));
});
