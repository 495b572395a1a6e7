import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { gitAsync, makeWorkingRepo } from '../support/git.js';
import { waitFor, TERMINAL } from '../support/wait.js';

const BIN = fileURLToPath(new URL('../../bin/runnel.mjs', import.meta.url));
const TOKEN = 'root-token-for-crash-test';

/** Starts `runnel serve` as its own process (so it can be SIGKILLed) and resolves with its URL. */
function serve(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--concurrency', '4', '--executor', 'shell', '--job-lease', '5', '--log-level', 'warn'], {
    env: { ...process.env, RUNNEL_INITIAL_ROOT_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.resume();
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited early with ${code}: ${out}`)));
  });
}

describe('crash safety', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-crash-'));
  let child: ChildProcess | null = null;
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a SIGKILL during 20 running pipelines loses nothing: after restart every run ends', async () => {
    let server = await serve(dataDir);
    child = server.child;
    const api = (path: string, init: RequestInit = {}) => fetch(server.url + path, { ...init, headers: { 'private-token': TOKEN, 'content-type': 'application/json', ...init.headers } });
    const created = await api('/api/v4/projects', { method: 'POST', body: JSON.stringify({ name: 'crash' }) });
    assert.equal(created.status, 201);
    const repo = makeWorkingRepo({
      '.gitlab-ci.yml': [
        'first:', '  stage: build', '  retry:', '    max: 2', '    when: runner_system_failure',
        '  script:', '    - echo "start $CI_COMMIT_REF_NAME"', '    - sleep 2', '    - echo "end $CI_COMMIT_REF_NAME"',
        'second:', '  stage: test', '  script: [echo second]',
      ].join('\n'),
    });
    const refspecs = Array.from({ length: 20 }, (_, i) => `HEAD:refs/heads/b${i}`);
    const pushed = await gitAsync(repo.dir, ['push', '-q', `http://root:${TOKEN}@${new URL(server.url).host}/root/crash.git`, ...refspecs]);
    assert.equal(pushed.code, 0, pushed.stderr);

    const db = new Database(join(dataDir, 'runnel.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      await waitFor('20 runs and 4 jobs running', () => count('select count(*) n from runs') === 20 && count("select count(*) n from jobs where status = 'running' and log_size > 0") >= 4, 30_000);
      const logsBefore = new Map((db.prepare('select id, log_size from jobs').all() as Array<{ id: number; log_size: number }>).map((r) => [r.id, r.log_size]));
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));

      server = await serve(dataDir);
      child = server.child;
      await waitFor('every run to end', () => count(`select count(*) n from runs where status not in ('success','failed','canceled','skipped')`) === 0, 90_000);
      const runs = db.prepare('select id, ref, status from runs order by id').all() as Array<{ id: number; ref: string; status: string }>;
      assert.equal(runs.length, 20, 'no run lost');
      assert.ok(runs.every((r) => TERMINAL.has(r.status)));
      assert.deepEqual([...new Set(runs.map((r) => r.status))], ['success'], 'interrupted jobs were retried and finished');
      const interrupted = db.prepare(`select count(*) n from jobs where retried = 1 and failure_reason = 'runner_system_failure'`).get() as { n: number };
      assert.ok(interrupted.n >= 4, 'the jobs running at the kill ended runner_system_failure and were retried');
      for (const [id, size] of logsBefore) {
        const now = (db.prepare('select log_size from jobs where id = ?').get(id) as { log_size: number }).log_size;
        const stored = (db.prepare('select coalesce(sum(length(data)), 0) n from job_log_chunks where job_id = ?').get(id) as { n: number }).n;
        assert.ok(now >= size && stored === now, `job ${id}: acknowledged log kept (${size} → ${now}, ${stored} stored)`);
      }
    } finally {
      db.close();
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
  });
});
