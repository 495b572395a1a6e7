/**
 * The in-process checkout (embedded runner) against real repositories, compared with what the
 * clone path leaves for the same job: files, modes, symlinks, index, refs, config, shallow
 * boundary, and what git in the job says about it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GitInfo } from '../../src/protocol/index.js';
import { createGitObjectReaders, type GitObjectReaders } from '../../src/executor/index.js';
import { gitCheckout, type CheckoutOutcome } from '../../src/executor/git-checkout.js';

const home = mkdtempSync(join(tmpdir(), 'runnel-lc-home-'));
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com',
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();

interface Fixture {
  bare: string;
  /** main's commits, oldest first. */
  main: string[];
  tagged: string;
}

/**
 * A hosted bare repository: on main, 5 linear commits then a merge of a side branch (so the
 * shallow boundary has two commits at some depths); the tree has nested directories, an
 * executable, a symlink, names with spaces and unicode, an empty file and a submodule entry.
 * An annotated tag v1 on the 4th commit and a second branch `other`.
 */
function makeFixture(root: string): Fixture {
  const work = join(root, 'work');
  git(root, 'init', '-q', '-b', 'main', work);
  const write = (path: string, content: string, mode = 0o644) => {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
    chmodSync(join(work, path), mode);
  };
  const main: string[] = [];
  const commit = (message: string) => { git(work, 'add', '-A'); git(work, 'commit', '-q', '-m', message); return git(work, 'rev-parse', 'HEAD'); };
  write('README.md', '# fixture\n');
  write('a/b/c/deep.txt', 'deep\n');
  write('bin/run.sh', '#!/bin/sh\necho run\n', 0o755);
  write('dir with space/ünïcödé file.txt', 'unicode\n');
  write('empty', '');
  write('a-b', 'sorts before a/ in the index\n');
  symlinkSync('bin/run.sh', join(work, 'link-to-run'));
  symlinkSync('a/b', join(work, 'dirlink'));
  // A submodule entry; its (uninitialised) directory is empty, which git leaves alone.
  mkdirSync(join(work, 'vendor', 'module'), { recursive: true });
  git(work, 'update-index', '--add', '--cacheinfo', `160000,${'5'.repeat(40)},vendor/module`);
  main.push(commit('c1'));
  assert.match(git(work, 'ls-tree', '-r', 'HEAD', 'vendor'), /^160000 commit 5{40}\tvendor\/module$/);
  for (let i = 2; i <= 4; i++) { write(`history/${i}.txt`, `${i}\n`); main.push(commit(`c${i}`)); }
  git(work, 'tag', '-a', 'v1', '-m', 'release v1');
  git(work, 'checkout', '-q', '-b', 'side', main[2]!);
  write('side.txt', 'side\n');
  commit('side');
  git(work, 'checkout', '-q', 'main');
  write('history/5.txt', '5\n');
  main.push(commit('c5'));
  git(work, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side');
  main.push(git(work, 'rev-parse', 'HEAD'));
  git(work, 'branch', 'other', main[1]!);
  const bare = join(root, 'hosted.git');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  git(work, 'push', '-q', bare, 'main', 'other', 'side', 'v1');
  return { bare, main, tagged: main[3]! };
}

function info(fixture: Fixture, over: Partial<GitInfo> = {}): GitInfo {
  const sha = fixture.main.at(-1)!;
  return { repo_url: pathToFileURL(fixture.bare).href, ref: 'main', sha, before_sha: '', ref_type: 'branch', refspecs: ['+refs/heads/main:refs/remotes/origin/main'], depth: 3, repo_object_format: 'sha1', ...over };
}

async function checkout(dir: string, git_info: GitInfo, readers: GitObjectReaders | null, gitDir: string, signal = new AbortController().signal): Promise<{ outcome: CheckoutOutcome; log: string }> {
  mkdirSync(dir, { recursive: true });
  let log = '';
  const outcome = await gitCheckout({
    git: git_info, projectDir: dir, env: { ...env, HOME: home }, log: (t) => { log += t; },
    signal, timeoutMs: 60_000, killGraceMs: 1000,
    ...(readers && { local: { gitDir, readers } }),
  });
  return { outcome, log };
}

/** What git in the job can tell about a checkout, for comparing two of them. */
function describeCheckout(dir: string): Record<string, string> {
  const files = execFileSync('find', ['.', '-path', './.git', '-prune', '-o', '-printf', '%y %m %p\n'], { cwd: dir, encoding: 'utf8' }).split('\n').sort().join('\n');
  return {
    files,
    stage: git(dir, 'ls-files', '-s'),
    refs: git(dir, 'for-each-ref', '--format=%(objectname) %(objecttype) %(refname) %(symref)'),
    config: git(dir, 'config', '--local', '--list'),
    head: git(dir, 'rev-parse', 'HEAD'),
    symbolicHead: readFileSync(join(dir, '.git', 'HEAD'), 'utf8'),
    log: git(dir, 'log', '--format=%H %P'),
    shallow: existsSync(join(dir, '.git', 'shallow')) ? readFileSync(join(dir, '.git', 'shallow'), 'utf8') : '(none)',
    isShallow: git(dir, 'rev-parse', '--is-shallow-repository'),
    status: git(dir, 'status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
    branch: git(dir, 'status', '--branch', '--porcelain=v2').split('\n').filter((l) => l.startsWith('# branch')).join('\n'),
    symlink: readlinkSync(join(dir, 'link-to-run')),
  };
}

describe('in-process checkout (embedded runner)', () => {
  let root: string;
  let fixture: Fixture;
  let readers: GitObjectReaders;
  let n = 0;
  const fresh = () => join(root, `job-${++n}`, 'project');

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'runnel-lc-'));
    fixture = makeFixture(root);
    readers = createGitObjectReaders();
  });
  after(async () => {
    await readers.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  // Commits from the merge at the tip, by shortest distance: 0 the merge; 1 c5 and side; 2 c4
  // and c3; 3 c2; 4 c1 (the root, reached through side). Depth 5 makes the root the boundary
  // (git lists it in .git/shallow), depth 10 reaches past every commit (no shallow file).
  const commitsAt: Record<number, { all: number; firstParent: number }> = {
    1: { all: 1, firstParent: 1 }, 3: { all: 5, firstParent: 3 }, 5: { all: 7, firstParent: 6 }, 10: { all: 7, firstParent: 6 }, 0: { all: 7, firstParent: 6 },
  };
  for (const depth of [1, 3, 5, 10, 0]) {
    it(`leaves what the clone leaves, at depth ${depth}, and git in the job finds it clean`, async () => {
      const job = info(fixture, { depth });
      const fast = await checkout(fresh(), job, readers, fixture.bare);
      assert.ok(fast.outcome.ok, fast.log);
      assert.deepEqual(fast.outcome.objectDirs, [join(fixture.bare, 'objects')], 'the in-process path was taken');
      const clone = await checkout(fresh(), job, null, fixture.bare);
      assert.ok(clone.outcome.ok && clone.outcome.objectDirs === undefined, clone.log);
      const dir = join(root, `job-${n - 1}`, 'project');
      assert.deepEqual(describeCheckout(dir), describeCheckout(join(root, `job-${n}`, 'project')));
      // The log says what the clone path says.
      assert.equal(fast.log, depth > 0
        ? `Fetching changes with git depth set to ${depth}...\nCreated fresh repository.\nChecking out ${job.sha.slice(0, 8)} as detached HEAD (ref is main)...\nSkipping Git submodules setup\n`
        : `Fetching changes...\nCreated fresh repository.\nChecking out ${job.sha.slice(0, 8)} as detached HEAD (ref is main)...\nSkipping Git submodules setup\n`);
      // And git in the job agrees, on its own terms.
      assert.equal(git(dir, 'status', '--porcelain'), '');
      assert.equal(git(dir, 'diff', '--stat'), '');
      assert.equal(git(dir, 'diff', '--cached', '--stat'), '');
      assert.equal(git(dir, 'rev-parse', 'HEAD'), job.sha);
      assert.equal(git(dir, 'log', '--oneline').split('\n').length, commitsAt[depth]!.all);
      assert.equal(git(dir, 'rev-list', '--count', '--first-parent', 'HEAD'), String(commitsAt[depth]!.firstParent));
      assert.equal(git(dir, 'rev-parse', '--is-shallow-repository'), depth === 1 || depth === 3 || depth === 5 ? 'true' : 'false');
      execFileSync('git', ['fsck', '--no-dangling', '--connectivity-only'], { cwd: dir, env });
      execFileSync('git', ['fsck', '--no-dangling'], { cwd: dir, env });
      assert.equal(readFileSync(join(dir, '.git', 'objects', 'info', 'alternates'), 'utf8'), `${join(fixture.bare, 'objects')}\n`);
      // The work tree itself.
      assert.equal(readFileSync(join(dir, 'dir with space', 'ünïcödé file.txt'), 'utf8'), 'unicode\n');
      assert.equal(readFileSync(join(dir, 'a', 'b', 'c', 'deep.txt'), 'utf8'), 'deep\n');
      assert.equal(lstatSync(join(dir, 'bin', 'run.sh')).mode & 0o111, 0o111 & ~process.umask());
      assert.equal(lstatSync(join(dir, 'README.md')).mode & 0o111, 0);
      assert.ok(lstatSync(join(dir, 'link-to-run')).isSymbolicLink());
      assert.equal(readFileSync(join(dir, 'dirlink', 'c', 'deep.txt'), 'utf8'), 'deep\n');
      assert.deepEqual(readdirSync(join(dir, 'vendor', 'module')), []);
      assert.equal(execFileSync(join(dir, 'bin', 'run.sh'), { encoding: 'utf8' }), 'run\n');
    });
  }

  it('writes a tree too big to write without yielding (over 64 files, 32 directories) the same way', async () => {
    // The fixture above takes the small-tree path; this one the windowed asynchronous writes.
    const work = join(root, 'big-work');
    git(root, 'init', '-q', '-b', 'main', work);
    for (let d = 0; d < 40; d++) {
      mkdirSync(join(work, `d${d}`, 'sub'), { recursive: true });
      writeFileSync(join(work, `d${d}`, 'sub', 'f.txt'), `file ${d}\n`);
      writeFileSync(join(work, `d${d}`, 'run.sh'), `#!/bin/sh\necho ${d}\n`);
      chmodSync(join(work, `d${d}`, 'run.sh'), 0o755);
    }
    symlinkSync('d1/run.sh', join(work, 'link-to-run'));
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'big');
    const bare = join(root, 'big.git');
    git(root, 'init', '-q', '--bare', '-b', 'main', bare);
    git(work, 'push', '-q', bare, 'main');
    const big: Fixture = { bare, main: [git(work, 'rev-parse', 'HEAD')], tagged: '' };
    const job = info(big, { depth: 1 });
    const fast = await checkout(fresh(), job, readers, bare);
    assert.deepEqual(fast.outcome.ok && fast.outcome.objectDirs, [join(bare, 'objects')], fast.log);
    const clone = await checkout(fresh(), job, null, bare);
    assert.ok(clone.outcome.ok, clone.log);
    const dir = join(root, `job-${n - 1}`, 'project');
    assert.deepEqual(describeCheckout(dir), describeCheckout(join(root, `job-${n}`, 'project')));
    assert.equal(git(dir, 'ls-files').split('\n').length, 81);
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });

  it('records the real stat data of what it wrote, so git trusts the index without reading files', async () => {
    const dir = fresh();
    const { outcome } = await checkout(dir, info(fixture, { depth: 1 }), readers, fixture.bare);
    assert.ok(outcome.ok && outcome.objectDirs);
    const debug = git(dir, '-c', 'core.quotePath=false', 'ls-files', '--debug');
    const entries = debug.split(/\n(?=\S)/);
    assert.equal(entries.length, Number(git(dir, 'ls-files', '-z').split('\0').filter(Boolean).length));
    for (const entry of entries) {
      const [path, ...fields] = entry.split('\n');
      const m = /ctime: (\d+):(\d+)\s+mtime: (\d+):(\d+)\s+dev: (\d+)\s+ino: (\d+)\s+uid: (\d+)\s+gid: (\d+)\s+size: (\d+)/.exec(fields.join(' '));
      assert.ok(m, entry);
      const st = lstatSync(join(dir, path!), { bigint: true });
      const low = (v: bigint) => String(BigInt.asUintN(32, v));
      assert.deepEqual(m.slice(1), [
        String(st.ctimeNs / 1_000_000_000n), String(st.ctimeNs % 1_000_000_000n), String(st.mtimeNs / 1_000_000_000n), String(st.mtimeNs % 1_000_000_000n),
        low(st.dev), low(st.ino), String(st.uid), String(st.gid), low(st.size),
      ], path);
    }
  });

  it('checks out an older commit of the branch with its own shallow boundary', async () => {
    const job = info(fixture, { sha: fixture.main[2]!, depth: 2 });
    const dir = fresh();
    const { outcome } = await checkout(dir, job, readers, fixture.bare);
    assert.ok(outcome.ok && outcome.objectDirs);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), fixture.main[2]);
    assert.equal(readFileSync(join(dir, '.git', 'shallow'), 'utf8'), `${fixture.main[1]}\n`);
    assert.equal(git(dir, 'log', '--format=%H'), `${fixture.main[2]}\n${fixture.main[1]}`);
    assert.equal(git(dir, 'status', '--porcelain'), '');
    assert.ok(!existsSync(join(dir, 'history', '4.txt')));
    // The job can work with it like with a clone: deepen the history, branch, commit.
    git(dir, 'fetch', '-q', '--deepen=1', 'origin', fixture.main[2]!);
    assert.equal(git(dir, 'rev-list', '--count', 'HEAD'), '3');
    git(dir, 'checkout', '-q', '-b', 'work');
    writeFileSync(join(dir, 'new.txt'), 'new\n');
    git(dir, 'add', 'new.txt');
    git(dir, 'commit', '-q', '-m', 'in the job');
    assert.equal(git(dir, 'rev-parse', 'HEAD^'), fixture.main[2]);
    execFileSync('git', ['fsck', '--no-dangling'], { cwd: dir, env });
  });

  it('checks out a tag pipeline like the clone: the annotated tag, describe, no branch', async () => {
    const job = info(fixture, { ref: 'v1', ref_type: 'tag', sha: fixture.tagged, depth: 2, refspecs: ['+refs/tags/v1:refs/tags/v1'] });
    const fastDir = fresh();
    const fast = await checkout(fastDir, job, readers, fixture.bare);
    assert.ok(fast.outcome.ok && fast.outcome.objectDirs, fast.log);
    const cloneDir = fresh();
    const clone = await checkout(cloneDir, job, null, fixture.bare);
    assert.ok(clone.outcome.ok, clone.log);
    assert.deepEqual(describeCheckout(fastDir), describeCheckout(cloneDir));
    assert.equal(git(fastDir, 'describe'), 'v1');
    assert.equal(git(fastDir, 'cat-file', '-t', 'v1'), 'tag');
  });

  it('serves concurrent jobs from one reader per repository, closed once idle', async () => {
    const pool = createGitObjectReaders({ idleMs: 50 });
    try {
      const dirs = Array.from({ length: 6 }, fresh);
      const outcomes = await Promise.all(dirs.map((dir, i) => checkout(dir, info(fixture, { sha: fixture.main[i % fixture.main.length]!, depth: 1 + (i % 3) }), pool, fixture.bare)));
      assert.equal(pool.open, 1);
      outcomes.forEach(({ outcome, log }, i) => {
        assert.ok(outcome.ok && outcome.objectDirs, log);
        assert.equal(git(dirs[i]!, 'rev-parse', 'HEAD'), fixture.main[i % fixture.main.length]);
        assert.equal(git(dirs[i]!, 'status', '--porcelain'), '');
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(pool.open, 0, 'the idle reader was closed');
      const again = await checkout(fresh(), info(fixture), pool, fixture.bare);
      assert.ok(again.outcome.ok && again.outcome.objectDirs, 'a new reader is started on the next use');
    } finally {
      await pool.close();
    }
  });

  it('falls back to the clone, from an empty directory, when the tree asks for content conversion', async () => {
    const work = join(root, 'work');
    writeFileSync(join(work, '.gitattributes'), '*.txt text eol=crlf\n');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'crlf');
    const sha = git(work, 'rev-parse', 'HEAD');
    git(work, 'push', '-q', fixture.bare, 'HEAD:refs/heads/crlf');
    const dir = fresh();
    const { outcome, log } = await checkout(dir, info(fixture, { ref: 'crlf', sha, depth: 1, refspecs: [] }), readers, fixture.bare);
    assert.ok(outcome.ok && outcome.objectDirs === undefined, log);
    assert.match(log, /Reading the repository in-process was not possible \(.gitattributes asks for content conversion\); cloning instead/);
    assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), '# fixture\n');
    assert.equal(readFileSync(join(dir, 'history', '2.txt'), 'utf8'), '2\r\n', 'git converted the file');
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });

  it('falls back when an object is missing, and the clone then reports the failure as before', async () => {
    const dir = fresh();
    const { outcome, log } = await checkout(dir, info(fixture, { sha: 'f'.repeat(40), depth: 1 }), readers, fixture.bare);
    assert.equal(outcome.ok, false);
    assert.match(log, /object f{40} is missing\); cloning instead/);
  });

  it('stops when the job is canceled, leaving an empty directory and starting no clone', async () => {
    const dir = fresh();
    const stop = new AbortController();
    stop.abort();
    const { outcome, log } = await checkout(dir, info(fixture), readers, fixture.bare, stop.signal);
    assert.deepEqual(outcome, { ok: false, reason: 'canceled', message: 'checkout canceled' });
    assert.deepEqual(readdirSync(dir), []);
    assert.doesNotMatch(log, /cloning/);
  });

  it('leaves a non-empty directory, wildcard refspecs and unusable repositories to git', async () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'left-by-pre-get-sources'), 'x');
    const nonEmpty = await checkout(dir, info(fixture), readers, fixture.bare);
    assert.ok(nonEmpty.outcome.ok && nonEmpty.outcome.objectDirs === undefined, nonEmpty.log);
    const all = await checkout(fresh(), info(fixture, { refspecs: ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'] }), readers, fixture.bare);
    assert.ok(all.outcome.ok && all.outcome.objectDirs === undefined, all.log);
    assert.doesNotMatch(all.log, /in-process/);
    const sha256 = join(root, 'sha256.git');
    git(root, 'init', '-q', '--bare', '--object-format=sha256', sha256);
    const odd = await checkout(fresh(), info(fixture, { repo_url: pathToFileURL(fixture.bare).href }), readers, sha256);
    assert.ok(odd.outcome.ok && odd.outcome.objectDirs === undefined, odd.log);
    assert.match(odd.log, /repository uses extensions\); cloning instead/);
  });
});
