import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { git, gitAsync, gitEnv, makeWorkingRepo } from '../support/git.js';

describe('hosted repositories through the real server and the stock git client', () => {
  let s: TestServer;
  let host: string;
  const tokens: Record<string, string> = {};

  async function user(name: string, scopes = ['api']): Promise<number> {
    const u = await (await s.api('/api/v4/users', { method: 'POST', json: { username: name, name, email: `${name}@example.com` } })).json() as { id: number };
    tokens[name] = (await (await s.api(`/api/v4/users/${u.id}/personal_access_tokens`, { method: 'POST', json: { name: 't', scopes } })).json() as { token: string }).token;
    return u.id;
  }

  before(async () => {
    s = await startTestServer();
    host = new URL(s.url).host;
    await s.api('/api/v4/groups', { method: 'POST', json: { name: 'Team', path: 'team' } });
  });
  after(async () => { await s?.stop(); });

  it('takes a push of two branches and a tag, serves an identical clone, and records each ref update', async () => {
    const res = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'app', namespace_id: 'team', visibility: 'private' } });
    assert.equal(res.status, 201);
    const project = await res.json() as { id: number; http_url_to_repo: string };
    assert.equal(project.http_url_to_repo, `${s.url}/team/app.git`);
    const repo = makeWorkingRepo({ 'README.md': 'one' });
    const env = gitEnv();
    git(repo.dir, ['branch', 'feature'], env);
    git(repo.dir, ['tag', '-a', 'v1.0', '-m', 'release'], env);
    const remote = `http://anything:${s.rootToken.token}@${host}/team/app.git`;
    const pushed = await gitAsync(repo.dir, ['push', remote, '--all'], env);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.equal((await gitAsync(repo.dir, ['push', remote, '--tags'], env)).code, 0);
    const second = repo.commit({ 'README.md': 'two' });
    assert.equal((await gitAsync(repo.dir, ['push', remote, 'main'], env)).code, 0);

    const clone = join(mkdtempSync(join(tmpdir(), 'runnel-clone-')), 'app');
    const cloned = await gitAsync(tmpdir(), ['clone', '-q', remote, clone], env);
    assert.equal(cloned.code, 0, cloned.stderr);
    const refsOf = (dir: string, pattern: string[]) => git(dir, ['for-each-ref', '--format=%(refname:short) %(objectname)', ...pattern], env);
    assert.equal(git(clone, ['rev-parse', 'HEAD'], env), second);
    assert.equal(git(clone, ['rev-parse', 'origin/feature'], env), git(repo.dir, ['rev-parse', 'feature'], env));
    assert.equal(refsOf(clone, ['refs/tags']), refsOf(repo.dir, ['refs/tags']));

    const events = await s.store.pushEvents.listForProject(project.id);
    const zero = '0'.repeat(40);
    const byRef = (ref: string) => events.filter((e) => e.ref === ref);
    assert.deepEqual(byRef('refs/heads/main').map((e) => [e.beforeSha, e.afterSha]), [[zero, repo.sha], [repo.sha, second]]);
    assert.deepEqual(byRef('refs/heads/feature').map((e) => [e.beforeSha, e.afterSha]), [[zero, repo.sha]]);
    assert.equal(byRef('refs/tags/v1.0').length, 1);
    assert.ok(events.every((e) => e.userId === 1), 'the pusher is recorded');
  });

  it('lets reporters fetch but not push, hides private repositories, and asks anonymous callers for credentials', async () => {
    const reporterId = await user('rita');
    await user('olga');
    await user('ronly', ['read_api']);
    const add = await s.api('/api/v4/projects/team%2Fapp/members', { method: 'POST', json: { user_id: reporterId, access_level: 20 } });
    assert.equal(add.status, 201);
    const env = gitEnv();
    const url = (token: string | null) => token ? `http://x:${token}@${host}/team/app.git` : `http://${host}/team/app.git`;
    const dir = mkdtempSync(join(tmpdir(), 'runnel-clone-'));
    const fetched = await gitAsync(dir, ['clone', '-q', url(tokens.rita!), 'r'], env);
    assert.equal(fetched.code, 0, fetched.stderr);
    const work = join(dir, 'r');
    writeFileSync(join(work, 'x.txt'), 'x');
    git(work, ['add', '.'], env);
    git(work, ['commit', '-qm', 'x'], env);
    const push = await gitAsync(work, ['push', url(tokens.rita!), 'HEAD:refs/heads/rita'], env);
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /You are not allowed to push code to this project/);

    const stranger = await gitAsync(dir, ['clone', '-q', url(tokens.olga!), 'o'], env);
    assert.notEqual(stranger.code, 0);
    assert.match(stranger.stderr, /not found|could not be found/i);
    const anonymous = await gitAsync(dir, ['clone', '-q', url(null), 'a'], env);
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr, /Authentication failed|could not read Username|terminal prompts disabled/i);
    const wrong = await gitAsync(dir, ['clone', '-q', url('not-a-token'), 'w'], env);
    assert.notEqual(wrong.code, 0);
    const apiOnly = await gitAsync(dir, ['clone', '-q', url(tokens.ronly!), 'ro'], env);
    assert.notEqual(apiOnly.code, 0, 'a read_api token is not a repository token');
  });

  it('leaves neither a row nor a directory behind when creating the repository fails', async () => {
    // A file where the workspace folder should be makes the repository impossible to create.
    await s.api('/api/v4/groups', { method: 'POST', json: { name: 'Broken', path: 'broken' } });
    writeFileSync(join(s.dataDir, 'repositories', 'broken'), 'not a folder');
    const res = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'doomed', namespace_id: 'broken' } });
    assert.equal(res.status, 500);
    assert.equal((await s.api('/api/v4/projects/broken%2Fdoomed')).status, 404);
    assert.equal(await s.store.projects.byFullPath('broken', 'doomed'), null);
    assert.equal(existsSync(join(s.dataDir, 'repositories', 'broken', 'doomed.git')), false);
    assert.deepEqual(readdirSync(join(s.dataDir, 'repositories')).filter((n) => n.startsWith('.creating')), []);
  });
});
