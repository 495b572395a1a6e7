import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gitlab } from '@gitbeaker/rest';
import { startApiServer, waitFor, type ApiServer } from './support.js';

const CI = `
stages: [build, test, deploy]
build:
  stage: build
  script:
    - mkdir -p out && echo "hello $CI_COMMIT_SHORT_SHA" > out/app.txt
    - echo "var=$MY_VAR"
    - echo "file=$(cat $MY_FILE)"
  artifacts:
    paths: [out/]
unit:
  stage: test
  needs: [build]
  allow_failure: true
  coverage: '/cov: (\\d+\\.\\d+)%/'
  script:
    - printf '<?xml version="1.0"?><testsuite name="u"><testcase classname="a" name="ok" time="0.5"/><testcase classname="a" name="bad" time="0.1"><failure>boom</failure></testcase></testsuite>' > report.xml
    - 'echo "cov: 42.50%"'
    - exit 1
  artifacts:
    when: always
    reports:
      junit: report.xml
gate:
  stage: deploy
  when: manual
  script: ['echo "played $PLAY_VAR"']
child:
  stage: deploy
  trigger:
    include: child.yml
`;

function statusOf(error: unknown): number | undefined {
  return (error as { cause?: { response?: Response } }).cause?.response?.status;
}

describe('pipelines and jobs through @gitbeaker/rest', () => {
  let s: ApiServer;
  let api: InstanceType<typeof Gitlab>;
  let project: Awaited<ReturnType<ApiServer['project']>>;
  let pipelineId: number;

  before(async () => {
    s = await startApiServer();
    api = new Gitlab({ host: s.url, token: s.rootToken.token });
    project = await s.project({ '.gitlab-ci.yml': CI, 'child.yml': 'c:\n  script: [echo child]\n' });
    // The push made a pipeline too; let it finish so the counts below are stable.
    await waitFor('push pipeline', async () => {
      const list = await api.Pipelines.all(project.id, { source: 'push' });
      return list.length === 1 && ['success', 'failed'].includes(list[0]!.status) ? list : null;
    }, 60_000);
    const created = await api.Pipelines.create(project.path, 'main', {
      variables: [{ key: 'MY_VAR', value: 'from-api' }, { key: 'MY_FILE', value: 'file-content', variable_type: 'file' }],
    });
    pipelineId = created.id;
    assert.equal(created.source, 'api');
    assert.equal(created.ref, 'main');
    assert.equal(created.sha, project.repo.sha);
    assert.equal(created.before_sha, '0000000000000000000000000000000000000000');
    assert.ok(!('name' in created), 'create answers Pipeline without name');
    await s.finished(project.id, pipelineId);
  });
  after(async () => { await s?.stop(); });

  it('shows a pipeline with GitLab\'s entity: coverage string, durations, detailed status, user', async () => {
    const p = await api.Pipelines.show(project.id, pipelineId);
    assert.equal(p.status, 'success', 'allowed failure and an unplayed manual job still pass');
    assert.equal(p.coverage, '42.50');
    assert.equal(typeof p.duration, 'number');
    assert.match(String(p.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(p.web_url, `${s.url}/${project.path}/-/pipelines/${pipelineId}`);
    const ds = p.detailed_status as Record<string, unknown>;
    assert.deepEqual(Object.keys(ds).sort(), ['details_path', 'favicon', 'group', 'has_details', 'icon', 'illustration', 'label', 'text', 'tooltip']);
    assert.equal(ds.group, 'success-with-warnings');
    assert.equal((p.user as { username: string }).username, 'root');
    assert.ok('name' in p);
  });

  it('lists with every filter, excludes child pipelines, and sets pagination headers', async () => {
    const all = await api.Pipelines.all(project.id);
    assert.deepEqual(all.map((x) => x.source).sort(), ['api', 'push'], 'the child pipeline is not listed');
    assert.deepEqual(Object.keys(all[0]!).sort(), ['created_at', 'id', 'iid', 'name', 'project_id', 'ref', 'sha', 'source', 'status', 'updated_at', 'web_url']);
    assert.equal((await api.Pipelines.all(project.id, { source: 'api' })).length, 1);
    const children = await api.Pipelines.all(project.id, { source: 'parent_pipeline' as never });
    assert.equal(children.length, 2, 'each pipeline started one child');
    assert.equal((await api.Pipelines.all(project.id, { ref: 'main', status: 'success', sha: project.repo.sha, username: 'root', yamlErrors: false } as never)).length, 2);
    assert.equal((await api.Pipelines.all(project.id, { username: 'nobody-at-all' })).length, 0);
    assert.equal((await api.Pipelines.all(project.id, { scope: 'finished' })).length, 2);
    assert.equal((await api.Pipelines.all(project.id, { scope: 'running' })).length, 0);
    const branches = await api.Pipelines.all(project.id, { scope: 'branches' });
    assert.deepEqual(branches.map((b) => b.id), [pipelineId], 'newest pipeline per existing branch');
    assert.equal((await api.Pipelines.all(project.id, { scope: 'tags' })).length, 0);
    const asc = await api.Pipelines.all(project.id, { orderBy: 'id', sort: 'asc' });
    assert.ok(asc[0]!.id < asc[1]!.id);
    assert.equal((await api.Pipelines.all(project.id, { updatedAfter: '2100-01-01T00:00:00Z' })).length, 0);
    assert.equal((await api.Pipelines.all(project.id, { updatedBefore: '2100-01-01T00:00:00Z' })).length, 2);
    const page = await api.Pipelines.all(project.id, { perPage: 1, page: 1, showExpanded: true, maxPages: 1 });
    assert.equal(page.paginationInfo.total, 2);
    assert.equal(page.paginationInfo.totalPages, 2);
    assert.equal(page.paginationInfo.next, 2);
    // gitbeaker follows Link rel="next" through every page.
    assert.equal((await api.Pipelines.all(project.id, { perPage: 1 })).length, 2);
  });

  it('finds the latest pipeline of the default branch and of a ref', async () => {
    assert.equal((await api.Pipelines.showLatest(project.id)).id, pipelineId);
    assert.equal((await api.Pipelines.show(project.id, 'latest', { ref: 'main' })).id, pipelineId);
    await assert.rejects(api.Pipelines.showLatest(project.id, { ref: 'no-such-branch' }), (e) => statusOf(e) === 403);
  });

  it('returns the pipeline variables and the test report', async () => {
    const vars = await api.Pipelines.allVariables(project.id, pipelineId);
    assert.deepEqual(vars, [
      { variable_type: 'env_var', key: 'MY_VAR', value: 'from-api', raw: false },
      { variable_type: 'file', key: 'MY_FILE', value: 'file-content', raw: false },
    ]);
    const report = await api.Pipelines.showTestReport(project.id, pipelineId) as unknown as { total_count: number; failed_count: number; test_suites: Array<{ name: string; test_cases: Array<{ status: string }> }> };
    assert.equal(report.total_count, 2);
    assert.equal(report.failed_count, 1);
    assert.equal(report.test_suites[0]!.name, 'unit');
    assert.equal(report.test_suites[0]!.test_cases[0]!.status, 'failed', 'failures first');
    const summary = await api.Pipelines.showTestReportSummary(project.id, pipelineId) as unknown as { total: { count: number; failed: number }; test_suites: Array<{ build_ids: number[] }> };
    assert.equal(summary.total.count, 2);
    assert.equal(summary.total.failed, 1);
    assert.equal(summary.test_suites[0]!.build_ids.length, 1);
  });

  it('lists jobs and bridges, shows a job, and reads its log', async () => {
    const jobs = await api.Jobs.all(project.id, { pipelineId });
    assert.deepEqual(jobs.map((j) => j.name), ['build', 'unit', 'gate']);
    const unit = jobs.find((j) => j.name === 'unit')! as unknown as Record<string, unknown>;
    assert.deepEqual(unit.needs, ['build']);
    assert.equal(unit.coverage, 42.5);
    assert.equal(unit.allow_failure, true);
    assert.equal(unit.failure_reason, 'script_failure');
    const build = jobs.find((j) => j.name === 'build')!;
    assert.equal((build as unknown as { artifacts_file: { filename: string } }).artifacts_file.filename.length > 0, true);
    assert.equal((build.pipeline as { id: number }).id, pipelineId);
    assert.equal((await api.Jobs.all(project.id, { pipelineId, scope: ['manual'] as never })).length, 1);
    const bridges = await api.Jobs.allPipelineBridges(project.id, pipelineId);
    assert.equal(bridges.length, 1);
    assert.equal((bridges[0]!.downstream_pipeline as { source?: string } | null)?.source, 'parent_pipeline');
    const shown = await api.Jobs.show(project.id, build.id);
    assert.equal(shown.name, 'build');
    const log = await api.Jobs.showLog(project.id, build.id);
    assert.match(String(log), /var=from-api/);
    assert.match(String(log), /file=file-content/);
    const projectJobs = await api.Jobs.all(project.id);
    assert.ok(projectJobs.length >= 6, 'project jobs span both pipelines');
    assert.ok(projectJobs[0]!.id > projectJobs[1]!.id, 'newest first');
  });

  it('downloads artifacts: the archive, one file, and the latest successful job of a ref', async () => {
    const build = (await api.Jobs.all(project.id, { pipelineId })).find((j) => j.name === 'build')!;
    const zip = await api.JobArtifacts.downloadArchive(project.id, { jobId: build.id });
    const bytes = new Uint8Array(await (zip as Blob).arrayBuffer());
    assert.equal(String.fromCharCode(bytes[0]!, bytes[1]!), 'PK');
    const file = await api.JobArtifacts.downloadArchive(project.id, { jobId: build.id, artifactPath: 'out/app.txt' });
    assert.match(await (file as Blob).text(), /^hello [0-9a-f]{8}/);
    const byRef = await api.JobArtifacts.downloadArchive(project.id, { ref: 'main', job: 'build' } as never);
    assert.ok((await (byRef as Blob).arrayBuffer()).byteLength > 20);
    await assert.rejects(api.JobArtifacts.downloadArchive(project.id, { jobId: build.id, artifactPath: 'out/../../etc/passwd' }), (e) => statusOf(e) === 404);
    await assert.rejects(api.JobArtifacts.downloadArchive(project.id, { jobId: build.id, artifactPath: 'out/missing.txt' }), (e) => statusOf(e) === 404);
  });

  it('plays a manual job with variables, retries and cancels jobs', async () => {
    const gate = (await api.Jobs.all(project.id, { pipelineId })).find((j) => j.name === 'gate')!;
    const played = await api.Jobs.play(project.id, gate.id, { jobVariablesAttributes: [{ key: 'PLAY_VAR', value: 'xyz' }] });
    assert.equal(played.id, gate.id);
    await waitFor('gate', async () => ['success', 'failed'].includes((await api.Jobs.show(project.id, gate.id)).status));
    assert.match(String(await api.Jobs.showLog(project.id, gate.id)), /played xyz/);
    await assert.rejects(api.Jobs.play(project.id, (await api.Jobs.all(project.id, { pipelineId })).find((j) => j.name === 'build')!.id), (e) => statusOf(e) === 400);
    const build = (await api.Jobs.all(project.id, { pipelineId })).find((j) => j.name === 'build')!;
    const retried = await api.Jobs.retry(project.id, build.id);
    assert.notEqual(retried.id, build.id);
    assert.equal(retried.name, 'build');
    const canceled = await api.Jobs.cancel(project.id, retried.id);
    assert.ok(['canceled', 'canceling', 'success', 'running', 'pending'].includes(canceled.status));
    await s.finished(project.id, pipelineId);
    const withRetried = await api.Jobs.all(project.id, { pipelineId, includeRetried: true });
    assert.equal(withRetried.filter((j) => j.name === 'build').length, 2);
  });

  it('retries, cancels and deletes pipelines', async () => {
    const retried = await api.Pipelines.retry(project.id, pipelineId);
    assert.equal(retried.id, pipelineId);
    await s.finished(project.id, pipelineId);
    const slow = await s.project({ '.gitlab-ci.yml': 'slow:\n  script: [sleep 30]\n' });
    const p = await api.Pipelines.create(slow.id, 'main');
    await waitFor('running', async () => (await api.Pipelines.show(slow.id, p.id)).status === 'running');
    const canceled = await api.Pipelines.cancel(slow.id, p.id);
    assert.ok(['canceled', 'canceling'].includes(canceled.status));
    await api.Pipelines.remove(slow.id, p.id);
    await assert.rejects(api.Pipelines.show(slow.id, p.id), (e) => statusOf(e) === 404);
  });
});
