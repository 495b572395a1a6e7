import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createLogger, randomId, systemClock, type Logger } from '../shared/index.js';
import type { Store } from '../server/store/index.js';
import {
  createAccounts, startGitlabApiBackground, createBuddyEngineHooks, createCiVariables, createEngine, createLoop, createNotifier, createProjects, createRunners, createRunnerService,
  processPushEvents, type Accounts, type BuddyEngineHooks, type Engine, type GitlabApiBackground, type Notifier, type Projects, type Runners, type RunnerService,
} from '../server/engine/index.js';
import { buildApp } from '../server/http/index.js';
import { createRepositoryHost, deliverPendingPushes, type RepositoryHost } from '../server/git/index.js';
import { createDirCacheStore, createSandboxExecutor, createShellExecutor, parseJUnit, sandboxAvailable, type DirCacheStore } from '../executor/index.js';
import { createRunner, type Runner } from '../runner/index.js';
import type { Config } from './config.js';
import { createRepositoryAccess } from './repository-access.js';
import { openStore } from './open-store.js';
import { createEmbeddedConnection } from './embedded-connection.js';
import { createPushRecorder, mountGitHosting } from './git-mount.js';
import { recoverUnrecordedPushes } from './push-recovery.js';

export interface RunningServer {
  url: string;
  store: Store;
  accounts: Accounts;
  projects: Projects;
  engine: Engine;
  runners: Runners;
  runnerService: RunnerService;
  notifier: Notifier;
  host: RepositoryHost;
  cache: DirCacheStore;
  /** Buddy's definition settings, variables and background work as wired into the engine. */
  buddy: BuddyEngineHooks;
  /** GitLab webhooks and pipeline schedules running in the background. */
  gitlabApi: GitlabApiBackground;
  /** The executor the embedded runner uses ('none' when it is disabled). */
  executor: 'sandbox' | 'shell' | 'none';
  /** The root token when this start created root with a generated one (print it once). */
  rootToken: { token: string; generated: boolean } | null;
  /** Runs every background loop once now (tests use it instead of waiting for timers). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The composition root of `runnel serve`: store → engine → http + git + embedded runner +
 * background loops. Tests start the very same thing on port 0.
 */
/** Intervals of background work; tests shorten them so they need not wait. */
export interface ServerTuning {
  webhookIntervalMs?: number;
  scheduleIntervalMs?: number;
  webhookRetryBaseMs?: number;
  /** How long a ref difference must last before it counts as a lost push (push-recovery.ts). */
  pushRecoverySettleMs?: number;
}

export async function startServer(config: Config, logger: Logger = createLogger({ level: config.logLevel }), tuning: ServerTuning = {}): Promise<RunningServer> {
  const store = await openStore(config);
  const clock = systemClock;
  const accounts = createAccounts({ store, clock, logger });
  const root = await accounts.ensureRoot({ initialToken: config.initialRootToken, initialPassword: config.initialRootPassword });
  const reposDir = join(config.dataDir, 'repositories');
  const artifactsDir = join(config.dataDir, 'artifacts');
  const buildsDir = join(config.dataDir, 'builds');
  const cacheDir = join(config.dataDir, 'cache');
  for (const dir of [reposDir, artifactsDir, buildsDir, cacheDir]) mkdirSync(dir, { recursive: true });
  let baseUrl = config.externalUrl ?? '';
  const host = createRepositoryHost({ reposDir, logger });
  const projects = createProjects({ store, clock, repositories: host });
  const notifier = createNotifier();
  const repos = createRepositoryAccess(host, () => baseUrl);
  // Buddy's pipeline settings act through the engine's hooks; its variables layer over GitLab's.
  // Both APIs' variables are sealed with one key: <dataDir>/secret.key on SQLite; with PostgreSQL
  // the key is kept in the shared database, since every server of the cluster must open them.
  const buddy = createBuddyEngineHooks({ store, clock, logger, repos, ...(config.databaseUrl === null && { secretKeyFile: join(config.dataDir, 'secret.key') }) });
  const ciVariables = createCiVariables(store, clock, buddy.secrets);
  const engine: Engine = createEngine({
    store, clock, logger, repos, events: notifier.events, artifactsDir, baseUrl: () => baseUrl,
    projectVariables: buddy.withVariables((project, ref, refProtected, definitionId, environment) => ciVariables.forRun(project, ref, refProtected, definitionId, environment)),
    policies: buddy.policies, configFor: buddy.configFor,
    leaseMs: config.jobLeaseSeconds * 1000,
  });
  buddy.attach(engine);
  const runners = createRunners({ store, clock });
  const runnerService = createRunnerService({ store, engine, notifier, logger, parseJUnit });
  const cache = createDirCacheStore(cacheDir);

  const pushLoop = createLoop('push-events', 2_000, () => processPushEvents({ store, engine, repos, logger, now: () => clock.now() }), logger);
  const loops = [
    pushLoop,
    createLoop('leases', Math.min(5_000, config.jobLeaseSeconds * 250), () => engine.expireLeases(), logger),
    createLoop('scheduled-jobs', 1_000, () => engine.releaseScheduled(), logger),
    createLoop('artifact-expiry', 60_000, () => engine.expireArtifacts(), logger),
    createLoop('interrupted-runs', 5_000, () => engine.resumeInterrupted(10_000), logger),
  ];

  // Pushes journaled while no server was running (or whose delivery failed) are recorded first.
  await deliverPendingPushes({ reposDir, logger, onPush: createPushRecorder({ store, logger, onPush: () => undefined }) })
    .catch((error: unknown) => logger.error({ err: error }, 'pending push delivery failed'));
  const app = await buildApp({
    store, accounts, projects, logger, version: '17.11.0-runnel',
    engine, runners, runnerService, notifier, buddy,
    baseUrl: () => baseUrl,
    repos,
    healthCheck: async () => { await store.users.count(); },
    registerGit: (instance) => mountGitHosting(instance, { host, store, projects, accounts, engine, logger, onPush: () => { void pushLoop.kick(); } }),
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const listenUrl = `http://${hostPart === '0.0.0.0' || hostPart === '[::]' ? '127.0.0.1' : hostPart}:${address.port}`;
  if (!baseUrl) baseUrl = listenUrl;

  await engine.recoverUnfinished().catch((error: unknown) => logger.error({ err: error }, 'recovery failed'));
  // GitLab webhooks (fed by engine events, delivered with retries) and pipeline schedules.
  const gitlabApi = startGitlabApiBackground({
    store, engine, notifier, logger, baseUrl: () => baseUrl,
    ...(tuning.webhookIntervalMs !== undefined && { hookIntervalMs: tuning.webhookIntervalMs }),
    ...(tuning.scheduleIntervalMs !== undefined && { scheduleIntervalMs: tuning.scheduleIntervalMs }),
    ...(tuning.webhookRetryBaseMs !== undefined && { webhooks: { retryBaseMs: tuning.webhookRetryBaseMs } }),
  });
  let runner: Runner | null = null;
  let executor: RunningServer['executor'] = 'none';
  if (config.runner.concurrency > 0) {
    const embedded = await runners.embedded();
    const session = randomId(8);
    await engine.failOrphans(embedded, session);
    const sandboxProblem = sandboxAvailable();
    executor = config.runner.executor === 'shell' || (config.runner.executor === 'auto' && sandboxProblem !== null) ? 'shell' : 'sandbox';
    if (executor === 'sandbox' && sandboxProblem !== null) {
      logger.warn({ reason: sandboxProblem }, 'sandbox requested but unavailable; using the shell executor');
      executor = 'shell';
    }
    const chosen = executor;
    // The job must not see the server's data: the data directory is hidden from sandboxed jobs.
    runner = createRunner({
      connection: createEmbeddedConnection(runnerService, embedded, session),
      executorFor: () => chosen === 'sandbox' ? createSandboxExecutor({ hiddenPaths: [config.dataDir], network: config.runner.network }) : createShellExecutor(),
      cache, buildsRoot: buildsDir, concurrency: config.runner.concurrency, logLimitBytes: config.runner.logLimitBytes, logger: logger.child({ runner: 'embedded' }),
      // A 1 s keep-alive is how soon a canceled job stops; it is one indexed read and update.
      pollWaitMs: 30_000, keepAliveMs: 1_000,
    });
    runner.start();
  }
  for (const loop of loops) loop.start();
  void pushLoop.kick();
  // Pushes whose git process died before its hook ran, looked for once in the background.
  const closing = new AbortController();
  const recovery = recoverUnrecordedPushes({
    reposDir, host, store, logger, settleMs: tuning.pushRecoverySettleMs ?? 5_000, signal: closing.signal,
    record: createPushRecorder({ store, logger, onPush: () => { void pushLoop.kick(); } }),
  }).catch((error: unknown) => { logger.error({ err: error }, 'push recovery failed'); });

  let closed = false;
  return {
    url: listenUrl, store, accounts, projects, engine, runners, runnerService, notifier, host, cache, executor,
    rootToken: root ? { token: root.token, generated: root.generated } : null,
    gitlabApi, buddy,
    async tick() { for (const loop of loops) await loop.kick(); await gitlabApi.tick(); },
    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      await recovery;
      await runner?.stop({ cancelRunning: true });
      for (const loop of loops) await loop.stop();
      await gitlabApi.stop();
      await app.close();
      host.close();
      await store.close();
    },
  };
}
