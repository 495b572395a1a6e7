import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { noopLogger, randomId, systemClock, type Logger } from '../../shared/index.js';
import { createStore, openMigratedMemoryDatabase, type Job, type JobProgress, type Project, type Run, type Store } from '../../server/store/index.js';
import { createAccounts, createEngine, createLoop, createNotifier, createProjects, createRunners, createRunnerService, type Engine } from '../../server/engine/index.js';
import { createRepositoryHost, type RepositoryHost } from '../../server/git/index.js';
import { createDirCacheStore, createDockerExecutor, createGitObjectReaders, createSandboxExecutor, createShellExecutor, parseJUnit, prepareBuildsRoot, spawnOrphan, startSpawnHelper, type Executor, type GitObjectReaders } from '../../executor/index.js';
import { createRunner, type Runner } from '../../runner/index.js';
import { parseYamlAhead, type Diagnostic } from '../../pipeline/index.js';
import { createRepositoryAccess } from '../repository-access.js';
import { createEmbeddedConnection } from '../embedded-connection.js';
import { describeSource, snapshotWorkingTree } from './git-snapshot.js';
import { createSelectionPolicy } from './job-selection.js';
import { configDiagnostics } from './config-diagnostics.js';
import { followRun } from './run-follower.js';

/**
 * One local pipeline run, server-less but through the server's own parts: an in-memory SQLite
 * store, the engine (compiler, event-driven scheduling, statuses), the embedded runner with the
 * chosen executor, and a throwaway bare repository holding a snapshot of the working tree. Only
 * the HTTP layer and the background loops a single run does not need are left out. Everything
 * lives in one temporary directory, removed at the end; the user's repository is never written.
 */
export type ExecutorKind = 'shell' | 'sandbox' | 'docker';

export interface LocalRunOptions {
  cwd: string;
  /** Named jobs (empty = all); see job-selection.ts for the semantics. */
  jobs: string[];
  withNeeds: boolean;
  /** Manual jobs to play when they become playable. */
  manual: string[];
  variables: Array<{ key: string; value: string }>;
  concurrency?: number;
  executor: ExecutorKind;
  logger?: Logger;
  /** Aborting cancels the run (its jobs get SIGTERM, then SIGKILL) and ends it as canceled. */
  signal?: AbortSignal;
  /** Called (often, possibly with nothing changed) while the run goes on; the view redraws. */
  onUpdate?(jobs: JobProgress[]): void;
}

export type LocalRunResult =
  | { kind: 'config_error'; diagnostics: Diagnostic[]; message: string }
  | { kind: 'unknown_jobs'; names: string[]; available: string[] }
  | { kind: 'not_created'; message: string }
  | { kind: 'finished'; run: Run; jobs: Job[]; logOf(jobId: number): Promise<string> };

function executorFor(kind: ExecutorKind, hidden: string): () => Executor {
  if (kind === 'sandbox') return () => createSandboxExecutor({ hiddenPaths: [hidden], network: true });
  if (kind === 'docker') return () => createDockerExecutor();
  return () => createShellExecutor();
}

async function openMemoryStore(): Promise<Store> {
  return createStore(await openMigratedMemoryDatabase());
}

