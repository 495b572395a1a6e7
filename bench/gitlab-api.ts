/**
 * GitLab API benchmark: a project with 100,000 runs (inserted through the store in one
 * transaction), then autocannon (a separate process, so client and server do not share one
 * event loop) against the pipelines list at per_page=100 and the single-pipeline endpoint, over
 * loopback, SQLite, no embedded runner. Prints req/s, p99 latency, the server's CPU per request
 * (user + system time of this process over the run, divided by the requests answered: the figure
 * that matters when autocannon and other work share the cores) with the load average, and the
 * command to repeat.
 *
 * The last two lines repeat the list and the single pipeline while the database takes a commit
 * every millisecond (a token's last-used time), as a server running jobs does: unchanged reads are
 * kept until the next commit (store's pipeline-listing-repository.ts), so these show the cost of
 * reading and writing afresh most of the time.
 *
 *   node --import tsx bench/gitlab-api.ts [runs=100000] [seconds=10] [connections=10]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { digestToken } from '../src/shared/index.js';
import { startTestServer } from '../tests/support/server.js';

const run = promisify(execFile);
const total = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 10);

const s = await startTestServer({ runnerConcurrency: 0 });
try {
  const root = (await s.store.users.byUsername('root'))!;
  const project = await s.projects.create({ name: 'bench' }, { user: root });
  const definition = await s.engine.ensureDefaultDefinition(project.id);
  const t0 = Date.now();
  const statuses = ['success', 'failed', 'canceled', 'running', 'pending'];
  const sources = ['push', 'api', 'web', 'schedule', 'parent_pipeline'];
  await s.store.transaction(async (tx) => {
    for (let i = 1; i <= total; i++) {
      const created = Date.UTC(2025, 0, 1) + i * 60_000;
      await tx.runs.insert({
        projectId: project.id, definitionId: definition.id, iid: i, number: i, status: statuses[i % statuses.length]!,
        source: sources[i % sources.length]!, ref: i % 3 === 0 ? 'main' : `feature-${i % 50}`, tag: false,
        sha: (i.toString(16).padStart(8, '0')).repeat(5), beforeSha: '0'.repeat(40), userId: root.id, name: i % 10 === 0 ? 'nightly' : null,
        comment: null, yamlErrors: null, variables: [], context: {}, priority: 0, parentRunId: null, parentJobId: null,
        createdAt: created, committedAt: created,
      });
    }
  });
  const insertMs = Date.now() - t0;
  const headers = ['-H', `PRIVATE-TOKEN: ${s.rootToken.token}`];
  const bin = new URL('../node_modules/.bin/autocannon', import.meta.url).pathname;
  const token = (await s.store.tokens.byDigest(digestToken(s.rootToken.token)))!;
  async function measure(label: string, path: string, commitEveryMs = 0) {
    await run(bin, ['-c', String(connections), '-d', '2', ...headers, `${s.url}${path}`]); // warm-up
    const writer = commitEveryMs > 0 ? setInterval(() => { void s.store.tokens.touch(token.id, Date.now()); }, commitEveryMs) : null;
    const cpu = process.cpuUsage();
    try {
      const { stdout } = await run(bin, ['-j', '-c', String(connections), '-d', String(seconds), ...headers, `${s.url}${path}`], { maxBuffer: 64 * 1024 * 1024 });
      const used = process.cpuUsage(cpu);
      const r = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p99: number; average: number }; non2xx: number; errors: number };
      const perRequest = (used.user + used.system) / Math.max(r.requests.total, 1);
      console.log(`${label.padEnd(44)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p99 ${String(r.latency.p99).padStart(4)} ms   mean ${r.latency.average.toFixed(2).padStart(6)} ms   server ${perRequest.toFixed(0).padStart(5)} µs CPU/req   load ${loadavg()[0]!.toFixed(2)}   non-2xx ${r.non2xx}   errors ${r.errors}`);
    } finally {
      if (writer) clearInterval(writer);
    }
  }
  const list = `/api/v4/projects/${project.id}/pipelines?per_page=100`;
  const single = `/api/v4/projects/${project.id}/pipelines/${Math.floor(total / 2)}`;
  console.log(`GitLab API benchmark — ${total.toLocaleString('en')} runs inserted in ${insertMs} ms; ${cpus().length} CPUs; SQLite; ${connections} connections, ${seconds} s each; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await measure('GET pipelines?per_page=100', list);
  await measure('GET pipelines?per_page=100&page=50', `/api/v4/projects/${project.id}/pipelines?per_page=100&page=50`);
  await measure('GET pipelines?status=failed&ref=main', `/api/v4/projects/${project.id}/pipelines?per_page=100&status=failed&ref=main`);
  await measure('GET pipelines/:id', single);
  await measure('GET pipelines?per_page=100, a commit every ms', list, 1);
  await measure('GET pipelines/:id, a commit every ms', single, 1);
  console.log(`repeat: node --import tsx bench/gitlab-api.ts ${total} ${seconds} ${connections}`);
} finally {
  await s.stop();
}
