import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../shared/index.js';
import { createGitClient } from './git-test-client.js';
import { createRepositoryHost } from './repository-host.js';
import { deliverPendingPushes, type GitPush } from './push-delivery.js';
import { ZERO_SHA } from './object-names.js';

function newHost() {
  const reposDir = mkdtempSync(join(tmpdir(), 'runnel-repos-'));
  return createRepositoryHost({ reposDir, logger: silentLogger() });
}

test('create makes a bare repository with HEAD on the default branch, config and an executable hook', async () => {
  const host = newHost();
  const client = createGitClient();
  await host.create('ws', 'proj', 'trunk');
  const path = host.pathOf('ws', 'proj');
  assert.equal(path, join(host.reposDir, 'ws', 'proj.git'));
  assert.equal(await host.exists('ws', 'proj'), true);
  assert.equal((await client.gitOk(['--git-dir', path, 'symbolic-ref', 'HEAD'])).trim(), 'refs/heads/trunk');
  assert.equal((await client.gitOk(['--git-dir', path, 'config', '--bool', 'core.bare'])).trim(), 'true');
  assert.equal((await client.gitOk(['--git-dir', path, 'config', 'http.receivepack'])).trim(), 'true');
  assert.equal((await client.gitOk(['--git-dir', path, 'config', 'receive.fsckObjects'])).trim(), 'true');
  for (const key of ['uploadpack.allowReachableSHA1InWant', 'uploadpack.allowFilter', 'core.logAllRefUpdates']) {
    assert.equal((await client.gitOk(['--git-dir', path, 'config', '--bool', key])).trim(), 'true', key);
  }
  // Git reads the appended sections without complaint (a malformed file would fail here).
  assert.match(await client.gitOk(['--git-dir', path, 'config', '--list']), /core\.bare=true/);
  const hook = statSync(join(path, 'hooks', 'post-receive'));
  assert.equal(hook.mode & 0o111, 0o111);
  // No temporary folders are left beside the repository.
  assert.deepEqual(readdirSync(join(host.reposDir, 'ws')), ['proj.git']);
});

test('create refuses an existing repository without touching it', async () => {
  const host = newHost();
  await host.create('ws', 'proj', 'main');
  await assert.rejects(host.create('ws', 'proj', 'other'), { code: 'name_taken' });
  const client = createGitClient();
  assert.equal((await client.gitOk(['--git-dir', host.pathOf('ws', 'proj'), 'symbolic-ref', 'HEAD'])).trim(), 'refs/heads/main');
});

test('names that could escape reposDir or are not valid are refused before any path is built', async () => {
  const host = newHost();
  for (const [ws, project] of [['..', 'p'], ['ws', '..'], ['ws', 'a/b'], ['ws', 'p.git'], ['ws', 'p.atom'], ['-ws', 'p'], ['ws', '']]) {
    await assert.rejects(host.create(ws!, project!, 'main'), { code: 'validation_failed' }, `${ws}/${project}`);
  }
  await assert.rejects(host.create('ws', 'p', 'bad..branch'), { code: 'validation_failed' });
  await assert.rejects(host.create('ws', 'p', '-main'), { code: 'validation_failed' });
  assert.deepEqual(readdirSync(host.reposDir), []);
});

test('remove deletes the repository and its then-empty workspace folder; absent is fine', async () => {
  const host = newHost();
  await host.create('ws', 'a', 'main');
  await host.create('ws', 'b', 'main');
  await host.remove('ws', 'a');
  assert.equal(existsSync(host.pathOf('ws', 'a')), false);
  assert.equal(existsSync(join(host.reposDir, 'ws')), true);
  await host.remove('ws', 'b');
  assert.equal(existsSync(join(host.reposDir, 'ws')), false);
  await host.remove('ws', 'b');
  assert.deepEqual(readdirSync(host.reposDir), []);
});

