import type { Compilable, Kysely } from 'kysely';
import { CompiledQuery, sql } from './kysely-runtime.js';
import type { SqliteReader } from './database.js';
import { whereRuns, type RunFilter } from './run-filter.js';
import type { UserState } from './rows.js';
import type { Tables } from './tables.js';
import { ID_MARKER, reusableQuery } from './reusable-query.js';

/** GitLab's pipeline list filters: the runs' one filter shape (run-filter.ts). */
export type PipelineListFilter = RunFilter;

/** Just what PipelineBasic(+name) shows: no JSON columns, so a page of 100 costs one small read. */
export interface PipelineListRow {
  id: number; iid: number; projectId: number; sha: string; ref: string; status: string; source: string;
  name: string | null; createdAt: number; updatedAt: number;
}

/**
 * What the full Pipeline entity shows, read in one query: the run's columns (no JSON ones), its
 * user's public fields (null without a user or when the user is gone) and whether it passed with
 * warnings (a latest job allowed to fail that failed or was canceled; false unless successful).
 */
export interface PipelineView extends PipelineListRow {
  beforeSha: string; tag: boolean; yamlErrors: string | null; userId: number | null;
  startedAt: number | null; finishedAt: number | null; committedAt: number | null;
  durationSeconds: number | null; queuedDurationSeconds: number | null; coverage: number | null;
  user: { id: number; username: string; name: string; state: UserState } | null;
  warnings: boolean;
}

type ListOrder = { by: 'id' | 'status' | 'ref' | 'updated_at' | 'user_id'; sort: 'asc' | 'desc' };

const LIST_COLUMNS = ['id', 'iid', 'project_id', 'sha', 'ref', 'status', 'source', 'name', 'created_at', 'updated_at'] as const;

function listRow(r: unknown[]): PipelineListRow {
  return {
    id: r[0] as number, iid: r[1] as number, projectId: r[2] as number, sha: r[3] as string, ref: r[4] as string,
    status: r[5] as string, source: r[6] as string, name: r[7] as string | null, createdAt: Number(r[8]), updatedAt: Number(r[9]),
  };
}

const num = (v: unknown): number | null => (v === null ? null : Number(v));

function viewRow(r: unknown[]): PipelineView {
  return {
    id: r[0] as number, iid: r[1] as number, projectId: r[2] as number, sha: r[3] as string, ref: r[4] as string,
    status: r[5] as string, source: r[6] as string, name: r[7] as string | null, createdAt: Number(r[8]), updatedAt: Number(r[9]),
    beforeSha: r[10] as string, tag: r[11] === 1, yamlErrors: r[12] as string | null, userId: r[13] as number | null,
    startedAt: num(r[14]), finishedAt: num(r[15]), committedAt: num(r[16]), durationSeconds: num(r[17]),
    queuedDurationSeconds: num(r[18]), coverage: num(r[19]),
    user: r[20] === null ? null : { id: r[20] as number, username: r[21] as string, name: r[22] as string, state: r[23] === 'blocked' ? 'blocked' : 'active' },
    warnings: Number(r[24]) === 1,
  };
}

function freezeView(view: PipelineView): PipelineView {
  if (view.user) Object.freeze(view.user);
  return Object.freeze(view);
}

const viewOfRows = ([row]: unknown[][]): PipelineView | null => (row ? freezeView(viewRow(row)) : null);

/**
 * The lean reads behind GitLab's pipeline listings and the Pipeline entity, the hottest reads of
 * the API. Counting stops at a cap: GitLab omits X-Total above 10,000 rows, so counting the
 * 100,001st row of a big project buys nothing. Queries are built by Kysely and compiled once per
 * shape; on SQLite in a file they run on the read-only connection as prepared statements
 * returning arrays (database.ts), elsewhere (PostgreSQL, in-memory SQLite, transactions) through
 * Kysely. Both paths give the same rows.
 *
 * On the read-only connection a result is also kept until the database changes: SQLite's data
 * version moves with every commit of any other connection, so a result read under the current
 * version is exactly what the query would read again. Such results are shared between callers
 * and frozen; nothing may modify them.
 */
const pipelineView = reusableQuery([ID_MARKER] as [number], (db, id) => db.selectFrom('runs as r').leftJoin('users as u', 'u.id', 'r.user_id')
  .select(['r.id', 'r.iid', 'r.project_id', 'r.sha', 'r.ref', 'r.status', 'r.source', 'r.name', 'r.created_at', 'r.updated_at',
    'r.before_sha', 'r.tag', 'r.yaml_errors', 'r.user_id', 'r.started_at', 'r.finished_at', 'r.committed_at', 'r.duration_seconds',
    'r.queued_duration_seconds', 'r.coverage', 'u.id as u_id', 'u.username as u_username', 'u.name as u_name', 'u.state as u_state'])
  .select((eb) => eb.case()
    .when(eb.and([
      eb('r.status', '=', 'success'),
      eb.exists(eb.selectFrom('jobs as j').select('j.id').whereRef('j.run_id', '=', 'r.id').where('j.retried', '=', 0)
        .where('j.allow_failure', '=', 1).where('j.status', 'in', ['failed', 'canceled'])),
    ])).then(sql<number>`1`).else(sql<number>`0`).end().as('warnings'))
  .where('r.id', '=', id));

