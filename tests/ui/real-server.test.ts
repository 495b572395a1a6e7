/**
 * The UI against a real Runnel server (tests/support/server.ts) in Chromium: password sign-in
 * through POST /-/session, token sign-in, projects list, a new project's page.
 * TODO(issue 7): once the GitLab pipelines API, the run/job event streams and the Buddy API answer,
 * add the acceptance flows here — push a repository and watch its run go running → passed with
 * the graph drawn, open a failing job's live log, retry it, clear a pipeline's cache — with
 * `runnerConcurrency: 2`. Until runnel serve serves web/dist itself, support/ui-front.ts does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { launchChromium, type Browser } from './support/chromium.js';
import { startUiFront, type UiFront } from './support/ui-front.js';

let server: TestServer;
let front: UiFront;
let browser: Browser;

describe('web UI on a real server', () => {
  before(async () => {
    server = await startTestServer();
    const user = await server.api('/api/v4/users', { method: 'POST', json: { username: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery' } });
    assert.equal(user.status, 201, await user.text());
    const project = await server.api('/api/v4/projects', { method: 'POST', json: { name: 'demo', description: 'A demo project' } });
    assert.equal(project.status, 201, await project.text());
    front = await startUiFront(server.url);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await front?.close();
    await server?.stop();
  });

  test('a user signs in with username and password and sees the projects list', async () => {
    const page = await browser.context.newPage();
    await page.goto(front.url + '/');
    await page.waitForURL(/\/-\/sign_in$/);
    await page.getByLabel('Username', { exact: true }).fill('ada');
    await page.getByLabel('Password', { exact: true }).fill('nope');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid username or password.' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.locator('.topbar .user', { hasText: 'ada' }).waitFor();
    const token = await page.evaluate<string | null>("sessionStorage.getItem('runnel.token')");
    assert.ok(token, 'session token stored');
    const me = await server.api('/api/v4/user', { token });
    assert.equal(((await me.json()) as { username: string }).username, 'ada');
    await page.close();
  });

  test('root signs in with a token, opens a project and sees its runs page with the Run pipeline form', async () => {
    const page = await browser.context.newPage();
    await page.goto(front.url + '/-/sign_in');
    await page.getByLabel('Token', { exact: true }).fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('alert').filter({ hasText: 'That token was not accepted.' }).waitFor();
    await page.getByLabel('Token', { exact: true }).fill(server.rootToken.token);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('link', { name: /demo/ }).click();
    await page.waitForURL(front.url + '/root/demo');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page.getByRole('heading', { name: 'Run pipeline' }).waitFor();
    assert.equal(await page.getByLabel('Branch or tag').inputValue(), 'main');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/-\/sign_in$/);
    assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('runnel.token')"), null);
    await page.close();
  });

  test('an expired or revoked session sends the user back to sign-in, keeping the page asked for', async () => {
    const page = await browser.context.newPage();
    await page.goto(front.url + '/-/sign_in');
    await page.evaluate("sessionStorage.setItem('runnel.token', 'revoked-or-unknown')");
    await page.goto(front.url + '/root/demo');
    await page.waitForURL(/\/-\/sign_in\?return_to=%2Froot%2Fdemo$/);
    await page.close();
  });
});
