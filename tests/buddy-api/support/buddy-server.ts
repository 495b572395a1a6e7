import type { Project, Store } from '../../../src/server/store/index.js';
import type { Accounts, BuddyEngineHooks, Engine, Notifier, Projects } from '../../../src/server/engine/index.js';
import type { RepositoryHost } from '../../../src/server/git/index.js';
import { startTestServer } from '../../support/server.js';
import { git, gitEnv, makeWorkingRepo } from '../../support/git.js';

/**
 * The real server (the same composition root as `runnel serve`, via startTestServer) with the
 * Buddy-flavoured helpers these tests use: Bearer or access_token auth, and projects with files.
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
  /** `api` with the body read: parsed JSON (or {} when empty). */
  call(path: string, init?: Parameters<BuddyTestServer['api']>[1]): Promise<{ status: number; body: Json }>;
  /** A project with the given files pushed to main. */
  project(files?: Record<string, string>): Promise<Project>;
  stop(): Promise<void>;
}

/** Buddy's JSON bodies as tests read them. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Buddy's terminal execution statuses. */
export const TERMINAL_EXECUTION = new Set(['SUCCESSFUL', 'FAILED', 'TERMINATED', 'SKIPPED']);

let counter = 0;

export async function startBuddyServer(options: { runnerConcurrency?: number } = {}): Promise<BuddyTestServer> {
  const s = await startTestServer({ runnerConcurrency: options.runnerConcurrency ?? 0 });
  const token = s.rootToken.token;
  const root = (await s.store.users.byUsername('root'))!;
  const server: BuddyTestServer = {
    url: s.url, store: s.store, engine: s.engine, hooks: s.buddy, projects: s.projects, accounts: s.accounts, notifier: s.notifier,
    host: s.host, token, dataDir: s.dataDir,
    async api(path, init = {}) {
      const headers: Record<string, string> = {};
      const t = init.token === undefined ? token : init.token;
      let url = s.url + path;
      if (t !== null) {
        if (init.query === 'access_token') url += `${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(t)}`;
        else headers.authorization = `Bearer ${t}`;
      }
      let bodyText: string | undefined;
      if (init.json !== undefined) { headers['content-type'] = 'application/json'; bodyText = JSON.stringify(init.json); }
      return fetch(url, { method: init.method ?? 'GET', headers, body: bodyText });
    },
    async project(files = { 'README.md': 'hi\n' }) {
      const project = await s.projects.create({ name: `proj${++counter}` }, { user: root });
      const repo = makeWorkingRepo(files);
      git(repo.dir, ['push', '-q', s.host.pathOf(project.workspacePath, project.path), 'HEAD:refs/heads/main'], gitEnv());
      return project;
    },
    async call(path, init = {}) {
      const r = await server.api(path, init);
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) as Json : {} };
    },
    stop: () => s.stop(),
  };
  return server;
}
