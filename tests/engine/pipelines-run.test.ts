import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { git, gitEnv, makeWorkingRepo } from '../support/git.js';
import type { Project, Run } from '../../src/server/store/index.js';

import { TERMINAL, waitFor } from '../support/wait.js';


describe('pipelines really run (embedded runner, real git, real processes)', () => {
  let s: TestServer;
  let n = 0;

  before(async () => { s = await startTestServer({ runnerConcurrency: 2 }); });
  after(async () => { await s?.stop(); });

  async function projectWith(files: Record<string, string>): Promise<{ project: Project; sha: string; repo: ReturnType<typeof makeWorkingRepo> }> {
    const root = (await s.store.users.byUsername('root'))!;
    const project = await s.projects.create({ name: `p${++n}` }, { user: root });
    const repo = makeWorkingRepo(files);
    git(repo.dir, ['push', '-q', s.host.pathOf(project.workspacePath, project.path), 'HEAD:refs/heads/main'], gitEnv());
    return { project, sha: repo.sha, repo };
  }

  async function run(project: Project, extra: Partial<Parameters<TestServer['engine']['createRun']>[0]> = {}): Promise<Run> {
    const root = (await s.store.users.byUsername('root'))!;
    const result = await s.engine.createRun({ project, ref: 'main', source: 'api', user: root, ...extra });
    assert.ok(result.created, `run not created: ${!result.created ? result.message : ''}`);
    return result.run;
  }

  async function finished(runId: number, timeoutMs = 30_000): Promise<Run> {
    return waitFor(`run ${runId} to finish`, async () => {
      const r = await s.store.runs.byId(runId);
      return r && TERMINAL.has(r.status) ? r : null;
    }, timeoutMs);
  }

  async function jobs(runId: number) {
    const list = await s.store.jobs.forRun(runId);
    return Object.fromEntries(list.map((j) => [j.name, j]));
  }

  async function log(jobId: number): Promise<string> {
    return (await s.store.jobs.readLog(jobId)).toString('utf8');
  }

  it('runs three stages with needs and hands an artifact on', async () => {
    const { project } = await projectWith({
      '.gitlab-ci.yml': [
        'stages: [build, test, deploy]',
        'build:', '  stage: build', '  script:', '    - mkdir -p out && echo "built $CI_COMMIT_SHORT_SHA" > out/app.txt', '  artifacts:', '    paths: [out/]',
        'test:', '  stage: test', '  needs: [build]', '  script:', '    - cat out/app.txt', '    - grep built out/app.txt',
        'deploy:', '  stage: deploy', '  script: [echo deploying]',
      ].join('\n'),
    });
    const r = await finished((await run(project)).id);
    assert.equal(r.status, 'success');
    assert.equal(r.context.needs, true, 'the run knows that some job needs another');
    const j = await jobs(r.id);
    assert.deepEqual(Object.values(j).map((x) => x.status), ['success', 'success', 'success']);
    assert.match(await log(j.test!.id), /built [0-9a-f]{8}/);
    assert.ok(j.deploy!.startedAt! >= j.test!.finishedAt!, 'deploy waits for the test stage');
    const artifacts = await s.store.artifacts.forJob(j.build!.id);
    assert.equal(artifacts.filter((a) => a.fileType === 'archive').length, 1);
    // The runner deletes a job's directory once the job is reported.
    await waitFor('job directories removed', async () => (readdirSync(join(s.dataDir, 'builds')).length === 0 ? true : null), 10_000);
  });

  it('appends a job\'s last log bytes with its finish, and only while it runs', async () => {
    const { project } = await projectWith({ '.gitlab-ci.yml': 'held:\n  tags: [no-runner-has-this]\n  script: [echo x]\n' });
    const r = await run(project);
    const [job] = await s.store.jobs.forRun(r.id);
    await waitFor('the job pending', async () => ((await s.store.jobs.byId(job!.id))?.status === 'pending' ? true : null));
    assert.equal(await s.store.jobs.transition(job!.id, ['pending'], { status: 'running', startedAt: Date.now() }), true);
    const enc = (t: string) => new TextEncoder().encode(t);
    assert.equal(await s.store.jobs.appendLog(job!.id, 0, enc('first ')), true);
    assert.equal(await s.engine.finishJob(job!.id, { state: 'success', log: { offset: 6, data: enc('last\n') } }), 'success');
    assert.equal(await log(job!.id), 'first last\n');
    assert.equal(await s.engine.finishJob(job!.id, { state: 'failed', log: { offset: 11, data: enc('late') } }), 'success', 'a finished job stays as it was');
    assert.equal(await log(job!.id), 'first last\n', 'and takes no more log');
  });

  it('fails a run on a failing script, skips later stages, and records the exit code', async () => {
    const { project } = await projectWith({
      '.gitlab-ci.yml': 'a:\n  stage: build\n  script: [echo hi, exit 3]\nb:\n  stage: test\n  script: [echo never]\nc:\n  stage: test\n  when: on_failure\n  script: [echo cleanup]\n',
    });
    const r = await finished((await run(project)).id);
    assert.equal(r.status, 'failed');
    assert.equal(r.context.needs, false, 'stages only: no dependents to look up when a job ends');
    const j = await jobs(r.id);
    assert.equal(j.a!.status, 'failed');
    assert.equal(j.a!.exitCode, 3);
    assert.equal(j.a!.failureReason, 'script_failure');
    assert.equal(j.b!.status, 'skipped');
    assert.equal(j.c!.status, 'success');
  });

  it('treats allowed failures as success with warnings', async () => {
    const { project } = await projectWith({ '.gitlab-ci.yml': 'a:\n  script: [exit 1]\n  allow_failure: true\nb:\n  stage: deploy\n  script: [echo ok]\n' });
    const r = await finished((await run(project)).id);
    assert.equal(r.status, 'success');
  });

  it('retries a failing job by retry:max and keeps the old attempts as retried', async () => {
    const { project } = await projectWith({ '.gitlab-ci.yml': 'flaky:\n  retry: 2\n  script: [exit 1]\n' });
    const r = await finished((await run(project)).id);
    assert.equal(r.status, 'failed');
    const all = await s.store.jobs.forRun(r.id, { includeRetried: true });
    assert.equal(all.length, 3);
    assert.equal(all.filter((j) => j.retried).length, 2);
    assert.deepEqual(all.map((j) => j.attempt).sort(), [1, 2, 3]);
  });

  it('retries a failed run: failed jobs (with needs too) run again and skipped ones follow', async () => {
    const { project } = await projectWith({
      '.gitlab-ci.yml': 'a:\n  stage: build\n  script: [echo a]\nb:\n  stage: test\n  needs: [a]\n  cache:\n    key: retry-$CI_PIPELINE_ID\n    paths: [marker/]\n    when: always\n  script: [\'test -f marker/seen || { mkdir -p marker; touch marker/seen; exit 1; }\']\nc:\n  stage: deploy\n  script: [echo c]\n',
    });
    const first = await finished((await run(project)).id);
    assert.equal(first.status, 'failed');
    assert.equal((await jobs(first.id)).c!.status, 'skipped');
    await s.engine.retryRun(first.id, null);
    const again = await finished(first.id);
    assert.equal(again.status, 'success');
    const j = await jobs(first.id);
    assert.equal(j.b!.status, 'success');
    assert.equal(j.b!.attempt, 2);
    assert.equal(j.c!.status, 'success');
  });

  it('plays a manual job and runs what waited for it', async () => {
    const { project } = await projectWith({ '.gitlab-ci.yml': 'build:\n  stage: build\n  script: [echo b]\ngate:\n  stage: test\n  when: manual\n  allow_failure: false\n  script: [echo played]\nafter:\n  stage: deploy\n  script: [echo after]\n' });
    const created = await run(project);
    const blocked = await waitFor('manual status', async () => {
      const r = await s.store.runs.byId(created.id);
      return r?.status === 'manual' ? r : null;
    });
    assert.equal(blocked.status, 'manual');
    const gate = (await jobs(created.id)).gate!;
    assert.equal(gate.status, 'manual');
    assert.equal((await jobs(created.id)).after!.status, 'created');
    await s.engine.playJob(gate.id, null);
    const r = await finished(created.id);
    assert.equal(r.status, 'success');
    assert.match(await log(gate.id), /played/);
  });

  it('cancels a long job and leaves no process behind', async () => {
    const marker = String(300000 + Math.floor(Math.random() * 99999));
    const { project } = await projectWith({ '.gitlab-ci.yml': `long:\n  script:\n    - (sleep ${marker}; echo done) &\n    - sleep ${marker}\n` });
    const created = await run(project);
    await waitFor('job running', async () => (await jobs(created.id)).long?.status === 'running');
    await waitFor('script started', async () => processesMatching(marker).length > 0);
    await s.engine.cancelRun(created.id);
    const r = await finished(created.id, 20_000);
    assert.equal(r.status, 'canceled');
    await waitFor('process tree gone', async () => processesMatching(marker).length === 0, 15_000);
  });

  it('fails a job that exceeds its timeout', async () => {
    const { project } = await projectWith({ '.gitlab-ci.yml': 'slow:\n  timeout: 1s\n  script: [sleep 30]\n' });
    const r = await finished((await run(project)).id, 30_000);
    assert.equal(r.status, 'failed');
    const slow = (await jobs(r.id)).slow!;
    assert.equal(slow.failureReason, 'job_execution_timeout');
  });

  it('hits the cache on the second run and misses after the cache is cleared', async () => {
    const ci = 'c:\n  cache:\n    key: deps\n    paths: [vendor/]\n  script:\n    - if [ -f vendor/dep ]; then echo CACHE-HIT; else echo CACHE-MISS; mkdir -p vendor; echo x > vendor/dep; fi\n';
    const { project } = await projectWith({ '.gitlab-ci.yml': ci });
    const first = await finished((await run(project)).id);
    assert.match(await log((await jobs(first.id)).c!.id), /CACHE-MISS/);
    const second = await finished((await run(project)).id);
    assert.match(await log((await jobs(second.id)).c!.id), /CACHE-HIT/);
    await s.store.projects.bumpCacheGeneration(project.id);
    const third = await finished((await run(project)).id);
    assert.match(await log((await jobs(third.id)).c!.id), /CACHE-MISS/);
  });

  it('collects a JUnit report and a coverage figure', async () => {
    const junit = '<?xml version="1.0"?><testsuite name="unit"><testcase classname="a" name="ok" time="0.1"/><testcase classname="a" name="bad"><failure message="boom">trace</failure></testcase></testsuite>';
    const { project } = await projectWith({
      'report.xml': junit,
      '.gitlab-ci.yml': `t:\n  script:\n    - cp report.xml out.xml\n    - 'echo "Coverage: 87.5%"'\n  coverage: '/Coverage: (\\d+\\.\\d+)%/'\n  artifacts:\n    reports:\n      junit: out.xml\n`,
    });
    const r = await finished((await run(project)).id);
    assert.equal(r.yamlErrors, null);
    const t = (await jobs(r.id)).t!;
    assert.equal(r.status, 'success', await log(t.id));
    assert.equal(t.coverage, 87.5);
    assert.equal(r.coverage, 87.5);
    const [report] = await s.store.artifacts.reportsFor([t.id], 'junit');
    const cases = (report!.data as { testCases: Array<{ name: string; status: string }> }).testCases;
    assert.deepEqual(cases.map((c) => `${c.name}:${c.status}`), ['ok:success', 'bad:failed']);
  });

  it('passes a dotenv report on as variables of later jobs', async () => {
    const { project } = await projectWith({
      '.gitlab-ci.yml': 'make:\n  stage: build\n  script: [echo "VERSION=1.2.3" > build.env]\n  artifacts:\n    reports:\n      dotenv: build.env\nuse:\n  stage: test\n  script: [\'echo "got $VERSION"\']\n',
    });
    const r = await finished((await run(project)).id);
    assert.equal(r.status, 'success');
    assert.match(await log((await jobs(r.id)).use!.id), /got 1\.2\.3/);
  });

  it('runs one job at a time per resource_group', async () => {
    const ci = 'a:\n  resource_group: prod\n  script: [sleep 0.5]\nb:\n  resource_group: prod\n  script: [sleep 0.5]\n';
    const { project } = await projectWith({ '.gitlab-ci.yml': ci });
    const created = await run(project);
    const seen = new Set<string>();
    const r = await waitFor('run with a resource group', async () => {
      const list = await s.store.jobs.forRun(created.id);
      if (list.filter((j) => j.status === 'running').length > 1) throw new Error('two jobs of one resource group ran at once');
      for (const j of list) seen.add(j.status);
      const run2 = await s.store.runs.byId(created.id);
      return run2 && TERMINAL.has(run2.status) ? run2 : null;
    });
    assert.equal(r.status, 'success');
    assert.ok(seen.has('waiting_for_resource'), 'the second job waited for the resource');
  });

  it('starts a delayed job after its start_in', async () => {
    const { project } = await projectWith({ '.gitlab-ci.yml': 'later:\n  when: delayed\n  start_in: 1 second\n  script: [echo late]\n' });
    const created = await run(project);
    const scheduled = await waitFor('scheduled', async () => (await jobs(created.id)).later?.status === 'scheduled');
    assert.ok(scheduled);
    const r = await finished(created.id);
    assert.equal(r.status, 'success');
    const later = (await jobs(created.id)).later!;
    assert.ok(later.startedAt! - created.createdAt >= 900, 'not before start_in');
  });

  it('runs a child pipeline from trigger:include and mirrors its status with strategy: depend', async () => {
    const { project } = await projectWith({
      '.gitlab-ci.yml': 'child:\n  trigger:\n    include: ci/child.yml\n    strategy: depend\nafter:\n  stage: deploy\n  script: [echo after]\n',
      'ci/child.yml': 'inner:\n  script: [exit 4]\n',
    });
    const r = await finished((await run(project)).id);
    assert.equal(r.status, 'failed');
    const bridge = (await jobs(r.id)).child!;
    assert.equal(bridge.kind, 'bridge');
    assert.equal(bridge.status, 'failed');
    const [child] = await s.store.runs.childrenOf(r.id);
    assert.equal(child!.source, 'parent_pipeline');
    assert.equal(child!.status, 'failed');
    assert.equal((await jobs(r.id)).after!.status, 'skipped');
  });

  it('hands a job the CI/CD variables whose environment scope matches its environment, the most specific winning', async () => {
    const { project } = await projectWith({
      '.gitlab-ci.yml': [
        'plain:', '  script: [\'echo "plain=$TARGET"\']',
        'prod:', '  environment: production', '  script: [\'echo "prod=$TARGET"\']',
        'review:', '  environment: review/$CI_COMMIT_REF_SLUG', '  script: [\'echo "review=$TARGET"\']',
      ].join('\n'),
    });
    const base = { variableType: 'env_var' as const, protected: false, masked: false, hidden: false, raw: false, description: null };
    for (const [scope, value] of [['*', 'anywhere'], ['review/*', 'a-review-app'], ['production', 'the-real-one']] as const) {
      await s.store.ciVariables.insert({ kind: 'project', id: project.id }, { ...base, key: 'TARGET', value, environmentScope: scope }, Date.now());
    }
    const r = await finished((await run(project)).id);
    assert.equal(r.status, 'success');
    const j = await jobs(r.id);
    assert.match(await log(j.plain!.id), /plain=anywhere/);
    assert.match(await log(j.prod!.id), /prod=the-real-one/);
    assert.match(await log(j.review!.id), /review=a-review-app/);
  });

  it('keeps the data directory out of a sandboxed job\'s sight', async (t) => {
    if (s.executor !== 'sandbox') return t.skip(`embedded runner uses ${s.executor}: bubblewrap unavailable`);
    const { project } = await projectWith({ '.gitlab-ci.yml': `peek:\n  script:\n    - ls ${s.dataDir} | sed 's/^/LISTED:/' || true\n    - if [ -e ${s.dataDir}/runnel.sqlite ]; then echo CAN-SEE-DB; exit 1; fi\n` });
    const r = await finished((await run(project)).id);
    const peek = (await jobs(r.id)).peek!;
    assert.equal(peek.status, 'success', await log(peek.id));
    const text = await log(peek.id);
    assert.match(text, /LISTED:builds/);
    // `repositories` may show: the path down to this project's objects (see the next test).
    assert.doesNotMatch(text, /LISTED:(runnel\.sqlite|artifacts|cache)/);
  });

  it('lets a sandboxed job use git on its checkout, which borrows the hosted objects, and shows it nothing else of the data directory', async (t) => {
    if (s.executor !== 'sandbox') return t.skip(`embedded runner uses ${s.executor}: bubblewrap unavailable`);
    const other = await projectWith({ 'secret.txt': 'another project\n' });
    const { project, repo } = await projectWith({ '.gitlab-ci.yml': 'placeholder: {script: [true]}\n' });
    const hosted = s.host.pathOf(project.workspacePath, project.path);
    const objects = `${hosted}/objects`;
    repo.commit({
      '.gitlab-ci.yml': [
        'peek:',
        '  script:',
        '    - git log --oneline | sed "s/^/LOG:/"',
        '    - test -z "$(git status --porcelain)" && echo STATUS-CLEAN',
        '    - git rev-parse HEAD | sed "s/^/HEAD:/"',
        `    - cat .git/objects/info/alternates | sed "s/^/ALT:/"`,
        `    - ls ${s.dataDir} | sed "s/^/LISTED:/"`,
        `    - ls ${s.dataDir}/repositories/${project.workspacePath} | sed "s/^/PROJECTS:/"`,
        `    - ls ${hosted} | sed "s/^/HOSTED:/"`,
        `    - if cat ${hosted}/config; then echo CAN-READ-CONFIG; exit 1; fi`,
        `    - if touch ${objects}/written-by-job; then echo CAN-WRITE-OBJECTS; exit 1; fi`,
        `    - if [ -e ${s.dataDir}/runnel.sqlite ]; then echo CAN-SEE-DB; exit 1; fi`,
      ].join('\n'),
    }, 'second');
    git(repo.dir, ['push', '-q', hosted, 'HEAD:refs/heads/main'], gitEnv());
    const r = await finished((await run(project)).id);
    const peek = (await jobs(r.id)).peek!;
    const text = await log(peek.id);
    assert.equal(peek.status, 'success', text);
    assert.match(text, /^LOG:[0-9a-f]+ second$/m);
    assert.match(text, /^LOG:[0-9a-f]+ initial$/m);
    assert.match(text, /^STATUS-CLEAN$/m);
    assert.match(text, new RegExp(`^HEAD:${r.sha}$`, 'm'));
    assert.match(text, new RegExp(`^ALT:${objects}$`, 'm'), 'the checkout was the in-process one');
    assert.deepEqual(text.match(/^LISTED:.*$/gm), ['LISTED:builds', 'LISTED:repositories']);
    assert.deepEqual(text.match(/^PROJECTS:.*$/gm), [`PROJECTS:${project.path}.git`], `${other.project.path} stays hidden`);
    assert.deepEqual(text.match(/^HOSTED:.*$/gm), ['HOSTED:objects']);
    assert.ok(!readdirSync(objects).includes('written-by-job'));
  });

  it('checks jobs out through one long-lived cat-file per repository, which the server closes when it stops', async () => {
    const own = await startTestServer({ runnerConcurrency: 2 });
    let stopped = false;
    try {
      const root = (await own.store.users.byUsername('root'))!;
      const project = await own.projects.create({ name: 'readers' }, { user: root });
      const hosted = own.host.pathOf(project.workspacePath, project.path);
      const repo = makeWorkingRepo({ '.gitlab-ci.yml': 'a: {script: [git rev-parse HEAD]}\nb: {script: [git status --porcelain]}\n' });
      git(repo.dir, ['push', '-q', hosted, 'HEAD:refs/heads/main'], gitEnv());
      for (let i = 0; i < 2; i++) {
        const created = await own.engine.createRun({ project, ref: 'main', source: 'api', user: root });
        assert.ok(created.created);
        const r = await waitFor('run', async () => { const x = await own.store.runs.byId(created.run.id); return x && TERMINAL.has(x.status) ? x : null; }, 30_000);
        assert.equal(r.status, 'success');
        for (const job of await own.store.jobs.forRun(r.id)) {
          const text = (await own.store.jobs.readLog(job.id)).toString('utf8');
          assert.match(text, /Checking out [0-9a-f]{8} as detached HEAD/);
          assert.doesNotMatch(text, /cloning instead/);
        }
      }
      // One reader for the runner's checkouts (four jobs) and one for run creation's reads
      // (server/git/object-batch-reader.ts), whatever the number of jobs and runs.
      assert.equal(catFilesOf(hosted).length, 2, 'two runs of two jobs, two long-lived readers');
      await own.stop();
      stopped = true;
      // Closing ends their input; git exits on EOF a moment later.
      await waitFor('readers gone', () => catFilesOf(hosted).length === 0, 5_000);
    } finally {
      if (!stopped) await own.stop();
    }
  });
});

/** This process's `git --git-dir <gitDir> cat-file --batch` children. */
function catFilesOf(gitDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const ppid = Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]);
      if (ppid === process.pid && cmd.includes(gitDir) && cmd.includes('cat-file')) pids.push(Number(entry));
    } catch { /* gone */ }
  }
  return pids;
}

function processesMatching(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd === `sleep\0${marker}\0`) pids.push(Number(entry));
    } catch { /* gone */ }
  }
  return pids;
}
