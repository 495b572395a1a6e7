import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { isProcessAlive, killMarked, runProcessTree, sweepCandidates, TREE_MARK } from './process-tree.js';

test('a process that left the group and lost its parent is still killed once the step ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-tree-'));
  try {
    // setsid in a background job: a new session, then the shell exits, so the sleeper's parent
    // is init — neither kill(-pgid) nor a walk of the tree reaches it.
    const script = `setsid sh -c 'echo $$ > ${dir}/pid; exec sleep 300' </dev/null >/dev/null 2>&1 &\nwhile [ ! -s ${dir}/pid ]; do sleep 0.01; done\n`;
    const outcome = await runProcessTree({ command: 'bash', args: ['-c', script], cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 10_000, killGraceMs: 200 });
    assert.equal(outcome.exitCode, 0);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    assert.ok(pid > 0);
    const deadline = Date.now() + 5_000;
    while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(isProcessAlive(pid), false, `escaped process ${pid} is still running`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the sweep of a short step reads only the pids handed out since it started, across a wrap', () => {
  const entries = [1, 2, 300, 999, 1000, 1001, 1500, 32000];
  assert.deepEqual(sweepCandidates(entries, 1000, 1500), [1000, 1001, 1500]);
  // pid allocation wrapped at pid_max: the step's pids are from 32000 up and from 1 to 300.
  assert.deepEqual(sweepCandidates(entries, 32000, 300), [1, 2, 300, 32000]);
});

test('killMarked finds a marked process in the step\'s pid range, and only there', async () => {
  const mark = `test-${process.pid}-${Date.now()}`;
  const child = spawn('sleep', ['300'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [TREE_MARK]: mark }, stdio: 'ignore', detached: true });
  const pid = child.pid!;
  try {
    await new Promise((resolve) => child.once('spawn', resolve));
    // A step whose leader started after this process: its range does not hold it.
    const later = spawn('true', { stdio: 'ignore' });
    await new Promise((resolve) => later.once('exit', resolve));
    const laterPid = later.pid!;
    assert.ok(laterPid > pid, 'pids were handed out upwards during the test');
    assert.deepEqual(await killMarked(mark, { firstPid: laterPid, startedAt: Date.now() }), []);
    assert.equal(isProcessAlive(pid), true);
    // A step that ran long enough falls back to every process, whatever the range.
    assert.deepEqual(await killMarked(mark, { firstPid: laterPid, startedAt: Date.now() - 60_000 }), [pid]);
  } finally {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  const other = spawn('sleep', ['300'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [TREE_MARK]: mark }, stdio: 'ignore', detached: true });
  await new Promise((resolve) => other.once('spawn', resolve));
  assert.deepEqual(await killMarked(mark, { firstPid: other.pid!, startedAt: Date.now() }), [other.pid]);
});