/** Runs the pipeline to its end and returns what happened; `result.logOf` works until `close`. */
export async function runLocalPipeline(options: LocalRunOptions): Promise<{ result: LocalRunResult; close(): Promise<void> }> {
  const logger = options.logger ?? noopLogger();
  // The helper that starts the jobs' processes is a Node process of its own: started now, its
  // boot (tens of ms) overlaps the store, the snapshot and the run's creation instead of
  // holding up the first job.
  startSpawnHelper();
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-run-'));
  const reposDir = join(dataDir, 'repositories');
  const buildsDir = join(dataDir, 'builds');
  for (const dir of [reposDir, buildsDir, join(dataDir, 'artifacts'), join(dataDir, 'cache')]) mkdirSync(dir, { recursive: true });
  // What the first jobs would wait for, made while the run is set up: the builds root's mark (a
  // process) and, once the snapshot exists, the repository's object reader (see below).
  void prepareBuildsRoot(buildsDir);
  let store: Store | null = null;
  let host: RepositoryHost | null = null;
  let runner: Runner | null = null;
  let readers: GitObjectReaders | null = null;
  const loops: Array<ReturnType<typeof createLoop>> = [];
  const close = async () => {
    await runner?.stop({ cancelRunning: true });
    if (!runner) await readers?.close();
    for (const loop of loops) await loop.stop();
    host?.close();
    await store?.close();
    removeSoon(dataDir);
  };
  try {
    // The store is made (work in this process) while git describes the repository (in its own).
    const opening = openMemoryStore().then((opened) => (store = opened));
    const source = await describeSource(options.cwd).catch(async (error: unknown) => { await opening.catch(() => undefined); throw error; });
    const s = await opening;
    host = createRepositoryHost({ reposDir, logger });
    const accounts = createAccounts({ store: s, clock: systemClock, logger });
    const root = (await accounts.ensureRoot({ initialToken: `local-${randomId(16)}` }))!.user;
    const projects = createProjects({ store: s, clock: systemClock, repositories: host });
    const project: Project = await projects.create({ name: projectName(source.root), defaultBranch: source.defaultBranch }, { user: root });
    // The bare repository was made with HEAD on the project's default branch.
    const snapshotting = snapshotWorkingTree(source, host.pathOf(project.workspacePath, project.path), { headIs: project.defaultBranch });
    // While git snapshots the tree, the CI file (as the snapshot will hold it) is parsed ahead.
    parseConfigAhead(join(source.root, project.ciConfigPath || '.gitlab-ci.yml'));
    const snapshot = await snapshotting;
    // The runner's `git cat-file` for the snapshot, started while the run is created, and asked
    // for the snapshot's commit: git sets up its object store at the first read (~5 ms), and the
    // reader keeps the commit for the first jobs' checkouts.
    readers = createGitObjectReaders();
    void readers.use(host.pathOf(project.workspacePath, project.path), (objects) => objects.read(snapshot.sha)).catch(() => undefined);

    const notifier = createNotifier();
    const repos = createRepositoryAccess(host, () => 'http://localhost');
    const selection = createSelectionPolicy({ jobs: options.jobs, withNeeds: options.withNeeds });
    const engine: Engine = createEngine({
      store: s, clock: systemClock, logger, repos, events: notifier.events, artifactsDir: join(dataDir, 'artifacts'),
      baseUrl: () => 'http://localhost', policies: selection.policies,
    });
    const runnerService = createRunnerService({ store: s, engine, notifier, logger, parseJUnit });
    loops.push(createLoop('scheduled-jobs', 1_000, () => engine.releaseScheduled(), logger));

    const created = await engine.createRun({
      project, ref: snapshot.branch, sha: snapshot.sha, source: 'push', user: root,
      variables: options.variables.map((v) => ({ key: v.key, value: v.value, variable_type: 'env_var' as const })),
    });
    if (!created.created) return { result: { kind: 'not_created', message: created.message }, close };
    const runId = created.run.id;
    if (created.run.yamlErrors !== null) {
      const diagnostics = await configDiagnostics(repos, project, snapshot, created.run);
      return { result: { kind: 'config_error', diagnostics, message: created.run.yamlErrors }, close };
    }
    const chosen = selection.outcome();
    if (chosen && chosen.unknown.length > 0) {
      return { result: { kind: 'unknown_jobs', names: chosen.unknown, available: [...chosen.shown] }, close };
    }
    const shown = chosen?.shown ?? null;
    const manual = new Set([...options.manual, ...options.jobs]);

    // The local runner takes every tag the run uses: tags choose machines, and here is one.
    const embedded = await createRunners({ store: s, clock: systemClock }).embedded(chosen?.tags ?? []);
    runner = createRunner({
      connection: createEmbeddedConnection(runnerService, embedded, randomId(8)),
      executorFor: executorFor(options.executor, dataDir),
      cache: createDirCacheStore(join(dataDir, 'cache')), buildsRoot: buildsDir,
      concurrency: Math.max(1, options.concurrency ?? cpus().length), logger, leaveBuilds: true, objectReaders: readers,
      pollWaitMs: 30_000, keepAliveMs: 5_000,
    });
    runner.start();
    for (const loop of loops) loop.start();

    const run = await followRun({
      store: s, engine, notifier, runId, shown, manual,
      ...(options.signal && { signal: options.signal }), ...(options.onUpdate && { onUpdate: options.onUpdate }),
    });
    const jobs = (await s.jobs.forRun(runId)).filter((j) => !shown || shown.has(j.name));
    return { result: { kind: 'finished', run, jobs, logOf: async (id) => (await s.jobs.readLog(id)).toString('utf8') }, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function parseConfigAhead(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return; // no file here: the compiler reports what is missing
  }
  parseYamlAhead(text);
}

/**
 * Deletes the run's data directory after this process is gone: by a detached `rm -rf` (its own
 * session, not waited for, started by the spawn helper), since deleting a few thousand entries
 * took tens of milliseconds at the end of every run (~60 ms with the last jobs' workspaces, of a
 * 0.5 s 50-job run). Where it cannot be started, here and now.
 */
function removeSoon(dir: string): void {
  try {
    spawnOrphan({ command: 'rm', args: ['-rf', '--', dir], cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

function projectName(root: string): string {
  const name = basename(root).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').replace(/\.git$/, '');
  return name || 'local';
}
