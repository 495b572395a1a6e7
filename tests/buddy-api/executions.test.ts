import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { startBuddyServer, TERMINAL_EXECUTION, type BuddyTestServer, type Json } from './support/buddy-server.js';
import { waitFor } from '../support/wait.js';
import { fireSchedules } from '../../src/server/engine/index.js';
import type { Project, Run } from '../../src/server/store/index.js';

const TERMINAL = TERMINAL_EXECUTION;


describe('Buddy executions really run, and pipeline settings act (embedded runner)', () => {
  let s: BuddyTestServer;
  let project: Project;
  let P: string;

  before(async () => {
    s = await startBuddyServer({ runnerConcurrency: 2 });
    project = await s.project({ '.gitlab-ci.yml': 'gl:\n  script: [echo from-gitlab]\n' });
    P = `/api/workspaces/${project.workspacePath}/projects/${project.path}`;
  });
  after(async () => { await s?.stop(); });

  const call = (path: string, init?: Parameters<BuddyTestServer['api']>[1]) => s.call(path, init);

  async function pipeline(fields: Json, actions: Json[]): Promise<Json> {
    const p = await call(`${P}/pipelines`, { method: 'POST', json: fields });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    for (const a of actions) assert.equal((await call(`${P}/pipelines/${p.body.id}/actions`, { method: 'POST', json: a })).status, 201);
    return p.body;
  }

  async function run(pl: Json, json: Json = {}): Promise<Json> {
    const r = await call(`${P}/pipelines/${pl.id}/executions`, { method: 'POST', json });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }

  async function finished(pl: Json, id: number, timeoutMs = 30_000): Promise<Json> {
    return waitFor(`execution ${id}`, async () => {
      const e = (await call(`${P}/pipelines/${pl.id}/executions/${id}`)).body;
      return TERMINAL.has(e.status) ? e : null;
    }, timeoutMs);
  }

  const build = (name: string, commands: string[], extra: Json = {}) => ({ name, type: 'BUILD', execute_commands: commands, ...extra });

  it('runs an actions pipeline and shows it in both APIs with the same jobs and statuses', async () => {
    const pl = await pipeline({ name: 'Two steps' }, [build('Compile', ['echo compiled']), build('Check', ['echo checked'])]);
    const started = await run(pl, { comment: 'first' });
    assert.equal(started.id, 1);
    assert.ok(['ENQUEUED', 'INPROGRESS'].includes(started.status));
    const e = await finished(pl, 1);
    assert.equal(e.status, 'SUCCESSFUL');
    assert.equal(e.comment, 'first');
    assert.deepEqual(e.action_executions.map((a: Json) => [a.action.name, a.status]), [['Compile', 'SUCCESSFUL'], ['Check', 'SUCCESSFUL']]);
    assert.ok(e.action_executions[0].log.some((l: string) => l.includes('compiled')));
    const detail = await call(`${P}/pipelines/${pl.id}/executions/1/action_executions/${e.action_executions[1].action_execution_id}`);
    assert.equal(detail.body.status, 'SUCCESSFUL');
    assert.ok(detail.body.log.some((l: string) => l.includes('checked')));
    const list = await call(`${P}/pipelines/${pl.id}/executions`);
    assert.equal(list.body.total_element_count, 1);
    assert.equal(list.body.executions[0].status, 'SUCCESSFUL');
    const got = await call(`${P}/pipelines/${pl.id}`);
    assert.equal(got.body.last_execution_status, 'SUCCESSFUL');
    assert.match(got.body.last_execution_revision, /^[0-9a-f]{40}$/);
    // The same run through GitLab's API (or the store when that façade is absent).
    const runId = e.gitlab_pipeline_id as number;
    const gl = await s.api(`/api/v4/projects/${project.id}/pipelines/${runId}`);
    if (gl.status === 200) {
      assert.equal((await gl.json() as Json).status, 'success');
      const jobs = await (await s.api(`/api/v4/projects/${project.id}/pipelines/${runId}/jobs`)).json() as Json[];
      assert.deepEqual(jobs.map((j) => [j.name, j.status]).sort(), [['Check', 'success'], ['Compile', 'success']]);
    } else {
      const r = (await s.store.runs.byId(runId))!;
      assert.equal(r.status, 'success');
      assert.deepEqual((await s.store.jobs.forRun(runId)).map((j) => [j.name, j.status]), [['Compile', 'success'], ['Check', 'success']]);
    }
  });

  it('shows a run created the GitLab way as an execution of the project\'s CI-file pipeline', async () => {
    const root = (await s.store.users.byUsername('root'))!;
    const result = await s.engine.createRun({ project, ref: 'main', source: 'api', user: root });
    assert.ok(result.created);
    const list = (await call(`${P}/pipelines`)).body.pipelines as Json[];
    const ci = list.find((p) => p.identifier === 'gitlab_ci')!;
    assert.equal(ci.concurrent_pipeline_runs, true);
    const e = await finished(ci, result.run.number);
    assert.equal(e.status, 'SUCCESSFUL');
    assert.equal(e.triggeredOn, 'API');
    assert.deepEqual(e.action_executions.map((a: Json) => [a.action.name, a.status]), [['gl', 'SUCCESSFUL']]);
  });

  it('by default runs one at a time: the first runs, the newest next, the ones in between end SKIPPED', async () => {
    const pl = await pipeline({ name: 'Serial' }, [build('Work', ['sleep 1'])]);
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await run(pl)).id);
    const statuses = await Promise.all(ids.map(async (id) => (await finished(pl, id)).status));
    assert.deepEqual(statuses, ['SUCCESSFUL', 'SKIPPED', 'SKIPPED', 'SUCCESSFUL']);
    const [first, , , last] = await Promise.all(ids.map(async (id) => (await s.store.runs.byNumber(pl.id, id))!));
    assert.ok(last!.startedAt! >= first!.finishedAt!, 'the newest started after the first ended');
  });

  it('with no_skip_to_most_recent runs every queued execution, in order', async () => {
    const pl = await pipeline({ name: 'All of them', no_skip_to_most_recent: true }, [build('Work', ['sleep 0.5'])]);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await run(pl)).id);
    const runs = await Promise.all(ids.map(async (id) => { await finished(pl, id); return (await s.store.runs.byNumber(pl.id, id))!; }));
    assert.deepEqual(runs.map((r) => r.status), ['success', 'success', 'success']);
    assert.ok(runs[1]!.startedAt! >= runs[0]!.finishedAt! && runs[2]!.startedAt! >= runs[1]!.finishedAt!);
  });

  it('with terminate_stale_runs a new run on the same ref terminates the one in progress', async () => {
    const pl = await pipeline({ name: 'Stale', terminate_stale_runs: true }, [build('Long', ['sleep 30'])]);
    const first = await run(pl);
    await waitFor('first running', async () => (await call(`${P}/pipelines/${pl.id}/executions/${first.id}`)).body.status === 'INPROGRESS');
    const second = await run(pl);
    assert.equal((await finished(pl, first.id, 20_000)).status, 'TERMINATED');
    await waitFor('second running', async () => (await call(`${P}/pipelines/${pl.id}/executions/${second.id}`)).body.status === 'INPROGRESS');
    await call(`${P}/pipelines/${pl.id}/executions/${second.id}`, { method: 'PATCH', json: { operation: 'CANCEL' } });
    assert.equal((await finished(pl, second.id, 20_000)).status, 'TERMINATED');
  });

  it('refuses runs of a disabled pipeline and uncommented runs when a description is required', async () => {
    const pl = await pipeline({ name: 'Strict', description_required: true }, [build('A', ['true'])]);
    const refused = await call(`${P}/pipelines/${pl.id}/executions`, { method: 'POST', json: {} });
    assert.equal(refused.status, 400);
    assert.match(refused.body.errors[0].message, /comment/i);
    assert.equal((await run(pl, { comment: 'because' })).status !== undefined, true);
    await call(`${P}/pipelines/${pl.id}`, { method: 'PATCH', json: { disabled: true, disabled_reason: 'maintenance' } });
    const disabled = await call(`${P}/pipelines/${pl.id}/executions`, { method: 'POST', json: { comment: 'x' } });
    assert.equal(disabled.status, 400);
    assert.match(disabled.body.errors[0].message, /disabled: maintenance/);
  });

  it('waits for approval (WAIT_FOR_APPLY) until APPLY, and validates operations', async () => {
    const pl = await pipeline({ name: 'Approve' }, [{ name: 'Approve', type: 'WAIT_FOR_APPLY' }, build('Deploy', ['echo deployed'])]);
    const e = await run(pl);
    await waitFor('waiting', async () => (await call(`${P}/pipelines/${pl.id}/executions/${e.id}`)).body.status === 'WAITING_FOR_APPLY');
    assert.equal((await call(`${P}/pipelines/${pl.id}/executions/${e.id}`, { method: 'PATCH', json: { operation: 'RETRY' } })).status, 400);
    assert.equal((await call(`${P}/pipelines/${pl.id}/executions/${e.id}`, { method: 'PATCH', json: { operation: 'FLY' } })).status, 400);
    const applied = await call(`${P}/pipelines/${pl.id}/executions/${e.id}`, { method: 'PATCH', json: { operation: 'APPLY' } });
    assert.equal(applied.status, 200);
    assert.equal((await finished(pl, e.id)).status, 'SUCCESSFUL');
    assert.equal((await call(`${P}/pipelines/${pl.id}/executions/${e.id}`, { method: 'PATCH', json: { operation: 'CANCEL' } })).status, 400);
  });

  const actionStatuses = (e: Json) => Object.fromEntries(e.action_executions.map((a: Json) => [a.action.name, a.status]));
  const actionLog = (e: Json, name: string) => (e.action_executions.find((a: Json) => a.action.name === name)?.log ?? []).join('\n');

  it('runs ON_WARNING actions after an ignored error, and not after a clean run', async () => {
    const hooks = [
      build('Warned', ['echo warned-hook'], { trigger_time: 'ON_WARNING' }),
      build('Cleanup', ['echo cleanup-hook'], { trigger_time: 'ON_TERMINATE' }),
    ];
    const warned = await pipeline({ name: 'Warnings' }, [build('Flaky', ['exit 3'], { ignore_errors: true }), build('Next', ['echo next']), ...hooks]);
    const e = await finished(warned, (await run(warned)).id);
    assert.equal(e.status, 'SUCCESSFUL');
    assert.deepEqual(actionStatuses(e), { Flaky: 'FAILED', Next: 'SUCCESSFUL', Warned: 'SUCCESSFUL', Cleanup: 'NOT_EXECUTED' });
    const full = await call(`${P}/pipelines/${warned.id}/executions/${e.id}`);
    assert.match(actionLog(full.body, 'Warned'), /warned-hook/);

    const clean = await pipeline({ name: 'No warnings' }, [build('Fine', ['true']), ...hooks]);
    const c = await finished(clean, (await run(clean)).id);
    assert.equal(c.status, 'SUCCESSFUL');
    assert.deepEqual(actionStatuses(c), { Fine: 'SUCCESSFUL', Warned: 'NOT_EXECUTED', Cleanup: 'NOT_EXECUTED' });
  });

  it('runs ON_TERMINATE actions when a run is cancelled, then ends TERMINATED; a second cancel stops them too', async () => {
    const pl = await pipeline({ name: 'Terminate hooks' }, [
      build('Long', ['sleep 30']),
      build('After', ['echo never']),
      build('Cleanup', ['echo cleanup-ran'], { trigger_time: 'ON_TERMINATE' }),
    ]);
    const started = await run(pl);
    await waitFor('Long running', async () => actionStatuses((await call(`${P}/pipelines/${pl.id}/executions/${started.id}`)).body).Long === 'INPROGRESS');
    assert.equal((await call(`${P}/pipelines/${pl.id}/executions/${started.id}`, { method: 'PATCH', json: { operation: 'CANCEL' } })).status, 200);
    const e = await finished(pl, started.id, 20_000);
    assert.equal(e.status, 'TERMINATED');
    const full = (await call(`${P}/pipelines/${pl.id}/executions/${e.id}`)).body;
    assert.deepEqual(actionStatuses(full), { Long: 'TERMINATED', After: 'TERMINATED', Cleanup: 'SUCCESSFUL' });
    assert.match(actionLog(full, 'Cleanup'), /cleanup-ran/);
    // The run finished once: its finish time is after the cleanup's.
    const r = (await s.store.runs.byNumber(pl.id, e.id))!;
    const cleanup = (await s.store.jobs.forRun(r.id)).find((j) => j.name === 'Cleanup')!;
    assert.ok(r.finishedAt! >= cleanup.finishedAt!, 'the run ends after its ON_TERMINATE actions');

    const stubborn = await pipeline({ name: 'Stubborn cleanup' }, [build('Long', ['sleep 30']), build('Cleanup', ['sleep 30'], { trigger_time: 'ON_TERMINATE' })]);
    const second = await run(stubborn);
    const exec = `${P}/pipelines/${stubborn.id}/executions/${second.id}`;
    await waitFor('Long running', async () => actionStatuses((await call(exec)).body).Long === 'INPROGRESS');
    await call(exec, { method: 'PATCH', json: { operation: 'CANCEL' } });
    await waitFor('cleanup running', async () => actionStatuses((await call(exec)).body).Cleanup === 'INPROGRESS');
    assert.equal((await call(exec)).body.status, 'TERMINATING', 'the run is still going while its ON_TERMINATE actions run');
    const gitlabView = (await s.store.runs.byNumber(stubborn.id, second.id))!;
    assert.equal(gitlabView.status, 'running');
    await call(exec, { method: 'PATCH', json: { operation: 'CANCEL' } });
    const done = await finished(stubborn, second.id, 20_000);
    assert.equal(done.status, 'TERMINATED');
    assert.equal(actionStatuses((await call(exec)).body).Cleanup, 'TERMINATED');
  });

  it('runs ON_WAIT_FOR_APPROVE actions when the run starts waiting, and a cancel ends the waiting run', async () => {
    const pl = await pipeline({ name: 'Ask first' }, [
      build('Build', ['echo built']),
      { name: 'Approve', type: 'WAIT_FOR_APPLY' },
      build('Deploy', ['echo deployed']),
      build('Notify', ['echo approval-needed'], { trigger_time: 'ON_WAIT_FOR_APPROVE' }),
      build('Cleanup', ['echo cleanup-after-wait'], { trigger_time: 'ON_TERMINATE' }),
    ]);
    const started = await run(pl);
    const exec = `${P}/pipelines/${pl.id}/executions/${started.id}`;
    await waitFor('notified while waiting', async () => {
      const e = (await call(exec)).body;
      return e.status === 'WAITING_FOR_APPLY' && actionStatuses(e).Notify === 'SUCCESSFUL' ? e : null;
    });
    const waiting = (await call(exec)).body;
    assert.match(actionLog(waiting, 'Notify'), /approval-needed/);
    assert.equal(actionStatuses(waiting).Build, 'SUCCESSFUL');
    assert.notEqual(actionStatuses(waiting).Deploy, 'SUCCESSFUL');
    assert.equal((await call(exec, { method: 'PATCH', json: { operation: 'CANCEL' } })).status, 200);
    const e = await finished(pl, started.id, 20_000);
    assert.equal(e.status, 'TERMINATED');
    assert.deepEqual(actionStatuses((await call(exec)).body), { Build: 'SUCCESSFUL', Approve: 'TERMINATED', Deploy: 'TERMINATED', Notify: 'SUCCESSFUL', Cleanup: 'SUCCESSFUL' });
  });

  it('retries a failed execution and passes variables workspace < project < pipeline < action < run', async () => {
    const pl = await pipeline({ name: 'Vars run' }, [build('Show', ['echo "V=$A/$B/$C/$D/$SECRET"', 'test -f flag || { touch flag; exit 1; }'], { variables: [{ key: 'D', value: 'action' }] })]);
    const V = `/api/workspaces/${project.workspacePath}/variables`;
    for (const [key, scope] of [['A', {}], ['B', {}], ['B', { project: { name: project.path } }], ['C', { project: { name: project.path } }], ['C', { pipeline: { id: pl.id } }], ['D', { pipeline: { id: pl.id } }]] as const) {
      const value = Object.keys(scope)[0] ?? 'workspace';
      assert.equal((await call(V, { method: 'POST', json: { key, value, ...scope } })).status, 201);
    }
    await call(V, { method: 'POST', json: { key: 'SECRET', value: 'hunter2', encrypted: true, pipeline: { id: pl.id } } });
    const e = await run(pl);
    const failed = await finished(pl, e.id);
    assert.equal(failed.status, 'FAILED');
    assert.ok(failed.action_executions[0].log.some((l: string) => l.includes('V=workspace/project/pipeline/action/')), failed.action_executions[0].log.join('\n'));
    assert.ok(!failed.action_executions[0].log.join('\n').includes('hunter2'), 'encrypted values are masked in logs');
    const retried = await call(`${P}/pipelines/${pl.id}/executions/${e.id}`, { method: 'PATCH', json: { operation: 'RETRY' } });
    assert.equal(retried.status, 200);
  });

  it('clear_cache makes the next run of that pipeline cold while another pipeline keeps its cache', async () => {
    const probe = build('Cache', ['mkdir -p vendor', 'if [ -f vendor/dep ]; then echo CACHE-HIT; else echo CACHE-MISS; echo x > vendor/dep; fi'], { cached_dirs: ['vendor'] });
    const a = await pipeline({ name: 'Cache A' }, [probe]);
    const b = await pipeline({ name: 'Cache B' }, [probe]);
    const logOf = async (pl: Json) => (await finished(pl, (await run(pl)).id)).action_executions[0].log.join('\n') as string;
    assert.match(await logOf(a), /CACHE-MISS/);
    assert.match(await logOf(a), /CACHE-HIT/);
    assert.match(await logOf(b), /CACHE-MISS/);
    assert.match(await logOf(b), /CACHE-HIT/);
    assert.equal((await call(`${P}/pipelines/${a.id}`, { method: 'PATCH', json: { clear_cache: true } })).status, 200);
    assert.match(await logOf(a), /CACHE-MISS/);
    assert.match(await logOf(b), /CACHE-HIT/);
  });

  it('pauses a scheduled pipeline after N failures in a row; a paused schedule stops firing', async () => {
    const pl = await pipeline({ name: 'Nightly', events: [{ type: 'SCHEDULE', start_date: '2026-01-01T00:00:00Z', delay: 1 }], pause_on_repeated_failures: 2 }, [build('Fail', ['exit 1'])]);
    const deps = { store: s.store, engine: s.engine, logger: { info() {}, warn() {}, error() {} } as never };
    let now = Date.now();
    assert.equal(await fireSchedules(deps, now), 0, 'first sight only starts the clock');
    for (let i = 1; i <= 2; i++) {
      now += 61_000;
      assert.equal(await fireSchedules(deps, now), 1);
      const e = await finished(pl, i);
      assert.equal(e.status, 'FAILED');
      assert.equal(e.triggeredOn, 'SCHEDULE');
    }
    await waitFor('paused', async () => (await call(`${P}/pipelines/${pl.id}`)).body.paused === true);
    now += 61_000;
    assert.equal(await fireSchedules(deps, now), 0);
    assert.ok((await run(pl)).id, 'manual runs still allowed');
  });

  it('posts signed execution webhooks without holding the run back', async () => {
    const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { received.push({ headers: req.headers, body }); res.end('ok'); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      assert.equal((await call(`/api/workspaces/${project.workspacePath}/webhooks`, { method: 'POST', json: { target_url: url, events: ['EXECUTION_STARTED', 'EXECUTION_SUCCESSFUL', 'EXECUTION_FINISHED'], secret_key: 'sekrit' } })).status, 201);
      const pl = await pipeline({ name: 'Hooked' }, [build('A', ['true'])]);
      await finished(pl, (await run(pl)).id);
      const events = await waitFor('three deliveries', async () => {
        const mine = received.filter((r) => (JSON.parse(r.body) as Json).pipeline.id === pl.id);
        return mine.length >= 3 ? mine : null;
      }, 15_000);
      assert.deepEqual(events.map((e) => e.headers['x-buddy-event']).sort(), ['EXECUTION_FINISHED', 'EXECUTION_STARTED', 'EXECUTION_SUCCESSFUL']);
      for (const e of events) assert.equal(e.headers['x-buddy-signature'], `sha256=${createHmac('sha256', 'sekrit').update(e.body).digest('hex')}`);
      const hooks = (await call(`/api/workspaces/${project.workspacePath}/webhooks`)).body.webhooks as Json[];
      const detail = await call(`/api/workspaces/${project.workspacePath}/webhooks/${hooks[0]!.id}`);
      assert.ok(detail.body.requests.some((r: Json) => r.response_status === 200));
    } finally {
      receiver.close();
    }
  });

  it('runs a pipeline from its inbound trigger webhook URL', async () => {
    const pl = await pipeline({ name: 'Triggered', events: [{ type: 'WEBHOOK' }] }, [build('A', ['echo "X=$X"'])]);
    assert.ok(pl.trigger_url);
    const wrong = await fetch(pl.trigger_url.replace(/token=[^&]+/, 'token=wrong'));
    assert.equal(wrong.status, 404);
    const r = await fetch(`${pl.trigger_url}&X=42&comment=hook`, { method: 'POST' });
    assert.equal(r.status, 200);
    const e = await finished(pl, ((await r.json()) as Json).id);
    assert.equal(e.triggeredOn, 'WEBHOOK');
    assert.ok(e.action_executions[0].log.some((l: string) => l.includes('X=42')));
  });
});

