import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, migrateToLatest, createStore, type Store, type Database } from '../../src/server/store/index.js';

/**
 * The databases a contract suite runs on: SQLite always; PostgreSQL when one answers at
 * RUNNEL_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres). Each PostgreSQL
 * use creates its own database and drops it afterwards. Under CI (CI=true) an unreachable
 * PostgreSQL is a failure, not a skip: CI promises both.
 */
export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** Why this target cannot run here, or null when it can. */
  skip: string | null;
  open(): Promise<{ database: Database; store: Store; dispose(): Promise<void> }>;
}

const ADMIN_URL = process.env.RUNNEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `PostgreSQL not reachable at ${ADMIN_URL}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function testDatabases(): Promise<TestDatabase[]> {
  const pgProblem = await postgresReachable();
  if (pgProblem && process.env.CI === 'true') throw new Error(`CI requires PostgreSQL: ${pgProblem}`);
  return [
    { name: 'sqlite', skip: null, open: openSqlite },
    { name: 'postgres', skip: pgProblem, open: openPostgres },
  ];
}

export async function openSqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-db-'));
  const database = await openDatabase({ kind: 'sqlite', file: join(dir, 'runnel.sqlite') });
  await migrateToLatest(database);
  const store = createStore(database);
  return { database, store, dispose: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export async function openPostgres() {
  const name = `runnel_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  await migrateToLatest(database);
  const store = createStore(database);
  return {
    database, store,
    dispose: async () => {
      await store.close();
      const drop = new pg.Client({ connectionString: ADMIN_URL });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}

export function postgresUrlFor(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
