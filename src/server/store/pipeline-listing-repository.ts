import type { Kysely } from 'kysely';
import { sql } from './kysely-runtime.js';
import type { Tables } from './tables.js';

/** GitLab's pipeline list filters; bounds are inclusive, as GitLab's finder applies them. */
export interface PipelineListFilter {
  projectId: number;
  /** Exclude child pipelines (source parent_pipeline) unless the source filter asks for them. */
  excludeChildren: boolean;
  statuses?: string[];
  source?: string;
  ref?: string;
  sha?: string;
  yamlErrors?: boolean;
  /** null matches nothing (an unknown username). */
  userId?: number | null;
  updatedAfter?: number;
  updatedBefore?: number;
  createdAfter?: number;
  createdBefore?: number;
  name?: string;
  /** Restrict to these run ids (scope branches/tags). */
  ids?: number[];
}

/** Just what PipelineBasic(+name) shows: no JSON columns, so a page of 100 costs one small read. */
export interface PipelineListRow {
  id: number; iid: number; projectId: number; sha: string; ref: string; status: string; source: string;
  name: string | null; createdAt: number; updatedAt: number;
}

/**
 * The lean reads behind GitLab's pipeline listings. Counting stops at a cap: GitLab omits
 * X-Total above 10,000 rows, so counting the 100,001st row of a big project buys nothing.
 */
export function createPipelineListingRepository(db: Kysely<Tables>) {
  function filtered(f: PipelineListFilter) {
    let q = db.selectFrom('runs').where('project_id', '=', f.projectId);
    if (f.excludeChildren) q = q.where('source', '!=', 'parent_pipeline');
    if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
    if (f.source) q = q.where('source', '=', f.source);
    if (f.ref !== undefined) q = q.where('ref', '=', f.ref);
    if (f.sha !== undefined) q = q.where('sha', '=', f.sha);
    if (f.yamlErrors === true) q = q.where('yaml_errors', 'is not', null);
    if (f.yamlErrors === false) q = q.where('yaml_errors', 'is', null);
    if (f.userId === null) q = q.where(sql<boolean>`1 = 0`);
    else if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
    if (f.updatedAfter !== undefined) q = q.where('updated_at', '>=', f.updatedAfter);
    if (f.updatedBefore !== undefined) q = q.where('updated_at', '<=', f.updatedBefore);
    if (f.createdAfter !== undefined) q = q.where('created_at', '>=', f.createdAfter);
    if (f.createdBefore !== undefined) q = q.where('created_at', '<=', f.createdBefore);
    if (f.name !== undefined) q = q.where('name', '=', f.name);
    if (f.ids) q = f.ids.length ? q.where('id', 'in', f.ids) : q.where(sql<boolean>`1 = 0`);
    return q;
  }

  return {
    async list(f: PipelineListFilter, order: { by: 'id' | 'status' | 'ref' | 'updated_at' | 'user_id'; sort: 'asc' | 'desc' }, offset: number, limit: number): Promise<PipelineListRow[]> {
      let q = filtered(f).select(['id', 'iid', 'project_id', 'sha', 'ref', 'status', 'source', 'name', 'created_at', 'updated_at']);
      q = order.by === 'id' ? q.orderBy('id', order.sort) : q.orderBy(order.by, order.sort).orderBy('id', order.sort);
      const rows = await q.offset(offset).limit(limit).execute();
      return rows.map((r) => ({
        id: r.id, iid: r.iid, projectId: r.project_id, sha: r.sha, ref: r.ref, status: r.status, source: r.source, name: r.name,
        createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
      }));
    },
    /** The number of matching runs, counting no further than `cap`. */
    async countUpTo(f: PipelineListFilter, cap: number): Promise<number> {
      const inner = filtered(f).select(sql<number>`1`.as('one')).limit(cap);
      const row = await db.selectFrom(inner.as('capped')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
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
