import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isSafeRefName } from '../../server/git/index.js';
import { execFileTree } from '../../executor/index.js';

/**
 * Commits a snapshot of a working tree into a bare repository without touching the user's
 * repository: tracked files with their uncommitted changes plus untracked files that are not
 * ignored — what `git add -A` would stage — become one commit on `branch` in `bareDir`.
 *
 * How: a private index file and `git --git-dir=<bare> --work-tree=<cwd> add -A`, then
 * `write-tree` + `commit-tree`, and the branch's ref and HEAD written as files. When `cwd` is inside a git repository, the bare
 * repository borrows its objects (objects/info/alternates) and starts from a copy of its index,
 * so unchanged files are not re-hashed and big repositories snapshot in milliseconds; the user's
 * HEAD becomes the parent, so jobs see the real history. A working tree without changes is
 * HEAD itself: no new commit, the run is of the user's commit.
 */
export interface Snapshot {
  sha: string;
  /** The current branch name ('main' outside a repository or on a detached HEAD). */
  branch: string;
  /** The repository's default branch (origin/HEAD), else `branch`. */
  defaultBranch: string;
}

export interface SourceRepository {
  /** The work tree root (the snapshot covers the whole tree, like a push would). */
  root: string;
  /** The user's git dir (for its index and objects); null outside a repository. */
  gitDir: string | null;
  /** Where the objects live: the common dir (a linked worktree shares its main repository's). */
  commonDir: string | null;
  branch: string;
  defaultBranch: string;
  /** The user's HEAD commit; null before the first commit or outside a repository. */
  head: string | null;
  /** HEAD's tree, when known: a working tree that stages to it is HEAD itself. */
  headTree?: string | null;
}

interface GitResult { code: number; stdout: string; stderr: string }

/**
 * One git command, started by the spawn helper once it is up (executor/spawner.ts): a fork of
 * this process, with its store and modules loaded, cost ~3 ms of the start of a run per command.
 */
function git(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<GitResult> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env ?? process.env)) if (value !== undefined) env[key] = value;
  return execFileTree('git', args, { cwd: options.cwd ?? process.cwd(), env });
}

async function gitOk(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await git(args, options);
  if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r.stdout.trim();
}

