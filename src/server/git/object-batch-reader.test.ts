import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBatchReader } from './object-batch-reader.js';

const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1' };
const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();

/** A bare repository fed from a work tree; `commit` adds a commit on main and pushes it. */
function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'runnel-batch-'));
  const bare = join(root, 'repo.git');
  const work = join(root, 'work');
  git(root, ['init', '-q', '--bare', '-b', 'main', bare]);
  git(root, ['init', '-q', '-b', 'main', work]);
  const commit = (file: string, text: string) => {
    writeFileSync(join(work, file), text);
    git(work, ['add', '-A']);
    git(work, ['commit', '-q', '-m', `add ${file}`]);
    git(work, ['push', '-q', bare, 'HEAD:refs/heads/main']);
    return git(work, ['rev-parse', 'HEAD']);
  };
  return { root, bare, commit, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

describe('batch reader (long-lived git cat-file --batch)', () => {
  it('reads objects, refs and paths in order, null for missing ones, with one process per repository', async () => {
    const f = fixture();
    const reader = createBatchReader({ gitBinary: 'git' });
    try {
      const sha = f.commit('a.txt', 'first\n');
      const [byRef, file, missing, commit] = await reader.read(f.bare, ['refs/heads/main^{commit}', `${sha}:a.txt`, `${sha}:nope.txt`, sha]);
      assert.equal(byRef?.oid, sha);
      assert.equal(file?.type, 'blob');
      assert.equal(file?.body.toString(), 'first\n');
      assert.equal(missing, null);
      assert.match(commit!.body.toString(), /^tree [0-9a-f]{40}\n/);
      const together = await Promise.all([reader.read(f.bare, [`${sha}:a.txt`]), reader.read(f.bare, ['refs/heads/nope^{commit}', sha])]);
      assert.equal(together[0][0]?.body.toString(), 'first\n');
      assert.equal(together[1][0], null);
      assert.equal(together[1][1]?.oid, sha);
      assert.equal(reader.open, 1);
    } finally { reader.close(); f.dispose(); }
  });

  it('sees refs moved and objects pushed after it started', async () => {
    const f = fixture();
    const reader = createBatchReader({ gitBinary: 'git' });
    try {
      const first = f.commit('a.txt', 'one\n');
      assert.equal((await reader.read(f.bare, ['refs/heads/main^{commit}']))[0]?.oid, first);
      const second = f.commit('b.txt', 'two\n');
      const [ref, blob] = await reader.read(f.bare, ['refs/heads/main^{commit}', `${second}:b.txt`]);
      assert.equal(ref?.oid, second);
      assert.equal(blob?.body.toString(), 'two\n');
      // Objects that only exist in a pack made after the process started.
      git(f.bare, ['repack', '-a', '-d', '-q']);
      const third = f.commit('c.txt', 'three\n');
      git(f.bare, ['repack', '-a', '-d', '-q']);
      assert.equal((await reader.read(f.bare, [`${third}:c.txt`]))[0]?.body.toString(), 'three\n');
    } finally { reader.close(); f.dispose(); }
  });

  it('ends a process when idle, when forgotten and beyond maxProcesses, and starts again on use', async () => {
    const a = fixture();
    const b = fixture();
    const reader = createBatchReader({ gitBinary: 'git', idleMs: 50, maxProcesses: 1 });
    try {
      const sha = a.commit('a.txt', 'a\n');
      b.commit('b.txt', 'b\n');
      await reader.read(a.bare, [sha]);
      await reader.read(b.bare, ['refs/heads/main']);
      assert.equal(reader.open, 1, 'the least recently used one went');
      reader.forget(b.bare);
      assert.equal(reader.open, 0);
      assert.equal((await reader.read(a.bare, [sha]))[0]?.oid, sha);
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(reader.open, 0, 'idle');
      assert.equal((await reader.read(a.bare, [sha]))[0]?.oid, sha);
    } finally { reader.close(); a.dispose(); b.dispose(); }
  });

  it('rejects what a dead process held, then recovers; refuses names that would break the protocol', async () => {
    const f = fixture();
    const reader = createBatchReader({ gitBinary: 'git' });
    try {
      const sha = f.commit('a.txt', 'a\n');
      await reader.read(f.bare, [sha]);
      await assert.rejects(reader.read(f.bare, [`${sha}:a\nb`]), { code: 'validation_failed' });
      const missingRepo = join(f.root, 'absent.git');
      await assert.rejects(reader.read(missingRepo, [sha]), { code: 'git_failed' });
      assert.equal((await reader.read(f.bare, [sha]))[0]?.oid, sha);
    } finally { reader.close(); f.dispose(); }
  });
});
