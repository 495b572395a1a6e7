/**
 * runJob's own behaviour (the part shared by all executors), exercised with the shell executor
 * and real git repositories, real zips and real processes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import {
  createDirCacheStore, createShellExecutor, parseJUnit, runJob, type Executor, type RunJobOptions,
} from '../../src/executor/index.js';
import { ext4JournalOf } from '../../src/executor/spread-hint.js';
import type { JobPayload } from '../../src/protocol/index.js';
import { AppError } from '../../src/shared/index.js';
import { archiveSpec, makeGitRepo, makePayload, memoryArtifacts, memorySink, tempDir, variable } from './job-fixtures.js';

async function run(payload: JobPayload, extra: { executor?: Executor; downloads?: Record<number, string>; options?: Partial<RunJobOptions> } = {}) {
  const sink = memorySink();
  const artifacts = memoryArtifacts(extra.downloads);
  const builds = tempDir('builds');
  const result = await runJob(payload, {
    executor: extra.executor ?? createShellExecutor(), log: sink, artifacts, cache: createDirCacheStore(tempDir('cache')),
  }, { buildsRoot: builds, killGraceMs: 500, ...extra.options });
  return { result, log: sink.text(), artifacts, builds };
}

async function zipOf(files: Record<string, string>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const path = join(tempDir('dep'), 'artifacts.zip');
  await pipeline(zip.outputStream, createWriteStream(path));
  return path;
}

test('checks out the job sha from a real repository, shallow when depth > 0', async () => {
  const repo = makeGitRepo();
  const git_info = { repo_url: repo.path, ref: 'main', sha: repo.second, before_sha: repo.first, ref_type: 'branch' as const, refspecs: ['+refs/heads/main:refs/remotes/origin/main'], depth: 1 };
  const { result, log } = await run(makePayload({ variables: [], git_info, script: ['cat README.md', 'git rev-parse HEAD', 'echo "commits=$(git rev-list --count HEAD)"'] }));
  assert.equal(result.status, 'success', log);
  assert.match(log, /Fetching changes with git depth set to 1/);
  assert.match(log, new RegExp(`Checking out ${repo.second.slice(0, 8)} as detached HEAD \\(ref is main\\)`));
  assert.match(log, /\nsecond\n/);
  assert.match(log, new RegExp(`\\n${repo.second}\\n`));
  assert.match(log, /commits=1\n/);
});

test('checks out an older sha with full depth, via a file:// URL, even when a refspec is missing on the remote', async () => {
  const repo = makeGitRepo();
  const git_info = { repo_url: `file://${repo.path}`, ref: 'main', sha: repo.first, before_sha: '', ref_type: 'branch' as const, refspecs: ['+refs/pipelines/77:refs/pipelines/77', '+refs/heads/*:refs/remotes/origin/*'], depth: 0 };
  const { result, log } = await run(makePayload({ variables: [], git_info, script: ['cat README.md', 'test ! -e src/app.txt'] }));
  assert.equal(result.status, 'success', log);
  assert.match(log, /\nfirst\n/);
});

test('pre_get_sources_script runs before the fetch; a bad sha fails the job as a system failure', async () => {
  const repo = makeGitRepo();
  const good = await run(makePayload({
    variables: [],
    git_info: { repo_url: repo.path, ref: 'main', sha: repo.second, before_sha: '', ref_type: 'branch', refspecs: [], depth: 0 },
    hooks: [{ name: 'pre_get_sources_script', script: ['test ! -e .git && echo "no repo yet" > "$CI_BUILDS_DIR/pre.txt"'] }],
    script: ['cat "$CI_BUILDS_DIR/pre.txt"'],
  }));
  assert.equal(good.result.status, 'success', good.log);
  assert.match(good.log, /\nno repo yet\n/);
  const bad = await run(makePayload({
    variables: [],
    git_info: { repo_url: repo.path, ref: 'main', sha: 'f'.repeat(40), before_sha: '', ref_type: 'branch', refspecs: [], depth: 0 },
  }));
  assert.equal(bad.result.status, 'failed');
  assert.equal(bad.result.failureReason, 'runner_system_failure');
});

test('the job token in a clone URL never reaches the log', async () => {
  const payload = makePayload({ variables: [] });
  payload.git_info = { repo_url: `http://gitlab-ci-token:${payload.token}@127.0.0.1:1/group/project.git`, ref: 'main', sha: 'a'.repeat(40), before_sha: '', ref_type: 'branch', refspecs: [], depth: 1 };
  const { result, log } = await run(payload);
  assert.equal(result.status, 'failed');
  assert.ok(!log.includes(payload.token));
});

test('dependency artifacts are extracted into the project; a hostile archive fails the job', async () => {
  const zip = await zipOf({ 'dist/app.js': 'built', 'dist/readme.txt': 'hi' });
  const payload = makePayload({
    dependencies: [{ id: 41, name: 'build', token: 't', artifacts_file: { filename: 'artifacts.zip', size: 10 } }, { id: 42, name: 'lint', token: 't' }],
    script: ['cat dist/app.js'],
  });
  const ok = await run(payload, { downloads: { 41: zip } });
  assert.equal(ok.result.status, 'success', ok.log);
  assert.match(ok.log, /section_start:\d+:download_artifacts/);
  assert.match(ok.log, /\nbuilt\n/);

  const gone = await run(makePayload({ dependencies: [{ id: 43, name: 'x', token: 't', artifacts_file: { filename: 'a.zip', size: 1 } }] }), {
    downloads: {},
    executor: createShellExecutor(),
  });
  assert.equal(gone.result.status, 'success', 'a dependency without artifacts is only a warning');
  // …unless the job asks preparation warnings to fail it (Buddy's fail_on_prepare_env_warning).
  const strict = await run(makePayload({
    variables: [variable('GIT_STRATEGY', 'none'), variable('RUNNEL_FAIL_ON_PREPARE_WARNING', 'true')],
    dependencies: [{ id: 45, name: 'x', token: 't', artifacts_file: { filename: 'a.zip', size: 1 } }], script: ['echo script-ran'],
  }), { downloads: {} });
  assert.equal(strict.result.status, 'failed');
  assert.equal(strict.result.failureReason, 'unmet_prerequisites');
  assert.match(strict.log, /x \(45\) has no artifacts\) and RUNNEL_FAIL_ON_PREPARE_WARNING is set/);
  assert.doesNotMatch(strict.log, /script-ran/);

  const transfer = memoryArtifacts();
  transfer.download = async () => { throw new AppError('not_found', 'artifacts expired'); };
  const sink = memorySink();
  const missing = await runJob(makePayload({ dependencies: [{ id: 44, name: 'y', token: 't', artifacts_file: { filename: 'a.zip', size: 1 } }] }), {
    executor: createShellExecutor(), log: sink, artifacts: transfer, cache: createDirCacheStore(tempDir('c')),
  }, { buildsRoot: tempDir('b') });
  assert.equal(missing.failureReason, 'missing_dependency_failure');
});

test('file variables hold a path to their content; variables expand; masked file content is hidden', async () => {
  const { result, log } = await run(makePayload({
    variables: [
      variable('GIT_STRATEGY', 'none'),
      variable('KUBECONFIG', 'apiVersion: v1-secret-content', { file: true, masked: true }),
      variable('BASE', 'base'),
      variable('DERIVED', '$BASE/sub-${BASE}'),
      variable('LITERAL', '$BASE', { raw: true }),
    ],
    script: ['test -f "$KUBECONFIG" && echo "file ok: ${KUBECONFIG##*/}"', 'cat "$KUBECONFIG"; echo', 'echo "$DERIVED $LITERAL"'],
  }));
  assert.equal(result.status, 'success', log);
  assert.match(log, /file ok: KUBECONFIG/);
  assert.ok(!log.includes('v1-secret-content'));
  assert.match(log, /\nbase\/sub-base \$BASE\n/);
});