test('repository queries: readFile, listFiles, changedPaths, resolveRef, refs, hashFiles', async () => {
  const host = newHost();
  const client = createGitClient();
  await host.create('ws', 'proj', 'main');
  const work = await client.workRepo('work');
  const first = await work.commit({ '.gitlab-ci.yml': 'job:\n  script: [echo 1]\n', 'src/a.ts': 'a', 'docs/readme.md': 'r' }, 'first');
  const second = await work.commit({ 'src/a.ts': 'a2', 'src/b.ts': 'b', 'docs/readme.md': '' }, 'second');
  await client.gitOk(['tag', '-a', '-m', 'release', 'v1', first], { cwd: work.dir });
  await client.gitOk(['push', '--quiet', host.pathOf('ws', 'proj'), 'main', 'v1'], { cwd: work.dir });

  assert.equal((await host.readFile('ws', 'proj', first, '.gitlab-ci.yml'))?.toString(), 'job:\n  script: [echo 1]\n');
  assert.equal((await host.readFile('ws', 'proj', second, './src/a.ts'))?.toString(), 'a2');
  assert.equal(await host.readFile('ws', 'proj', second, 'docs/readme.md'), null);
  assert.equal(await host.readFile('ws', 'proj', second, 'src'), null, 'a folder is not a file');
  assert.equal(await host.readFile('ws', 'proj', 'f'.repeat(40), '.gitlab-ci.yml'), null);

  assert.deepEqual(await host.listFiles('ws', 'proj', second), ['.gitlab-ci.yml', 'src/a.ts', 'src/b.ts']);
  assert.deepEqual(await host.listFiles('ws', 'proj', second, 'src/*.ts'), ['src/a.ts', 'src/b.ts']);
  assert.deepEqual(await host.listFiles('ws', 'proj', first, '**/*.md'), ['docs/readme.md']);
  await assert.rejects(host.listFiles('ws', 'proj', 'f'.repeat(40)), { code: 'not_found' });

  assert.deepEqual(await host.changedPaths('ws', 'proj', first, second), ['docs/readme.md', 'src/a.ts', 'src/b.ts']);
  assert.equal(await host.changedPaths('ws', 'proj', ZERO_SHA, second), null);
  assert.equal(await host.changedPaths('ws', 'proj', 'e'.repeat(40), second), null);

  assert.equal(await host.resolveRef('ws', 'proj', 'main'), second);
  assert.equal(await host.resolveRef('ws', 'proj', 'refs/heads/main'), second);
  assert.equal(await host.resolveRef('ws', 'proj', 'v1'), first, 'annotated tags are peeled to their commit');
  assert.equal(await host.resolveRef('ws', 'proj', first), first);
  assert.equal(await host.resolveRef('ws', 'proj', 'nope'), null);
  assert.equal(await host.resolveRef('ws', 'proj', '--all'), null);
  assert.equal(await host.resolveRef('ws', 'proj', 'main:src/a.ts'), null);

  const refs = await host.refs('ws', 'proj');
  assert.deepEqual(refs.map((r) => [r.ref, r.kind, r.name, r.sha]), [['refs/heads/main', 'branch', 'main', second], ['refs/tags/v1', 'tag', 'v1', first]]);
  assert.notEqual(refs[1]!.objectSha, first, 'the annotated tag object differs from its commit');

  const keyA = await host.hashFiles('ws', 'proj', second, ['src/a.ts', 'src/b.ts']);
  assert.match(keyA, /^[0-9a-f]{64}$/);
  assert.equal(await host.hashFiles('ws', 'proj', second, ['src/b.ts', 'src/a.ts', './src/a.ts']), keyA, 'order and spelling do not matter');
  assert.notEqual(await host.hashFiles('ws', 'proj', first, ['src/a.ts', 'src/b.ts']), keyA, 'content changes change the key');
  assert.equal(await host.hashFiles('ws', 'proj', first, ['.gitlab-ci.yml']), await host.hashFiles('ws', 'proj', second, ['.gitlab-ci.yml']));
  await assert.rejects(host.hashFiles('ws', 'proj', 'f'.repeat(40), ['a']), { code: 'not_found' });

  await assert.rejects(host.readFile('ws', 'missing', first, 'a'), { code: 'not_found' });
});

test('a push made outside Runnel is journaled by the hook and delivered by the pending sweep', async () => {
  const host = newHost();
  const client = createGitClient();
  await host.create('ws', 'proj', 'main');
  const work = await client.workRepo('work');
  const sha = await work.commit({ 'a.txt': 'a' }, 'first');
  const push = await client.git(['push', host.pathOf('ws', 'proj'), 'main'], { cwd: work.dir });
  assert.equal(push.code, 0);
  assert.doesNotMatch(push.stderr, /remote:/, 'the hook prints nothing');
  const delivered: GitPush[] = [];
  assert.equal(await deliverPendingPushes({ reposDir: host.reposDir, onPush: async (p) => { delivered.push(p); }, logger: silentLogger() }), 1);
  assert.deepEqual(delivered, [{ workspace: 'ws', project: 'proj', userId: null, updates: [{ ref: 'refs/heads/main', before: ZERO_SHA, after: sha }] }]);
  const again: GitPush[] = [];
  assert.equal(await deliverPendingPushes({ reposDir: host.reposDir, onPush: async (p) => { again.push(p); }, logger: silentLogger() }), 0);
  assert.equal(again.length, 0, 'delivered once');
});
