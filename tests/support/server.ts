import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/cli/config.js';
import { startServer, type RunningServer } from '../../src/cli/server-runtime.js';
import pg from 'pg';
import { silentLogger } from '../../src/shared/index.js';

export interface TestServer extends RunningServer {
  rootToken: { token: string; generated: boolean };
  dataDir: string;
  config: Config;
  /** fetch against the server with the root token unless `token` says otherwise (null = none). */
  api(path: string, init?: RequestInit & { token?: string | null; json?: unknown }): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts a real Runnel server on a free loopback port with its own data directory. */
/**
 * RUNNEL_TEST_DATABASE=postgres runs the server on a fresh PostgreSQL database (created here,
 * dropped on stop) instead of SQLite, so any suite can be repeated against PostgreSQL.
 */
async function testDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (process.env.RUNNEL_TEST_DATABASE !== 'postgres') return null;
  const admin = process.env.RUNNEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `runnel_srv_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try { await client.query(sql); } finally { await client.end(); }
  };
  await run(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

export async function startTestServer(options: { env?: Record<string, string>; runnerConcurrency?: number; jobLeaseSeconds?: number; dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'runnel-test-'));
  const postgres = await testDatabaseUrl();
  const config = loadConfig({
    flags: { port: '0', 'data-dir': dataDir, 'log-level': 'silent', concurrency: String(options.runnerConcurrency ?? 0), 'job-lease': String(options.jobLeaseSeconds ?? 60) },
    env: { RUNNEL_INITIAL_ROOT_TOKEN: 'root-token-for-tests-0001', ...(postgres && { RUNNEL_DATABASE_URL: postgres.url }), ...options.env }, cwd: dataDir,
  });
  const server = await startServer(config, silentLogger(), { webhookIntervalMs: 100, scheduleIntervalMs: 200, webhookRetryBaseMs: 100, pushRecoverySettleMs: 200 });
  const rootToken = server.rootToken ?? { token: 'root-token-for-tests-0001', generated: false };
  return {
    ...server, rootToken, dataDir, config,
    async api(path, init = {}) {
      const headers = new Headers(init.headers);
      const token = init.token === undefined ? rootToken.token : init.token;
      if (token !== null) headers.set('private-token', token);
      let body = init.body;
      if (init.json !== undefined) { headers.set('content-type', 'application/json'); body = JSON.stringify(init.json); }
      return fetch(server.url + path, { ...init, headers, body });
    },
    async stop() {
      await server.close();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
