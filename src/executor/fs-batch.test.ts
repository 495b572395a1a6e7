import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsWorkerActive, runFsBatch, type FsOp, type FsStat } from './fs-batch.js';

async function exercise(root: string): Promise<void> {
  const [dir] = await runFsBatch([{ op: 'mkdtemp', prefix: join(root, 'job-'), children: [{ name: 'project' }, { name: 'home', mode: 0o700 }] }]) as [string];
  assert.ok(dir.startsWith(join(root, 'job-')));
  assert.ok(statSync(join(dir, 'project')).isDirectory());
  assert.equal(statSync(join(dir, 'home')).mode & 0o777, 0o700 & ~process.umask());
  const ops: FsOp[] = [
    { op: 'mkdir', path: join(dir, 'project', 'a', 'b'), recursive: true },
    { op: 'write', path: join(dir, 'project', 'a', 'b', 'f.sh'), data: Buffer.from('#!/bin/sh\n'), mode: 0o777, exclusive: true },
    { op: 'write', path: join(dir, 'project', 'text'), data: 'text' },
    { op: 'symlink', target: Buffer.from('a/b/f.sh'), path: join(dir, 'project', 'link') },
    { op: 'lstat', path: join(dir, 'project', 'link') },
  ];
  const results = await runFsBatch(ops);
  assert.deepEqual(results.slice(0, 4), [null, null, null, null]);
  const st = results[4] as FsStat;
  const real = lstatSync(join(dir, 'project', 'link'), { bigint: true });
  assert.deepEqual(st, { ctimeNs: real.ctimeNs, mtimeNs: real.mtimeNs, dev: real.dev, ino: real.ino, uid: real.uid, gid: real.gid, size: real.size });
  assert.equal(readlinkSync(join(dir, 'project', 'link')), 'a/b/f.sh');
  assert.equal(readFileSync(join(dir, 'project', 'text'), 'utf8'), 'text');
  assert.equal(statSync(join(dir, 'project', 'a', 'b', 'f.sh')).mode & 0o111, 0o111 & ~process.umask());
  // The first failure stops the batch and carries the system error's code.
  await assert.rejects(runFsBatch([
    { op: 'write', path: join(dir, 'project', 'text'), data: 'again', exclusive: true },
    { op: 'write', path: join(dir, 'project', 'never'), data: 'x' },
  ]), (error: NodeJS.ErrnoException) => error.code === 'EEXIST');
  assert.throws(() => statSync(join(dir, 'project', 'never')), /ENOENT/);
  await assert.rejects(runFsBatch([{ op: 'mkdtemp', prefix: join(root, 'missing', 'job-') }]), (error: NodeJS.ErrnoException) => error.code === 'ENOENT');
}

test('batches made on the worker thread: results in order, modes, stat data, errors with their code', async () => {
  const root = mkdtempSync(join(tmpdir(), 'runnel-fsb-'));
  try {
    await exercise(root);
    assert.equal(fsWorkerActive(), true, 'the batches went to the worker');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('RUNNEL_FS_WORKER=off makes the same batches on the calling thread', async () => {
  const root = mkdtempSync(join(tmpdir(), 'runnel-fsb-'));
  process.env.RUNNEL_FS_WORKER = 'off';
  try {
    await exercise(root);
  } finally {
    delete process.env.RUNNEL_FS_WORKER;
    rmSync(root, { recursive: true, force: true });
  }
});
