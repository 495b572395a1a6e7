import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { branchTipFromFiles } from './branch-files.js';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();

test('branch tips from loose and packed refs agree with git, and the files say when they cannot answer', () => {
  const root = mkdtempSync(join(tmpdir(), 'runnel-branch-files-'));
  try {
    const bare = join(root, 'repo.git');
    git(root, 'init', '-q', '--bare', '-b', 'main', bare);
    const work = join(root, 'work');
    git(root, 'init', '-q', '-b', 'main', work);
    writeFileSync(join(work, 'a'), '1');
    git(work, 'add', 'a');
    git(work, 'commit', '-q', '-m', 'one');
    git(work, 'branch', 'feature/x');
    git(work, 'push', '-q', bare, 'main', 'feature/x');
    const tip = git(bare, 'rev-parse', 'refs/heads/main^{commit}');

    assert.equal(branchTipFromFiles(bare, 'main'), tip, 'loose');
    assert.equal(branchTipFromFiles(bare, 'feature/x'), tip);
    assert.equal(branchTipFromFiles(bare, 'feature'), null, 'a directory of branches is not a branch');
    assert.equal(branchTipFromFiles(bare, 'nope'), null);

    git(bare, 'pack-refs', '--all');
    assert.equal(branchTipFromFiles(bare, 'main'), tip, 'packed');
    assert.equal(branchTipFromFiles(bare, 'feature/x'), tip);
    assert.equal(branchTipFromFiles(bare, 'nope'), null);

    writeFileSync(join(work, 'a'), '2');
    git(work, 'commit', '-q', '-am', 'two');
    git(work, 'push', '-q', bare, 'main');
    assert.equal(branchTipFromFiles(bare, 'main'), git(bare, 'rev-parse', 'main'), 'a loose ref wins over its packed line');

    git(bare, 'symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
    assert.equal(branchTipFromFiles(bare, 'alias'), undefined, 'symbolic refs are left to git');

    const other = join(root, 'ext.git');
    git(root, 'init', '-q', '--bare', other);
    appendFileSync(join(other, 'config'), '[extensions]\n\tobjectFormat = sha1\n');
    assert.equal(branchTipFromFiles(other, 'main'), undefined, 'repositories with extensions are left to git');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
