import type { SelectQueryBuilder } from 'kysely';
import { sql } from './kysely-runtime.js';
import type { Tables } from './tables.js';

/**
 * Which runs of a project a listing shows: GitLab's pipeline list filters (bounds inclusive, as
 * GitLab's finder applies them) and the few the engine and Buddy's routes add. One shape for
 * every run listing (runs.list/count, pipelineListing.list/countUpTo).
 */
export interface RunFilter {
  projectId: number;
  /** Exclude child pipelines (source parent_pipeline), as GitLab's list does. */
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
  tag?: boolean;
  definitionId?: number;
  /** Restrict to these run ids (scope branches/tags); an empty list matches nothing. */
  ids?: number[];
}

/** `query` (over `runs`) narrowed to the runs `f` selects. */
export function whereRuns<O>(query: SelectQueryBuilder<Tables, 'runs', O>, f: RunFilter): SelectQueryBuilder<Tables, 'runs', O> {
  let q = query.where('project_id', '=', f.projectId);
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
  if (f.tag !== undefined) q = q.where('tag', '=', f.tag ? 1 : 0);
  if (f.definitionId !== undefined) q = q.where('definition_id', '=', f.definitionId);
  if (f.ids) q = f.ids.length ? q.where('id', 'in', f.ids) : q.where(sql<boolean>`1 = 0`);
  return q;
}
