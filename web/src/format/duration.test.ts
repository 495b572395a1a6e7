import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatRelative, liveDuration } from './duration.ts';

test('durations read like GitLab', () => {
  assert.equal(formatDuration(null), '—');
  assert.equal(formatDuration(4.4), '4s');
  assert.equal(formatDuration(65), '1m 05s');
  assert.equal(formatDuration(3720), '1h 02m');
});

test('a running thing ticks from started_at; a finished one uses duration', () => {
  const start = '2026-01-01T00:00:00.000Z';
  assert.equal(liveDuration(null, start, null, Date.parse(start) + 12000), 12);
  assert.equal(liveDuration(7, start, null, Date.parse(start) + 12000), 7);
  assert.equal(liveDuration(null, null, null, 0), null);
});

test('relative times and byte sizes', () => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  assert.equal(formatRelative('2026-01-01T00:59:50Z', now), 'just now');
  assert.equal(formatRelative('2026-01-01T00:57:00Z', now), '3 minutes ago');
  assert.equal(formatRelative('2025-12-31T01:00:00Z', now), '1 day ago');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
});
