/**
 * `runnel run` against gitlab-ci-local 4.x (its shell executor: jobs without `image:` run in the
 * shell) on the same generated pipelines, each in its own temp git repository: 6 jobs / 3
 * stages, 50 jobs / 5 stages, 100 jobs / 5 stages, every job a trivial `echo`. Both are timed
 * end to end as a user runs them (process start to exit), alternating, ROUNDS rounds each;
 * prints min/median per tool and the ratio peer/runnel measured in this same run.
 *
 * runnel is timed as users run it: `node bin/runnel.mjs run` over dist/, which this script first
 * rebuilds from the sources with the product's own build (scripts/build-cli.mjs, what
 * `npm run build` runs) — the tsx fallback of bin/runnel.mjs in an unbuilt checkout adds ~1 s of
 * TypeScript loading that no installed copy pays. gitlab-ci-local needs Set.prototype.union on
 * Node 20: bench/support/set-union-polyfill.mjs is loaded with --import.
 *
 * Diagnostic series: with RUNNEL_BENCH_GIT_STRATEGY=none in the environment every generated job
 * gets `variables: {GIT_STRATEGY: none}` (for both tools), which takes the per-job git checkout
 * out of runnel's figure and shows what the rest costs. It is labelled as such in the output and
 * is not the headline comparison: a user's jobs check out their sources.
 *
 * RUNNEL_BENCH_SHAPES=50x5 (comma-separated JOBSxSTAGES) times only the pipelines listed.
 *
 * Before the first pipeline's rounds, each tool runs it once uncounted (the build's first start
 * writes runnel's code cache; both tools' files reach the page cache).
 *
 * Repeat with:  node --import tsx bench/local-run-vs-gitlab-ci-local.ts [ROUNDS]
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../scripts/build-cli.mjs';

const ROUNDS = Number(process.argv[2] ?? 3);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'runnel-bench-local-'));
const polyfill = join(root, 'bench', 'support', 'set-union-polyfill.mjs');
const cleanup: string[] = [work];
const peerCli = join(root, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');
const gitStrategy = process.env.RUNNEL_BENCH_GIT_STRATEGY ?? '';
if (gitStrategy && gitStrategy !== 'none') throw new Error(`RUNNEL_BENCH_GIT_STRATEGY: only 'none' is supported, got '${gitStrategy}'`);

function pipeline(jobs: number, stages: number): string {
  const names = Array.from({ length: stages }, (_, i) => `s${i + 1}`);
  const lines = [`stages: [${names.join(', ')}]`];
  if (gitStrategy) lines.push('variables:', `  GIT_STRATEGY: ${gitStrategy}`);
  for (let i = 0; i < jobs; i++) lines.push(`job_${i + 1}:`, `  stage: ${names[Math.floor((i * stages) / jobs)]}`, `  script: [echo job ${i + 1}]`);
  return lines.join('\n') + '\n';
}

function repo(jobs: number, stages: number): string {
  const dir = mkdtempSync(join(work, `p${jobs}-`));
  const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
  writeFileSync(join(dir, '.gitlab-ci.yml'), pipeline(jobs, stages));
  writeFileSync(join(dir, '.gitignore'), '.gitlab-ci-local/\n');
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-q', '-m', 'bench'], { cwd: dir, env });
  return dir;
}

function timed(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`)); else resolve(ms);
    });
  });
}

/**
 * The pipelines timed: 6/3, 50/5 and 100/5, or those listed in RUNNEL_BENCH_SHAPES as
 * `JOBSxSTAGES` separated by commas (e.g. `50x5`: the 100-job peer run alone takes minutes).
 */
function chosenShapes(): Array<[number, number]> {
  const listed = process.env.RUNNEL_BENCH_SHAPES;
  if (!listed) return [[6, 3], [50, 5], [100, 5]];
  return listed.split(',').map((shape) => {
    const m = /^(\d+)x(\d+)$/.exec(shape.trim());
    if (!m || Number(m[2]) < 1 || Number(m[1]) < Number(m[2])) throw new Error(`RUNNEL_BENCH_SHAPES: '${shape}' is not JOBSxSTAGES with at least one job per stage`);
    return [Number(m[1]), Number(m[2])] as [number, number];
  });
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

async function main(): Promise<void> {
  await buildCli();
  const runnelCli = join(root, 'bin', 'runnel.mjs');
  const peerVersion = execFileSync(process.execPath, ['--import', polyfill, peerCli, '--version'], { encoding: 'utf8' }).trim();
  console.log(`runnel run (shell executor, concurrency ${cpus().length}) vs gitlab-ci-local ${peerVersion} (shell executor), ${ROUNDS} rounds, node ${process.version}, ${cpus().length} CPUs`);
  if (gitStrategy) console.log(`DIAGNOSTIC SERIES: every job has GIT_STRATEGY=${gitStrategy} (no checkout); not the headline comparison`);
  const shapes = chosenShapes();
  const medians: Record<string, { runnel: number; peer: number }> = {};
  for (const [index, [jobs, stages]] of shapes.entries()) {
    const dir = repo(jobs, stages);
    const runnel: number[] = [];
    const peer: number[] = [];
    // One uncounted run of each tool first, on the smallest pipeline: a fresh build's first start
    // writes runnel's V8 code cache (bin/runnel.mjs), and both tools' files reach the page cache.
    if (index === 0) {
      await timed(process.execPath, [runnelCli, 'run'], dir);
      await timed(process.execPath, ['--import', polyfill, peerCli, '--shell-executor-no-image', '--quiet'], dir);
    }
    for (let round = 0; round < ROUNDS; round++) {
      runnel.push(await timed(process.execPath, [runnelCli, 'run'], dir));
      peer.push(await timed(process.execPath, ['--import', polyfill, peerCli, '--shell-executor-no-image', '--quiet'], dir));
    }
    const label = `${jobs} jobs / ${stages} stages`;
    medians[label] = { runnel: median(runnel), peer: median(peer) };
    console.log(`${label.padEnd(20)} runnel min ${fmt(Math.min(...runnel))} median ${fmt(median(runnel))} | gitlab-ci-local min ${fmt(Math.min(...peer))} median ${fmt(median(peer))} | peer/runnel (medians) ${(median(peer) / median(runnel)).toFixed(1)}×`);
  }
  const m50 = medians['50 jobs / 5 stages'];
  const m100 = medians['100 jobs / 5 stages'];
  if (m50) console.log(`aim ≥ 8× faster on 50/5: ${(m50.peer / m50.runnel).toFixed(1)}× ${m50.peer / m50.runnel >= 8 ? 'met' : 'MISSED'}`);
  if (m50 && m100) console.log(`aim 100 jobs ≤ 2× 50 jobs (runnel): ${(m100.runnel / m50.runnel).toFixed(2)}× ${m100.runnel / m50.runnel <= 2 ? 'met' : 'MISSED'}`);
  console.log('Repeat with:  node --import tsx bench/local-run-vs-gitlab-ci-local.ts [ROUNDS]');
}

try {
  await main();
} finally {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
}
