import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startBuddyServer, TERMINAL_EXECUTION, type BuddyTestServer, type Json } from './support/buddy-server.js';
import { waitFor } from '../support/wait.js';
import type { Project } from '../../src/server/store/index.js';

const TERMINAL = TERMINAL_EXECUTION;


/** Pipeline settings that used to be stored but inert (docs/buddy-api.md), now acting on real runs. */
describe('Buddy settings that act: delay_until, loop, RUN_NEXT_PIPELINE, clone depth, message template, retry interval', () => {
  let s: BuddyTestServer;
  let project: Project;
  let P: string;

  before(async () => {
    s = await startBuddyServer({ runnerConcurrency: 1 });
    project = await s.project({ 'README.md': 'hi\n' });
    P = `/api/workspaces/${project.workspacePath}/projects/${project.path}`;
  });
  after(async () => { await s?.stop(); });

  const call = (path: string, init?: Parameters<BuddyTestServer['api']>[1]) => s.call(path, init);
  async function pipeline(fields: Json, actions: Json[]): Promise<Json> {
    const p = await call(`${P}/pipelines`, { method: 'POST', json: fields });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const ids: number[] = [];
    for (const a of actions) {
      const r = await call(`${P}/pipelines/${p.body.id}/actions`, { method: 'POST', json: a });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.id);
    }
    return { ...p.body, actionIds: ids };
  }
  async function run(pl: Json, json: Json = {}): Promise<Json> {
    const r = await call(`${P}/pipelines/${pl.id}/executions`, { method: 'POST', json });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }
  const get = async (pl: Json, id: number) => (await call(`${P}/pipelines/${pl.id}/executions/${id}`)).body;
  async function finished(pl: Json, id: number, timeoutMs = 30_000): Promise<Json> {
    return waitFor(`execution ${id}`, async () => { const e = await get(pl, id); return TERMINAL.has(e.status) ? e : null; }, timeoutMs);
  }
  const build = (name: string, commands: string[], extra: Json = {}) => ({ name, type: 'BUILD', execute_commands: commands, ...extra });

  it('delay_until: the execution waits ENQUEUED until that time, then runs', async () => {
    const pl = await pipeline({ name: 'Delayed' }, [build('Go', ['echo went'])]);
    const at = new Date(Date.now() + 2_500).toISOString();
    const e = await run(pl, { delay_until: at });
    assert.equal(e.status, 'ENQUEUED');
    assert.equal(e.delay_until, at);
    assert.equal(e.start_date, null);
    assert.ok(!e.variables.some((v: Json) => v.key.includes('DELAY')), 'the delay is not shown as a variable');
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal((await get(pl, e.id)).status, 'ENQUEUED');
    const done = await finished(pl, e.id);
    assert.equal(done.status, 'SUCCESSFUL');
    assert.ok(Date.parse(done.start_date) >= Date.parse(at), `${done.start_date} >= ${at}`);
  });

  it('delay_until in the past or not a date is refused with 400', async () => {
    const pl = await pipeline({ name: 'Delayed bad' }, [build('Go', ['true'])]);
    for (const delay_until of [new Date(Date.now() - 60_000).toISOString(), 'tomorrow']) {
      const r = await call(`${P}/pipelines/${pl.id}/executions`, { method: 'POST', json: { delay_until } });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.errors[0].message, /delay_until/);
    }
  });

  it('RUN_DELAYED starts a delayed execution now; a delayed run neither blocks nor is started by other runs', async () => {
    const pl = await pipeline({ name: 'Delayed later' }, [build('Go', ['echo now'])]);
    const delayed = await run(pl, { delay_until: new Date(Date.now() + 3_600_000).toISOString() });
    assert.equal(delayed.status, 'ENQUEUED');
    // One run at a time (default): a normal run still starts, and its end does not start the delayed one.
    const normal = await run(pl);
    assert.equal((await finished(pl, normal.id)).status, 'SUCCESSFUL');
    await new Promise((r) => setTimeout(r, 1_200));
    assert.equal((await get(pl, delayed.id)).status, 'ENQUEUED');
    const r = await call(`${P}/pipelines/${pl.id}/executions/${delayed.id}`, { method: 'PATCH', json: { operation: 'RUN_DELAYED' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.delay_until, null);
    assert.equal((await finished(pl, delayed.id)).status, 'SUCCESSFUL');
    const again = await call(`${P}/pipelines/${pl.id}/executions/${delayed.id}`, { method: 'PATCH', json: { operation: 'RUN_DELAYED' } });
    assert.equal(again.status, 400);
  });

  it('loop: one execution per combination of the loop values, each with its values as variables, none skipped', async () => {
    const pl = await pipeline({ name: 'Matrix', loop: ['OS', 'VER'] }, [build('Show', ['echo "combo=$OS-$VER loop=$BUDDY_EXECUTION_LOOP"'])]);
    const v = await call(`/api/workspaces/${project.workspacePath}/variables`, { method: 'POST', json: { key: 'OS', value: 'linux\nmac', project: { name: project.path }, pipeline: { id: pl.id } } });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    const first = await run(pl, { variables: [{ key: 'VER', value: '["1","2","3"]' }] });
    assert.equal(first.id, 1);
    const list = await waitFor('six executions', async () => {
      const l = (await call(`${P}/pipelines/${pl.id}/executions?per_page=50`)).body;
      return l.executions.length === 6 && l.executions.every((e: Json) => TERMINAL.has(e.status)) ? l : null;
    }, 60_000);
    assert.deepEqual(list.executions.map((e: Json) => e.status), Array(6).fill('SUCCESSFUL'));
    const combos: string[] = [];
    for (const e of list.executions) {
      const full = await get(pl, e.id);
      const line = full.action_executions[0].log.find((l: string) => l.startsWith('combo='));
      combos.push(line);
      const vars = Object.fromEntries(full.variables.map((x: Json) => [x.key, x.value]));
      assert.ok(['linux', 'mac'].includes(vars.OS) && ['1', '2', '3'].includes(vars.VER), JSON.stringify(vars));
    }
    assert.deepEqual(combos.map((c) => c.split(' ')[0]).sort(), ['combo=linux-1', 'combo=linux-2', 'combo=linux-3', 'combo=mac-1', 'combo=mac-2', 'combo=mac-3']);
    assert.ok(combos.some((c) => c.endsWith('loop=6/6')));
  });

  it('RUN_NEXT_PIPELINE starts the next pipeline with the action\'s variables; with wait it mirrors the next execution', async () => {
    const next = await pipeline({ name: 'Next' }, [build('Receive', ['echo "got=$FROM_A"', 'test "$FROM_A" != fail'])]);
    const first = await pipeline({ name: 'First' }, [
      build('Before', ['echo before']),
      { name: 'Go next', type: 'RUN_NEXT_PIPELINE', next_pipeline_id: next.id, variables: [{ key: 'FROM_A', value: 'hello' }] },
    ]);
    const e = await run(first);
    assert.equal((await finished(first, e.id)).status, 'SUCCESSFUL');
    const n = await finished(next, 1);
    assert.equal(n.status, 'SUCCESSFUL');
    assert.equal(n.triggeredOn, 'PIPELINE');
    assert.ok(n.action_executions[0].log.some((l: string) => l.includes('got=hello')));
    const done = await get(first, e.id);
    assert.ok(done.action_executions[1].log.some((l: string) => l.includes('execution #1')), JSON.stringify(done.action_executions[1].log));

    const waiting = await pipeline({ name: 'First, waits' }, [
      { name: 'Go next and wait', type: 'RUN_NEXT_PIPELINE', next_pipeline_id: next.id, wait: true, variables: [{ key: 'FROM_A', value: 'fail' }] },
    ]);
    const w = await run(waiting);
    assert.equal((await finished(waiting, w.id)).status, 'FAILED');
    assert.equal((await finished(next, 2)).status, 'FAILED');
  });

  it('clone_depth reaches the checkout as GIT_DEPTH; fetch_all_refs makes it a full clone (0)', async () => {
    execFileSync('git', ['--git-dir', s.host.pathOf(project.workspacePath, project.path), 'branch', 'other-branch', 'main']);
    const show = ['echo "depth=$GIT_DEPTH"', 'git branch -r | sed "s/^ */remote=/"'];
    const shallow = await pipeline({ name: 'Shallow', clone_depth: 1 }, [build('Depth', show)]);
    const full = await pipeline({ name: 'All refs', clone_depth: 1, fetch_all_refs: true }, [build('Depth', show)]);
    for (const [pl, want, other] of [[shallow, 'depth=1', false], [full, 'depth=0', true]] as const) {
      const e = await finished(pl, (await run(pl)).id);
      assert.equal(e.status, 'SUCCESSFUL');
      const log: string[] = e.action_executions[0].log;
      assert.ok(log.some((l) => l.includes(want)), `${want} in ${JSON.stringify(log)}`);
      assert.equal(log.some((l) => l.includes('remote=origin/other-branch')), other, `other branches fetched: ${other}`);
    }
  });

  it('execution_message_template titles each execution; refresh and clear_cache are shown as asked', async () => {
    const pl = await pipeline({ name: 'Titled', execution_message_template: 'Deploy $BUDDY_EXECUTION_BRANCH #$BUDDY_EXECUTION_ID by $WHO' }, [build('Go', ['true'])]);
    const e = await run(pl, { variables: [{ key: 'WHO', value: 'ci-bot' }], clear_cache: true });
    const done = await finished(pl, e.id);
    assert.equal(done.title, `Deploy main #${e.id} by ci-bot`);
    assert.equal(done.clear_cache, true);
    assert.equal(done.refresh, false);
    const plain = await pipeline({ name: 'Default title' }, [build('Go', ['true'])]);
    const d = await finished(plain, (await run(plain)).id);
    assert.equal(d.title, 'initial', 'the default template is the commit subject');
  });

  it('retry_interval waits between a failed attempt and its retry', async () => {
    const pl = await pipeline({ name: 'Retry later' }, [build('Flaky', ['exit 1'], { retry_count: 1, retry_interval: 2 })]);
    const e = await run(pl);
    const done = await finished(pl, e.id, 40_000);
    assert.equal(done.status, 'FAILED');
    const jobs = await s.store.jobs.forRun(done.gitlab_pipeline_id as number, { includeRetried: true });
    assert.equal(jobs.length, 2);
    const [first, second] = jobs.sort((a, b) => a.id - b.id);
    assert.ok(second!.startedAt! - first!.finishedAt! >= 1_800, `retry started ${second!.startedAt! - first!.finishedAt!} ms after the failure`);
  });
});
