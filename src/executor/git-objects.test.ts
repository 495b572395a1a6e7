import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommit, parseTag, parseTree, unsafeName } from './git-objects.js';

const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env });

function rawTree(entries: Array<[string, string, string]>): Buffer {
  return Buffer.concat(entries.map(([mode, name, oid]) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')])));
}

test('parses a real tree object like `git ls-tree` lists it: kinds, canonical modes, names, ids', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-tree-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  git(dir, 'init', '-q');
  mkdirSync(join(dir, 'sub dir'));
  writeFileSync(join(dir, 'sub dir', 'ünï cödé.txt'), 'x\n');
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
  symlinkSync('run.sh', join(dir, 'link'));
  git(dir, 'add', '-A');
  git(dir, 'update-index', '--add', '--cacheinfo', `160000,${'ab'.repeat(20)},module`);
  const tree = git(dir, 'write-tree').toString().trim();
  const body = git(dir, 'cat-file', 'tree', tree);
  const listed = git(dir, '-c', 'core.quotePath=false', 'ls-tree', tree).toString().trim().split('\n').map((line) => {
    const [meta, name] = line.split('\t') as [string, string];
    const [mode, , oid] = meta.split(' ') as [string, string, string];
    return { mode: parseInt(mode, 8), oid, name };
  });
  const parsed = parseTree(body).map((e) => ({ mode: e.mode, oid: e.oid, name: e.name.toString('utf8') }));
  assert.deepEqual(parsed, listed);
  assert.deepEqual(parseTree(body).map((e) => e.kind), ['symlink', 'gitlink', 'file', 'tree']);
});

test('canonicalises legacy regular-file modes by the owner-execute bit, as git checkout does', () => {
  const oid = '1'.repeat(40);
  const entries = parseTree(rawTree([['100664', 'a', oid], ['100775', 'b', oid]]));
  assert.deepEqual(entries.map((e) => e.mode), [0o100644, 0o100755]);
});

test('refuses trees git would not check out: .git, dot names, separators, duplicates, bad modes, truncation', () => {
  const oid = '2'.repeat(40);
  for (const name of ['.git', '.GIT', '.git.', 'git~1', '..', '.', 'a\\b']) {
    assert.throws(() => parseTree(rawTree([['100644', name, oid]])), Error, name);
  }
  assert.throws(() => parseTree(rawTree([['120000', '.gitmodules', oid]])));
  assert.throws(() => parseTree(rawTree([['100644', 'a', oid], ['40000', 'a', oid]])), /duplicate/);
  assert.throws(() => parseTree(rawTree([['100000000', 'a', oid]])), /mode/);
  assert.throws(() => parseTree(rawTree([['150000', 'a', oid]])), /mode/);
  assert.throws(() => parseTree(rawTree([['100644', 'a', oid]]).subarray(0, 10)), /malformed/);
  assert.equal(unsafeName(Buffer.from('.gitignore'), 'file'), null);
  assert.equal(unsafeName(Buffer.from([0xff, 0x41]), 'file'), 'name is not UTF-8');
});

test('reads tree and parents from commit headers, and the target of an annotated tag', () => {
  const tree = 'a'.repeat(40);
  const p1 = 'b'.repeat(40);
  const p2 = 'c'.repeat(40);
  const commit = Buffer.from(`tree ${tree}\nparent ${p1}\nparent ${p2}\nauthor x <x> 1 +0000\ncommitter x <x> 1 +0000\n\nparent ${tree}\n`);
  assert.deepEqual(parseCommit(commit), { tree, parents: [p1, p2] });
  assert.deepEqual(parseCommit(Buffer.from(`tree ${tree}\nauthor x <x> 1 +0000\n\nroot\n`)), { tree, parents: [] });
  assert.throws(() => parseCommit(Buffer.from('author x\n\n')));
  assert.deepEqual(parseTag(Buffer.from(`object ${p1}\ntype commit\ntag v1\ntagger x <x> 1 +0000\n\nmsg\n`)), { object: p1, type: 'commit' });
});