test('the log cap cuts the log with GitLab\'s notice, and the job still succeeds', async () => {
  const { result, log } = await run(makePayload({ script: ['for i in $(seq 1 2000); do echo "line $i of output"; done', 'echo finished > done.txt'], artifacts: [archiveSpec(['done.txt'])] }), { options: { logLimitBytes: 2000 } });
  assert.equal(result.status, 'success');
  assert.equal(result.logTruncated, true);
  assert.match(log, /Job's log exceeded limit of 2000 bytes\.\nJob execution will continue but no more output will be collected\./);
  assert.ok(!log.includes('line 2000 of output'));
  assert.ok(Buffer.byteLength(log) < 2300);
});

test('reports: junit uploaded with its type, dotenv parsed, coverage from the log', async () => {
  const junit = '<testsuite name="s"><testcase name="a" time="0.5"/><testcase name="b"><failure>bad</failure></testcase></testsuite>';
  const { result, artifacts, log } = await run(makePayload({
    coverage_regex: '/Total coverage: \\d+\\.\\d+%/',
    script: [`echo '${junit}' > report.xml`, 'printf "VERSION=1.2.3\\nBUILD_ID=77\\n" > build.env', 'echo "Total coverage: 12.5%"', 'echo "Total coverage: 87.25%"'],
    artifacts: [
      archiveSpec(['report.xml']),
      archiveSpec(['*.xml'], { name: 'junit', artifact_type: 'junit', artifact_format: 'gzip', when: 'always' }),
      archiveSpec(['build.env'], { name: 'dotenv', artifact_type: 'dotenv', artifact_format: 'gzip' }),
    ],
  }));
  assert.equal(result.status, 'success', log);
  assert.equal(result.coverage, 87.25);
  assert.deepEqual(result.dotenv, { VERSION: '1.2.3', BUILD_ID: '77' });
  assert.deepEqual(artifacts.uploads.map((u) => u.spec.artifact_type), ['archive', 'junit', 'dotenv']);
  const { gunzipSync } = await import('node:zlib');
  const parsed = parseJUnit(gunzipSync(readFileSync(artifacts.uploads[1]?.copy as string)));
  assert.equal(parsed.ok, true);
  assert.deepEqual(parsed.testCases.map((c) => c.status), ['success', 'failed']);
});

test('on_failure artifacts are uploaded only for failed jobs', async () => {
  const specs = [archiveSpec(['a.txt'], { when: 'on_failure' }), archiveSpec(['a.txt'], { when: 'on_success', name: 'ok' })];
  const failed = await run(makePayload({ script: ['echo a > a.txt', 'false'], artifacts: specs }));
  assert.deepEqual(failed.artifacts.uploads.map((u) => u.spec.when), ['on_failure']);
  assert.match(failed.log, /section_start:\d+:upload_artifacts_on_failure/);
});

test('a failing prepare is a runner system failure and cleanup still runs; the job directory is removed', async () => {
  let cleanups = 0;
  const broken: Executor = {
    name: 'broken',
    async prepare() { throw new AppError('internal', 'no engine'); },
    async runScript() { throw new Error('must not run'); },
    async cleanup() { cleanups++; },
  };
  const { result, log, builds } = await run(makePayload(), { executor: broken });
  assert.equal(result.status, 'failed');
  assert.equal(result.failureReason, 'runner_system_failure');
  assert.equal(cleanups, 1);
  assert.match(log, /ERROR: Job failed: no engine/);
  assert.deepEqual(readdirSync(builds), []);
});

test('an upload failure fails an otherwise successful job', async () => {
  const transfer = memoryArtifacts();
  transfer.upload = async () => { throw new Error('413 too large'); };
  const result = await runJob(makePayload({ script: ['echo x > x.txt'], artifacts: [archiveSpec(['x.txt'])] }), {
    executor: createShellExecutor(), log: memorySink(), artifacts: transfer, cache: createDirCacheStore(tempDir('c')),
  }, { buildsRoot: tempDir('b') });
  assert.equal(result.status, 'failed');
  assert.equal(result.failureReason, 'api_failure');
});

test('keepBuildDir leaves the job directory (by its real path) to the caller; a builds root removed since is made again', async () => {
  const builds = tempDir('kept');
  const linked = `${builds}-link`;
  symlinkSync(builds, linked);
  const runOne = () => runJob(makePayload({ script: ['echo "$CI_PROJECT_DIR"'] }), {
    executor: createShellExecutor(), log: memorySink(), artifacts: memoryArtifacts(), cache: createDirCacheStore(tempDir('c')),
  }, { buildsRoot: linked, keepBuildDir: true });
  const first = await runOne();
  assert.equal(first.status, 'success');
  assert.ok(first.buildDir.startsWith(`${builds}/job-`), first.buildDir);
  assert.deepEqual(readdirSync(builds), [first.buildDir.slice(builds.length + 1)]);
  rmSync(builds, { recursive: true });
  mkdirSync(`${builds}-elsewhere`);
  rmSync(linked);
  symlinkSync(`${builds}-elsewhere`, linked);
  const second = await runOne();
  assert.equal(second.status, 'success');
  assert.ok(second.buildDir.startsWith(`${builds}-elsewhere/job-`), second.buildDir);
});

test('the builds root is marked for spread-out workspaces where ext4 has no journal (spread-hint.ts)', async (t) => {
  const builds = tempDir('spread');
  const journal = ext4JournalOf(builds);
  if (journal !== 'none') {
    t.skip(`${builds} is not on ext4 without a journal here (${journal}): the hint applies only there`);
    return;
  }
  const root = join(builds, 'root');
  const result = await runJob(makePayload({ script: ['true'] }), {
    executor: createShellExecutor(), log: memorySink(), artifacts: memoryArtifacts(), cache: createDirCacheStore(tempDir('c')),
  }, { buildsRoot: root });
  assert.equal(result.status, 'success');
  const flags = execFileSync('lsattr', ['-d', root], { encoding: 'utf8' }).split(/\s+/)[0]!;
  assert.ok(flags.includes('T'), flags);
});
