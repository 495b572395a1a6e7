import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApiServer, type ApiServer } from './support.js';

describe('GitLab API auth, roles and error bodies', () => {
  let s: ApiServer;
  let project: Awaited<ReturnType<ApiServer['project']>>;
  let pipelineId: number;
  before(async () => {
    s = await startApiServer();
    project = await s.project({ '.gitlab-ci.yml': 'job:\n  script:\n    - \'curl -sf -H "JOB-TOKEN: $CI_JOB_TOKEN" "$CI_API_V4_URL/projects/$CI_PROJECT_ID/pipelines/$CI_PIPELINE_ID" > me.json && echo JOBTOKEN-OK || echo JOBTOKEN-FAILED\'\n' });
    const created = await s.json<{ id: number }>(`/api/v4/projects/${project.id}/pipeline`, { method: 'POST', json: { ref: 'main' } });
    pipelineId = created.body.id;
    await s.finished(project.id, pipelineId);
  });
  after(async () => { await s?.stop(); });

  it('answers 401, 403 and the two 404 bodies where GitLab does', async () => {
    const base = `/api/v4/projects/${project.id}`;
    assert.deepEqual((await s.json(`${base}/pipelines`, { token: null })).body, { message: '404 Project Not Found' }, 'anonymous on private');
    const anonPost = await s.json(`${base}/pipeline`, { method: 'POST', token: null, json: { ref: 'main' } });
    assert.equal(anonPost.status, 401);
    assert.deepEqual(anonPost.body, { message: '401 Unauthorized' });
    assert.deepEqual((await s.json(`${base}/pipelines`, { token: 'rnlpat-unknown-token' })).body, { message: '401 Unauthorized' });
    const missing = await s.json(`${base}/pipelines/999999`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: '404 Not found' });
    assert.deepEqual((await s.json('/api/v4/projects/999999/pipelines')).body, { message: '404 Project Not Found' });
    assert.deepEqual((await s.json(`${base}/no-such-thing`)).body, { error: '404 Not Found' });

    const reporter = await s.user('rep');
    const developer = await s.user('dev');
    const guest = await s.user('guest');
    const outsider = await s.user('out');
    const readOnly = await s.user('ro', ['read_api']);
    await s.member(project.id, reporter.id, 'reporter');
    await s.member(project.id, developer.id, 'developer');
    await s.member(project.id, guest.id, 'guest');
    await s.member(project.id, readOnly.id, 'maintainer');
    assert.equal((await s.json(`${base}/pipelines`, { token: reporter.token })).status, 200);
    const reporterCreate = await s.json(`${base}/pipeline`, { method: 'POST', token: reporter.token, json: { ref: 'main' } });
    assert.equal(reporterCreate.status, 403);
    assert.deepEqual(reporterCreate.body, { message: '403 Forbidden' });
    assert.equal((await s.json(`${base}/pipelines`, { token: guest.token })).status, 403, 'guest of a private project');
    assert.equal((await s.json(`${base}/pipelines`, { token: outsider.token })).status, 404, 'non-member of a private project');
    assert.equal((await s.json(`${base}/pipelines/${pipelineId}`, { method: 'DELETE', token: developer.token })).status, 403, 'developers cannot delete');
    assert.equal((await s.json(`${base}/pipelines/${pipelineId}/variables`, { token: developer.token })).status, 403, 'not the developer who created it');
    assert.equal((await s.json(`${base}/variables`, { token: developer.token })).status, 403, 'variables need maintainer');
    const scoped = await s.json<{ error: string; scope: string }>(`${base}/pipeline`, { method: 'POST', token: readOnly.token, json: { ref: 'main' } });
    assert.equal(scoped.status, 403);
    assert.equal(scoped.body.error, 'insufficient_scope');
    assert.equal((await s.json(`${base}/pipelines`, { token: readOnly.token })).status, 200, 'read_api may GET');
    const devCreate = await s.json<{ id: number }>(`${base}/pipeline`, { method: 'POST', token: developer.token, json: { ref: 'main' } });
    assert.equal(devCreate.status, 201);
    await s.finished(project.id, devCreate.body.id);
    assert.equal((await s.json(`${base}/pipelines/${devCreate.body.id}/variables`, { token: developer.token })).status, 200, 'its creator may read the variables');
    // Public project: anonymous reads, cannot write.
    const pub = await s.project({ '.gitlab-ci.yml': 'x:\n  script: [echo]\n' }, { visibility: 'public' });
    assert.equal((await s.json(`/api/v4/projects/${pub.id}/pipelines`, { token: null })).status, 200);
    assert.equal((await s.json(`/api/v4/projects/${encodeURIComponent(pub.path)}/pipelines`, { token: null })).status, 200, 'URL-encoded path');
  });

  it('rejects bad input with GitLab\'s 400 bodies and never a 500', async () => {
    const base = `/api/v4/projects/${project.id}`;
    const cases: Array<[string, RequestInit & { json?: unknown }, number, unknown]> = [
      [`${base}/pipelines/abc`, {}, 400, { error: 'pipeline_id is invalid' }],
      [`${base}/pipelines?per_page=abc`, {}, 400, { error: 'per_page is invalid' }],
      [`${base}/pipelines?per_page=0`, {}, 400, { error: 'per_page has a value not allowed' }],
      [`${base}/pipelines?status=bogus`, {}, 400, { error: 'status does not have a valid value' }],
      [`${base}/pipelines?scope=bogus&order_by=nope`, {}, 400, { error: 'scope does not have a valid value, order_by does not have a valid value' }],
      [`${base}/pipelines?updated_after=yesterday`, {}, 400, { error: 'updated_after is invalid' }],
      [`${base}/pipelines?yaml_errors=maybe`, {}, 400, { error: 'yaml_errors is invalid' }],
      [`${base}/pipeline`, { method: 'POST', json: {} }, 400, { error: 'ref is missing' }],
      [`${base}/pipeline`, { method: 'POST', json: { ref: 'nope' } }, 400, { message: { base: ['Reference not found'] } }],
      [`${base}/pipeline`, { method: 'POST', json: { ref: 'main', variables: [{ key: 'A', value: '1', variable_type: 'weird' }] } }, 400, { error: 'variables[0][variable_type] does not have a valid value' }],
      [`${base}/pipeline`, { method: 'POST', json: { ref: 'main', variables: [{ key: 'A', value: '1' }, { key: 'A', value: '2' }] } }, 400, { message: { base: ['Duplicate variable name: A'] } }],
      [`${base}/pipeline`, { method: 'POST', json: { ref: 'main', variables: 'nope' } }, 400, { error: 'variables is invalid' }],
      [`${base}/jobs/99999999999999999999`, {}, 400, { error: 'job_id is invalid' }],
      [`${base}/jobs?scope[]=bogus`, {}, 400, { error: 'scope does not have a valid value' }],
      [`${base}/pipelines/${pipelineId}/metadata`, { method: 'PUT', json: { name: 'x'.repeat(300) } }, 400, { message: 'Failed to update pipeline - Name is too long (maximum is 255 characters)' }],
      [`${base}/pipelines/${pipelineId}/metadata`, { method: 'PUT', json: {} }, 400, { error: 'name is missing' }],
      [`${base}/pipeline`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }, 400, undefined],
    ];
    for (const [path, init, status, body] of cases) {
      const r = await s.json(path, init);
      assert.equal(r.status, status, `${path} → ${r.status} ${JSON.stringify(r.body)}`);
      if (body !== undefined) assert.deepEqual(r.body, body, path);
    }
    const clamped = await s.json(`${base}/pipelines?per_page=100000`);
    assert.equal(clamped.headers.get('x-per-page'), '100');
  });

  it('creates from form and query parameters, reports missing CI files and YAML errors as GitLab does', async () => {
    const base = `/api/v4/projects/${project.id}`;
    const form = await s.json<{ id: number }>(`${base}/pipeline?ref=main`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'variables[][key]=A&variables[][value]=1&variables[][key]=B&variables[][value]=2&variables[][variable_type]=file',
    });
    assert.equal(form.status, 201);
    const vars = await s.json<Array<{ key: string; variable_type: string }>>(`${base}/pipelines/${form.body.id}/variables`);
    assert.deepEqual(vars.body.map((v) => [v.key, v.variable_type]), [['A', 'env_var'], ['B', 'file']]);
    const query = await s.json<{ id: number }>(`${base}/pipeline?ref=main&variables[0][key]=Q&variables[0][value]=hello`, { method: 'POST' });
    assert.equal(query.status, 201);
    assert.equal((await s.json<Array<{ value: string }>>(`${base}/pipelines/${query.body.id}/variables`)).body[0]!.value, 'hello');
    const empty = await s.project({ 'README.md': 'no ci' });
    assert.deepEqual((await s.json(`/api/v4/projects/${empty.id}/pipeline`, { method: 'POST', json: { ref: 'main' } })).body, { message: { base: ['Missing CI config file'] } });
    const broken = await s.project({ '.gitlab-ci.yml': 'job:\n  script: 42\n' });
    const before = (await s.json<unknown[]>(`/api/v4/projects/${broken.id}/pipelines?source=api`)).body.length;
    const bad = await s.json<{ message: { base: string[] } }>(`/api/v4/projects/${broken.id}/pipeline`, { method: 'POST', json: { ref: 'main' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message.base[0]!, /script/);
    assert.equal((await s.json<unknown[]>(`/api/v4/projects/${broken.id}/pipelines?source=api`)).body.length, before, 'nothing kept');
  });

  it('lets a running job read its own pipeline with its CI job token', async () => {
    const jobs = await s.json<Array<{ id: number }>>(`/api/v4/projects/${project.id}/pipelines/${pipelineId}/jobs`);
    const log = await (await s.api(`/api/v4/projects/${project.id}/jobs/${jobs.body[0]!.id}/trace`)).text();
    assert.match(log, /JOBTOKEN-OK/);
    // A finished job's token is no longer accepted.
    assert.equal((await s.json(`/api/v4/projects/${project.id}/pipelines`, { token: null, headers: { 'job-token': 'rnljob-not-a-real-one' } })).status, 401);
  });
});