export function createPipelineListingRepository(db: Kysely<Tables>, reader: SqliteReader | null = null) {
  const results = new Map<string, unknown>();
  let resultsVersion = Number.NaN;

  async function read<T>(key: string, text: string, parameters: readonly unknown[], map: (rows: unknown[][]) => T): Promise<T> {
    if (!reader) {
      const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [...parameters]));
      return map(result.rows.map((row) => Object.values(row)));
    }
    return readNow(reader, key, text, parameters, map);
  }

  /** A read on the read-only connection, synchronous as better-sqlite3 is; kept until the next commit. */
  function readNow<T>(reader: SqliteReader, key: string, text: string, parameters: readonly unknown[], map: (rows: unknown[][]) => T): T {
    let value = kept(reader, key) as T | undefined;
    if (value === undefined) {
      value = map(reader.all(text, parameters));
      keep(key, value);
    }
    return value;
  }

  /** The result kept under `key`, if the database has not changed since it was read. */
  function kept(reader: SqliteReader, key: string): unknown {
    const version = reader.version();
    if (version !== resultsVersion) {
      results.clear();
      resultsVersion = version;
      return undefined;
    }
    return results.get(key);
  }

  function keep(key: string, value: unknown): void {
    if (results.size >= 256) results.clear();
    results.set(key, value);
  }

  // Compiled listing queries by their inputs; a page of a filter is asked for again and again.
  const compiled = new Map<string, CompiledQuery>();
  function cached(key: string, build: () => Compilable): CompiledQuery {
    let query = compiled.get(key);
    if (!query) {
      query = build().compile();
      if (compiled.size >= 1_000) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, query);
    }
    return query;
  }

  const filtered = (f: PipelineListFilter) => whereRuns(db.selectFrom('runs'), f);

  // One statement for the Pipeline entity, compiled once (see reusable-query.ts).
  function viewQuery(id: number): [string, readonly unknown[]] {
    const query = pipelineView(db, id);
    return [query.sql, query.parameters];
  }

  return {
    /** A page of matching runs (shared and frozen when read on SQLite's read-only connection). */
    async list(f: PipelineListFilter, order: ListOrder, offset: number, limit: number): Promise<readonly PipelineListRow[]> {
      const key = `list\u0000${order.by}\u0000${order.sort}\u0000${offset}\u0000${limit}\u0000${JSON.stringify(f)}`;
      const query = cached(key, () => {
        let q = filtered(f).select(LIST_COLUMNS);
        q = order.by === 'id' ? q.orderBy('id', order.sort) : q.orderBy(order.by, order.sort).orderBy('id', order.sort);
        return q.offset(offset).limit(limit);
      });
      return read(key, query.sql, query.parameters, (rows) => Object.freeze(rows.map((r) => Object.freeze(listRow(r)))));
    },
    /** The number of matching runs, counting no further than `cap`. */
    async countUpTo(f: PipelineListFilter, cap: number): Promise<number> {
      const key = `count\u0000${cap}\u0000${JSON.stringify(f)}`;
      const query = cached(key, () => {
        const inner = filtered(f).select(sql<number>`1`.as('one')).limit(cap);
        return db.selectFrom(inner.as('capped')).select((eb) => eb.fn.countAll<number>().as('n'));
      });
      return read(key, query.sql, query.parameters, (rows) => Number(rows[0]![0]));
    },
    /** The Pipeline entity's data of run `id`, or null when there is no such run (shared and frozen, as list's). */
    async view(id: number): Promise<PipelineView | null> {
      const [text, parameters] = viewQuery(id);
      return read(`view\u0000${id}`, text, parameters, viewOfRows);
    },
    /**
     * view's answer without a promise where this store reads synchronously (SQLite in a file, on
     * the read-only connection; never inside a transaction); undefined elsewhere, where the
     * caller awaits view instead. Never stale either way.
     */
    viewNow(id: number): PipelineView | null | undefined {
      if (!reader) return undefined;
      const key = `view\u0000${id}`;
      let value = kept(reader, key) as PipelineView | null | undefined;
      if (value === undefined) {
        const [text, parameters] = viewQuery(id);
        value = viewOfRows(reader.all(text, parameters));
        keep(key, value);
      }
      return value;
    },
    /** The newest run id per ref, for refs of one kind (branch or tag), children excluded. */
    async newestPerRef(projectId: number, tag: boolean): Promise<Array<{ ref: string; id: number }>> {
      const rows = await db.selectFrom('runs').select(['ref', (eb) => eb.fn.max('id').as('id')])
        .where('project_id', '=', projectId).where('tag', '=', tag ? 1 : 0).where('source', '!=', 'parent_pipeline')
        .groupBy('ref').execute();
      return rows.map((r) => ({ ref: r.ref, id: Number(r.id) }));
    },
    /** Whether a run passed with warnings: a latest job allowed to fail that failed or was canceled. */
    async hasWarnings(runId: number): Promise<boolean> {
      const row = await db.selectFrom('jobs').select('id').where('run_id', '=', runId).where('retried', '=', 0)
        .where('allow_failure', '=', 1).where('status', 'in', ['failed', 'canceled']).limit(1).executeTakeFirst();
      return row !== undefined;
    },
  };
}
