import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBuddyServer, type BuddyTestServer } from './support/buddy-server.js';
import { gitAsync, makeWorkingRepo } from '../support/git.js';
import { waitFor } from '../support/wait.js';

describe('a Buddy pipeline with a PUSH event and ON_CHANGE_AT_PATH', () => {
  let s: BuddyTestServer;
  before(async () => { s = await startBuddyServer({ runnerConcurrency: 1 }); });
  after(async () => { await s?.stop(); });

  it('runs only for pushes that change the watched path', async () => {
    const project = await s.project({ 'README.md': 'x\n' });
    const P = `/api/workspaces/${project.workspacePath}/projects/${project.path}`;
    const created = await s.api(`${P}/pipelines`, {
      method: 'POST', json: {
        name: 'Docs', events: [{ type: 'PUSH', refs: ['refs/heads/main'] }],
        trigger_conditions: [{ trigger_condition: 'ON_CHANGE_AT_PATH', trigger_condition_paths: ['docs/'] }],
      },
    });
    assert.equal(created.status, 201, await created.clone().text());
    const pipeline = await created.json() as { id: number };
    assert.equal((await s.api(`${P}/pipelines/${pipeline.id}/actions`, { method: 'POST', json: { name: 'Build docs', type: 'BUILD', execute_commands: ['ls docs || true'] } })).status, 201);
    const executions = async () => ((await (await s.api(`${P}/pipelines/${pipeline.id}/executions`)).json()) as { executions: unknown[] }).executions.length;

    // Clone what the project holds, then push a commit that leaves docs/ alone, then one that changes it.
    const repo = makeWorkingRepo({ 'README.md': 'x\n' });
    const url = `http://root:${s.token}@${new URL(s.url).host}/${project.workspacePath}/${project.path}.git`;
    assert.equal((await gitAsync(repo.dir, ['pull', '-q', '--rebase', url, 'main'])).code, 0);
    repo.commit({ 'src/app.txt': 'code' }, 'code only');
    assert.equal((await gitAsync(repo.dir, ['push', '-q', url, 'HEAD:refs/heads/main'])).code, 0);
    // Give both loops (push intake, Buddy's follower) time to see the push and decide.
    await waitFor('the GitLab-file run of the first push', async () => (await s.store.pushEvents.listForProject(project.id)).every((e) => e.processedAt !== null) && (await s.store.pushEvents.listForProject(project.id)).length > 0);
    await new Promise((r) => setTimeout(r, 4_500));
    assert.equal(await executions(), 0, 'a push outside docs/ makes no run');

    repo.commit({ 'docs/guide.md': 'words' }, 'docs');
    assert.equal((await gitAsync(repo.dir, ['push', '-q', url, 'HEAD:refs/heads/main'])).code, 0);
    await waitFor('a run for the docs push', async () => (await executions()) === 1, 20_000);
  });
});
