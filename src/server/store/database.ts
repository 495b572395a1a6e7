import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from './kysely-runtime.js';
import { AppError } from '../../shared/index.js';
import type { Tables } from './tables.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * One open database. `db` is the Kysely handle repositories use; `dialect` lets the few
 * statements that differ (claiming a queued job, upserts) pick their form.
 */
export interface Database {
  db: Kysely<Tables>;
  dialect: DialectName;
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'sqlite') {
    let raw: BetterSqlite3.Database;
    try {
      raw = new BetterSqlite3(target.file);
    } catch (cause) {
      throw new AppError('storage_failed', `open SQLite database ${target.file}: ${(cause as Error).message}`, { cause });
    }
    // WAL lets readers proceed while a writer commits; busy_timeout makes a second process (the
    // CLI beside a running server) wait instead of failing; foreign keys are off by default.
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  // Loaded only for PostgreSQL: most processes (SQLite servers, `runnel run`) never need it.
  const { default: pg } = await import('pg');
  // node-postgres returns int8 as strings to avoid precision loss; our bigints are millisecond
  // timestamps and row counts, far below 2^53, so numbers are the honest type.
  pg.types.setTypeParser(20, (value) => Number(value));
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  // An idle connection that the server closes (restart, failover, a dropped database) emits
  // 'error' on the pool; unhandled, that would crash the process. The pool replaces the client.
  pool.on('error', () => undefined);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (cause) {
    await db.destroy().catch(() => undefined);
    throw new AppError('storage_failed', `connect to PostgreSQL: ${(cause as Error).message}`, { cause });
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * Kysely's SQLite driver prepares every query anew; preparing was a tenth of the CPU of a cached
 * API list call. Statements are reusable in better-sqlite3 (Kysely only calls all/run/iterate on
 * them), so they are kept by SQL text, a few hundred at most.
 */
function withStatementCache(raw: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = raw.prepare.bind(raw);
  return new Proxy(raw, {
    get(target, property, receiver) {
      if (property === 'prepare') {
        return (sql: string) => {
          let statement = cache.get(sql);
          if (!statement) {
            statement = prepare(sql);
            if (cache.size >= 500) cache.delete(cache.keys().next().value!);
            cache.set(sql, statement);
          }
          return statement;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
