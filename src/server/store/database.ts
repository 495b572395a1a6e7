import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  /**
   * SQLite in a file: a second, read-only connection for the hot reads of the API, outside any
   * transaction (it sees committed data only, as a PostgreSQL read would). Null otherwise.
   */
  reader: SqliteReader | null;
  /**
   * SQLite: the whole database as bytes (better-sqlite3's serialize), which
   * `openDatabase({ kind: 'sqlite', file: ':memory:', image })` opens again. Null on PostgreSQL.
   */
  serialize: (() => Buffer) | null;
  close(): Promise<void>;
}

/** Raw reads over better-sqlite3: statements prepared once, rows as arrays in select-list order. */
export interface SqliteReader {
  all(sql: string, parameters: readonly unknown[]): unknown[][];
  /**
   * SQLite's `PRAGMA data_version` on this connection: it changes whenever any other connection
   * (this process's writer, another process) commits. Two reads made under the same value saw
   * the same database, so a result read under it is still exact.
   */
  version(): number;
  close(): void;
}

export type DatabaseTarget =
  /** `image`: with file ':memory:', open an in-memory database holding these bytes (see serialize). */
  | { kind: 'sqlite'; file: string; image?: Buffer }
  | { kind: 'postgres'; url: string };

/**
 * better-sqlite3's native addon, named to it: its own search (the `bindings` package) starts from
 * the file that loads it, which in dist/ is the bundle (scripts/build-cli.mjs bundles the
 * package's JavaScript, so that a start compiles it from the code cache instead of resolving,
 * reading and compiling its files). Where the addon is not at its usual place, the search.
 */
let addon: { nativeBinding?: string } | undefined;
function addonOption(): { nativeBinding?: string } {
  if (!addon) {
    const file = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    addon = existsSync(file) ? { nativeBinding: file } : {};
  }
  return addon;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'sqlite') {
    let raw: BetterSqlite3.Database;
    try {
      if (target.image && target.file !== ':memory:') throw new Error('a database image opens in memory only');
      raw = target.image ? new BetterSqlite3(target.image, addonOption()) : new BetterSqlite3(target.file, addonOption());
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
    const reader = target.file === ':memory:' || target.file === '' ? null : openReader(target.file);
    return { db, dialect: 'sqlite', reader, serialize: () => raw.serialize(), close: async () => { reader?.close(); await db.destroy(); } };
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
  return { db, dialect: 'postgres', reader: null, serialize: null, close: () => db.destroy() };
}

/**
 * The read-only connection behind `Database.reader`. better-sqlite3 is synchronous, so a read
 * never overlaps a write of this process; WAL gives it the last committed state at each
 * statement. Arrays instead of row objects: better-sqlite3 builds objects property by property,
 * which was most of the cost of reading a page of 100 runs.
 */
function openReader(file: string): SqliteReader {
  const raw = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...addonOption() });
  raw.pragma('busy_timeout = 5000');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const dataVersion = raw.prepare('pragma data_version').pluck();
  return {
    all(sql, parameters) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = raw.prepare(sql).raw(true);
        if (statements.size >= 500) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement.all(...parameters) as unknown[][];
    },
    version: () => dataVersion.get() as number,
    close: () => raw.close(),
  };
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
