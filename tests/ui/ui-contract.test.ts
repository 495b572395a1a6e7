/**
 * The UI against a scripted API (support/fake-runnel.ts) in Debian's Chromium. Kept alongside
 * real-server.test.ts (the acceptance flows on real data, and the screenshots) because a script
 * reaches states the real engine makes hard or slow to hit on cue: exact event orderings, a
 * 200-job run with 50 status events in a burst (the performance check), a server validation
 * error tied to a field, yaml_errors with line numbers, a test report with failed cases, the
 * keyboard path through the graph. It is the UI's side of the contract, not evidence that the
 * server keeps it — real-server.test.ts is.
 */
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../support/wait.js';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './support/chromium.js';
import { FakeRunnel } from './support/fake-runnel.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
let fake: FakeRunnel;
let browser: Browser;
let page: Page;

async function signedInPage(): Promise<Page> {
  const p = await browser.context.newPage();
  await p.goto(fake.url + '/-/sign_in');
  await p.getByLabel('Token', { exact: true }).fill(fake.token);
  await p.getByRole('button', { name: 'Sign in with token' }).click();
  await p.getByRole('heading', { name: 'Projects' }).waitFor();
  return p;
}

describe('web UI against the documented API', () => {
  before(async () => {
    fake = new FakeRunnel();
    await fake.start();
    browser = await launchChromium();
    page = await signedInPage();
  });
  after(async () => {
    await browser?.close();
    await fake?.stop();
  });

  test('signing in with a password stores the session and returns to the page asked for', async () => {
    const p = await browser.context.newPage();
    await p.goto(fake.url + '/acme/shop');
    await p.waitForURL(/\/-\/sign_in\?return_to=%2Facme%2Fshop$/);
    await p.getByLabel('Username', { exact: true }).fill('root');
    await p.getByLabel('Password', { exact: true }).fill('wrong');
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await p.getByRole('alert').filter({ hasText: 'Invalid username or password.' }).waitFor();
    await p.getByLabel('Password', { exact: true }).fill('secret-pass');
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await p.waitForURL(fake.url + '/acme/shop');
    await p.getByRole('heading', { name: 'Runs' }).waitFor();
    assert.equal(await p.evaluate("sessionStorage.getItem('runnel.token')"), fake.token);
    await p.close();
  });

  test('projects list links to each project', async () => {
    await page.goto(fake.url + '/');
    await page.getByRole('link', { name: 'acme / shop' }).waitFor();
  });

  test('a run page goes from running to passed live, with the DAG drawn', async () => {
    fake.addRun({ id: 7, status: 'running', ref: 'main', sha: SHA, source: 'push', yaml_errors: null, started_at: new Date().toISOString(), finished_at: null, duration: null }, [
      { name: 'build', stage: 'build', status: 'running', needs: [] },
      { name: 'lint', stage: 'build', status: 'pending' },
      { name: 'test 1/2', stage: 'test', status: 'created', needs: ['build'] },
      { name: 'test 2/2', stage: 'test', status: 'created', needs: ['build'] },
      { name: 'deploy', stage: 'deploy', status: 'manual', needs: ['test', 'lint'] },
    ]);
    await page.goto(fake.url + '/acme/shop');
    await page.getByRole('link', { name: '#7' }).click();
    await page.waitForURL(fake.url + '/acme/shop/-/pipelines/7');
    await page.locator('.job-node').nth(4).waitFor();
    assert.equal(await page.locator('.job-node').count(), 5);
    assert.equal(await page.locator('.graph-edges path').count(), 5);
    assert.deepEqual(await page.locator('.stage-name').allTextContents(), ['build', 'test', 'deploy']);
    await page.getByText('live', { exact: true }).waitFor();
    await page.locator('.run-title [data-status="running"]').waitFor();

    const jobs = (name: string) => fake.jobByName(7, name).id;
    fake.setJob(7, jobs('build'), 'success');
    fake.setJob(7, jobs('lint'), 'running');
    fake.setJob(7, jobs('test 1/2'), 'running');
    fake.setJob(7, jobs('test 2/2'), 'running');
    await page.locator(`[data-job-id="${jobs('build')}"][data-status="success"]`).waitFor();
    for (const name of ['lint', 'test 1/2', 'test 2/2']) fake.setJob(7, jobs(name), 'success');
    fake.setRun(7, 'success');
    await page.locator('.run-title [data-status="success"]').waitFor();
    assert.equal(await page.locator('.job-node[data-status="success"]').count(), 4);
    assert.equal(await page.locator('.job-node[data-status="manual"]').count(), 1);

    // Play the manual job from its node.
    await page.getByRole('button', { name: 'Run deploy' }).click();
    await page.locator(`[data-job-id="${jobs('deploy')}"][data-status="pending"]`).waitFor();
  });

  test('keyboard reaches the graph: job links and their action buttons are focusable', async () => {
    await page.goto(fake.url + '/acme/shop/-/pipelines/7');
    await page.locator('.job-node').first().waitFor();
    await page.locator('.job-link').first().focus();
    const focused = await page.evaluate<string | null>('document.activeElement?.getAttribute("aria-label")');
    assert.match(focused ?? '', /^build: passed/);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string | null>('document.activeElement?.getAttribute("aria-label")'), 'Retry build');
  });

  test('a failing job shows its live log with colours and collapsible sections; retry moves to the new job', async () => {
    fake.addRun({ id: 8, status: 'running', ref: 'main', sha: SHA, source: 'web', yaml_errors: null, started_at: new Date().toISOString(), finished_at: null, duration: null }, [
      { name: 'unit', stage: 'test', status: 'running', artifacts_file: null },
    ]);
    const unit = fake.jobByName(8, 'unit');
    fake.appendLog(unit.id, [
      '\x1b[32;1mRunning with runnel\x1b[0;m',
      'section_start:1700000000:prepare_script\r\x1b[0K\x1b[36;1mPreparing environment\x1b[0;m',
      'Using shell executor',
      'section_end:1700000004:prepare_script\r\x1b[0K',
      'section_start:1700000004:step_script\r\x1b[0KExecuting "step_script"',
      '$ npm test',
      '<script>alert(1)</script>',
      '',
    ].join('\n'));
    await page.goto(fake.url + `/acme/shop/-/jobs/${unit.id}`);
    await page.getByRole('log').getByText('$ npm test').waitFor();
    assert.equal(await page.locator('.log .fg-2.b').first().textContent(), 'Running with runnel');
    assert.equal(await page.getByRole('log').getByText('<script>alert(1)</script>').count(), 1, 'markup shown as text');
    assert.equal(await page.locator('.log script').count(), 0);

    fake.appendLog(unit.id, '\x1b[31mAssertionError: expected 2 items, got 1\x1b[0m\n');
    await page.locator('.log .fg-1', { hasText: 'AssertionError' }).waitFor();
    fake.appendLog(unit.id, 'section_end:1700000065:step_script\r\x1b[0K\n\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m\n');
    fake.setJob(8, unit.id, 'failed');
    fake.setRun(8, 'failed');
    await page.locator('.run-title [data-status="failed"]').waitFor();
    await page.getByText('ERROR: Job failed: exit code 1').waitFor();
    await page.locator('.section-time', { hasText: '1m 01s' }).waitFor();

    const toggle = page.getByRole('button', { name: /Executing "step_script"/ });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.getByRole('log').getByText('$ npm test').count(), 0);
    await toggle.press('Enter');
    await page.getByRole('log').getByText('$ npm test').waitFor();

    await page.getByRole('button', { name: 'Retry' }).click();
    // The click's request reaches the stand-in asynchronously: wait for the new attempt to exist.
    const retried = await waitFor('the retried job', () => { const j = fake.jobByName(8, 'unit'); return j.id !== unit.id ? j : null; }, 10_000);
    await page.waitForURL(fake.url + `/acme/shop/-/jobs/${retried.id}`);
    await page.locator('.run-title [data-status="pending"]').waitFor();
  });

  test('test report, variables and jobs tabs', async () => {
    await page.goto(fake.url + '/acme/shop/-/pipelines/8/test_report');
    await page.getByText('expected 2 items, got 1').waitFor();
    await page.getByText('cart adds items').waitFor();
    await page.getByRole('link', { name: 'Variables' }).click();
    await page.getByText('DEPLOY_ENV').waitFor();
    await page.getByRole('link', { name: /^Jobs/ }).click();
    await page.getByRole('cell', { name: 'unit #' + fake.jobByName(8, 'unit').id }).waitFor();
  });

  test('yaml_errors are shown prominently with their line numbers', async () => {
    fake.addRun({ id: 9, status: 'failed', ref: 'main', sha: SHA, source: 'push', yaml_errors: 'jobs:build:script config should be a string or a nested array of strings up to 10 levels deep (line 3, column 5)\nUnknown key "stagez" (line 9)', started_at: null, finished_at: null, duration: null }, []);
    await page.goto(fake.url + '/acme/shop/-/pipelines/9');
    const alert = page.getByRole('alert').filter({ hasText: 'configuration is invalid' });
    await alert.waitFor();
    assert.deepEqual(await alert.locator('mark').allTextContents(), ['line 3, column 5', 'line 9']);
  });

  test('runs list filters by status through the URL', async () => {
    await page.goto(fake.url + '/acme/shop');
    await page.getByRole('link', { name: '#9' }).waitFor();
    await page.getByLabel('Status').selectOption('success');
    await page.waitForURL(/status=success/);
    await page.getByRole('link', { name: '#7' }).waitFor();
    assert.equal(await page.getByRole('link', { name: '#9' }).count(), 0);
  });

  test('definition settings: server validation shows on the field, saving sends only changes, cache clears', async () => {
    fake.definitions.set(3, {
      url: '', html_url: '', id: 3, identifier: 'gitlab_ci', name: '.gitlab-ci.yml', refs: ['refs/heads/*'], events: [{ type: 'PUSH', refs: [':context'] }],
      priority: 'NORMAL', disabled: false, paused: false, clone_depth: 0, auto_clear_cache: false, cache_scope: 'PIPELINE',
      last_execution_status: 'INPROGRESS', create_date: '2026-01-01T00:00:00Z', fail_on_prepare_env_warning: true,
    });
    await page.goto(fake.url + '/acme/shop/-/definitions');
    await page.getByRole('link', { name: '.gitlab-ci.yml' }).click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await page.getByRole('cell', { name: 'PUSH' }).waitFor();

    await page.getByLabel('Clone depth (0 = full)').fill('5000');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const field = page.getByLabel('Clone depth (0 = full)');
    await page.getByText('clone_depth must be at most 1000').first().waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');

    await field.fill('10');
    await page.getByLabel('Priority').selectOption('HIGH');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    assert.deepEqual(fake.patches.at(-1), { priority: 'HIGH', clone_depth: 10 });

    await page.getByLabel('Events (JSON)').fill('[{"type":');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/Events \(JSON\) is not valid JSON/).first().waitFor();
    assert.equal(fake.patches.length, 2, 'invalid JSON never reaches the server');
    await page.getByRole('button', { name: 'Reset' }).click();

    await page.getByRole('button', { name: 'Clear cache' }).click();
    await page.getByText('Cache cleared.').waitFor();
    assert.deepEqual(fake.patches.at(-1), { clear_cache: true });
    await page.evaluate('window.scrollTo(0, 0)');
  });

  test('runners page shows online state and the jobs they run', async () => {
    fake.addRun({ id: 10, status: 'running', ref: 'main', sha: SHA, source: 'push', yaml_errors: null, started_at: new Date().toISOString(), finished_at: null, duration: null }, [
      { name: 'e2e', stage: 'test', status: 'running' },
    ]);
    await page.goto(fake.url + '/-/runners');
    await page.getByText('embedded runner').waitFor();
    await page.getByRole('link', { name: `e2e #${fake.jobByName(10, 'e2e').id}` }).waitFor();
    await page.getByText('offline · paused').waitFor();
  });

  test('a 200-job run renders quickly and a status event repaints only its node', async () => {
    const jobs = [];
    for (let i = 0; i < 200; i++) {
      jobs.push({ name: `job-${i}`, stage: `stage-${i % 5}`, status: 'pending', needs: i >= 5 ? [`job-${i - 5}`] : [] });
    }
    const run = fake.addRun({ id: 11, status: 'running', ref: 'main', sha: SHA, source: 'api', yaml_errors: null, started_at: new Date().toISOString(), finished_at: null, duration: null }, jobs);
    const started = Date.now();
    await page.goto(fake.url + '/acme/shop/-/pipelines/11');
    await page.locator('.job-node').nth(199).waitFor();
    const renderMs = Date.now() - started;
    assert.ok(renderMs < 5000, `rendered in ${renderMs} ms`);
    assert.equal(await page.locator('.graph-edges path').count(), 195);
    await page.getByText('live', { exact: true }).waitFor();

    // Tag every node element; after events, untouched nodes must be the very same elements.
    await page.evaluate("document.querySelectorAll('.job-node').forEach((el) => { el.tagged = true; })");
    const eventStarted = Date.now();
    for (const id of run.jobs.slice(0, 50)) fake.setJob(11, id, 'running');
    await page.locator('.job-node[data-status="running"]').nth(49).waitFor();
    const updateMs = Date.now() - eventStarted;
    assert.ok(updateMs < 3000, `50 events shown in ${updateMs} ms`);
    const kept = await page.evaluate<number>("[...document.querySelectorAll('.job-node')].filter((el) => el.tagged).length");
    assert.equal(kept, 200, 'no node was re-created');
    console.log(`# 200-job run: first render ${renderMs} ms, 50 status events shown in ${updateMs} ms`);
  });
});
