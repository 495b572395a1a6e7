import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localPath, matchRoute, paths } from './routes.ts';

test('GitLab web URLs map to pages', () => {
  assert.deepEqual(matchRoute('/'), { name: 'projects' });
  assert.deepEqual(matchRoute('/-/sign_in'), { name: 'sign-in' });
  assert.deepEqual(matchRoute('/-/runners'), { name: 'runners' });
  assert.deepEqual(matchRoute('/root/demo'), { name: 'project', project: 'root/demo' });
  assert.deepEqual(matchRoute('/root/demo/-/pipelines'), { name: 'project', project: 'root/demo' });
  assert.deepEqual(matchRoute('/root/demo/-/pipelines/42'), { name: 'run', project: 'root/demo', runId: 42, tab: 'graph' });
  assert.deepEqual(matchRoute('/root/demo/-/pipelines/42/test_report'), { name: 'run', project: 'root/demo', runId: 42, tab: 'tests' });
  assert.deepEqual(matchRoute('/root/demo/-/pipelines/42/builds'), { name: 'run', project: 'root/demo', runId: 42, tab: 'jobs' });
  assert.deepEqual(matchRoute('/root/demo/-/jobs/7'), { name: 'job', project: 'root/demo', jobId: 7 });
  assert.deepEqual(matchRoute('/root/demo/-/definitions'), { name: 'definitions', project: 'root/demo' });
  assert.deepEqual(matchRoute('/root/demo/-/definitions/3'), { name: 'definition', project: 'root/demo', definitionId: 3 });
});

test('nested namespaces, trailing slashes and encoded segments work', () => {
  assert.deepEqual(matchRoute('/group/sub/app/-/jobs/9/'), { name: 'job', project: 'group/sub/app', jobId: 9 });
  assert.deepEqual(matchRoute('/my%20ws/app'), { name: 'project', project: 'my ws/app' });
});

test('Buddy html_url shapes lead to the definition page', () => {
  assert.deepEqual(matchRoute('/ws/app/pipelines/pipeline/5'), { name: 'definition', project: 'ws/app', definitionId: 5 });
  assert.deepEqual(matchRoute('/ws/app/pipelines/pipeline/5/execution/abc'), { name: 'definition', project: 'ws/app', definitionId: 5 });
});

test('anything else is not found', () => {
  for (const p of ['/root', '/root/demo/-/pipelines/abc', '/root/demo/-/jobs/1/extra', '/root/demo/-/unknown', '/-/x/y', '/a/%E0%A4%A', '/api/v4/projects/1', '/root/demo.git/info/refs']) {
    assert.equal(matchRoute(p).name, 'not-found', p);
  }
});

test('builders and matcher agree', () => {
  const project = 'group/sub app';
  assert.deepEqual(matchRoute(paths.run(project, 3, 'variables')), { name: 'run', project, runId: 3, tab: 'variables' });
  assert.deepEqual(matchRoute(paths.job(project, 4)), { name: 'job', project, jobId: 4 });
  assert.deepEqual(matchRoute(paths.definition(project, 5)), { name: 'definition', project, definitionId: 5 });
  assert.equal(paths.run('a/b', 1), '/a/b/-/pipelines/1');
  assert.equal(paths.signIn('/a/b'), '/-/sign_in?return_to=%2Fa%2Fb');
});

test('web_url from the API becomes a local path only when it is a UI route', () => {
  assert.equal(localPath('http://ci.example:8080/root/demo/-/pipelines/3', 'http://x'), '/root/demo/-/pipelines/3');
  assert.equal(localPath('http://ci.example/api/v4/projects/1', 'http://x'), null);
  assert.equal(localPath(null, 'http://x'), null);
});
