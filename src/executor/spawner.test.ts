import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive, runProcessTree, type TreeRunOptions } from './process-tree.js';
import { execFileTree, spawnHelperPid, spawnOrphan } from './spawner.js';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const base: Omit<TreeRunOptions, 'args'> = { command: 'bash', cwd: '/', env, timeoutMs: 20_000, killGraceMs: 200 };

async function run(script: string, extra: Partial<TreeRunOptions> = {}) {
  let output = '';
  const outcome = await runProcessTree({ ...base, args: ['-c', script], onOutput: (c) => { output += c.toString('utf8'); }, ...extra });
  return { outcome, output };
}

/** The helper starts with the first spawn and takes spawns once it is up. */
async function helperUp(): Promise<number> {
  await run('true');
  const deadline = Date.now() + 10_000;
  while (spawnHelperPid() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const pid = spawnHelperPid();
  assert.ok(pid, 'the spawn helper came up');
  return pid;
}

test('once the helper is up, trees are started by it, not by this process', async () => {
  const helper = await helperUp();
  const { outcome, output } = await run('echo $PPID; ps -o sid= -p $$');
  assert.equal(outcome.exitCode, 0);
  const [ppid, sid] = output.trim().split(/\s+/).map(Number);
  assert.equal(ppid, helper);
  assert.notEqual(ppid, process.pid);
  assert.ok(sid !== undefined && sid !== helper, 'the tree is its own session');
});

test('through the helper: output whole and in order, exit codes, signals, commands that do not exist', async () => {
  await helperUp();
  const big = await run('for i in $(seq 1 20000); do echo "line $i of the output"; done; echo err >&2; exit 3');
  assert.equal(big.outcome.exitCode, 3);
  const lines = big.output.trim().split('\n');
  assert.equal(lines.length, 20001);
  assert.equal(lines[0], 'line 1 of the output');
  assert.equal(lines[19999], 'line 20000 of the output');
  assert.equal(lines[20000], 'err');
  const killed = await run('kill -TERM $$');
  assert.equal(killed.outcome.exitCode, null);
  assert.equal(killed.outcome.signal, 'SIGTERM');
  const missing = await runProcessTree({ ...base, command: '/nonexistent/command', args: [] });
  assert.match(missing.startError ?? '', /ENOENT/);
});

test('timeouts and cancels stop a tree the helper started', async () => {
  await helperUp();
  const started = Date.now();
  const timed = await run('sleep 30 & sleep 30; wait', { timeoutMs: 300 });
  assert.equal(timed.outcome.timedOut, true);
  assert.ok(Date.now() - started < 5_000);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const canceled = await run('sleep 30', { signal: controller.signal });
  assert.equal(canceled.outcome.canceled, true);
});

test('a helper that dies fails its running trees, kills them, and is replaced', async () => {
  const helper = await helperUp();
  const pidFile = `/tmp/runnel-spawner-${process.pid}-${Date.now()}`;
  const running = run(`echo $$ > ${pidFile}; sleep 30`);
  const deadline = Date.now() + 5_000;
  let leader = 0;
  while (Date.now() < deadline) {
    try { leader = Number(readFileSync(pidFile, 'utf8')); } catch { /* not yet */ }
    if (leader > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  rmSync(pidFile, { force: true });
  assert.ok(leader > 0);
  process.kill(helper, 'SIGKILL');
  const { outcome } = await running;
  assert.equal(outcome.startError, 'the spawn helper ended');
  const gone = Date.now() + 5_000;
  while (isProcessAlive(leader) && Date.now() < gone) await new Promise((r) => setTimeout(r, 10));
  assert.equal(isProcessAlive(leader), false, 'the tree of a dead helper is killed');
  const again = await helperUp();
  assert.notEqual(again, helper);
});

test('RUNNEL_SPAWN_HELPER=off starts trees from this process', async () => {
  process.env.RUNNEL_SPAWN_HELPER = 'off';
  try {
    const { output } = await run('echo $PPID');
    assert.equal(Number(output.trim()), process.pid);
  } finally {
    delete process.env.RUNNEL_SPAWN_HELPER;
  }
});

test('when the process that asked for a tree dies, its helper kills the tree', async () => {
  const pidFile = `/tmp/runnel-spawner-orphan-${process.pid}-${Date.now()}`;
  const script = `
    import { runProcessTree } from ${JSON.stringify(new URL('./process-tree.ts', import.meta.url).href)};
    import { spawnHelperPid, startSpawnHelper } from ${JSON.stringify(new URL('./spawner.ts', import.meta.url).href)};
    startSpawnHelper();
    while (spawnHelperPid() === undefined) await new Promise((r) => setTimeout(r, 10));
    await runProcessTree({ command: 'bash', args: ['-c', 'echo $$ > ${pidFile}; sleep 30'], cwd: '/', env: { PATH: process.env.PATH }, timeoutMs: 0, killGraceMs: 100 });
  `;
  const { spawn } = await import('node:child_process');
  const asker = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore', detached: true });
  let leader = 0;
  const deadline = Date.now() + 20_000;
  while (!(leader > 0) && Date.now() < deadline) {
    try { leader = Number(readFileSync(pidFile, 'utf8')); } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  rmSync(pidFile, { force: true });
  assert.ok(leader > 0, 'the tree started');
  // The asker's whole process group dies at once (a kill -9 of a runner); the helper is not in it.
  process.kill(-asker.pid!, 'SIGKILL');
  const gone = Date.now() + 5_000;
  while (isProcessAlive(leader) && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
  assert.equal(isProcessAlive(leader), false, 'the tree of a dead asker is killed by its helper');
});

test('execFileTree: stdout and stderr apart, the exit code, and a command that does not start', async () => {
  await helperUp();
  const r = await execFileTree('bash', ['-c', 'echo out; echo err >&2; echo more; exit 4'], { cwd: '/', env });
  assert.deepEqual(r, { code: 4, stdout: 'out\nmore\n', stderr: 'err\n' });
  const killed = await execFileTree('bash', ['-c', 'kill -KILL $$'], { cwd: '/', env });
  assert.equal(killed.code, 1);
  const missing = await execFileTree('/nonexistent/command', [], { cwd: '/', env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /ENOENT/);
});

test('spawnOrphan starts a process nobody waits for, through the helper', async () => {
  await helperUp();
  const dir = mkdtempSync(join(tmpdir(), 'runnel-orphan-'));
  try {
    spawnOrphan({ command: 'bash', args: ['-c', 'echo "$PPID" > "$0/ppid"', dir], cwd: '/', env });
    const deadline = Date.now() + 5_000;
    while (!existsSync(join(dir, 'ppid')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(Number(readFileSync(join(dir, 'ppid'), 'utf8')), spawnHelperPid());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a helper started ahead (as bin/runnel.mjs does for `runnel run`) is adopted, not doubled', async () => {
  const script = `
    import { spawn } from 'node:child_process';
    import { execFileTree, spawnHelperPid, SPAWN_HELPER_FILE } from ${JSON.stringify(new URL('./spawner.ts', import.meta.url).href)};
    const ahead = spawn(process.execPath, [SPAWN_HELPER_FILE], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH }, detached: true });
    ahead.unref(); ahead.stdin.unref(); ahead.stdout.unref();
    globalThis[Symbol.for('runnel.spawn-helper')] = ahead;
    const r = await execFileTree('bash', ['-c', 'echo $PPID'], { cwd: '/', env: { PATH: process.env.PATH } });
    process.stdout.write(JSON.stringify({ ahead: ahead.pid, used: spawnHelperPid(), parent: Number(r.stdout.trim()) }));
  `;
  const { execFileSync } = await import('node:child_process');
  const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 })) as { ahead: number; used: number; parent: number };
  assert.ok(out.ahead > 0);
  assert.equal(out.used, out.ahead, 'the helper in use is the one started ahead');
  assert.equal(out.parent, out.ahead, 'the first command ran from it, not from a fork of the asking process');
});

test('a helper whose parent stops reading leaves quietly, killing what it runs', async () => {
  const pidFile = `/tmp/runnel-spawner-epipe-${process.pid}-${Date.now()}`;
  const script = `
    import { spawn } from 'node:child_process';
    import { writeFileSync } from 'node:fs';
    import { runProcessTree } from ${JSON.stringify(new URL('./process-tree.ts', import.meta.url).href)};
    import { SPAWN_HELPER_FILE } from ${JSON.stringify(new URL('./spawner.ts', import.meta.url).href)};
    const helper = spawn(process.execPath, [SPAWN_HELPER_FILE], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH }, detached: true });
    globalThis[Symbol.for('runnel.spawn-helper')] = helper;
    void runProcessTree({ command: 'bash', args: ['-c', 'echo $$ > ${pidFile}; sleep 30'], cwd: '/', env: { PATH: process.env.PATH }, timeoutMs: 0, killGraceMs: 100 });
    await new Promise((r) => setTimeout(r, 1000));
    writeFileSync('${pidFile}.helper', String(helper.pid));
    helper.stdout.destroy();
    // The tree's next frame (its exit, once killed below) meets a closed pipe.
    process.kill(-Number((await import('node:fs')).readFileSync('${pidFile}', 'utf8')), 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
  `;
  const { execFile } = await import('node:child_process');
  const stderr = await new Promise<string>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 30_000 }, (_error, _stdout, err) => resolve(err));
  });
  const helper = Number(readFileSync(`${pidFile}.helper`, 'utf8'));
  const leader = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  rmSync(`${pidFile}.helper`, { force: true });
  assert.equal(isProcessAlive(helper), false, 'the helper left');
  assert.equal(isProcessAlive(leader), false, 'its tree is gone');
  assert.doesNotMatch(stderr, /EPIPE|Error/, 'nothing on the terminal');
});
