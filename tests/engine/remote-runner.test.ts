import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '../../src/executor/process-tree.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { git, gitAsync, gitEnv, makeWorkingRepo } from '../support/git.js';
import { waitFor, TERMINAL } from '../support/wait.js';

const BIN = fileURLToPath(new URL('../../bin/runnel.mjs', import.meta.url));

function startRunner(url: string, token: string): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'runner', '--url', url, '--token', token, '--executor', 'shell', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

function killTree(child: ChildProcess): void {
  try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
}

describe('a remote runner in its own process', () => {
  let s: TestServer;
  const children: ChildProcess[] = [];
  before(async () => { s = await startTestServer({ runnerConcurrency: 0, jobLeaseSeconds: 6 }); });
  after(async () => {
    for (const c of children) killTree(c);
    await s?.stop();
  });

  it('registers over the runner API, takes a job over HTTP, and reports it', async () => {
    const registration = await s.runners.createRegistrationToken();
    const root = (await s.store.users.byUsername('root'))!;
    const project = await s.projects.create({ name: 'remote' }, { user: root });
    const repo = makeWorkingRepo({ '.gitlab-ci.yml': 'hello:\n  script:\n    - echo "from remote $CI_JOB_NAME"\n  artifacts:\n    paths: [out.txt]\n' });
    repo.commit({ 'out.txt': 'x' });
    // Push over smart HTTP, as users do; the run comes from the push event.
    const pushed = await gitAsync(repo.dir, ['push', '-q', `http://root:${s.rootToken.token}@${new URL(s.url).host}/${project.workspacePath}/${project.path}.git`, 'HEAD:refs/heads/main']);
    assert.equal(pushed.code, 0, pushed.stderr);
    const runner = startRunner(s.url, registration);
    children.push(runner);
    const run = await waitFor('run from the push', async () => (await s.store.runs.list({ projectId: project.id, excludeChildren: true, orderBy: 'id', sort: 'desc', offset: 0, limit: 1 }))[0]);
    assert.equal(run.source, 'push');
    const done = await waitFor('run finished', async () => { const r = await s.store.runs.byId(run.id); return r && TERMINAL.has(r.status) ? r : null; });
    const [job] = await s.store.jobs.forRun(run.id);
    const log = (await s.store.jobs.readLog(job!.id)).toString();
    assert.equal(done.status, 'success', log);
    assert.match(log, /from remote hello/);
    const remote = (await s.store.runners.list()).find((r) => r.kind === 'remote');
    assert.equal(job!.runnerId, remote!.id);
    assert.equal((await s.store.artifacts.forJob(job!.id)).length, 1);
    killTree(runner);
  });

  it('deletes its own builds directory when it stops', async () => {
    const { token } = await s.runners.create({ description: 'tidy' });
    const runner = startRunner(s.url, token);
    children.push(runner);
    let out = '';
    runner.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    await waitFor('runner taking jobs', () => (out.includes('taking jobs') ? true : null));
    const own = join(tmpdir(), `runnel-runner-${runner.pid}`);
    assert.ok(existsSync(join(own, 'builds')), 'the default builds directory exists while it runs');
    const exited = new Promise((resolve) => runner.once('exit', resolve));
    runner.kill('SIGTERM');
    await exited;
    assert.equal(existsSync(own), false, 'and is gone once it stopped');
  });

  it('fails a job with runner_system_failure when its runner dies, and retries it', async () => {
    const { runner: registered, token } = await s.runners.create({ description: 'doomed' });
    const root = (await s.store.users.byUsername('root'))!;
    const project = await s.projects.create({ name: 'doomed' }, { user: root });
    const pidFile = join(tmpdir(), `runnel-remote-job-${process.pid}-${Date.now()}`);
    const repo = makeWorkingRepo({ '.gitlab-ci.yml': `slow:\n  retry:\n    max: 1\n    when: runner_system_failure\n  script:\n    - echo started\n    - echo $$ > ${pidFile}\n    - sleep 600\n` });
    git(repo.dir, ['push', '-q', s.host.pathOf(project.workspacePath, project.path), 'HEAD:refs/heads/main'], gitEnv());
    const result = await s.engine.createRun({ project, ref: 'main', source: 'api', user: root });
    assert.ok(result.created);
    const first = startRunner(s.url, token);
    children.push(first);
    const running = await waitFor('job running on the remote runner', async () => {
      const [j] = await s.store.jobs.forRun(result.run.id);
      return j && j.status === 'running' && j.runnerId === registered.id && j.logSize > 0 ? j : null;
    });
    const pid = await waitFor('the job shell\'s pid', () => { try { return Number(readFileSync(pidFile, 'utf8')) || null; } catch { return null; } });
    rmSync(pidFile, { force: true });
    killTree(first);
    // The runner's spawn helper sees it gone and kills the job it started: no copy of the job
    // goes on running beside its retry.
    await waitFor('the dead runner\'s job stopped', () => (isProcessAlive(pid) ? null : true), 10_000);
    const failed = await waitFor('lease expiry', async () => {
      const j = await s.store.jobs.byId(running.id);
      return j && j.status === 'failed' ? j : null;
    }, 30_000);
    assert.equal(failed.failureReason, 'runner_system_failure');
    const all = await s.store.jobs.forRun(result.run.id, { includeRetried: true });
    assert.equal(all.length, 2, 'a new attempt was created');
    const retry = all.find((j) => !j.retried)!;
    assert.equal(retry.status, 'pending');
    assert.equal(retry.attempt, 2);
    await s.engine.cancelRun(result.run.id);
  });
});
