import type { Kysely, Selectable } from 'kysely';
import { sql } from './kysely-runtime.js';
import type { DialectName } from './database.js';
import { whereRuns, type RunFilter } from './run-filter.js';
import type { RunsTable, Tables } from './tables.js';
import type { Run, RunVariable } from './rows.js';
import { ID_MARKER, reusableQuery } from './reusable-query.js';

export type NewRun = Omit<Run, 'id' | 'coverage' | 'updatedAt' | 'startedAt' | 'finishedAt' | 'durationSeconds' | 'queuedDurationSeconds'>;

/** A run listing: which runs (the one filter shape of every run listing), in which order, which page. */
export interface RunListQuery extends RunFilter {
  orderBy: 'id' | 'status' | 'ref' | 'updated_at' | 'user_id' | 'number';
  sort: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface RunPatch {
  status?: string;
  name?: string | null;
  yamlErrors?: string | null;
  coverage?: number | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  durationSeconds?: number | null;
  queuedDurationSeconds?: number | null;
  context?: Record<string, unknown>;
  updatedAt: number;
}

const runById = reusableQuery([ID_MARKER] as [number], (db, id) => db.selectFrom('runs').selectAll().where('id', '=', id));

export function createRunsRepository(db: Kysely<Tables>, dialect: DialectName) {
  const filtered = (q: RunFilter) => whereRuns(db.selectFrom('runs'), q);

  return {
    async insert(run: NewRun): Promise<Run> {
      const row = await db.insertInto('runs').values({
        project_id: run.projectId, definition_id: run.definitionId, iid: run.iid, number: run.number, status: run.status,
        source: run.source, ref: run.ref, tag: run.tag ? 1 : 0, sha: run.sha, before_sha: run.beforeSha, user_id: run.userId,
        name: run.name, comment: run.comment, yaml_errors: run.yamlErrors, variables_json: JSON.stringify(run.variables),
        context_json: JSON.stringify(run.context), priority: run.priority, parent_run_id: run.parentRunId,
        parent_job_id: run.parentJobId, coverage: null, created_at: run.createdAt, updated_at: run.createdAt,
        committed_at: run.committedAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toRun(row);
    },
    async byId(id: number): Promise<Run | null> {
      const [row] = (await db.executeQuery(runById(db, id))).rows;
      return row ? toRun(row) : null;
    },
    async byNumber(definitionId: number, number: number): Promise<Run | null> {
      const row = await db.selectFrom('runs').selectAll().where('definition_id', '=', definitionId).where('number', '=', number).executeTakeFirst();
      return row ? toRun(row) : null;
    },
    /**
     * Serialises state changes of one run: on PostgreSQL a row lock held to the end of the
     * transaction; on SQLite a no-op, since its single writer already serialises transactions.
     */
    async lock(id: number): Promise<void> {
      if (dialect === 'postgres') await sql`select id from runs where id = ${id} for update`.execute(db);
    },
    async list(q: RunListQuery): Promise<Run[]> {
      const column = q.orderBy === 'number' ? 'number' : q.orderBy;
      const rows = await filtered(q).selectAll().orderBy(column, q.sort).orderBy('id', q.sort).offset(q.offset).limit(q.limit).execute();
      return rows.map(toRun);
    },
    async count(q: RunListQuery): Promise<number> {
      const row = await filtered(q).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async latestForRef(projectId: number, ref: string, sha?: string): Promise<Run | null> {
      let q = db.selectFrom('runs').selectAll().where('project_id', '=', projectId).where('ref', '=', ref).where('source', '!=', 'parent_pipeline');
      if (sha) q = q.where('sha', '=', sha);
      const row = await q.orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row ? toRun(row) : null;
    },
    /** Runs of a project on a ref that are not finished, oldest first (auto-cancel, skip-to-latest). */
    async unfinishedOnRef(projectId: number, ref: string, definitionId?: number): Promise<Run[]> {
      let q = db.selectFrom('runs').selectAll().where('project_id', '=', projectId).where('ref', '=', ref)
        .where('status', 'not in', ['success', 'failed', 'canceled', 'skipped']);
      if (definitionId !== undefined) q = q.where('definition_id', '=', definitionId);
      return (await q.orderBy('id').execute()).map(toRun);
    },
    /**
     * Runs still `created`, without YAML errors, whose row has not changed after `updatedBefore`,
     * oldest first: the candidates of an interrupted creation. Read by status (indexed), not by
     * filtering every unfinished run, which a busy project may have by the ten thousand.
     */
    async staleCreated(updatedBefore: number): Promise<Run[]> {
      return (await db.selectFrom('runs').selectAll().where('status', '=', 'created').where('yaml_errors', 'is', null)
        .where('updated_at', '<=', updatedBefore).orderBy('id').execute()).map(toRun);
    },
    async unfinished(): Promise<Run[]> {
      return (await db.selectFrom('runs').selectAll().where('status', 'not in', ['success', 'failed', 'canceled', 'skipped']).orderBy('id').execute()).map(toRun);
    },
    async childrenOf(runId: number): Promise<Run[]> {
      return (await db.selectFrom('runs').selectAll().where('parent_run_id', '=', runId).orderBy('id').execute()).map(toRun);
    },
    async update(id: number, patch: RunPatch): Promise<void> {
      await db.updateTable('runs').set({
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.yamlErrors !== undefined && { yaml_errors: patch.yamlErrors }),
        ...(patch.coverage !== undefined && { coverage: patch.coverage }),
        ...(patch.startedAt !== undefined && { started_at: patch.startedAt }),
        ...(patch.finishedAt !== undefined && { finished_at: patch.finishedAt }),
        ...(patch.durationSeconds !== undefined && { duration_seconds: patch.durationSeconds }),
        ...(patch.queuedDurationSeconds !== undefined && { queued_duration_seconds: patch.queuedDurationSeconds }),
        ...(patch.context !== undefined && { context_json: JSON.stringify(patch.context) }),
        updated_at: patch.updatedAt,
      }).where('id', '=', id).execute();
    },
    /** Claims a run for recovery: succeeds for one caller only, by moving updated_at from `seen`. */
    async claimForRecovery(id: number, seen: number, now: number): Promise<boolean> {
      const r = await db.updateTable('runs').set({ updated_at: now }).where('id', '=', id).where('updated_at', '=', seen).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('runs').where('id', '=', id).execute();
    },
  };
}

export type RunsRepository = ReturnType<typeof createRunsRepository>;

function num(v: number | null): number | null {
  return v === null ? null : Number(v);
}

function toRun(row: Selectable<RunsTable>): Run {
  return {
    id: row.id, projectId: row.project_id, definitionId: row.definition_id, iid: row.iid, number: row.number,
    status: row.status, source: row.source, ref: row.ref, tag: row.tag === 1, sha: row.sha, beforeSha: row.before_sha,
    userId: row.user_id, name: row.name, comment: row.comment, yamlErrors: row.yaml_errors,
    variables: JSON.parse(row.variables_json) as RunVariable[], context: JSON.parse(row.context_json) as Record<string, unknown>,
    priority: row.priority, parentRunId: row.parent_run_id, parentJobId: row.parent_job_id,
    coverage: row.coverage === null ? null : Number(row.coverage), createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
    startedAt: num(row.started_at), finishedAt: num(row.finished_at), committedAt: num(row.committed_at),
    durationSeconds: num(row.duration_seconds), queuedDurationSeconds: num(row.queued_duration_seconds),
  };
}
