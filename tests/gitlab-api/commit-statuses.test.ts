import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gitlab } from '@gitbeaker/rest';
import { startApiServer, waitFor, type ApiServer } from './support.js';

const CI = 'stages: [build, test]\ncompile:\n  stage: build\n  script: [echo compiled]\nunit:\n  stage: test\n  script: [echo tested]\n';

describe("a commit's statuses (GitLab's commit statuses API) and Buddy's do_not_create_commit_status", () => {
  let s: ApiServer;
  let api: InstanceType<typeof Gitlab>;
  let project: Awaited<ReturnType<ApiServer['project']>>;

  before(async () => {
    s = await startApiServer();
    api = new Gitlab({ host: s.url, token: s.rootToken.token });
    project = await s.project({ '.gitlab-ci.yml': CI });
    await waitFor('push pipeline', async () => {
      const list = await api.Pipelines.all(project.id);
      return list.length === 1 && list[0]!.status === 'success' ? list : null;
    }, 60_000);
  });
  after(async () => { await s?.stop(); });

  const names = (statuses: Array<{ name: unknown }>) => statuses.map((x) => String(x.name)).sort();

  it('lists the jobs of the commit\'s pipelines with GitLab\'s fields and filters', async () => {
    const sha = project.repo.sha;
    const statuses = await api.Commits.allStatuses(project.id, sha);
    assert.deepEqual(names(statuses), ['compile', 'unit']);
    const [first] = statuses;
    const pipelines = await api.Pipelines.all(project.id);
    assert.deepEqual(Object.keys(first!).sort(), ['allow_failure', 'author', 'coverage', 'created_at', 'description', 'finished_at', 'id', 'name', 'pipeline_id', 'ref', 'sha', 'started_at', 'status', 'target_url']);
    assert.equal(first!.sha, sha);
    assert.equal(first!.ref, 'main');
    assert.equal(first!.status, 'success');
    assert.equal(first!.pipeline_id, pipelines[0]!.id);
    assert.match(String(first!.target_url), new RegExp(`/${project.path}/-/jobs/${first!.id}$`));
    assert.equal((first!.author as { username: string }).username, 'root');
    assert.match(String(first!.finished_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(names(await api.Commits.allStatuses(project.id, sha, { name: 'unit' })), ['unit']);
    assert.deepEqual(names(await api.Commits.allStatuses(project.id, sha, { stage: 'build' })), ['compile']);
    assert.deepEqual(await api.Commits.allStatuses(project.id, sha, { ref: 'other' }), []);
    const desc = await s.json<Array<{ id: number }>>(`/api/v4/projects/${project.id}/repository/commits/${sha}/statuses?sort=desc`);
    assert.ok(desc.body[0]!.id > desc.body[1]!.id);
    assert.equal(desc.headers.get('x-total'), '2');

    // A retried job: only the latest attempt, unless all=true.
    const unit = statuses.find((x) => x.name === 'unit')!;
    await api.Jobs.retry(project.id, unit.id as number);
    await waitFor('retried unit', async () => {
      const latest = await api.Commits.allStatuses(project.id, sha, { name: 'unit' });
      return latest.length === 1 && latest[0]!.id !== unit.id && latest[0]!.status === 'success' ? latest : null;
    }, 30_000);
    assert.equal((await api.Commits.allStatuses(project.id, sha, { name: 'unit', all: true })).length, 2);

    const unknown = await s.json<{ message: string }>(`/api/v4/projects/${project.id}/repository/commits/${'0'.repeat(40)}/statuses`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { message: '404 Commit Not Found' });
    const badSort = await s.json<{ error: string }>(`/api/v4/projects/${project.id}/repository/commits/${sha}/statuses?order_by=name`);
    assert.equal(badSort.status, 400);
  });

  it('leaves out the runs of a Buddy pipeline with do_not_create_commit_status', async () => {
    const [workspace, name] = project.path.split('/');
    const P = `/api/workspaces/${workspace}/projects/${name}/pipelines`;
    const auth = { headers: { authorization: `Bearer ${s.rootToken.token}` } };
    const make = async (pipeline: string, silent: boolean, action: string) => {
      const created = await s.json<{ id: number }>(P, { method: 'POST', json: { name: pipeline, do_not_create_commit_status: silent }, ...auth });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal((await s.json(`${P}/${created.body.id}/actions`, { method: 'POST', json: { name: action, type: 'BUILD', execute_commands: ['true'] }, ...auth })).status, 201);
      const run = await s.json<{ id: number }>(`${P}/${created.body.id}/executions`, { method: 'POST', json: {}, ...auth });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      await waitFor(`${pipeline} done`, async () => {
        const e = await s.json<{ status: string }>(`${P}/${created.body.id}/executions/${run.body.id}`, auth);
        return e.body.status === 'SUCCESSFUL' ? e : null;
      }, 30_000);
    };
    await make('Silent', true, 'Quiet step');
    await make('Loud', false, 'Loud step');
    assert.deepEqual(names(await api.Commits.allStatuses(project.id, project.repo.sha)), ['Loud step', 'compile', 'unit']);
  });
});
