import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceNumbers, ext4JournalOf, hintUnrelatedSubdirectories } from './spread-hint.js';

const attributesOf = (dir: string): string => execFileSync('lsattr', ['-d', dir], { encoding: 'utf8' }).split(/\s+/)[0]!;

test('deviceNumbers splits dev_t as glibc does (old and new encodings)', () => {
  assert.deepEqual(deviceNumbers(0xfe00n), { major: 254, minor: 0 });
  assert.deepEqual(deviceNumbers(0x0801n), { major: 8, minor: 1 });
  assert.deepEqual(deviceNumbers(0x10300n), { major: 259, minor: 0 });
  // minor 256 and above: the high minor bits sit above the major's.
  assert.deepEqual(deviceNumbers(0x10302n | (0x1n << 20n)), { major: 259, minor: 2 | 0x100 });
});

test('file systems other than ext4 are left alone', async () => {
  assert.equal(ext4JournalOf('/proc'), 'unknown');
  assert.equal(ext4JournalOf('/no/such/dir'), 'unknown');
  const shm = '/dev/shm';
  assert.equal(await hintUnrelatedSubdirectories(shm), false);
});

test('a directory on ext4 without a journal gets the top-directory attribute, not inherited', async (t) => {
  const base = tmpdir();
  const journal = ext4JournalOf(base);
  if (journal !== 'none') {
    t.skip(`${base} is not on ext4 without a journal here (${journal}): the hint applies only there`);
    return;
  }
  const root = mkdtempSync(join(base, 'runnel-spread-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const direct = join(root, 'direct');
  mkdirSync(direct);
  assert.equal(attributesOf(direct).includes('T'), false);
  assert.equal(await hintUnrelatedSubdirectories(direct), true);
  assert.equal(attributesOf(direct).includes('T'), true);
  // The attribute is not inherited: a workspace under the root is an ordinary directory.
  mkdirSync(join(direct, 'job'));
  assert.equal(attributesOf(join(direct, 'job')).includes('T'), false);
});
