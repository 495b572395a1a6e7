import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';

describe('GitLab-shaped foundation API', () => {
  let s: TestServer;
  let alice: { id: number; token: string };
  let readOnly: string;

  before(async () => {
    s = await startTestServer();
    const u = await (await s.api('/api/v4/users', { method: 'POST', json: { username: 'alice', name: 'Alice', email: 'alice@example.com' } })).json() as { id: number };
    const t = await (await s.api(`/api/v4/users/${u.id}/personal_access_tokens`, { method: 'POST', json: { name: 'a', scopes: ['api'] } })).json() as { token: string };
    alice = { id: u.id, token: t.token };
    const r = await (await s.api(`/api/v4/users/${u.id}/personal_access_tokens`, { method: 'POST', json: { name: 'ro', scopes: ['read_api'] } })).json() as { token: string };
    readOnly = r.token;
  });
  after(async () => { await s?.stop(); });

  it('answers /version and /user for the root token', async () => {
    const v = await (await s.api('/api/v4/version')).json() as { version: string };
    assert.match(v.version, /^\d+\.\d+\.\d+/);
    const me = await (await s.api('/api/v4/user')).json() as { username: string; is_admin: boolean };
    assert.equal(me.username, 'root');
    assert.equal(me.is_admin, true);
  });

  it('creates a project in the caller\'s namespace and finds it by id and by encoded path', async () => {
    const res = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'My App', visibility: 'private', default_branch: 'trunk' }, token: alice.token });
    assert.equal(res.status, 201);
    const p = await res.json() as { id: number; path_with_namespace: string; default_branch: string; visibility: string; web_url: string };
    assert.equal(p.path_with_namespace, 'alice/my-app');
    assert.equal(p.default_branch, 'trunk');
    assert.equal(p.visibility, 'private');
    assert.ok(p.web_url.startsWith(s.url));
    const byPath = await (await s.api('/api/v4/projects/alice%2Fmy-app', { token: alice.token })).json() as { id: number };
    assert.equal(byPath.id, p.id);
  });

  it('accepts form-encoded creation with namespace path, as the Ruby client sends it', async () => {
    await s.api('/api/v4/groups', { method: 'POST', json: { name: 'Team', path: 'team' } });
    const res = await s.api('/api/v4/projects', { method: 'POST', body: new URLSearchParams({ path: 'svc', namespace_id: 'team', visibility: 'internal' }) });
    assert.equal(res.status, 201);
    assert.equal((await res.json() as { path_with_namespace: string }).path_with_namespace, 'team/svc');
  });

  it('hides a private project from a user who cannot see it, with GitLab\'s 404 body', async () => {
    const res = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'hidden' } });
    const p = await res.json() as { id: number };
    for (const path of [`/api/v4/projects/${p.id}`, '/api/v4/projects/root%2Fhidden']) {
      const r = await s.api(path, { token: alice.token });
      assert.equal(r.status, 404);
      assert.deepEqual(await r.json(), { message: '404 Project Not Found' });
    }
    const anon = await s.api(`/api/v4/projects/${p.id}`, { token: null });
    assert.equal(anon.status, 404);
    const list = await (await s.api('/api/v4/projects', { token: alice.token })).json() as Array<{ id: number }>;
    assert.equal(list.some((x) => x.id === p.id), false);
  });

  it('answers unknown projects, bad tokens and unknown routes in GitLab\'s shapes', async () => {
    const r404 = await s.api('/api/v4/projects/nobody%2Fnothing');
    assert.equal(r404.status, 404);
    assert.deepEqual(await r404.json(), { message: '404 Project Not Found' });
    const r401 = await s.api('/api/v4/projects', { token: 'not-a-token' });
    assert.equal(r401.status, 401);
    assert.deepEqual(await r401.json(), { message: '401 Unauthorized' });
    const anonPost = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'x' }, token: null });
    assert.equal(anonPost.status, 401);
    const route = await s.api('/api/v4/does/not/exist');
    assert.equal(route.status, 404);
    assert.deepEqual(await route.json(), { error: '404 Not Found' });
  });

  it('refuses writes with a read_api token as insufficient_scope', async () => {
    const r = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'nope' }, token: readOnly });
    assert.equal(r.status, 403);
    const body = await r.json() as { error: string };
    assert.equal(body.error, 'insufficient_scope');
    assert.equal((await s.api('/api/v4/user', { token: readOnly })).status, 200);
  });

  it('rejects bad project input with every problem and no half-written row', async () => {
    const r = await s.api('/api/v4/projects', { method: 'POST', json: { path: '-bad path', visibility: 'private', default_branch: 'a..b' } });
    assert.equal(r.status, 400);
    const body = await r.json() as { message: Record<string, string[]> };
    assert.ok(body.message.path);
    assert.ok(body.message.default_branch);
    const vis = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'v', visibility: 'secret' } });
    assert.equal(vis.status, 400);
    assert.deepEqual(await vis.json(), { error: 'visibility does not have a valid value' });
    const dup1 = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'dup' } });
    assert.equal(dup1.status, 201);
    const dup2 = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'dup' } });
    assert.equal(dup2.status, 400);
    const malformed = await s.api('/api/v4/projects', { method: 'POST', body: '{"name":', headers: { 'content-type': 'application/json' } });
    assert.equal(malformed.status, 400);
  });

  it('paginates the project list with GitLab\'s headers', async () => {
    const r = await s.api('/api/v4/projects?per_page=2&page=1&order_by=id&sort=asc');
    assert.equal(r.headers.get('x-per-page'), '2');
    assert.equal(r.headers.get('x-page'), '1');
    assert.equal(r.headers.get('x-next-page'), '2');
    assert.equal(r.headers.get('x-prev-page'), '');
    const total = Number(r.headers.get('x-total'));
    assert.ok(total >= 4);
    assert.equal(r.headers.get('x-total-pages'), String(Math.ceil(total / 2)));
    assert.match(r.headers.get('link') ?? '', /rel="next"/);
    assert.match(r.headers.get('link') ?? '', /\/api\/v4\/projects\?.*page=2/);
    assert.equal((await s.api('/api/v4/projects?per_page=0')).status, 400);
    assert.deepEqual(await (await s.api('/api/v4/projects?page=abc')).json(), { error: 'page is invalid' });
  });

  it('answers 401 invalid_token for expired and revoked tokens', async () => {
    const { token, record } = await s.accounts.createToken({ userId: alice.id, name: 'short', scopes: ['api'], expiresAt: Date.now() + 50 });
    await new Promise((r) => setTimeout(r, 80));
    const expired = await s.api('/api/v4/user', { token });
    assert.equal(expired.status, 401);
    assert.equal((await expired.json() as { error: string }).error, 'invalid_token');
    void record;
    const other = await s.accounts.createToken({ userId: alice.id, name: 'rev', scopes: ['api'] });
    await s.accounts.revokeToken(other.record.id);
    const revoked = await s.api('/api/v4/user', { token: other.token });
    assert.equal(revoked.status, 401);
    assert.match((await revoked.json() as { error_description: string }).error_description, /revoked/);
  });

  it('stores tokens only as digests', async () => {
    const { token } = await s.accounts.createToken({ userId: alice.id, name: 'digest', scopes: ['api'] });
    const { digestToken } = await import('../../src/shared/index.js');
    assert.ok(await s.store.tokens.byDigest(digestToken(token)), 'found by its digest');
    assert.equal(await s.store.tokens.byDigest(token), null, 'not stored as itself');
    if (s.config.databaseUrl === null) {
      const fs = await import('node:fs');
      const db = fs.readFileSync(`${s.dataDir}/runnel.sqlite`);
      const wal = fs.existsSync(`${s.dataDir}/runnel.sqlite-wal`) ? fs.readFileSync(`${s.dataDir}/runnel.sqlite-wal`) : Buffer.alloc(0);
      assert.equal(db.includes(token), false);
      assert.equal(wal.includes(token), false);
    }
  });

  it('serves the web UI for UI paths and never for API or git paths', async () => {
    const page = await s.api('/root/some-project/-/pipelines/1', { token: null });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const html = await page.text();
    const asset = /\/assets\/[^"']+\.js/.exec(html)?.[0];
    assert.ok(asset, 'index.html references a script asset');
    const js = await s.api(asset, { token: null });
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await s.api('/assets/..%2F..%2Fpackage.json', { token: null })).status, 404);
    assert.equal((await s.api('/api/v4/nothing-here', { token: null })).headers.get('content-type')?.startsWith('application/json'), true);
    assert.equal((await s.api('/-/nothing', { token: null })).status, 404);
  });

  it('reports health and readiness', async () => {
    assert.equal((await s.api('/-/health', { token: null })).status, 200);
    const ready = await (await s.api('/-/readiness', { token: null })).json() as { status: string };
    assert.equal(ready.status, 'ok');
  });
});
