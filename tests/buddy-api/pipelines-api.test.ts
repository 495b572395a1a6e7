import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBuddyServer, type BuddyTestServer, type Json } from './support/buddy-server.js';
import type { Project } from '../../src/server/store/index.js';


describe('Buddy API: workspaces, projects, pipelines, actions, variables, webhooks, YAML (HTTP)', () => {
  let s: BuddyTestServer;
  let project: Project;
  let P: string;

  before(async () => {
    s = await startBuddyServer();
    project = await s.project();
    P = `/api/workspaces/${project.workspacePath}/projects/${project.path}`;
  });
  after(async () => { await s?.stop(); });

  const call = (path: string, init?: Parameters<BuddyTestServer['api']>[1]) => s.call(path, init);

  async function tokenWith(scopes: string[]): Promise<string> {
    const root = (await s.store.users.byUsername('root'))!;
    return (await s.accounts.createToken({ userId: root.id, name: scopes.join(','), scopes })).token;
  }

  it('pipeline permissions narrow or widen what the project role allows, per pipeline', async () => {
    const dev = await s.accounts.createUser({ username: `dev${Date.now()}` });
    await s.store.projects.setMember(project.id, dev.id, 'developer', Date.now());
    const devToken = (await s.accounts.createToken({ userId: dev.id, name: 'dev', scopes: ['WORKSPACE', 'EXECUTION_INFO', 'EXECUTION_RUN', 'EXECUTION_MANAGE'] })).token;
    const make = async (name: string, permissions: Json) => {
      const made = await call(`${P}/pipelines`, { method: 'POST', json: { name, permissions } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal((await call(`${P}/pipelines/${made.body.id}/actions`, { method: 'POST', json: { name: 'A', type: 'BUILD', execute_commands: ['true'] } })).status, 201);
      return made.body.id as number;
    };
    const hidden = await make('Hidden', { others: 'DENIED' });
    const readOnly = await make('Look only', { others: 'READ_ONLY' });
    const runner = await make('Only for dev', { others: 'DENIED', users: [{ id: dev.id, access_level: 'RUN_ONLY' }] });
    const asDev = (path: string, init: Parameters<BuddyTestServer['api']>[1] = {}) => call(path, { ...init, token: devToken });

    assert.equal((await asDev(`${P}/pipelines/${hidden}`)).status, 404);
    const listed = (await asDev(`${P}/pipelines`)).body.pipelines.map((x: Json) => x.id);
    assert.ok(!listed.includes(hidden) && listed.includes(readOnly) && listed.includes(runner));
    assert.ok((await call(`${P}/pipelines`)).body.pipelines.some((x: Json) => x.id === hidden), 'an admin still sees it');

    assert.equal((await asDev(`${P}/pipelines/${readOnly}`)).status, 200);
    assert.equal((await asDev(`${P}/pipelines/${readOnly}/executions`, { method: 'POST', json: {} })).status, 403);
    assert.equal((await asDev(`${P}/pipelines/${runner}/executions`, { method: 'POST', json: {} })).status, 200);
    assert.equal((await asDev(`${P}/pipelines/${runner}`, { method: 'PATCH', json: { name: 'mine now' } })).status, 403);

    const bad = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'Bad perms', permissions: { others: 'SOMETIMES', users: [{ id: 'x' }] } } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body.errors), /permissions\.others must be one of DEFAULT, DENIED, READ_ONLY, RUN_ONLY, READ_WRITE/);
  });

  it('lists and gets workspaces and projects, with url and html_url', async () => {
    const list = await call('/api/workspaces');
    assert.equal(list.status, 200);
    const ws = list.body.workspaces.find((w: Json) => w.domain === project.workspacePath);
    assert.ok(ws.url.endsWith(`/api/workspaces/${project.workspacePath}`) && ws.html_url);
    const one = await call(`/api/workspaces/${project.workspacePath}`);
    assert.equal(one.body.domain, project.workspacePath);
    assert.equal(one.body.frozen, false);
    const projects = await call(`/api/workspaces/${project.workspacePath}/projects`);
    assert.ok(projects.body.projects.some((p: Json) => p.name === project.path));
    const p = await call(P);
    assert.equal(p.body.name, project.path);
    assert.equal(p.body.status, 'ACTIVE');
    assert.equal((await call(`/api/workspaces/${project.workspacePath}/projects/nope`)).status, 404);
  });

  it('answers 401, 403 and 404 with Buddy error bodies, on /api and at the root', async () => {
    const none = await call(`${P}/pipelines`, { token: null });
    assert.equal(none.status, 401);
    assert.ok(Array.isArray(none.body.errors) && typeof none.body.errors[0].message === 'string');
    const bad = await call(`${P}/pipelines`, { token: 'nope' });
    assert.equal(bad.status, 401);
    assert.ok(bad.body.errors[0].message);
    const weak = await call(`${P}/pipelines`, { token: await tokenWith(['WORKSPACE']) });
    assert.equal(weak.status, 403);
    assert.match(weak.body.errors[0].message, /EXECUTION_INFO/);
    const missing = await call(`${P}/pipelines/99999`);
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys(missing.body), ['errors']);
    const root = await call(`/workspaces/${project.workspacePath}/projects/${project.path}/pipelines/99999`);
    assert.equal(root.status, 404);
    assert.ok(root.body.errors[0].message);
    const rootOk = await call(`/workspaces/${project.workspacePath}/projects/${project.path}/pipelines`, { query: 'access_token' });
    assert.equal(rootOk.status, 200);
  });

  it('honours the scope hierarchy and the PIPELINE_* aliases', async () => {
    for (const scope of ['EXECUTION_INFO', 'EXECUTION_RUN', 'EXECUTION_MANAGE', 'PIPELINE_READ', 'PIPELINE_WRITE']) {
      assert.equal((await call(`${P}/pipelines`, { token: await tokenWith([scope]) })).status, 200, scope);
    }
    const runOnly = await tokenWith(['EXECUTION_RUN']);
    assert.equal((await call(`${P}/pipelines`, { method: 'POST', json: { name: 'x' }, token: runOnly })).status, 403);
    const write = await tokenWith(['PIPELINE_WRITE']);
    const created = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'Alias made' }, token: write });
    assert.equal(created.status, 201);
  });

  it('creates a pipeline with Buddy defaults, nulls not omitted, identifier from the name', async () => {
    const r = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'Deploy to production', refs: ['refs/heads/main'], events: [{ type: 'PUSH', refs: ['refs/heads/main'] }] } });
    assert.equal(r.status, 201);
    const p = r.body;
    assert.equal(p.identifier, 'deploy_to_production');
    for (const [k, v] of Object.entries({
      definition_source: 'LOCAL', git_config_ref: 'NONE', priority: 'NORMAL', disabled: false, fail_on_prepare_env_warning: true,
      concurrent_pipeline_runs: false, no_skip_to_most_recent: false, terminate_stale_runs: false, auto_clear_cache: false,
      cache_scope: 'PIPELINE', git_changeset_base: 'LATEST_RUN', filesystem_changeset_base: 'DATE_MODIFIED', cpu: 'X64',
      resources: 'DEFAULT', clone_depth: 0, last_execution_status: 'INITIAL', last_execution_revision: null, stale: false,
      description_required: false, paused: false, disabled_reason: null, target_site_url: null, folder: null,
    })) assert.deepEqual(p[k], v, k);
    assert.ok(p.url.endsWith(`/pipelines/${p.id}`) && p.html_url.includes('/pipelines/pipeline/'));
    assert.equal(p.project.name, project.path);
    assert.equal(typeof p.creator.id, 'number');
    assert.ok('disabled_reason' in p && 'last_execution_revision' in p);
    const again = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'Deploy to production' } });
    assert.equal(again.body.identifier, 'deploy_to_production_2');
    const scheduled = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'Nightly', events: [{ type: 'SCHEDULE', cron: '0 2 * * *', timezone: 'Europe/Warsaw' }] } });
    assert.equal(scheduled.body.pause_on_repeated_failures, 100);
  });

  it('rejects invalid pipelines with every problem listed', async () => {
    const r = await call(`${P}/pipelines`, { method: 'POST', json: { priority: 'URGENT', events: [{ type: 'SCHEDULE' }, { type: 'PUSH' }], clone_depth: -1, cache_scope: 'GLOBAL' } });
    assert.equal(r.status, 400);
    const text = r.body.errors.map((e: Json) => e.message).join('\n');
    for (const m of [/name is required/, /priority/, /cron/, /refs is required/, /clone_depth/, /cache_scope/]) assert.match(text, m);
    const dup = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'Dup', identifier: 'deploy_to_production' } });
    assert.equal(dup.status, 400);
  });

  it('lists pipelines in Buddy\'s envelope with paging and sorting', async () => {
    const all = await call(`${P}/pipelines?sort_by=name&sort_direction=DESC&per_page=100`);
    assert.equal(all.status, 200);
    assert.ok(all.body.url.endsWith('/pipelines') && Array.isArray(all.body.pipelines));
    const names = all.body.pipelines.map((p: Json) => p.name);
    assert.deepEqual(names, [...names].sort((a: string, b: string) => b.localeCompare(a)));
    const page = await call(`${P}/pipelines?page=2&per_page=1`);
    assert.equal(page.body.pipelines.length, 1);
    assert.equal((await call(`${P}/pipelines?page=99`)).body.pipelines.length, 0);
    assert.equal((await call(`${P}/pipelines?sort_by=color`)).status, 400);
  });

  it('PATCHes only what was sent, clears the cache answering the full pipeline, clones and deletes', async () => {
    const created = (await call(`${P}/pipelines`, { method: 'POST', json: { name: 'Patched', priority: 'HIGH', tags: ['fast'] } })).body;
    const patched = await call(`${P}/pipelines/${created.id}`, { method: 'PATCH', json: { disabled: true, disabled_reason: 'frozen' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.disabled, true);
    assert.equal(patched.body.priority, 'HIGH');
    assert.deepEqual(patched.body.tags, ['fast']);
    const before = (await s.store.definitions.byId(created.id))!.cacheGeneration;
    const cleared = await call(`${P}/pipelines/${created.id}`, { method: 'PATCH', json: { clear_cache: true } });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.id, created.id);
    assert.equal(cleared.body.name, 'Patched');
    assert.equal((await s.store.definitions.byId(created.id))!.cacheGeneration, before + 1);
    assert.equal((await call(`${P}/pipelines/${created.id}`, { method: 'PATCH', json: { clear_cache: 'yes' } })).status, 400);
    await call(`${P}/pipelines/${created.id}/actions`, { method: 'POST', json: { name: 'Build', type: 'BUILD', execute_commands: ['echo hi'] } });
    const clone = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'Clone', source_pipeline_id: created.id } });
    assert.equal(clone.status, 201);
    assert.notEqual(clone.body.id, created.id);
    assert.equal(clone.body.priority, 'HIGH');
    assert.equal(clone.body.actions.length, 1);
    assert.equal(clone.body.last_execution_status, 'INITIAL');
    const del = await s.api(`${P}/pipelines/${clone.body.id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal(await del.text(), '');
    assert.equal((await call(`${P}/pipelines/${clone.body.id}`)).status, 404);
  });

  it('adds, lists, edits, reorders and deletes actions; refuses a type change', async () => {
    const pl = (await call(`${P}/pipelines`, { method: 'POST', json: { name: 'With actions' } })).body;
    const A = `${P}/pipelines/${pl.id}/actions`;
    const a1 = await call(A, { method: 'POST', json: { name: 'Build', type: 'BUILD', execute_commands: ['make'] } });
    assert.equal(a1.status, 201);
    assert.equal(a1.body.trigger_time, 'ON_EVERY_EXECUTION');
    assert.equal(a1.body.run_next, 'WAIT_ON_SUCCESS');
    const a2 = await call(A, { method: 'POST', json: { name: 'Wait', type: 'SLEEP', sleep_in_sec: 1 } });
    const a0 = await call(A, { method: 'POST', json: { name: 'First', type: 'BUILD', execute_commands: ['true'], after_action_id: a1.body.id } });
    const list = await call(A);
    assert.deepEqual(list.body.actions.map((a: Json) => a.name), ['Build', 'First', 'Wait']);
    assert.equal((await call(`${A}/${a2.body.id}`)).body.sleep_in_sec, 1);
    const edit = await call(`${A}/${a0.body.id}`, { method: 'PATCH', json: { execute_commands: ['echo edited'] } });
    assert.deepEqual(edit.body.execute_commands, ['echo edited']);
    assert.equal((await call(`${A}/${a0.body.id}`, { method: 'PATCH', json: { type: 'SLEEP' } })).status, 400);
    assert.equal((await call(A, { method: 'POST', json: { name: 'X', type: 'TELEPORT' } })).status, 400);
    assert.equal((await s.api(`${A}/${a0.body.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await call(`${A}/${a0.body.id}`)).status, 404);
    assert.equal((await call(`${P}/pipelines/${pl.id}`)).body.actions.length, 2);
  });

  it('keeps scoped variables, encrypted at rest and never returned in clear', async () => {
    const pl = (await call(`${P}/pipelines`, { method: 'POST', json: { name: 'Vars' } })).body;
    const V = `/api/workspaces/${project.workspacePath}/variables`;
    const ws = await call(V, { method: 'POST', json: { key: 'WS_VAR', value: 'w' } });
    assert.equal(ws.status, 201);
    assert.equal(ws.body.project, null);
    const secret = await call(V, { method: 'POST', json: { key: 'TOKEN', value: 's3cret-value', encrypted: true, pipeline: { id: pl.id } } });
    assert.equal(secret.status, 201);
    assert.notEqual(secret.body.value, 's3cret-value');
    assert.equal(secret.body.encrypted, true);
    assert.deepEqual(secret.body.pipeline, { id: pl.id });
    const row = (await s.store.buddyVariables.byId(secret.body.id))!;
    assert.ok(!row.value.includes('s3cret'), 'stored sealed');
    assert.ok(!JSON.stringify((await call(`${V}/${secret.body.id}`)).body).includes('s3cret'));
    const filtered = await call(`${V}?pipelineId=${pl.id}`);
    assert.deepEqual(filtered.body.variables.map((v: Json) => v.key), ['TOKEN']);
    const byProject = await call(`${V}?projectName=${project.path}`);
    assert.ok(!byProject.body.variables.some((v: Json) => v.key === 'TOKEN'));
    const edited = await call(`${V}/${ws.body.id}`, { method: 'PATCH', json: { value: 'w2', description: 'd' } });
    assert.equal(edited.body.value, 'w2');
    assert.equal((await call(V, { method: 'POST', json: { key: 'bad key', value: 'x' } })).status, 400);
    assert.equal((await call(V, { method: 'POST', json: { key: 'TOKEN', value: 'x', pipeline: { id: pl.id } } })).status, 400);
    assert.equal((await s.api(`${V}/${ws.body.id}`, { method: 'DELETE', token: await tokenWith(['VARIABLE_ADD']) })).status, 403);
    assert.equal((await s.api(`${V}/${ws.body.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await call(`${V}/${ws.body.id}`)).status, 404);
    const pipeline = await call(`${P}/pipelines/${pl.id}`);
    assert.equal(pipeline.body.variables[0].key, 'TOKEN');
    assert.ok(!JSON.stringify(pipeline.body).includes('s3cret'));
  });

  it('manages workspace webhooks with validation and recent requests', async () => {
    const W = `/api/workspaces/${project.workspacePath}/webhooks`;
    const created = await call(W, { method: 'POST', json: { target_url: 'http://127.0.0.1:9/hook', events: ['EXECUTION_FAILED'], projects: [project.path], secret_key: 'k' } });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.requests, []);
    assert.equal((await call(W, { method: 'POST', json: { target_url: 'ftp://x', events: ['NOPE'] } })).status, 400);
    assert.equal((await call(W)).body.webhooks.length, 1);
    const edited = await call(`${W}/${created.body.id}`, { method: 'PATCH', json: { events: ['EXECUTION_FINISHED', 'PUSH'] } });
    assert.deepEqual(edited.body.events, ['EXECUTION_FINISHED', 'PUSH']);
    assert.equal((await s.api(`${W}/${created.body.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await call(`${W}/${created.body.id}`)).status, 404);
    assert.equal((await call(W, { token: await tokenWith(['EXECUTION_MANAGE']) })).status, 403);
  });

  it('exports, creates from and edits with buddy.yml (base64)', async () => {
    const yml = [
      '- pipeline: from_yaml', '  name: From YAML', '  priority: HIGH', '  refs: ["refs/heads/main"]',
      '  actions:', '    - action: Test', '      type: BUILD', '      execute_commands: ["echo yaml"]',
    ].join('\n');
    const created = await call(`${P}/pipelines/yaml`, { method: 'POST', json: { yaml: Buffer.from(yml).toString('base64') } });
    assert.equal(created.status, 201);
    const p = created.body.pipelines[0];
    assert.equal(p.identifier, 'from_yaml');
    assert.equal(p.priority, 'HIGH');
    assert.equal(p.actions[0].name, 'Test');
    const exported = await call(`${P}/pipelines/${p.id}/yaml`);
    const text = Buffer.from(exported.body.yaml, 'base64').toString('utf8');
    assert.match(text, /pipeline: from_yaml/);
    assert.match(text, /echo yaml/);
    const edited = await call(`${P}/pipelines/${p.id}/yaml`, { method: 'PATCH', json: { yaml: Buffer.from(text.replace('echo yaml', 'echo edited').replace('From YAML', 'Edited')).toString('base64') } });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.name, 'Edited');
    const action = (await call(`${P}/pipelines/${p.id}/actions`)).body.actions[0];
    assert.deepEqual(action.execute_commands, ['echo edited']);
    assert.equal((await call(`${P}/pipelines/yaml`, { method: 'POST', json: { yaml: Buffer.from('- a: [').toString('base64') } })).status, 400);
  });
});
