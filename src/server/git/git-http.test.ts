import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { silentLogger } from '../../shared/index.js';
import { createGitClient } from './git-test-client.js';
import { createGitHttpHandler, type GitAccess, type GitAccessRequest } from './git-http-handler.js';
import { registerGitRoutes } from './fastify-git-routes.js';
import { createRepositoryHost } from './repository-host.js';
import { deliverPendingPushes, type GitPush } from './push-delivery.js';
import { ZERO_SHA } from './object-names.js';

// A stub of the server's access rules: tokens → users, projects → visibility and roles.
const TOKENS = new Map([['dev-token', 1], ['reader-token', 2], ['outsider-token', 3]]);
const PROJECTS = new Map<string, { visibility: 'private' | 'public'; roles: Map<number, 'developer' | 'reporter'> }>([
  ['ws/proj', { visibility: 'private', roles: new Map([[1, 'developer'], [2, 'reporter']]) }],
  ['ws/many', { visibility: 'private', roles: new Map([[1, 'developer']]) }],
  ['ws/flaky', { visibility: 'private', roles: new Map([[1, 'developer']]) }],
  ['ws/public', { visibility: 'public', roles: new Map([[1, 'developer']]) }],
]);

async function authorize(request: GitAccessRequest): Promise<GitAccess> {
  const userId = request.token === null ? null : TOKENS.get(request.token);
  if (userId === undefined) return { outcome: 'unauthenticated' };
  const project = PROJECTS.get(`${request.workspace}/${request.project}`);
  const role = userId === null ? undefined : project?.roles.get(userId);
  const canRead = project !== undefined && (project.visibility === 'public' || role !== undefined);
  if (!canRead) return userId === null ? { outcome: 'unauthenticated' } : { outcome: 'not_found' };
  if (request.service === 'upload-pack') return { outcome: 'allow', userId };
  if (userId === null) return { outcome: 'unauthenticated' };
  if (role !== 'developer') return { outcome: 'forbidden', message: 'You are not allowed to push code to this project.' };
  return { outcome: 'allow', userId };
}

const client = createGitClient();
const host = createRepositoryHost({ reposDir: mkdtempSync(join(tmpdir(), 'runnel-repos-')), logger: silentLogger() });
const pushes: GitPush[] = [];
let failPushes = false;
const contentEncodings: string[] = [];
let app: FastifyInstance;
let base = '';

before(async () => {
  for (const name of ['proj', 'many', 'flaky', 'public']) await host.create('ws', name, 'main');
  const handler = createGitHttpHandler({
    host, authorize, logger: silentLogger(),
    onPush: async (push) => {
      if (failPushes) throw new Error('database down');
      pushes.push(push);
    },
  });
  app = Fastify();
  app.addHook('onRequest', async (request) => {
    const encoding = request.headers['content-encoding'];
    if (encoding) contentEncodings.push(encoding);
  });
  registerGitRoutes(app, handler);
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app.close();
  rmSync(host.reposDir, { recursive: true, force: true });
  rmSync(client.root, { recursive: true, force: true });
});

function url(token: string | null, path: string): string {
  return token === null ? `${base}/${path}` : `${base.replace('http://', `http://x:${token}@`)}/${path}`;
}

