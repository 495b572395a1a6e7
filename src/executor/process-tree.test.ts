import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive, runProcessTree } from './process-tree.js';

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
