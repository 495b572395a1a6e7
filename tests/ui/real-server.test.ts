/**
 * The UI served by a real Runnel server (tests/support/server.ts, embedded runner with two slots)
 * in Debian's Chromium — the acceptance flows of issue 7 on real data: sign-in, projects, a
 * pushed repository's run going running → passed live with its graph, a failing job's live log
 * and its retry, clearing a definition's cache from its settings page (checked by the next run
 * missing the cache). Saves the README's screenshots (docs/screenshots/*.png).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import { gitAsync, makeWorkingRepo } from '../support/git.js';
import { TERMINAL, waitFor } from '../support/wait.js';
import { launchChromium, type Browser } from './support/chromium.js';
import { screenshot } from './support/screenshots.js';
import { ensureWebBuilt } from './support/web-dist.js';

interface ApiJob { id: number; name: string; stage: string; status: string; needs?: string[]; retried?: boolean }
interface ApiRun { id: number; status: string }

let server: TestServer;
let browser: Browser;
let page: Page;

async function json<T>(path: string, init: Parameters<TestServer['api']>[1] = {}): Promise<T> {
  const res = await server.api(path, init);
  assert.ok(res.ok, `${init.method ?? 'GET'} ${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

/** A project created through the API and filled by a real `git push` over HTTP (which starts a run). */
async function pushProject(name: string, files: Record<string, string>): Promise<{ id: number; path: string }> {
  const project = await json<{ id: number; path_with_namespace: string }>('/api/v4/projects', { method: 'POST', json: { name } });
  const repo = makeWorkingRepo(files);
  const url = `http://root:${server.rootToken.token}@${new URL(server.url).host}/${project.path_with_namespace}.git`;
  const pushed = await gitAsync(repo.dir, ['push', '-q', url, 'HEAD:refs/heads/main']);
  assert.equal(pushed.code, 0, pushed.stderr);
  return { id: project.id, path: project.path_with_namespace };
}

const latestRun = (projectId: number, after = 0) => waitFor(`a run of project ${projectId} after #${after}`, async () => {
  const runs = await json<ApiRun[]>(`/api/v4/projects/${projectId}/pipelines`);
  return runs.find((r) => r.id > after) ?? null;
});

const finishedRun = (projectId: number, runId: number) => waitFor(`run ${runId} to finish`, async () => {
  const run = await json<ApiRun>(`/api/v4/projects/${projectId}/pipelines/${runId}`);
  return TERMINAL.has(run.status) ? run : null;
});

const jobsOf = (projectId: number, runId: number) => json<ApiJob[]>(`/api/v4/projects/${projectId}/pipelines/${runId}/jobs?per_page=100`);

async function trace(projectId: number, jobId: number): Promise<string> {
  const res = await server.api(`/api/v4/projects/${projectId}/jobs/${jobId}/trace`);
  assert.equal(res.status, 200);
  return res.text();
}

const JUNIT = '<?xml version="1.0"?><testsuite name="unit"><testcase classname="CartTest" name="cart empties" time="0.2"/>'
  + '<testcase classname="CartTest" name="cart adds items" time="0.4"><failure message="expected 2 items, got 1">expected 2 items, got 1\n  at cart.test.ts:12</failure></testcase></testsuite>';

/** Three stages; `unit` needs only `build`, `deploy` needs `unit` and `lint`. */
const SHOP_CI = [
  'stages: [build, test, deploy]',
  'build:', '  stage: build', '  script:', '    - echo "compiling $CI_COMMIT_SHORT_SHA"', '    - sleep 4', '    - echo built',
  'lint:', '  stage: build', '  script: [echo lint ok]',
  'unit:', '  stage: test', '  needs: [build]', '  script: [cp report.xml junit.xml, echo 1 of 2 failed]',
  '  artifacts:', '    reports:', '      junit: junit.xml',
  'docs:', '  stage: test', '  script: [echo docs]',
  'deploy:', '  stage: deploy', '  needs: [unit, lint]', '  script: [echo deploying]',
].join('\n') + '\n';

/** Coloured output inside a GitLab section, a pause (so the log is watched live), then failure. */
const FAILING_SCRIPT = [
  '#!/bin/sh',
  "printf '\\033[0Ksection_start:%s:unit_tests\\r\\033[0K\\033[36;1mRunning unit tests\\033[0m\\n' \"$(date +%s)\"",
  "printf '\\033[32m✓ cart empties\\033[0m\\n'",
  'sleep 2',
  "printf '\\033[31mAssertionError: expected 2 items, got 1\\033[0m\\n'",
  "printf '\\033[0Ksection_end:%s:unit_tests\\r\\033[0K\\n' \"$(date +%s)\"",
  'exit 1',
].join('\n') + '\n';

