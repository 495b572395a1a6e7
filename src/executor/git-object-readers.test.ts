import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GitObject } from './git-objects.js';
import { rememberingReads } from './git-object-readers.js';

/** A stand-in for cat-file that answers every name with an object of `size` bytes, counting asks. */
function fakeGit(size = 10) {
  const asked: string[] = [];
  return {
    asked,
    read: async (name: string): Promise<GitObject | null> => {
      asked.push(name);
      await new Promise((resolve) => setImmediate(resolve));
      return { oid: /^[0-9a-f]{40}$/.test(name) ? name : 'f'.repeat(40), type: 'blob', body: Buffer.alloc(size, 1) };
    },
  };
}
const oid = (n: number) => n.toString(16).padStart(40, '0');

test('an object read by id is asked of git once, however often and however concurrently it is read', async () => {
  const git = fakeGit();
  const read = rememberingReads(git);
  const [a, b] = await Promise.all([read(oid(1)), read(oid(1))]);
  const c = await read(oid(1));
  assert.equal(a, b);
  assert.equal(a, c);
  assert.deepEqual(git.asked, [oid(1)]);
});

test('names that can move (refs, HEAD) are always asked of git', async () => {
  const git = fakeGit();
  const read = rememberingReads(git);
  await read('refs/tags/v1');
  await read('refs/tags/v1');
  await read('HEAD');
  assert.deepEqual(git.asked, ['refs/tags/v1', 'refs/tags/v1', 'HEAD']);
});

test('big objects are not kept, and the total kept is bounded (least recently used forgotten first)', async () => {
  const big = fakeGit(64 * 1024 + 1);
  const readBig = rememberingReads(big);
  await readBig(oid(1));
  await readBig(oid(1));
  assert.equal(big.asked.length, 2);

  const git = fakeGit(64 * 1024);
  const read = rememberingReads(git);
  // 4 MiB holds 64 such objects: reading 66 forgets the two least recently used.
  await read(oid(0));
  for (let i = 1; i < 66; i++) await read(oid(i));
  await read(oid(0)); // 0 was the oldest: forgotten, asked again (and 2 is now the oldest kept).
  assert.equal(git.asked.filter((n) => n === oid(0)).length, 2);
  const before = git.asked.length;
  await read(oid(65));
  assert.equal(git.asked.length, before, 'a recent object is still remembered');
});

test('at most 16 idle readers stay open', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFileSync } = await import('node:child_process');
  const { createGitObjectReaders } = await import('./git-object-readers.js');
  const root = mkdtempSync(join(tmpdir(), 'runnel-readers-'));
  const readers = createGitObjectReaders();
  try {
    const dirs = Array.from({ length: 18 }, (_, i) => {
      const dir = join(root, `r${i}.git`);
      execFileSync('git', ['init', '-q', '--bare', dir]);
      return dir;
    });
    for (const dir of dirs) await readers.use(dir, async (objects) => objects.read('0'.repeat(40)));
    assert.equal(readers.open, 16);
  } finally {
    await readers.close();
    rmSync(root, { recursive: true, force: true });
  }
});
