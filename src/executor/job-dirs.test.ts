import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeJobDirs, prepareBuildsRoot } from './job-dirs.js';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-job-dirs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const mode = (path: string) => statSync(path).mode & 0o777;

test('a workspace is a fresh private job-<id>-* directory with project, a private home and a private tmp', async (t) => {
  const root = join(scratch(t), 'builds');
  const dirs = await makeJobDirs(root, 42);
  assert.match(dirs.jobDir, /\/builds\/job-42-[A-Za-z0-9]{6}$/);
  assert.deepEqual(readdirSync(dirs.jobDir).sort(), ['home', 'project', 'tmp']);
  assert.equal(mode(dirs.jobDir), 0o700);
  assert.equal(mode(dirs.homeDir), 0o700);
  assert.equal(mode(dirs.tmpDir), 0o700);
  const again = await makeJobDirs(root, 42);
  assert.notEqual(again.jobDir, dirs.jobDir);
  assert.equal(readdirSync(root).length, 2);
});

test('a builds root removed since its last job is made again', async (t) => {
  const root = join(scratch(t), 'builds');
  await makeJobDirs(root, 1);
  rmSync(root, { recursive: true });
  const next = await makeJobDirs(root, 2);
  assert.ok(existsSync(next.tmpDir), next.jobDir);
  assert.ok(next.jobDir.startsWith(`${root}/job-2-`), next.jobDir);
});

test('a builds root prepared ahead exists before its first job; one that cannot be made fails that job, not the preparation', async (t) => {
  const root = join(scratch(t), 'builds');
  await prepareBuildsRoot(root);
  assert.ok(statSync(root).isDirectory());
  assert.match((await makeJobDirs(root, 1)).jobDir, /\/builds\/job-1-/);
  const file = join(scratch(t), 'a-file');
  writeFileSync(file, '');
  await prepareBuildsRoot(join(file, 'builds'));
  await assert.rejects(makeJobDirs(join(file, 'builds'), 2), /ENOTDIR/);
});
