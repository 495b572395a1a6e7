/**
 * Per-job overhead of runJob with the shell executor: a trivial job (`true`) run N times through
 * runJob versus `bash -c true` spawned directly. Prints min/median/max of each and of the
 * difference (the executor's overhead: job directory, log pipeline, script file, process group).
 *
 * Repeat with:  node --import tsx bench/executor-overhead.ts [N]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDirCacheStore, createShellExecutor, runJob, type LogSink } from '../src/executor/index.js';
import type { JobPayload } from '../src/protocol/index.js';

const runs = Number(process.argv[2] ?? 50);
const root = mkdtempSync(join(tmpdir(), 'runnel-bench-'));

function payload(id: number): JobPayload {
  return {
    id, token: `bench-token-${id}`, allow_git_fetch: false,
    job_info: { id, name: 'bench', stage: 'test', project_id: 1, project_name: 'bench', time_in_queue_seconds: 0 },
    git_info: { repo_url: '', ref: 'main', sha: '', before_sha: '', ref_type: 'branch', refspecs: [], depth: 0 },
    runner_info: { timeout: 60 },
    variables: [{ key: 'GIT_STRATEGY', value: 'none', public: true, masked: false }],
    steps: [{ name: 'script', script: ['true'], timeout: 60, when: 'on_success', allow_failure: false }],
    hooks: [], image: null, services: [], artifacts: [], cache: [], dependencies: [],
    features: { trace_sections: true, failure_reasons: [] },
  };
}

const nullSink: LogSink = { append: (chunk) => chunk.length };

function bashTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'true'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] as number : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
  return `min ${(sorted[0] as number).toFixed(2)}  median ${median.toFixed(2)}  max ${(sorted[sorted.length - 1] as number).toFixed(2)} ms`;
}

const cache = createDirCacheStore(join(root, 'cache'));
const artifacts = { download: async () => null, upload: async () => undefined };
// Warm-up: module loading and the first spawns are not what we measure.
for (let i = 0; i < 3; i++) {
  await bashTrue();
  await runJob(payload(i), { executor: createShellExecutor(), log: nullSink, artifacts, cache }, { buildsRoot: join(root, 'builds') });
}
const direct: number[] = [];
const viaRunJob: number[] = [];
for (let i = 0; i < runs; i++) {
  direct.push(await time(bashTrue));
  viaRunJob.push(await time(async () => {
    const result = await runJob(payload(100 + i), { executor: createShellExecutor(), log: nullSink, artifacts, cache }, { buildsRoot: join(root, 'builds') });
    if (result.status !== 'success') throw new Error(`bench job failed: ${JSON.stringify(result)}`);
  }));
}
const sortedDirect = [...direct].sort((a, b) => a - b);
const overhead = viaRunJob.map((v, i) => v - (sortedDirect[Math.floor(sortedDirect.length / 2)] ?? direct[i] ?? 0));
rmSync(root, { recursive: true, force: true });

console.log(`executor overhead, ${runs} runs (node ${process.version}, ${process.platform})`);
console.log(`  bash -c true directly : ${stats(direct)}`);
console.log(`  runJob (shell, true)  : ${stats(viaRunJob)}`);
console.log(`  overhead per job      : ${stats(overhead)}  (runJob minus median direct)`);
console.log('repeat: node --import tsx bench/executor-overhead.ts ' + runs);
