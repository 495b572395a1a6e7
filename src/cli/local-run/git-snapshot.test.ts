import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSource, snapshotWorkingTree } from './git-snapshot.js';

/** git with no identity in the environment, so the snapshot must read the repository's config. */
function git(cwd: string, args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd };
  for (const key of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[key];
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

function userRepo(): { root: string; work: string; bare(defaultBranch: string): string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'runnel-snapshot-')));
  const work = join(root, 'work');
  git(root, ['init', '-q', '-b', 'main', work]);
  git(work, ['config', 'user.name', 'First Name']);
  git(work, ['config', 'user.name', 'Ada Lovelace']);
  git(work, ['config', 'user.email', 'ada@example.com']);
  writeFileSync(join(work, '.gitignore'), 'ignored.txt\n');
  writeFileSync(join(work, 'tracked.txt'), 'v1\n');
  git(work, ['add', '-A']);
  git(work, ['commit', '-q', '-m', 'init']);
  let n = 0;
  return {
    root, work,
    bare(defaultBranch) {
      const dir = join(root, `bare-${n++}.git`);
      git(root, ['init', '-q', '--bare', `--initial-branch=${defaultBranch}`, dir]);
      return dir;
    },
  };
}

/** Runs `fn` with the process's git identity variables cleared (the snapshot reads process.env). */
async function withoutIdentity<T>(fn: () => Promise<T>): Promise<T> {
  const keys = ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL'];
  const saved = keys.map((k) => [k, process.env[k]] as const);
  for (const k of keys) delete process.env[k];
  try { return await fn(); } finally { for (const [k, v] of saved) if (v !== undefined) process.env[k] = v; }
}

describe('working tree snapshot', () => {
  it('commits tracked changes and untracked files, not ignored ones, as the user, on the current branch', async () => {
    const r = userRepo();
    try {
      writeFileSync(join(r.work, 'tracked.txt'), 'v2\n');
      writeFileSync(join(r.work, 'new.txt'), 'untracked\n');
      writeFileSync(join(r.work, 'ignored.txt'), 'secret\n');
      const source = await describeSource(r.work);
      assert.equal(source.commonDir, join(r.work, '.git'));
      const bare = r.bare(source.defaultBranch);
      const snap = await withoutIdentity(() => snapshotWorkingTree(source, bare, { headIs: source.defaultBranch }));
      assert.equal(git(r.root, ['--git-dir', bare, 'rev-parse', 'refs/heads/main']), snap.sha);
      assert.equal(git(r.root, ['--git-dir', bare, 'symbolic-ref', 'HEAD']), 'refs/heads/main');
      assert.equal(git(r.root, ['--git-dir', bare, 'show', '-s', '--format=%an <%ae>|%cn <%ce>', snap.sha]), 'Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>');
      assert.equal(git(r.root, ['--git-dir', bare, 'rev-parse', `${snap.sha}^`]), git(r.work, ['rev-parse', 'HEAD']));
      assert.deepEqual(git(r.root, ['--git-dir', bare, 'ls-tree', '--name-only', snap.sha]).split('\n'), ['.gitignore', 'new.txt', 'tracked.txt']);
      assert.equal(git(r.root, ['--git-dir', bare, 'show', `${snap.sha}:tracked.txt`]), 'v2');
      assert.equal(git(r.work, ['status', '--porcelain']), 'M tracked.txt\n?? new.txt', 'the user\'s repository is untouched (first line trimmed)');
    } finally { rmSync(r.root, { recursive: true, force: true }); }
  });

  it('points the bare repository\'s HEAD at the current branch when it is not the default one', async () => {
    const r = userRepo();
    try {
      git(r.work, ['checkout', '-q', '-b', 'feature']);
      git(r.work, ['update-ref', 'refs/remotes/origin/trunk', 'HEAD']);
      git(r.work, ['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk']);
      const source = await describeSource(r.work);
      assert.equal(source.branch, 'feature');
      assert.equal(source.defaultBranch, 'trunk');
      const bare = r.bare(source.defaultBranch);
      const snap = await snapshotWorkingTree(source, bare, { headIs: source.defaultBranch });
      assert.equal(snap.branch, 'feature');
      assert.equal(git(r.root, ['--git-dir', bare, 'symbolic-ref', 'HEAD']), 'refs/heads/feature');
      assert.equal(git(r.root, ['--git-dir', bare, 'rev-parse', 'HEAD']), snap.sha);
      assert.equal(snap.sha, git(r.work, ['rev-parse', 'HEAD']), 'a working tree without changes is HEAD itself');
    } finally { rmSync(r.root, { recursive: true, force: true }); }
  });

  it('borrows the objects of the main repository from a linked worktree', async () => {
    const r = userRepo();
    try {
      const linked = join(r.root, 'linked');
      git(r.work, ['worktree', 'add', '-q', '-b', 'side', linked]);
      writeFileSync(join(linked, 'side.txt'), 'side\n');
      const source = await describeSource(join(linked));
      assert.equal(source.root, linked);
      assert.equal(source.commonDir, join(r.work, '.git'));
      const bare = r.bare(source.defaultBranch);
      const snap = await snapshotWorkingTree(source, bare, { headIs: source.defaultBranch });
      assert.equal(git(r.root, ['--git-dir', bare, 'show', `${snap.sha}:side.txt`]), 'side');
      assert.equal(git(r.root, ['--git-dir', bare, 'show', `${snap.sha}:tracked.txt`]), 'v1', 'an unchanged file comes from the borrowed objects');
    } finally { rmSync(r.root, { recursive: true, force: true }); }
  });
  it('describes a subdirectory, a detached HEAD, a repository without commits and a plain directory', async () => {
    const r = userRepo();
    try {
      const head = git(r.work, ['rev-parse', 'HEAD']);
      const headTree = git(r.work, ['rev-parse', 'HEAD^{tree}']);
      mkdirSync(join(r.work, 'sub'));
      assert.deepEqual(await describeSource(join(r.work, 'sub')), {
        root: r.work, gitDir: join(r.work, '.git'), commonDir: join(r.work, '.git'), branch: 'main', defaultBranch: 'main', head, headTree,
      });
      git(r.work, ['checkout', '-q', '--detach']);
      assert.deepEqual(await describeSource(r.work), {
        root: r.work, gitDir: join(r.work, '.git'), commonDir: join(r.work, '.git'), branch: 'main', defaultBranch: 'main', head, headTree,
      });
      const unborn = join(r.root, 'unborn');
      git(r.root, ['init', '-q', '-b', 'trunk', unborn]);
      assert.deepEqual(await describeSource(unborn), {
        root: unborn, gitDir: join(unborn, '.git'), commonDir: join(unborn, '.git'), branch: 'trunk', defaultBranch: 'trunk', head: null,
      });
      const plain = realpathSync(mkdtempSync(join(tmpdir(), 'runnel-plain-')));
      try {
        assert.deepEqual(await describeSource(plain), { root: plain, gitDir: null, commonDir: null, branch: 'main', defaultBranch: 'main', head: null });
      } finally { rmSync(plain, { recursive: true, force: true }); }
    } finally { rmSync(r.root, { recursive: true, force: true }); }
  });
});
