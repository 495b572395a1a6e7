import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { git, gitEnv, makeWorkingRepo } from '../support/git.js';
import { waitFor, TERMINAL } from '../support/wait.js';

describe('CI/CD variable values at rest', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer({ runnerConcurrency: 1 }); });
  after(async () => { await s?.stop(); });

  it('are stored sealed, yet read back and handed to jobs in clear', async () => {
    const created = await s.api('/api/v4/projects', { method: 'POST', json: { name: 'sealed' } });
    const project = await created.json() as { id: number };
    const secret = 'clear-text-never-on-disk-7Q';
    const res = await s.api(`/api/v4/projects/${project.id}/variables`, { method: 'POST', json: { key: 'DEPLOY_TOKEN', value: secret, masked: true } });
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal((await res.json() as { value: string }).value, secret);
    const [row] = await s.store.ciVariables.byKey({ kind: 'project', id: project.id }, 'DEPLOY_TOKEN');
    assert.ok(row && row.value !== secret && !row.value.includes(secret), 'the stored value is not the clear text');
    if (process.env.RUNNEL_TEST_DATABASE !== 'postgres') {
      // On SQLite the database is files in the data directory: the clear text is in none of them.
      // (On PostgreSQL the stored row above is what the database holds.)
      const db = readFileSync(join(s.dataDir, 'runnel.sqlite'));
      const wal = readFileSync(join(s.dataDir, 'runnel.sqlite-wal'));
      assert.equal(db.includes(secret) || wal.includes(secret), false, 'the clear text is nowhere in the database files');
    }
    const read = await (await s.api(`/api/v4/projects/${project.id}/variables/DEPLOY_TOKEN`)).json() as { value: string };
    assert.equal(read.value, secret);
    const updated = await s.api(`/api/v4/projects/${project.id}/variables/DEPLOY_TOKEN`, { method: 'PUT', json: { value: `${secret}-2` } });
    assert.equal((await updated.json() as { value: string }).value, `${secret}-2`);
    const list = await (await s.api(`/api/v4/projects/${project.id}/variables`)).json() as Array<{ key: string; value: string }>;
    assert.deepEqual(list.map((v) => [v.key, v.value]), [['DEPLOY_TOKEN', `${secret}-2`]]);

    // A job gets the clear value (and its log shows it masked).
    const stored = (await s.store.projects.byId(project.id))!;
    const repo = makeWorkingRepo({ '.gitlab-ci.yml': `check:\n  script:\n    - '[ "$DEPLOY_TOKEN" = "${secret}-2" ] && echo "MATCH $DEPLOY_TOKEN"'\n` });
    git(repo.dir, ['push', '-q', s.host.pathOf(stored.workspacePath, stored.path), 'HEAD:refs/heads/main'], gitEnv());
    const result = await s.engine.createRun({ project: stored, ref: 'main', source: 'api', user: null });
    assert.ok(result.created);
    const run = await waitFor('run', async () => { const r = await s.store.runs.byId(result.run.id); return r && TERMINAL.has(r.status) ? r : null; });
    const [job] = await s.store.jobs.forRun(run.id);
    const log = (await s.store.jobs.readLog(job!.id)).toString();
    assert.equal(run.status, 'success', log);
    assert.match(log, /MATCH \[MASKED\]/);
  });
});
