import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBuddyServer, TERMINAL_EXECUTION, type BuddyTestServer, type Json } from './support/buddy-server.js';
import { waitFor } from '../support/wait.js';
import { git, gitEnv, makeWorkingRepo } from '../support/git.js';
import type { Project } from '../../src/server/store/index.js';

const TEMPLATE = [
  '- pipeline: template',
  '  actions:',
  '    - action: Greet',
  '      type: BUILD',
  '      execute_commands:',
  '        - echo "!{greeting:hello} !target"',
  '        - cat app.txt',
  '!extra',
  '',
].join('\n');

describe('Buddy REMOTE pipeline definitions (YAML templates in another project)', () => {
  let s: BuddyTestServer;
  let templates: Project;
  let app: Project;
  let P: string;

  before(async () => {
    s = await startBuddyServer({ runnerConcurrency: 2 });
    templates = await s.project({ 'ci/build.yml': TEMPLATE });
    app = await s.project({ 'app.txt': 'the app itself\n' });
    P = `/api/workspaces/${app.workspacePath}/projects/${app.path}`;
  });
  after(async () => { await s?.stop(); });

  const call = (path: string, init?: Parameters<BuddyTestServer['call']>[1]) => s.call(path, init);
  const extra = '    - action: Extra\n      type: BUILD\n      execute_commands: ["echo extra-ran"]';

  async function runToEnd(pl: Json): Promise<Json> {
    const started = await call(`${P}/pipelines/${pl.id}/executions`, { method: 'POST', json: {} });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    return waitFor(`execution ${started.body.id}`, async () => {
      const e = (await call(`${P}/pipelines/${pl.id}/executions/${started.body.id}`)).body;
      return TERMINAL_EXECUTION.has(e.status) ? e : null;
    }, 30_000);
  }

  it('validates a REMOTE pipeline and keeps its actions in the template', async () => {
    const noPath = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'R0', definition_source: 'REMOTE', remote_project_name: templates.path } });
    assert.equal(noPath.status, 400);
    assert.match(noPath.body.errors[0].message, /remote_path is required/);
    const unknown = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'R0', definition_source: 'REMOTE', remote_project_name: 'nope', remote_path: 'ci/build.yml' } });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.errors[0].message, /project 'nope' not found/);
    const badParams = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'R0', definition_source: 'REMOTE', remote_project_name: templates.path, remote_path: 'x.yml', remote_parameters: [{ key: 'a b', value: 1 }] } });
    assert.equal(badParams.status, 400);
    assert.equal(badParams.body.errors.length >= 1, true);
    const ok = await call(`${P}/pipelines`, { method: 'POST', json: { name: 'R0', definition_source: 'REMOTE', remote_project_name: templates.path, remote_path: 'ci/build.yml', remote_branch: 'main' } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.definition_source, 'REMOTE');
    assert.equal(ok.body.remote_ref, 'main');
    assert.equal(ok.body.remote_branch, 'main');
    const add = await call(`${P}/pipelines/${ok.body.id}/actions`, { method: 'POST', json: { name: 'Local', type: 'BUILD', execute_commands: ['true'] } });
    assert.equal(add.status, 400);
    assert.match(add.body.errors[0].message, /REMOTE pipeline/);
  });

  it('runs the template with its parameters filled, in the inheriting project, at remote_ref', async () => {
    const created = await call(`${P}/pipelines`, { method: 'POST', json: {
      name: 'From template', definition_source: 'REMOTE', remote_project_name: templates.path, remote_path: 'ci/build.yml',
      remote_parameters: [{ key: 'target', value: 'prod' }, { key: 'extra', value: extra }],
    } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const pl = created.body;
    const e = await runToEnd(pl);
    assert.equal(e.status, 'SUCCESSFUL', JSON.stringify(e));
    const full = (await call(`${P}/pipelines/${pl.id}/executions/${e.id}`)).body;
    assert.deepEqual(full.action_executions.map((a: Json) => [a.action.name, a.status]), [['Greet', 'SUCCESSFUL'], ['Extra', 'SUCCESSFUL']]);
    const greet = full.action_executions[0].log.join('\n');
    assert.match(greet, /hello prod/);
    assert.match(greet, /the app itself/, 'the job checks out the inheriting project');
    assert.match(full.action_executions[1].log.join('\n'), /extra-ran/);

    // Another branch of the template project, chosen with remote_ref: the next run uses it.
    const v2 = makeWorkingRepo({ 'ci/build.yml': TEMPLATE.replace('!{greeting:hello}', '!{greeting:bonjour}') });
    git(v2.dir, ['push', '-q', s.host.pathOf(templates.workspacePath, templates.path), 'HEAD:refs/heads/v2'], gitEnv());
    assert.equal((await call(`${P}/pipelines/${pl.id}`, { method: 'PATCH', json: { remote_ref: 'v2' } })).status, 200);
    const second = await runToEnd(pl);
    assert.equal(second.status, 'SUCCESSFUL');
    const log = (await call(`${P}/pipelines/${pl.id}/executions/${second.id}`)).body.action_executions[0].log.join('\n');
    assert.match(log, /bonjour prod/);
  });

  it('fails the run with the reason when the template cannot be used', async () => {
    const created = await call(`${P}/pipelines`, { method: 'POST', json: {
      name: 'Broken template', definition_source: 'REMOTE', remote_project_name: templates.path, remote_path: 'ci/build.yml',
      remote_parameters: [{ key: 'extra', value: '' }],
    } });
    assert.equal(created.status, 201);
    const pl = created.body;
    const e = await runToEnd(pl);
    assert.equal(e.status, 'FAILED');
    const run = (await s.store.runs.byNumber(pl.id, e.id))!;
    assert.match(run.yamlErrors ?? '', /ci\/build\.yml: template parameter 'target' has no value/);
    assert.deepEqual(await s.store.jobs.forRun(run.id), [], 'no job was stored for a template that did not fill');

    await call(`${P}/pipelines/${pl.id}`, { method: 'PATCH', json: { remote_path: 'ci/missing.yml' } });
    const missing = await runToEnd(pl);
    assert.equal(missing.status, 'FAILED');
    assert.match((await s.store.runs.byNumber(pl.id, missing.id))!.yamlErrors ?? '', /ci\/missing\.yml not found/);
  });
});