describe('Buddy priority (one busy runner)', () => {
  let s: BuddyTestServer;
  before(async () => { s = await startBuddyServer({ runnerConcurrency: 1 }); });
  after(async () => { await s?.stop(); });

  it('starts a HIGH priority execution before an older LOW one', async () => {
    const project = await s.project();
    const P = `/api/workspaces/${project.workspacePath}/projects/${project.path}`;
    const make = async (name: string, priority: string, cmd: string) => {
      const p = (await (await s.api(`${P}/pipelines`, { method: 'POST', json: { name, priority } })).json()) as Json;
      await s.api(`${P}/pipelines/${p.id}/actions`, { method: 'POST', json: { name: 'a', type: 'BUILD', execute_commands: [cmd] } });
      return p;
    };
    const busy = await make('Busy', 'NORMAL', 'sleep 1.5');
    const low = await make('Low', 'LOW', 'true');
    const high = await make('High', 'HIGH', 'true');
    const start = async (p: Json) => (await (await s.api(`${P}/pipelines/${p.id}/executions`, { method: 'POST', json: {} })).json()) as Json;
    await start(busy);
    await waitFor('busy running', async () => (await s.store.runs.byNumber(busy.id, 1))?.status === 'running');
    await start(low);
    await start(high);
    const runs = await waitFor('both done', async () => {
      const l = await s.store.runs.byNumber(low.id, 1);
      const h = await s.store.runs.byNumber(high.id, 1);
      return l?.status === 'success' && h?.status === 'success' ? { l, h } : null;
    }) as { l: Run; h: Run };
    assert.ok(runs.h.startedAt! <= runs.l.startedAt!, 'HIGH started first');
    assert.equal(runs.l.priority, -1);
    assert.equal(runs.h.priority, 1);
  });
});