/** onPush runs after the response has ended, so the client may finish first. */
async function waitForPushes(count: number): Promise<GitPush[]> {
  for (let i = 0; i < 200 && pushes.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(pushes.length, count, 'push events delivered');
  return pushes.splice(0, count);
}

async function lsRemote(dir: string, remote: string): Promise<Map<string, string>> {
  const out = await client.gitOk(['ls-remote', remote], { cwd: dir });
  return new Map(out.trim().split('\n').map((line) => { const [sha, ref] = line.split('\t'); return [ref!, sha!]; }));
}

test('push branches and tags over HTTP, clone them back, and record every ref update', async () => {
  const work = await client.workRepo('push-work');
  const main1 = await work.commit({ '.gitlab-ci.yml': 'test:\n  script: [true]\n' }, 'first');
  await client.gitOk(['checkout', '--quiet', '-b', 'feature'], { cwd: work.dir });
  const feature1 = await work.commit({ 'f.txt': 'f' }, 'feature');
  await client.gitOk(['checkout', '--quiet', 'main'], { cwd: work.dir });
  await client.gitOk(['tag', 'v1', main1], { cwd: work.dir });
  const remote = url('dev-token', 'ws/proj.git');

  const all = await client.git(['push', remote, '--all'], { cwd: work.dir });
  assert.equal(all.code, 0, all.stderr);
  const [branchPush] = await waitForPushes(1);
  assert.equal(branchPush!.userId, 1);
  assert.deepEqual(branchPush!.updates.sort((a, b) => a.ref.localeCompare(b.ref)), [
    { ref: 'refs/heads/feature', before: ZERO_SHA, after: feature1 },
    { ref: 'refs/heads/main', before: ZERO_SHA, after: main1 },
  ]);
  assert.equal((await client.git(['push', remote, '--tags'], { cwd: work.dir })).code, 0);
  assert.deepEqual((await waitForPushes(1))[0]!.updates, [{ ref: 'refs/tags/v1', before: ZERO_SHA, after: main1 }]);

  // Clone (the URL without .git works too) and compare every ref's sha.
  const cloneDir = join(client.root, 'clone');
  const clone = await client.git(['clone', '--quiet', url('dev-token', 'ws/proj'), cloneDir]);
  assert.equal(clone.code, 0, clone.stderr);
  const local = await lsRemote(work.dir, '.');
  const served = await lsRemote(cloneDir, url('dev-token', 'ws/proj.git'));
  for (const ref of ['refs/heads/main', 'refs/heads/feature', 'refs/tags/v1']) assert.equal(served.get(ref), local.get(ref), ref);
  assert.equal(served.get('HEAD'), main1);
  assert.equal((await client.gitOk(['rev-parse', 'HEAD'], { cwd: cloneDir })).trim(), main1);

  // A second push on a branch carries the previous sha as before.
  const main2 = await work.commit({ 'b.txt': 'b' }, 'second');
  assert.equal((await client.git(['push', remote, 'main'], { cwd: work.dir })).code, 0);
  assert.deepEqual((await waitForPushes(1))[0]!.updates, [{ ref: 'refs/heads/main', before: main1, after: main2 }]);
  assert.deepEqual(await host.changedPaths('ws', 'proj', main1, main2), ['b.txt']);

  // Deleting a branch: after is the zero id.
  assert.equal((await client.git(['push', remote, '--delete', 'feature'], { cwd: work.dir })).code, 0);
  assert.deepEqual((await waitForPushes(1))[0]!.updates, [{ ref: 'refs/heads/feature', before: feature1, after: ZERO_SHA }]);
  assert.equal(await host.resolveRef('ws', 'proj', 'feature'), null);
});

test('anonymous and bad-token access to a private project fails with 401 and a Basic challenge', async () => {
  const anonymous = await fetch(`${base}/ws/proj.git/info/refs?service=git-upload-pack`);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="Runnel"');
  const clone = await client.git(['clone', url(null, 'ws/proj.git'), join(client.root, 'anon')]);
  assert.notEqual(clone.code, 0);
  assert.match(clone.stderr, /could not read Username|Authentication failed/);
  const bad = await client.git(['clone', url('wrong-token', 'ws/proj.git'), join(client.root, 'bad')]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Authentication failed/);
});

test('a read-only member cannot push and sees why', async () => {
  const work = await client.workRepo('reader-work');
  await work.commit({ 'r.txt': 'r' }, 'reader');
  const push = await client.git(['push', url('reader-token', 'ws/proj.git'), 'HEAD:refs/heads/reader'], { cwd: work.dir });
  assert.notEqual(push.code, 0);
  assert.match(push.stderr, /remote: You are not allowed to push code to this project\./);
  assert.match(push.stderr, /403/);
  assert.equal(await host.resolveRef('ws', 'proj', 'reader'), null);
  // The same member may still fetch.
  assert.equal((await client.git(['ls-remote', url('reader-token', 'ws/proj.git')])).code, 0);
});

test('projects the caller cannot see, and missing ones, answer 404', async () => {
  const hidden = await fetch(`${base}/ws/proj.git/info/refs?service=git-upload-pack`, { headers: { authorization: `Basic ${Buffer.from('x:outsider-token').toString('base64')}` } });
  assert.equal(hidden.status, 404);
  const clone = await client.git(['clone', url('dev-token', 'ws/nothing.git'), join(client.root, 'nothing')]);
  assert.notEqual(clone.code, 0);
  assert.match(clone.stderr, /not found/);
  assert.equal((await fetch(`${base}/ws/proj.git/HEAD`)).status, 404, 'dumb protocol paths are not served');
});

test('public projects can be cloned anonymously but not pushed to', async () => {
  const work = await client.workRepo('public-work');
  await work.commit({ 'p.txt': 'p' }, 'public');
  assert.equal((await client.git(['push', url('dev-token', 'ws/public.git'), 'main'], { cwd: work.dir })).code, 0);
  await waitForPushes(1);
  assert.equal((await client.git(['clone', '--quiet', url(null, 'ws/public.git'), join(client.root, 'public-clone')])).code, 0);
  const anonymousPush = await client.git(['push', url(null, 'ws/public.git'), 'main:other'], { cwd: work.dir });
  assert.notEqual(anonymousPush.code, 0);
});

test('gzip-compressed fetch negotiations are inflated (many refs make git gzip its request)', async () => {
  const stream: string[] = [];
  for (let i = 0; i < 150; i++) {
    const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    stream.push(`commit refs/heads/b${i}\ncommitter Ada <ada@example.com> 1700000000 +0000\n${data(`commit ${i}`)}`);
    stream.push(`M 644 inline f.txt\n${data(String(i))}\n`);
  }
  const work = await client.workRepo('many-work');
  await client.gitOk(['fast-import', '--quiet'], { cwd: work.dir, input: stream.join('') });
  await work.commit({ 'main.txt': 'm' }, 'main');
  assert.equal((await client.git(['push', url('dev-token', 'ws/many.git'), '--all'], { cwd: work.dir })).code, 0);
  assert.equal((await waitForPushes(1))[0]!.updates.length, 151);

  contentEncodings.length = 0;
  const cloneDir = join(client.root, 'many-clone');
  const clone = await client.git(['clone', '--quiet', '--no-single-branch', url('dev-token', 'ws/many.git'), cloneDir]);
  assert.equal(clone.code, 0, clone.stderr);
  assert.ok(contentEncodings.includes('gzip'), `git sent a gzip body (saw ${JSON.stringify(contentEncodings)})`);
  const branches = (await client.gitOk(['branch', '-r'], { cwd: cloneDir })).trim().split('\n');
  assert.equal(branches.length, 152); // 151 branches + origin/HEAD

  // And a hand-made gzip body (protocol v0) gets a pack back.
  const sha = (await host.resolveRef('ws', 'many', 'b7'))!;
  const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
  const body = gzipSync(Buffer.from(`${pkt(`want ${sha} ofs-delta\n`)}0000${pkt('done\n')}`));
  const response = await fetch(`${base}/ws/many.git/git-upload-pack`, {
    method: 'POST', body,
    headers: {
      'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip',
      authorization: `Basic ${Buffer.from('x:dev-token').toString('base64')}`,
    },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/x-git-upload-pack-result');
  const result = Buffer.from(await response.arrayBuffer());
  assert.ok(result.includes(Buffer.from('NAK')) && result.includes(Buffer.from('PACK')), 'a NAK and a pack come back');
});

test('a push whose delivery fails is kept and delivered by the pending sweep', async () => {
  const work = await client.workRepo('flaky-work');
  const sha = await work.commit({ 'x.txt': 'x' }, 'x');
  failPushes = true;
  try {
    assert.equal((await client.git(['push', url('dev-token', 'ws/flaky.git'), 'main'], { cwd: work.dir })).code, 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(pushes.length, 0);
  } finally {
    failPushes = false;
  }
  const delivered: GitPush[] = [];
  await deliverPendingPushes({ reposDir: host.reposDir, onPush: async (p) => { delivered.push(p); }, logger: silentLogger() });
  assert.deepEqual(delivered, [{ workspace: 'ws', project: 'flaky', userId: 1, updates: [{ ref: 'refs/heads/main', before: ZERO_SHA, after: sha }] }]);
});
