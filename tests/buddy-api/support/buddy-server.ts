import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomId, silentLogger, systemClock } from '../../../src/shared/index.js';
import { createStore, migrateToLatest, openDatabase, type Project, type Store } from '../../../src/server/store/index.js';
import {
  createAccounts, createBuddyEngineHooks, createCiVariables, createEngine, createNotifier, createProjects, createRunners, createRunnerService,
  type Engine, type BuddyEngineHooks, type Projects, type Accounts, type Notifier,
} from '../../../src/server/engine/index.js';
import { buildApp } from '../../../src/server/http/index.js';
import { createRepositoryHost, type RepositoryHost } from '../../../src/server/git/index.js';
import { createDirCacheStore, createShellExecutor, parseJUnit } from '../../../src/executor/index.js';
import { createRunner } from '../../../src/runner/index.js';
import { createRepositoryAccess } from '../../../src/cli/repository-access.js';
import { createEmbeddedConnection } from '../../../src/cli/embedded-connection.js';
import { git, gitEnv, makeWorkingRepo } from '../../support/git.js';

/**
 * A real server wired the way src/cli/server-runtime.ts must wire the Buddy hooks (policies,
 * configFor, Buddy variables, shared secret key). Kept here until the composition root carries
 * those lines; the only difference from startServer is that wiring (and no git HTTP mount).
 */
export interface BuddyTestServer {
  url: string;
  store: Store;
  engine: Engine;
  hooks: BuddyEngineHooks;
  projects: Projects;
  accounts: Accounts;
  notifier: Notifier;
  host: RepositoryHost;
  token: string;
  dataDir: string;
  api(path: string, init?: { method?: string; json?: unknown; token?: string | null; query?: 'access_token' }): Promise<Response>;
  /** A project with the given files pushed to main. */
  project(files?: Record<string, string>): Promise<Project>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startBuddyServer(options: { runnerConcurrency?: number } = {}): Promise<BuddyTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-buddy-'));
  const logger = silentLogger();
  const database = await openDatabase({ kind: 'sqlite', file: join(dataDir, 'runnel.sqlite') });
  await migrateToLatest(database);
  const store = createStore(database);
  const clock = systemClock;
  const accounts = createAccounts({ store, clock, logger });
  const token = 'root-token-for-buddy-tests-01';
  await accounts.ensureRoot({ initialToken: token });
  for (const d of ['repositories', 'artifacts', 'builds', 'cache']) mkdirSync(join(dataDir, d), { recursive: true });
  let baseUrl = '';
  const host = createRepositoryHost({ reposDir: join(dataDir, 'repositories'), logger });
  const projects = createProjects({ store, clock, repositories: host });
  const notifier = createNotifier();
  const repos = createRepositoryAccess(host, () => baseUrl);
  const ciVariables = createCiVariables(store);
  // --- the Buddy wiring (what server-runtime.ts needs) ---
  const buddy = createBuddyEngineHooks({ store, clock, logger, secretKeyFile: join(dataDir, 'secret.key') });
  const engine = createEngine({
    store, clock, logger, repos, events: notifier.events, artifactsDir: join(dataDir, 'artifacts'), baseUrl: () => baseUrl,
    projectVariables: buddy.withVariables((project, ref, refProtected, definitionId) => ciVariables.forRun(project, ref, refProtected, definitionId)),
    policies: buddy.policies, configFor: buddy.configFor,
  });
  buddy.attach(engine);
  // ---
  const runners = createRunners({ store, clock });
  const runnerService = createRunnerService({ store, engine, notifier, logger, parseJUnit });
  const app = await buildApp({
    store, accounts, projects, logger, version: 'test', engine, runners, runnerService, notifier, buddy,
    baseUrl: () => baseUrl, healthCheck: async () => undefined,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let runner: ReturnType<typeof createRunner> | null = null;
  if (options.runnerConcurrency) {
    const embedded = await runners.embedded();
    runner = createRunner({
      connection: createEmbeddedConnection(runnerService, embedded, randomId(8)),
      executorFor: () => createShellExecutor(), cache: createDirCacheStore(join(dataDir, 'cache')), buildsRoot: join(dataDir, 'builds'),
      concurrency: options.runnerConcurrency, logger, pollWaitMs: 30_000, keepAliveMs: 5_000,
    });
    runner.start();
  }
  const root = (await store.users.byUsername('root'))!;
  return {
    url: baseUrl, store, engine, hooks: buddy, projects, accounts, notifier, host, token, dataDir,
    async api(path, init = {}) {
      const headers: Record<string, string> = {};
      const t = init.token === undefined ? token : init.token;
      let url = baseUrl + path;
      if (t !== null) {
        if (init.query === 'access_token') url += `${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(t)}`;
        else headers.authorization = `Bearer ${t}`;
      }
      let bodyText: string | undefined;
      if (init.json !== undefined) { headers['content-type'] = 'application/json'; bodyText = JSON.stringify(init.json); }
      return fetch(url, { method: init.method ?? 'GET', headers, body: bodyText });
    },
    async project(files = { 'README.md': 'hi\n' }) {
      const project = await projects.create({ name: `proj${++counter}` }, { user: root });
      const repo = makeWorkingRepo(files);
      git(repo.dir, ['push', '-q', host.pathOf(project.workspacePath, project.path), 'HEAD:refs/heads/main'], gitEnv());
      return project;
    },
    async stop() {
      await runner?.stop({ cancelRunning: true });
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
