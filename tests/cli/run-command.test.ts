import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git, gitEnv } from '../support/git.js';

const BIN = fileURLToPath(new URL('../../bin/runnel.mjs', import.meta.url));

/** A git repository with `.gitlab-ci.yml` committed (and `extra` files left uncommitted). */
function repo(ci: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-local-'));
  git(dir, ['init', '-q', '--initial-branch=main']);
  writeFileSync(join(dir, '.gitlab-ci.yml'), ci);
  writeFileSync(join(dir, '.gitignore'), 'ignored.txt\n');
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'init']);
  for (const [path, content] of Object.entries(extra)) writeFileSync(join(dir, path), content);
  return dir;
}

function runnel(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'run', ...args], { cwd, env: { ...gitEnv(), NODE_OPTIONS: '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('runnel run (a local pipeline, no server)', () => {
  it('runs a pipeline of the working tree, uncommitted and untracked files included, and exits 0', async () => {
    const dir = repo('stages: [build, test]\nbuild:\n  stage: build\n  script: [mkdir -p out, cat note.txt > out/n]\n  artifacts: { paths: [out/] }\ntest:\n  stage: test\n  script: [grep untracked out/n, test ! -e ignored.txt]\n', { 'note.txt': 'untracked note', 'ignored.txt': 'secret' });
    try {
      const r = await runnel(dir, []);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /✔ build\s+success/);
      assert.match(r.stdout, /✔ test\s+success/);
      assert.match(r.stdout, /Pipeline success in [\d.]+s \(2 jobs\)/);
      assert.equal(git(dir, ['status', '--porcelain']), '?? note.txt', 'the user\'s repository is untouched');
      assert.equal(git(dir, ['rev-list', '--count', 'HEAD']), '1');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('leaves nothing in the temporary directory once it has exited (the data directory goes soon after)', async () => {
    const dir = repo('stages: [a, b]\none:\n  stage: a\n  script: [mkdir -p out, echo x > out/x]\n  artifacts: { paths: [out/] }\ntwo:\n  stage: b\n  script: [cat out/x]\n');
    const scratch = mkdtempSync(join(tmpdir(), 'runnel-tmpdir-'));
    try {
      const r = await runnel(dir, [], { TMPDIR: scratch });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const deadline = Date.now() + 10_000;
      while (readdirSync(scratch).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(readdirSync(scratch), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('runs to its end, quietly, when its output stops being read (runnel run | head -1)', async () => {
    const dir = repo('stages: [a, b]\none:\n  stage: a\n  script: [echo one]\ntwo:\n  stage: b\n  script: [sleep 0.3, echo two]\n');
    try {
      const { spawn } = await import('node:child_process');
      const child = spawn(process.execPath, [BIN, 'run'], { cwd: dir, env: { ...gitEnv(), NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      // The reader goes away after the first output, as head -1 does.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stderr, /EPIPE|Error/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('exits 1 on a failing job and shows the tail of its log', async () => {
    const dir = repo('ok:\n  script: [echo fine]\nbad:\n  script: [echo "about to fail here", exit 3]\nlater:\n  stage: deploy\n  script: [echo never]\n');
    try {
      const r = await runnel(dir, []);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /✖ bad\s+failed/);
      assert.match(r.stdout, /bad failed \(script_failure, exit code 3\)/);
      assert.match(r.stdout, /about to fail here/);
      assert.match(r.stdout, /later\s+skipped/);
      assert.match(r.stdout, /Pipeline failed/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('exits 2 on an invalid config with file:line:column diagnostics', async () => {
    const dir = repo('good:\n  script: [echo hi]\nbroken:\n  scirpt: [echo typo]\n');
    try {
      const r = await runnel(dir, []);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /^\.gitlab-ci\.yml:\d+:\d+: error: .*broken/m);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('runs only the named jobs (alone, or with what they need under --needs), and refuses unknown names', async () => {
    const ci = 'stages: [build, test]\nbuild:\n  stage: build\n  script: [echo built > b.txt]\n  artifacts: { paths: [b.txt] }\nlint:\n  stage: build\n  script: [exit 1]\ntest:\n  stage: test\n  needs: [build]\n  script: [echo test-ran, cat b.txt || echo no-artifact]\n';
    const dir = repo(ci);
    try {
      const alone = await runnel(dir, ['test']);
      assert.equal(alone.code, 0, alone.stdout + alone.stderr);
      assert.match(alone.stdout, /test\s+success/);
      assert.doesNotMatch(alone.stdout, /build|lint/);
      assert.match(alone.stdout, /\(1 job\)/);
      const withNeeds = await runnel(dir, ['test', '--needs']);
      assert.equal(withNeeds.code, 0, withNeeds.stdout + withNeeds.stderr);
      assert.match(withNeeds.stdout, /build\s+success/);
      assert.doesNotMatch(withNeeds.stdout, /lint/);
      const unknown = await runnel(dir, ['nope']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /no job named 'nope'/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('passes --variable values to the jobs', async () => {
    const dir = repo('check:\n  script: [\'test "$GREETING" = "hello world"\', \'echo "got $GREETING"\']\n');
    try {
      const bad = await runnel(dir, []);
      assert.equal(bad.code, 1);
      const r = await runnel(dir, ['--variable', 'GREETING=hello world']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal((await runnel(dir, ['--variable', 'novalue'])).code, 2);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('plays manual jobs named with --manual and leaves the others waiting', async () => {
    const dir = repo('build:\n  script: [echo b]\nrelease:\n  stage: deploy\n  when: manual\n  script: [echo released]\nnotify:\n  stage: deploy\n  when: manual\n  script: [echo notified]\n');
    try {
      const idle = await runnel(dir, []);
      assert.equal(idle.code, 0, idle.stdout + idle.stderr);
      assert.match(idle.stdout, /release\s+manual/);
      const played = await runnel(dir, ['--manual', 'release']);
      assert.equal(played.code, 0, played.stdout + played.stderr);
      assert.match(played.stdout, /release\s+success/);
      assert.match(played.stdout, /notify\s+manual/);
      assert.doesNotMatch(played.stdout, /notify\s+success/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('rejects an unavailable or unknown executor with a clear usage error', async () => {
    const dir = repo('a:\n  script: [echo hi]\n');
    try {
      const unknown = await runnel(dir, ['--executor', 'podman']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown --executor podman/);
      const docker = await runnel(dir, ['--executor', 'docker']);
      if (docker.code === 2) assert.match(docker.stderr, /--executor docker is not available: .+/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