describe('web UI on a real server with its embedded runner', () => {
  before(async () => {
    ensureWebBuilt();
    server = await startTestServer({ runnerConcurrency: 2 });
    const user = await server.api('/api/v4/users', { method: 'POST', json: { username: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery' } });
    assert.equal(user.status, 201, await user.text());
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the server serves the UI: hashed assets cached for a year, index.html for UI paths', async () => {
    const index = await fetch(server.url + '/root/anything/-/pipelines/1');
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, html);
    const js = await fetch(server.url + asset);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(server.url + '/api/v4/user')).status, 401, 'API paths are not the UI');
  });

  test('a user signs in with username and password and sees the projects list', async () => {
    await pushProject('demo', { 'README.md': '# demo\n' });
    const p = await browser.context.newPage();
    await p.goto(server.url + '/');
    await p.waitForURL(/\/-\/sign_in$/);
    await p.getByLabel('Username', { exact: true }).fill('ada');
    await p.getByLabel('Password', { exact: true }).fill('nope');
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await p.getByRole('alert').filter({ hasText: 'Invalid username or password.' }).waitFor();
    await screenshot(p, 'sign-in');
    await p.getByLabel('Password', { exact: true }).fill('correct-horse-battery');
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await p.getByRole('heading', { name: 'Projects' }).waitFor();
    await p.locator('.topbar .user', { hasText: 'ada' }).waitFor();
    const token = await p.evaluate<string | null>("sessionStorage.getItem('runnel.token')");
    assert.ok(token, 'session token stored');
    const me = await server.api('/api/v4/user', { token });
    assert.equal(((await me.json()) as { username: string }).username, 'ada');
    await p.close();
  });

  test('an expired or revoked session sends the user back to sign-in, keeping the page asked for', async () => {
    const p = await browser.context.newPage();
    await p.goto(server.url + '/-/sign_in');
    await p.evaluate("sessionStorage.setItem('runnel.token', 'revoked-or-unknown')");
    await p.goto(server.url + '/root/demo');
    await p.waitForURL(/\/-\/sign_in\?return_to=%2Froot%2Fdemo$/);
    await p.close();
  });

  test('root signs in with a token and sees the projects', async () => {
    page = await browser.context.newPage();
    await page.goto(server.url + '/-/sign_in');
    await page.getByLabel('Token', { exact: true }).fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('alert').filter({ hasText: 'That token was not accepted.' }).waitFor();
    await page.getByLabel('Token', { exact: true }).fill(server.rootToken.token);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('link', { name: /demo/ }).waitFor();
  });

  test('push a repository: its run page goes from running to passed without reload, with the graph drawn', async () => {
    const shop = await pushProject('shop', { '.gitlab-ci.yml': SHOP_CI, 'report.xml': JUNIT });
    const run = await latestRun(shop.id);
    await page.goto(server.url + '/');
    await page.getByRole('link', { name: /shop/ }).click();
    await page.waitForURL(`${server.url}/${shop.path}`);
    await page.getByRole('link', { name: `#${run.id}` }).click();
    await page.waitForURL(`${server.url}/${shop.path}/-/pipelines/${run.id}`);
    await page.evaluate('window.__sameDocument = true');

    await page.locator('.run-title [data-status="running"]').waitFor();
    await page.locator('.job-node').nth(4).waitFor();
    assert.equal(await page.locator('.job-node').count(), 5, 'a node per job');
    assert.deepEqual(await page.locator('.stage-name').allTextContents(), ['build', 'test', 'deploy']);
    assert.equal(await page.locator('.graph-edges path').count(), 3, 'an SVG edge per need: build→unit, unit→deploy, lint→deploy');
    const jobs = Object.fromEntries((await jobsOf(shop.id, run.id)).map((j) => [j.name, j]));
    assert.deepEqual(jobs.deploy!.needs, ['unit', 'lint'], 'jobs carry needs for the graph');
    await page.locator(`[data-job-id="${jobs.build!.id}"][data-status="running"]`).waitFor();
    await page.getByText('live', { exact: true }).waitFor();
    await screenshot(page, 'run-running');

    // While build runs, the runners page (another tab: the session is per tab) shows it.
    const runners = await browser.context.newPage();
    await runners.goto(server.url + '/-/sign_in');
    await runners.evaluate(`sessionStorage.setItem('runnel.token', ${JSON.stringify(server.rootToken.token)})`);
    await runners.goto(server.url + '/-/runners');
    await runners.getByRole('link', { name: `build #${jobs.build!.id}` }).waitFor();
    await screenshot(runners, 'runners');
    await runners.close();

    await page.locator('.run-title [data-status="success"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.job-node[data-status="success"]').count(), 5);
    assert.equal(await page.evaluate('window.__sameDocument'), true, 'no reload');
    await screenshot(page, 'run-passed');

    await page.getByRole('link', { name: 'Tests' }).click();
    await page.getByText('cart adds items').waitFor();
    await page.getByText('expected 2 items, got 1').first().waitFor();
    await screenshot(page, 'run-tests');
    await page.goto(server.url + '/');
    await page.getByRole('link', { name: /shop/ }).waitFor();
    await screenshot(page, 'projects');
  });

  test('a failing job: live log with colours and a section, then retry from the page shows the new attempt', async () => {
    const api = await pushProject('api', {
      'test.sh': FAILING_SCRIPT,
      '.gitlab-ci.yml': 'unit:\n  stage: test\n  script: [sh test.sh]\n',
    });
    const run = await latestRun(api.id);
    const unit = await waitFor('unit to run', async () => (await jobsOf(api.id, run.id)).find((j) => j.status === 'running') ?? null);
    await page.goto(`${server.url}/${api.path}/-/jobs/${unit.id}`);
    await page.locator('.run-title [data-status="running"]').waitFor();
    await page.getByRole('log').getByText('✓ cart empties').waitFor();
    await page.evaluate('window.__sameDocument = true');
    await page.locator('.log .fg-1', { hasText: 'AssertionError: expected 2 items, got 1' }).waitFor();
    await page.locator('.run-title [data-status="failed"]').waitFor();
    assert.equal(await page.evaluate('window.__sameDocument'), true, 'the log grew and the status changed without reload');
    assert.equal(await page.locator('.log .fg-2', { hasText: '✓ cart empties' }).count(), 1, 'green text');
    const toggle = page.getByRole('button', { name: /Running unit tests/ });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await screenshot(page, 'job-log');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.getByRole('log').getByText('✓ cart empties').count(), 0, 'the section folds');
    await toggle.click();

    await page.getByRole('button', { name: 'Retry' }).click();
    const retried = await waitFor('the new attempt', async () => (await jobsOf(api.id, run.id)).find((j) => j.name === 'unit' && j.id !== unit.id) ?? null);
    await page.waitForURL(`${server.url}/${api.path}/-/jobs/${retried.id}`);
    await page.locator('.run-title', { hasText: `#${retried.id}` }).waitFor();
    await page.getByRole('log').getByText('✓ cart empties').waitFor();
    await page.locator('.run-title [data-status="failed"]').waitFor({ timeout: 20_000 });
    const all = await jobsOf(api.id, run.id);
    assert.deepEqual(all.map((j) => j.id), [retried.id], 'the run now shows the new attempt in place of the old');
  });

  test('clearing a definition\'s cache from its settings page makes the next run start cold', async () => {
    const ci = 'deps:\n  cache:\n    key: deps\n    paths: [vendor/]\n  script:\n    - if [ -f vendor/dep ]; then echo CACHE-HIT; else echo CACHE-MISS; mkdir -p vendor; echo x > vendor/dep; fi\n';
    const cached = await pushProject('cached', { '.gitlab-ci.yml': ci });
    const cacheLine = async (runId: number) => {
      await finishedRun(cached.id, runId);
      const [job] = await jobsOf(cached.id, runId);
      return /^CACHE-(HIT|MISS)$/m.exec(await trace(cached.id, job!.id))?.[0];
    };
    const first = await latestRun(cached.id);
    assert.equal(await cacheLine(first.id), 'CACHE-MISS');
    const second = await json<ApiRun>(`/api/v4/projects/${cached.id}/pipeline`, { method: 'POST', json: { ref: 'main' } });
    assert.equal(await cacheLine(second.id), 'CACHE-HIT', 'a warm cache before clearing');

    await page.goto(`${server.url}/${cached.path}/-/definitions`);
    await page.getByRole('link', { name: 'GitLab CI' }).click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await page.locator(`tbody a[href="/${cached.path}/-/pipelines/${second.id}"]`).waitFor(); // an execution links to its run
    await page.getByRole('button', { name: 'Clear cache' }).click();
    await page.getByText('Cache cleared.').waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'definition');

    const third = await json<ApiRun>(`/api/v4/projects/${cached.id}/pipeline`, { method: 'POST', json: { ref: 'main' } });
    assert.equal(await cacheLine(third.id), 'CACHE-MISS', 'the cache generation changed: the next run is cold');

    // "Run pipeline" from the runs page, with a variable; the page moves to the new run.
    await page.goto(`${server.url}/${cached.path}`);
    await page.getByRole('link', { name: `#${third.id}` }).waitFor();
    await page.getByRole('button', { name: '+ Add variable' }).click();
    await page.getByLabel('Key of variable 1').fill('DEPLOY_ENV');
    await page.getByLabel('Value of variable 1').fill('staging');
    await page.getByRole('button', { name: 'Run pipeline' }).click();
    await page.waitForURL(new RegExp(`/${cached.path}/-/pipelines/(\\d+)$`));
    const fourth = Number(/(\d+)$/.exec(page.url())![1]);
    assert.ok(fourth > third.id);
    const variables = await json<Array<{ key: string; value: string }>>(`/api/v4/projects/${cached.id}/pipelines/${fourth}/variables`);
    assert.deepEqual(variables.map((v) => `${v.key}=${v.value}`), ['DEPLOY_ENV=staging']);
    await page.locator('.run-title [data-status="success"]').waitFor();
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('link', { name: `#${fourth}` }).waitFor();
    await screenshot(page, 'project-runs');
  });
});
