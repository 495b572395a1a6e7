import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSandboxArgs } from './sandbox-args.js';

test('binds the job directory last, after /tmp and hidden paths, and hides files with /dev/null', () => {
  const args = buildSandboxArgs({
    jobDir: '/tmp/b/job-1', cwd: '/tmp/b/job-1/project', network: true, asRoot: true,
    hidden: [{ path: '/srv/data', kind: 'dir' }, { path: '/srv/token', kind: 'file' }], command: ['bash', 's.sh'],
  });
  const line = args.join(' ');
  assert.ok(line.startsWith('--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp'));
  assert.ok(line.indexOf('--tmpfs /srv/data') < line.indexOf('--bind /tmp/b/job-1 /tmp/b/job-1'));
  assert.ok(line.includes('--ro-bind /dev/null /srv/token'));
  assert.ok(line.includes('--unshare-pid') && line.includes('--die-with-parent') && line.includes('--new-session'));
  assert.ok(!line.includes('--unshare-net'));
  assert.ok(line.includes('--cap-drop ALL'));
  assert.ok(line.endsWith('--chdir /tmp/b/job-1/project -- bash s.sh'));
});

test('network: false adds --unshare-net', () => {
  const args = buildSandboxArgs({ jobDir: '/j', cwd: '/j', network: false, asRoot: false, hidden: [], command: ['true'] });
  assert.ok(!args.includes('--cap-drop'));
  assert.ok(args.includes('--unshare-net'));
});

test('shows read-only directories after the hidden paths (so they stay visible inside one) and before the job directory', () => {
  const args = buildSandboxArgs({
    jobDir: '/srv/data/builds/job-1', cwd: '/srv/data/builds/job-1/project', network: true, asRoot: false,
    hidden: [{ path: '/srv/data', kind: 'dir' }], readOnly: ['/srv/data/repositories/g/p.git/objects'], command: ['bash'],
  });
  const line = args.join(' ');
  const ro = line.indexOf('--ro-bind /srv/data/repositories/g/p.git/objects /srv/data/repositories/g/p.git/objects');
  assert.ok(ro > line.indexOf('--tmpfs /srv/data'));
  assert.ok(ro < line.indexOf('--bind /srv/data/builds/job-1 /srv/data/builds/job-1'));
  assert.ok(!line.includes('--bind /srv/data/repositories'), 'never writable');
});
