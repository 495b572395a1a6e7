/**
 * The server path's cost per job: a real server (startServer: store on SQLite in a temp data
 * directory, engine, embedded runner with the shell executor, concurrency 1), N runs of a
 * one-job pipeline (`script: [true]`), one at a time. For each run:
 * - total: engine.createRun called → run success observed (notifier event, no polling delay);
 * - first job running: createRun called → the job's status is running (notifier job events);
 * The per-job overhead is the median total minus the median of `bash -c true` spawned directly.
 * A second figure spreads run creation over many jobs: a pipeline of MANY jobs of `true` in one
 * stage (run one after another), creation → success divided by MANY, minus the same bash median.
 * createRun itself (reading and compiling the CI file from git, storing the run) is inside
 * both figures; the job's git checkout (file:// clone of the hosted repository) is in total, and
 * a second series with GIT_STRATEGY=none shows what the checkout alone costs.
 *
 * Repeat with:  node --import tsx bench/server-job-overhead.ts [N]
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/cli/config.js';
import { startServer } from '../src/cli/server-runtime.js';
import { silentLogger } from '../src/shared/index.js';

const N = Number(process.argv[2] ?? 30);
const MANY = 20;
const MANY_RUNS = 5;
const work = mkdtempSync(join(tmpdir(), 'runnel-bench-server-'));

function bashTrue(): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('bash', ['-c', 'true'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(Number(process.hrtime.bigint() - start) / 1e6));
  });
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const stats = (xs: number[]) => `min ${Math.min(...xs).toFixed(1)} ms, median ${median(xs).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

async function main(): Promise<void> {
  const dataDir = join(work, 'data');
  const config = loadConfig({ flags: { port: '0', 'data-dir': dataDir, 'log-level': 'silent', concurrency: '1', executor: 'shell' }, env: { RUNNEL_INITIAL_ROOT_TOKEN: 'bench-root-token-000001' }, cwd: work });
  const server = await startServer(config, silentLogger());
  try {
    const root = (await server.store.users.byUsername('root'))!;
    const project = await server.projects.create({ name: 'bench' }, { user: root });
    const src = join(work, 'src');
    const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
    execFileSync('git', ['init', '-q', '-b', 'main', src], { env });
    writeFileSync(join(src, '.gitlab-ci.yml'), 'job:\n  script: [true]\n');
    execFileSync('git', ['add', '-A'], { cwd: src, env });
    execFileSync('git', ['commit', '-q', '-m', 'bench'], { cwd: src, env });
    execFileSync('git', ['push', '-q', server.host.pathOf(project.workspacePath, project.path), 'HEAD:refs/heads/main'], { cwd: src, env });
    // Branch `many`: MANY jobs of `true` in one stage, run one after another (concurrency 1).
    writeFileSync(join(src, '.gitlab-ci.yml'), Array.from({ length: MANY }, (_, i) => `job_${i}:\n  script: [true]\n`).join(''));
    execFileSync('git', ['commit', '-q', '-am', 'many'], { cwd: src, env });
    execFileSync('git', ['push', '-q', server.host.pathOf(project.workspacePath, project.path), 'HEAD:refs/heads/many'], { cwd: src, env });

    const runToEnd = async (ref: string): Promise<number> => {
      let runId = -1;
      const finished = new Promise<void>((resolve) => {
        const off = server.notifier.subscribe((event) => {
          if (event.type !== 'run' || event.runId !== runId) return;
          void server.store.runs.byId(runId).then((run) => {
            if (run && ['success', 'failed', 'canceled'].includes(run.status)) { off(); resolve(); }
          });
        });
      });
      const start = process.hrtime.bigint();
      const created = await server.engine.createRun({ project, ref, source: 'api', user: root });
      if (!created.created) throw new Error(created.message);
      runId = created.run.id;
      await finished;
      const run = await server.store.runs.byId(runId);
      if (run?.status !== 'success') throw new Error(`run ${runId} ended ${run?.status}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };

    const series = async (variables: Array<{ key: string; value: string; variable_type: 'env_var' }>) => {
    const totals: number[] = [];
    const firstRunning: number[] = [];
    const creates: number[] = [];
    for (let i = 0; i < N + 3; i++) {
      let runId = -1;
      let running = -1;
      let start = 0n;
      const ms = () => Number(process.hrtime.bigint() - start) / 1e6;
      const finished = new Promise<number>((resolve) => {
        const off = server.notifier.subscribe((event) => {
          if (event.runId !== runId) return;
          void (async () => {
            if (event.type === 'job' && running < 0) {
              const job = await server.store.jobs.byId(event.jobId);
              if (job && job.status !== 'pending' && job.status !== 'created') running = ms();
            }
            if (event.type === 'run') {
              const run = await server.store.runs.byId(runId);
              if (run && ['success', 'failed', 'canceled'].includes(run.status)) { off(); resolve(ms()); }
            }
          })();
        });
      });
      start = process.hrtime.bigint();
      const created = await server.engine.createRun({ project, ref: 'main', source: 'api', user: root, variables });
      if (!created.created) throw new Error(created.message);
      runId = created.run.id;
      const createMs = ms();
      const total = await finished;
      const run = await server.store.runs.byId(runId);
      if (run?.status !== 'success') throw new Error(`run ${runId} ended ${run?.status}`);
      if (i < 3) continue; // warm-up
      totals.push(total);
      firstRunning.push(running);
      creates.push(createMs);
    }
    return { totals, firstRunning, creates };
    };
    const { totals, firstRunning, creates } = await series([]);
    const noGit = await series([{ key: 'GIT_STRATEGY', value: 'none', variable_type: 'env_var' }]);
    const perJobInMany: number[] = [];
    for (let i = 0; i < MANY_RUNS + 1; i++) {
      const ms = await runToEnd('many');
      if (i > 0) perJobInMany.push(ms / MANY);
    }
    const bash: number[] = [];
    for (let i = 0; i < N; i++) bash.push(await bashTrue());
    console.log(`server path, embedded runner, shell executor, ${N} runs of a one-job pipeline (\`true\`), node ${process.version}`);
    console.log(`createRun returned:          ${stats(creates)}`);
    console.log(`creation → first job running: ${stats(firstRunning)}   (aim ≤ 20 ms: ${median(firstRunning) <= 20 ? 'met' : 'MISSED'})`);
    console.log(`creation → run success:      ${stats(totals)}`);
    console.log(`bash -c true directly:       ${stats(bash)}`);
    console.log(`same, GIT_STRATEGY=none (no checkout): ${stats(noGit.totals)}  → the checkout costs ≈ ${(median(totals) - median(noGit.totals)).toFixed(1)} ms`);
    const overhead = median(totals) - median(bash);
    console.log(`per-job overhead (median total − median bash): ${overhead.toFixed(1)} ms   (aim < 10 ms: ${overhead < 10 ? 'met' : 'MISSED'})`);
    const manyOverhead = median(perJobInMany) - median(bash);
    console.log(`a ${MANY}-job pipeline (one stage, one job at a time), ${MANY_RUNS} runs: creation → success ÷ ${MANY}: ${stats(perJobInMany)}`);
    console.log(`per-job overhead in it (median ÷ ${MANY} − median bash): ${manyOverhead.toFixed(1)} ms   (aim < 10 ms: ${manyOverhead < 10 ? 'met' : 'MISSED'})`);
    console.log('Repeat with:  node --import tsx bench/server-job-overhead.ts [N]');
  } finally {
    await server.close();
  }
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
