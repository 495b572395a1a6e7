import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { buildIndexFile, ZERO_STAT, type IndexEntry } from './git-index-file.js';

const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

function gitIndexOf(entries: IndexEntry[]): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-index-'));
  try {
    execFileSync('git', ['init', '-q', dir], { env });
    const info = entries.map((e) => `${e.mode.toString(8)} ${e.oid}\t${e.path.toString('utf8')}\0`).join('');
    execFileSync('git', ['update-index', '-z', '--index-info'], { cwd: dir, env, input: info });
    return readFileSync(join(dir, '.git', 'index'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const blob = (n: number) => createHash('sha1').update(String(n)).digest('hex');

test('writes the very bytes git writes for the same entries (zero stat data, index v2)', () => {
  // Unsorted on purpose, with the cases that sort differently in trees and in the index
  // ("a-b" < "a/b" < "a0" by bytes), spaces, unicode, a long name and every mode.
  const entries: IndexEntry[] = [
    { path: Buffer.from('a0'), mode: 0o100644, oid: blob(1), stat: ZERO_STAT },
    { path: Buffer.from('a/b'), mode: 0o100755, oid: blob(2), stat: ZERO_STAT },
    { path: Buffer.from('a-b'), mode: 0o120000, oid: blob(3), stat: ZERO_STAT },
    { path: Buffer.from('dir with space/ünïcödé file.txt'), mode: 0o100644, oid: blob(4), stat: ZERO_STAT },
    { path: Buffer.from('module'), mode: 0o160000, oid: blob(5), stat: ZERO_STAT },
    { path: Buffer.from(`${'x'.repeat(300)}/${'y'.repeat(4000)}`), mode: 0o100644, oid: blob(6), stat: ZERO_STAT },
    { path: Buffer.from('1234567'), mode: 0o100644, oid: blob(7), stat: ZERO_STAT },
    { path: Buffer.from('12345678'), mode: 0o100644, oid: blob(8), stat: ZERO_STAT },
  ];
  const ours = buildIndexFile(entries);
  assert.equal(ours.toString('hex'), gitIndexOf(entries).toString('hex'));
});

test('stores stat data in git\'s fields: seconds and nanoseconds, low 32 bits of large values', () => {
  const stat = { ctimeNs: 1_700_000_000_123_456_789n, mtimeNs: 1_700_000_001_987_654_321n, dev: 0x1_0000_0003n, ino: 0x2_0000_0004n, uid: 1000n, gid: 100n, size: 0x1_0000_0005n };
  const file = buildIndexFile([{ path: Buffer.from('f'), mode: 0o100644, oid: blob(1), stat }]);
  const fields = Array.from({ length: 10 }, (_, i) => file.readUInt32BE(12 + 4 * i));
  assert.deepEqual(fields, [1_700_000_000, 123_456_789, 1_700_000_001, 987_654_321, 3, 4, 0o100644, 1000, 100, 5]);
  assert.equal(file.length, 12 + 64 + 20); // 62 fixed bytes + "f" + NULs up to a multiple of 8
  assert.equal(createHash('sha1').update(file.subarray(0, file.length - 20)).digest('hex'), file.subarray(file.length - 20).toString('hex'));
});
