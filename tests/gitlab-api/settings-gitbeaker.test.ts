import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gitlab } from '@gitbeaker/rest';
import { startApiServer, waitFor, type ApiServer } from './support.js';

function statusOf(error: unknown): number | undefined {
  return (error as { cause?: { response?: Response } }).cause?.response?.status;
}
function bodyOf(error: unknown): string {
  return String((error as { cause?: { description?: string } }).cause?.description ?? '');
}

describe('variables, triggers, schedules, hooks, runners through @gitbeaker/rest', () => {
  let s: ApiServer;
  let api: InstanceType<typeof Gitlab>;
  before(async () => {
    s = await startApiServer();
    api = new Gitlab({ host: s.url, token: s.rootToken.token });
  });
  after(async () => { await s?.stop(); });

  it('keeps a masked project variable out of the stored job log, and protected ones off unprotected refs', async () => {
    const p = await s.project({ '.gitlab-ci.yml': 'show:\n  script:\n    - echo "secret=$SECRET_TOKEN"\n    - echo "prot=$PROT_VAR"\n    - echo "group=$GROUP_VAR"\n' });
    await api.ProjectVariables.create(p.id, 'SECRET_TOKEN', 's3cr3t-Value-42', { masked: true });
    await api.ProjectVariables.create(p.id, 'PROT_VAR', 'only-protected', { protected: true });
    const main = await api.Pipelines.create(p.id, 'main');
    await s.finished(p.id, main.id);
    const job = (await api.Jobs.all(p.id, { pipelineId: main.id }))[0]!;
    const stored = (await s.store.jobs.readLog(job.id)).toString('utf8');
    assert.match(stored, /secret=\[MASKED\]/);
    assert.doesNotMatch(stored, /s3cr3t-Value-42/);
    assert.match(stored, /prot=only-protected/, 'the default branch is protected');
    await p.push('refs/heads/feature');
    const feature = await api.Pipelines.create(p.id, 'feature');
    await s.finished(p.id, feature.id);
    const fjob = (await api.Jobs.all(p.id, { pipelineId: feature.id }))[0]!;
    assert.match(String(await api.Jobs.showLog(p.id, fjob.id)), /prot=\s*$/m, 'not on an unprotected branch');
  });

  it('validates project variables like GitLab and supports CRUD', async () => {
    const p = await s.project({ '.gitlab-ci.yml': 'x:\n  script: [echo]\n' });
    const created = await api.ProjectVariables.create(p.id, 'API_KEY', 'value-1', { variableType: 'file', description: 'd', environmentScope: '*' } as never);
    assert.deepEqual(created, { variable_type: 'file', key: 'API_KEY', value: 'value-1', hidden: false, protected: false, masked: false, raw: false, environment_scope: '*', description: 'd' });
    await assert.rejects(api.ProjectVariables.create(p.id, 'API_KEY', 'again'), (e) => statusOf(e) === 400 && /\(API_KEY\) has already been taken/.test(bodyOf(e)));
    await assert.rejects(api.ProjectVariables.create(p.id, 'SHORT', 'short', { masked: true }), (e) => statusOf(e) === 400 && /value/.test(bodyOf(e)));
    await assert.rejects(api.ProjectVariables.create(p.id, 'MULTI', 'line-one\nline-two', { masked: true }), (e) => statusOf(e) === 400);
    await assert.rejects(api.ProjectVariables.create(p.id, 'bad-key', 'v'), (e) => statusOf(e) === 400 && /letters, digits/.test(bodyOf(e)));
    await assert.rejects(api.ProjectVariables.create(p.id, 'TYPED', 'v', { variableType: 'nope' } as never), (e) => statusOf(e) === 400);
    assert.equal((await api.ProjectVariables.show(p.id, 'API_KEY')).value, 'value-1');
    const edited = await api.ProjectVariables.edit(p.id, 'API_KEY', 'value-2', { protected: true } as never);
    assert.equal(edited.value, 'value-2');
    assert.equal(edited.protected, true);
    assert.equal((await api.ProjectVariables.all(p.id)).length, 1);
    await api.ProjectVariables.remove(p.id, 'API_KEY');
    await assert.rejects(api.ProjectVariables.show(p.id, 'API_KEY'), (e) => statusOf(e) === 404);
  });

  it('group variables reach projects of the group, below project variables', async () => {
    const group = await s.json<{ id: number }>('/api/v4/groups', { method: 'POST', json: { name: 'team', path: `team${process.pid}` } });
    assert.equal(group.status, 201);
    await api.GroupVariables.create(group.body.id, 'GROUP_VAR', 'from-group');
    await api.GroupVariables.create(group.body.id, 'SHARED', 'group-value');
    assert.equal((await api.GroupVariables.all(group.body.id)).length, 2);
    assert.equal((await api.GroupVariables.show(group.body.id, 'SHARED')).value, 'group-value');
    await api.GroupVariables.edit(group.body.id, 'SHARED', 'group-value-2');
    const p = await s.project({ '.gitlab-ci.yml': 'x:\n  script: [\'echo "g=$GROUP_VAR s=$SHARED"\']\n' }, { group: String(group.body.id) });
    await api.ProjectVariables.create(p.id, 'SHARED', 'project-wins');
    const run = await api.Pipelines.create(p.id, 'main');
    await s.finished(p.id, run.id);
    const job = (await api.Jobs.all(p.id, { pipelineId: run.id }))[0]!;
    assert.match(String(await api.Jobs.showLog(p.id, job.id)), /g=from-group s=project-wins/);
    await api.GroupVariables.remove(group.body.id, 'GROUP_VAR');
    assert.equal((await api.GroupVariables.all(group.body.id)).length, 1);
  });

  it('trigger tokens start pipelines with source trigger and variables', async () => {
    const p = await s.project({ '.gitlab-ci.yml': 'x:\n  script: [\'echo "t=$TRIG"\']\n' });
    const trigger = await api.PipelineTriggerTokens.create(p.id, 'deploy hook');
    assert.match(trigger.token, /^glptt-/);
    assert.equal((await api.PipelineTriggerTokens.all(p.id)).length, 1);
    assert.equal((await api.PipelineTriggerTokens.show(p.id, trigger.id)).description, 'deploy hook');
    assert.equal((await api.PipelineTriggerTokens.edit(p.id, trigger.id, { description: 'renamed' })).description, 'renamed');
    // The trigger token alone authenticates (no user token).
    const anonymous = new Gitlab({ host: s.url, token: '' });
    const run = await anonymous.PipelineTriggerTokens.trigger(p.id, 'main', trigger.token, { variables: { TRIG: 'yes' } });
    assert.equal(run.source, 'trigger');
    await s.finished(p.id, run.id);
    const job = (await api.Jobs.all(p.id, { pipelineId: run.id }))[0]!;
    assert.match(String(await api.Jobs.showLog(p.id, job.id)), /t=yes/);
    await assert.rejects(anonymous.PipelineTriggerTokens.trigger(p.id, 'main', 'glptt-wrong'), (e) => statusOf(e) === 404);
    await api.PipelineTriggerTokens.remove(p.id, trigger.id);
    assert.equal((await api.PipelineTriggerTokens.all(p.id)).length, 0);
  });

  it('pipeline schedules: CRUD, variables, play, and the loop starts due schedules', async () => {
    const p = await s.project({ '.gitlab-ci.yml': 'x:\n  script: [\'echo "sv=$SCHED_VAR"\']\n' });
    const sched = await api.PipelineSchedules.create(p.id, 'nightly', 'main', '0 3 * * *', { cronTimezone: 'Europe/Berlin' });
    assert.equal(sched.cron_timezone, 'Europe/Berlin');
    assert.match(String(sched.next_run_at), /T0[12]:00:00\.000Z$/, '03:00 Berlin is 01:00 or 02:00 UTC');
    await assert.rejects(api.PipelineSchedules.create(p.id, 'bad', 'main', 'not a cron'), (e) => statusOf(e) === 400 && /cron/.test(bodyOf(e)));
    await assert.rejects(api.PipelineSchedules.create(p.id, 'bad', 'main', '* * * * *', { cronTimezone: 'Mars/Olympus' }), (e) => statusOf(e) === 400);
    await api.PipelineScheduleVariables.create(p.id, sched.id, 'SCHED_VAR', 'v1');
    await api.PipelineScheduleVariables.edit(p.id, sched.id, 'SCHED_VAR', 'v2');
    await api.PipelineScheduleVariables.create(p.id, sched.id, 'GONE', 'x');
    await api.PipelineScheduleVariables.remove(p.id, sched.id, 'GONE');
    const shown = await api.PipelineSchedules.show(p.id, sched.id);
    assert.deepEqual((shown.variables as Array<{ key: string; value: string }>).map((v) => [v.key, v.value]), [['SCHED_VAR', 'v2']]);
    assert.equal((await api.PipelineSchedules.all(p.id)).length, 1);
    const edited = await api.PipelineSchedules.edit(p.id, sched.id, { description: 'hourly', cron: '0 * * * *' });
    assert.equal(edited.description, 'hourly');
    await api.PipelineSchedules.run(p.id, sched.id);
    const played = await waitFor('scheduled run', async () => (await api.Pipelines.all(p.id, { source: 'schedule' }))[0]);
    await s.finished(p.id, played.id);
    const job = (await api.Jobs.all(p.id, { pipelineId: played.id }))[0]!;
    assert.match(String(await api.Jobs.showLog(p.id, job.id)), /sv=v2/);
    assert.equal(((await api.PipelineSchedules.show(p.id, sched.id)).last_pipeline as { id: number }).id, played.id);
    // Make it due now: the background loop starts it once and moves next_run_at on.
    await s.store.pipelineSchedules.update(sched.id, { nextRunAt: Date.now() - 1000, updatedAt: Date.now() });
    await waitFor('loop run', async () => (await api.Pipelines.all(p.id, { source: 'schedule' })).length === 2);
    const after = await api.PipelineSchedules.show(p.id, sched.id);
    assert.ok(Date.parse(String(after.next_run_at)) > Date.now());
    await api.PipelineSchedules.remove(p.id, sched.id);
    assert.equal((await api.PipelineSchedules.all(p.id)).length, 0);
  });

  it('project hooks deliver pipeline and job events with GitLab headers, retry failures, and keep deliveries', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
    let failFirst = 2;
    const receiver = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => { data += c; });
      req.on('end', () => {
        if (failFirst > 0) { failFirst--; res.statusCode = 500; res.end('try later'); return; }
        received.push({ headers: req.headers, body: JSON.parse(data) as Record<string, unknown> });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const p = await s.project({ '.gitlab-ci.yml': 'x:\n  script: [echo hook]\n' });
      const hook = await api.ProjectHooks.add(p.id, url, { pipelineEvents: true, jobEvents: true, pushEvents: false, token: 'hook-secret' } as never);
      assert.equal(hook.pipeline_events, true);
      assert.ok(!('token' in hook), 'the token is never shown');
      assert.equal((await api.ProjectHooks.all(p.id)).length, 1);
      assert.equal((await api.ProjectHooks.show(p.id, hook.id)).url, url);
      const run = await api.Pipelines.create(p.id, 'main');
      await s.finished(p.id, run.id);
      const pipelineDone = await waitFor('success pipeline hook', () => received.find((r) => r.body.object_kind === 'pipeline' && (r.body.object_attributes as { id: number; status: string }).id === run.id && (r.body.object_attributes as { status: string }).status === 'success'), 30_000);
      assert.equal(pipelineDone.headers['x-gitlab-event'], 'Pipeline Hook');
      assert.equal(pipelineDone.headers['x-gitlab-token'], 'hook-secret');
      const attrs = pipelineDone.body.object_attributes as Record<string, unknown>;
      assert.equal(attrs.id, run.id);
      assert.equal(attrs.source, 'api');
      assert.match(String(attrs.created_at), / UTC$/);
      assert.equal((pipelineDone.body.builds as unknown[]).length, 1);
      const jobDone = await waitFor('job hook', () => received.find((r) => r.body.object_kind === 'build' && r.body.pipeline_id === run.id && r.body.build_status === 'success'));
      assert.equal(jobDone.headers['x-gitlab-event'], 'Job Hook');
      assert.equal(jobDone.body.pipeline_id, run.id);
      type Delivery = { response_status: string; trigger: string; state: string; attempts: number };
      const events = await waitFor('a retried delivery to succeed', async () => {
        const r = await s.json<Delivery[]>(`/api/v4/projects/${p.id}/hooks/${hook.id}/events`);
        assert.equal(r.status, 200);
        return r.body.some((e) => e.attempts > 1 && e.state === 'delivered') ? r.body : null;
      });
      assert.ok(events.some((e) => e.response_status === '200'));
      assert.ok(events.some((e) => e.response_status === '500' || e.attempts > 1), 'failed deliveries were retried');
      const edited = await api.ProjectHooks.edit(p.id, hook.id, url, { jobEvents: false } as never);
      assert.equal(edited.job_events, false);
      await assert.rejects(api.ProjectHooks.add(p.id, 'ftp://nope'), (e) => statusOf(e) === 400);
      await api.ProjectHooks.remove(p.id, hook.id);
      assert.equal((await api.ProjectHooks.all(p.id)).length, 0);
    } finally {
      receiver.close();
    }
  });

  it('lists runners, creates one with a PAT, renames pipelines and streams live events', async () => {
    const runners = await api.Runners.all();
    assert.ok(runners.length >= 1);
    const all = await s.json<Array<{ id: number; online: boolean; jobs_running: unknown[] }>>('/api/v4/runners/all');
    assert.equal(all.status, 200);
    assert.equal(all.body[0]!.online, true);
    assert.ok(Array.isArray(all.body[0]!.jobs_running));
    const created = await api.Users.createCIRunner('instance_type', { description: 'new one' } as never);
    assert.match(String(created.token), /^rnlrt-/);
    const p = await s.project({ '.gitlab-ci.yml': 'x:\n  script: [echo live, sleep 1]\n' });
    const run = await api.Pipelines.create(p.id, 'main');
    const meta = await s.json<{ name: string }>(`/api/v4/projects/${p.id}/pipelines/${run.id}/metadata`, { method: 'PUT', json: { name: '  Nightly build  ' } });
    assert.equal(meta.body.name, 'Nightly build');
    assert.equal((await api.Pipelines.all(p.id, { name: 'Nightly build' } as never)).length, 1);
    const response = await fetch(`${s.url}/api/v4/projects/${p.id}/pipelines/${run.id}/events?private_token=${s.rootToken.token}`);
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-type')), /text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    await waitFor('terminal run event', async () => {
      const { value, done } = await reader.read();
      if (value) text += new TextDecoder().decode(value);
      return done || /event: run\ndata: \{"id":\d+,"status":"success"\}/.test(text);
    });
    await reader.cancel();
    assert.match(text, /event: job\ndata: \{"id":\d+,"status":"running"\}/);
  });
});
