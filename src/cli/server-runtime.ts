import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createLogger, systemClock, type Logger } from '../shared/index.js';
import { createStore, migrateToLatest, openDatabase, type Store } from '../server/store/index.js';
import { createAccounts, createProjects, type Accounts, type Projects } from '../server/engine/index.js';
import { buildApp } from '../server/http/index.js';
import type { Config } from './config.js';

/** Opens the configured database (SQLite in dataDir unless a PostgreSQL URL is set) and migrates it. */
export async function openStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>): Promise<Store> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const database = await openDatabase(config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'sqlite', file: join(config.dataDir, 'runnel.sqlite') });
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return createStore(database);
}

export interface RunningServer {
  url: string;
  store: Store;
  accounts: Accounts;
  projects: Projects;
  /** The root token when this start created root with a generated one (print it once). */
  rootToken: { token: string; generated: boolean } | null;
  close(): Promise<void>;
}

/**
 * The composition root of `runnel serve`: store → engine → http, listening. Tests start the
 * very same thing on port 0.
 */
export async function startServer(config: Config, logger: Logger = createLogger({ level: config.logLevel })): Promise<RunningServer> {
  const store = await openStore(config);
  const clock = systemClock;
  const accounts = createAccounts({ store, clock, logger });
  const root = await accounts.ensureRoot({ initialToken: config.initialRootToken, initialPassword: config.initialRootPassword });
  const reposDir = join(config.dataDir, 'repositories');
  mkdirSync(reposDir, { recursive: true });
  let baseUrl = config.externalUrl ?? '';
  const projects = createProjects({
    store, clock,
    repositories: {
      // Replaced by the git host once hosting is wired; kept explicit so creation never half-succeeds.
      create: async () => undefined,
      remove: async () => undefined,
    },
  });
  const app = buildApp({
    store, accounts, projects, logger, version: '17.11.0-runnel',
    baseUrl: () => baseUrl,
    healthCheck: async () => { await store.users.count(); },
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const listenUrl = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  if (!baseUrl) baseUrl = listenUrl;
  let closed = false;
  return {
    url: listenUrl, store, accounts, projects,
    rootToken: root ? { token: root.token, generated: root.generated } : null,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await store.close();
    },
  };
}
