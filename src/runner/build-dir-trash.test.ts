import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../shared/index.js';
import { createBuildDirTrash } from './build-dir-trash.js';

/** A builds root of the test's own, removed after it. */
function buildsRoot(t: { after(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'runnel-trash-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function jobDir(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'project', '.git', 'refs'), { recursive: true });
  writeFileSync(join(dir, 'project', 'file'), 'x');
  writeFileSync(join(dir, 'project', '.git', 'HEAD'), 'x');
  return dir;
}

test('discarded job directories leave the builds root at once and are deleted in a batch', async (t) => {
  const root = buildsRoot(t);
  // Trash a crashed runner left behind is deleted when the next one starts.
  jobDir(join(root, '.trash-1'), 'job-0-old');
  const trash = createBuildDirTrash(root, { logger: silentLogger(), delayMs: 60_000 });
  const a = jobDir(root, 'job-1-a');
  const b = jobDir(root, 'job-2-b');
  trash.discard(a);
  trash.discard(b);
  assert.equal(existsSync(a), false);
  assert.equal(existsSync(b), false);
  assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('job-')), []);
  await trash.flush();
  assert.deepEqual(readdirSync(root), [], 'the trash and the leftovers are gone');
  // A directory that cannot be moved (already gone) is no error.
  trash.discard(join(root, 'job-3-missing'));
  await trash.flush();
  assert.deepEqual(readdirSync(root), []);
});

test('without a flush, the batch is deleted delayMs after its first directory', async (t) => {
  const root = buildsRoot(t);
  const trash = createBuildDirTrash(root, { logger: silentLogger(), delayMs: 20 });
  trash.discard(jobDir(root, 'job-1-a'));
  const deadline = Date.now() + 5_000;
  while (readdirSync(root).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(readdirSync(root), []);
  await trash.flush();
});
