import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSmartHttpPath, serviceOf } from './smart-http-request.js';
import { parseBasicAuthorization } from './basic-auth.js';

test('accepts the repository URL with and without .git', () => {
  assert.deepEqual(parseSmartHttpPath('/ws/proj.git/info/refs'), { workspace: 'ws', project: 'proj', pathInfo: '/info/refs' });
  assert.deepEqual(parseSmartHttpPath('/ws/proj/git-upload-pack'), { workspace: 'ws', project: 'proj', pathInfo: '/git-upload-pack' });
  assert.deepEqual(parseSmartHttpPath('/ws/my.proj.git/git-receive-pack'), { workspace: 'ws', project: 'my.proj', pathInfo: '/git-receive-pack' });
});

test('rejects paths that could escape the repository root or are not smart HTTP', () => {
  assert.equal(parseSmartHttpPath('/../proj.git/info/refs'), null);
  assert.equal(parseSmartHttpPath('/ws/..git/info/refs'), null);
  assert.equal(parseSmartHttpPath('/ws/-x.git/info/refs'), null);
  assert.equal(parseSmartHttpPath('/ws/proj.git/HEAD'), null);
  assert.equal(parseSmartHttpPath('/ws/proj.git/objects/info/packs'), null);
  assert.equal(parseSmartHttpPath('/a/b/c.git/info/refs'), null);
});

test('maps method, endpoint and service query to a git service', () => {
  assert.deepEqual(serviceOf('GET', '/info/refs', new URLSearchParams('service=git-receive-pack')), { ok: true, service: 'receive-pack', kind: 'advertisement' });
  assert.deepEqual(serviceOf('POST', '/git-upload-pack', new URLSearchParams()), { ok: true, service: 'upload-pack', kind: 'rpc' });
  assert.equal((serviceOf('GET', '/info/refs', new URLSearchParams()) as { status: number }).status, 403);
  assert.equal((serviceOf('GET', '/git-upload-pack', new URLSearchParams()) as { status: number }).status, 405);
  assert.equal((serviceOf('GET', '/info/refs', new URLSearchParams('service=git-foo')) as { status: number }).status, 400);
});

test('reads Basic credentials; the password is the token', () => {
  const header = `Basic ${Buffer.from('x:tok:en').toString('base64')}`;
  assert.deepEqual(parseBasicAuthorization(header), { username: 'x', password: 'tok:en' });
  assert.equal(parseBasicAuthorization('Bearer abc'), null);
  assert.equal(parseBasicAuthorization(undefined), null);
});