/** What the snapshot starts from: the repository around `cwd`, or `cwd` alone. */
export async function describeSource(cwd: string): Promise<SourceRepository> {
  // Usually one rev-parse answers all but origin/HEAD, asked at the same time (git processes
  // are most of a local run's start). It fails outside a repository and before the first
  // commit (no HEAD commit): those are answered step by step.
  const [all, originR] = await Promise.all([
    git(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir', 'HEAD^{commit}', 'HEAD^{tree}', '--symbolic-full-name', 'HEAD'], { cwd }),
    git(['symbolic-ref', '--short', '-q', 'refs/remotes/origin/HEAD'], { cwd }),
  ]);
  const origin = originR.code === 0 ? originR.stdout.trim().replace(/^origin\//, '') : '';
  const lines = all.stdout.trim().split('\n');
  if (all.code === 0 && lines.length === 6) {
    const [root, gitDir, common, head, headTree, ref] = lines as [string, string, string, string, string, string];
    // --symbolic-full-name answers HEAD itself on a detached HEAD.
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : 'main';
    return { root, gitDir, commonDir: commonDirOf(cwd, common, gitDir), branch, defaultBranch: origin || branch, head, headTree };
  }
  const top = await git(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'], { cwd });
  if (top.code !== 0) return { root: resolve(cwd), gitDir: null, commonDir: null, branch: 'main', defaultBranch: 'main', head: null };
  const [root, gitDir, common] = top.stdout.trim().split('\n') as [string, string, string | undefined];
  const [branchR, headR] = await Promise.all([
    git(['symbolic-ref', '--short', '-q', 'HEAD'], { cwd }),
    git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd }),
  ]);
  const branch = branchR.code === 0 && branchR.stdout.trim() ? branchR.stdout.trim() : 'main';
  return { root, gitDir, commonDir: commonDirOf(cwd, common, gitDir), branch, defaultBranch: origin || branch, head: headR.code === 0 ? headR.stdout.trim() : null };
}

/** --git-common-dir answers relative to the directory git ran in. */
function commonDirOf(cwd: string, common: string | undefined, gitDir: string): string {
  return common ? (isAbsolute(common) ? common : resolve(cwd, common)) : gitDir;
}

/** The user's identity for the snapshot commit: their environment, else their config (one read). */
async function identity(source: SourceRepository, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const known = env.GIT_AUTHOR_NAME !== undefined && env.GIT_AUTHOR_EMAIL !== undefined && env.GIT_COMMITTER_NAME !== undefined && env.GIT_COMMITTER_EMAIL !== undefined;
  const config = source.gitDir && !known ? (await git(['config', '--get-regexp', '^user\\.(name|email)$'], { cwd: source.root })).stdout : '';
  // `git config user.name` answers the last value set; so does this.
  let name = '';
  let email = '';
  for (const line of config.split('\n')) {
    const space = line.indexOf(' ');
    const key = (space < 0 ? line : line.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : line.slice(space + 1);
    if (key === 'user.name') name = value;
    else if (key === 'user.email') email = value;
  }
  return {
    GIT_AUTHOR_NAME: env.GIT_AUTHOR_NAME ?? (name || 'runnel'),
    GIT_AUTHOR_EMAIL: env.GIT_AUTHOR_EMAIL ?? (email || 'runnel@localhost'),
    GIT_COMMITTER_NAME: env.GIT_COMMITTER_NAME ?? (name || 'runnel'),
    GIT_COMMITTER_EMAIL: env.GIT_COMMITTER_EMAIL ?? (email || 'runnel@localhost'),
  };
}

export async function snapshotWorkingTree(source: SourceRepository, bareDir: string, options: { headIs?: string } = {}): Promise<Snapshot> {
  const scratch = mkdtempSync(join(tmpdir(), 'runnel-index-'));
  try {
    const index = join(scratch, 'index');
    if (source.gitDir) {
      // Borrow the user's objects: unchanged files need no copy, and HEAD can be the parent.
      const objects = join(source.gitDir, 'objects');
      const commonObjects = join(source.commonDir ?? source.gitDir, 'objects');
      mkdirSync(join(bareDir, 'objects', 'info'), { recursive: true });
      writeFileSync(join(bareDir, 'objects', 'info', 'alternates'), `${existsSync(commonObjects) ? commonObjects : objects}\n`);
      const userIndex = join(source.gitDir, 'index');
      if (existsSync(userIndex)) {
        copyFileSync(userIndex, index);
        // git trusts an entry's cached stat only if the file changed before the index was
        // written ("racy git"): the copy keeps the original's time (a millisecond earlier, to
        // err towards re-reading), or an edit of the same size made in the second of the user's
        // last `git add` would be taken for the staged content.
        const { atimeMs, mtimeMs } = statSync(userIndex);
        utimesSync(index, atimeMs / 1000, (mtimeMs - 1) / 1000);
      }
    }
    // The identity is only needed by commit-tree: it is read while the tree is staged.
    const who = identity(source, process.env);
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_DIR: bareDir, GIT_WORK_TREE: source.root, GIT_INDEX_FILE: index };
    // The user's excludes (info/exclude) live in their git dir: git reads ours, so copy them.
    const exclude = source.gitDir ? join(source.gitDir, 'info', 'exclude') : null;
    if (exclude && existsSync(exclude)) {
      mkdirSync(join(bareDir, 'info'), { recursive: true });
      copyFileSync(exclude, join(bareDir, 'info', 'exclude'));
    }
    const addArgs = ['add', '-A'];
    let added = await git(addArgs, { cwd: source.root, env });
    if (added.code !== 0 && existsSync(index)) {
      // A copied index the bare repository cannot use (split index, sparse…): start afresh.
      rmSync(index, { force: true });
      added = await git(addArgs, { cwd: source.root, env });
    }
    if (added.code !== 0) throw new Error(`git add failed: ${added.stderr.trim()}`);
    const tree = await gitOk(['write-tree'], { cwd: source.root, env });
    // Nothing changed since HEAD: the run is of HEAD itself, as a push of it would be.
    const parents = source.head ? ['-p', source.head] : [];
    const sha = source.head && source.headTree === tree
      ? source.head
      : await gitOk(['commit-tree', tree, ...parents, '-m', 'runnel run: working tree snapshot'], { cwd: source.root, env: { ...env, ...(await who) } });
    if (isSafeRefName(source.branch)) {
      // The bare repository is new and this run's own: its refs are written as git writes a
      // loose ref, without two more git processes (most of a short run's start is processes).
      const ref = join(bareDir, 'refs', 'heads', ...source.branch.split('/'));
      mkdirSync(dirname(ref), { recursive: true });
      writeFileSync(ref, `${sha}\n`);
      if (options.headIs !== source.branch) writeFileSync(join(bareDir, 'HEAD'), `ref: refs/heads/${source.branch}\n`);
    } else {
      await gitOk(['update-ref', `refs/heads/${source.branch}`, sha], { cwd: source.root, env });
      // The bare repository's HEAD names its default branch already when that is this branch.
      if (options.headIs !== source.branch) await gitOk(['symbolic-ref', 'HEAD', `refs/heads/${source.branch}`], { cwd: source.root, env });
    }
    return { sha, branch: source.branch, defaultBranch: source.defaultBranch };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
