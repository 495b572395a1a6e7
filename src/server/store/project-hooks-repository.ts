import type { Kysely, Selectable } from 'kysely';
import type { Tables } from './tables.js';
import type { HookDeliveriesTable, ProjectHooksTable } from './tables-gitlab-api.js';
import { idMarker, reusableQuery } from './reusable-query.js';

export interface ProjectHook {
  id: number;
  projectId: number;
  url: string;
  /** Sent as X-Gitlab-Token; never shown by the API. */
  token: string | null;
  name: string;
  description: string;
  pushEvents: boolean;
  pipelineEvents: boolean;
  jobEvents: boolean;
  enableSslVerification: boolean;
  createdAt: number;
}

export type HookInput = Omit<ProjectHook, 'id' | 'projectId' | 'createdAt'>;

export interface HookDelivery {
  id: number;
  hookId: number;
  projectId: number;
  event: string;
  payload: unknown;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number | null;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Project hooks and their delivery queue (the database is the queue, as for jobs). */
const hooksWith = (column: 'pipeline_events' | 'job_events' | 'push_events') => reusableQuery([idMarker(0)] as [number], (db, projectId) => db
  .selectFrom('project_hooks').selectAll().where('project_id', '=', projectId).where(column, '=', 1).orderBy('id'));
const hooksFor = { pipeline: hooksWith('pipeline_events'), job: hooksWith('job_events'), push: hooksWith('push_events') };

export function createProjectHooksRepository(db: Kysely<Tables>) {
  return {
    async insert(projectId: number, h: HookInput, createdAt: number): Promise<ProjectHook> {
      const row = await db.insertInto('project_hooks').values({ project_id: projectId, ...columns(h), created_at: createdAt }).returningAll().executeTakeFirstOrThrow();
      return toHook(row);
    },
    async list(projectId: number, offset: number, limit: number): Promise<{ items: ProjectHook[]; total: number }> {
      const rows = await db.selectFrom('project_hooks').selectAll().where('project_id', '=', projectId).orderBy('id').offset(offset).limit(limit).execute();
      const count = await db.selectFrom('project_hooks').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
      return { items: rows.map(toHook), total: Number(count.n) };
    },
    async forEvent(projectId: number, event: 'pipeline' | 'job' | 'push'): Promise<ProjectHook[]> {
      return (await db.executeQuery(hooksFor[event](db, projectId))).rows.map(toHook);
    },
    async byId(projectId: number, id: number): Promise<ProjectHook | null> {
      const row = await db.selectFrom('project_hooks').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row ? toHook(row) : null;
    },
    async update(id: number, h: HookInput): Promise<void> {
      await db.updateTable('project_hooks').set(columns(h)).where('id', '=', id).execute();
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('project_hooks').where('id', '=', id).execute();
    },
    // ---- deliveries ----
    async enqueue(d: { hookId: number; projectId: number; event: string; payload: unknown; now: number }): Promise<void> {
      await db.insertInto('hook_deliveries').values({
        hook_id: d.hookId, project_id: d.projectId, event: d.event, payload_json: JSON.stringify(d.payload), state: 'pending',
        attempts: 0, next_attempt_at: d.now, response_status: null, response_body: null, error: null, duration_ms: null,
        created_at: d.now, updated_at: d.now,
      }).execute();
    },
    async due(now: number, limit: number): Promise<HookDelivery[]> {
      return (await db.selectFrom('hook_deliveries').selectAll().where('state', '=', 'pending').where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at').orderBy('id').limit(limit).execute()).map(toDelivery);
    },
    /** Leases a due delivery for `leaseMs` so that concurrent loops never send it twice at once. */
    async claim(id: number, expectedAttempts: number, leaseUntil: number, now: number): Promise<boolean> {
      const r = await db.updateTable('hook_deliveries').set({ attempts: expectedAttempts + 1, next_attempt_at: leaseUntil, updated_at: now })
        .where('id', '=', id).where('state', '=', 'pending').where('attempts', '=', expectedAttempts).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async recordAttempt(id: number, r: { state: HookDelivery['state']; nextAttemptAt: number | null; responseStatus: number | null; responseBody: string | null; error: string | null; durationMs: number; now: number }): Promise<void> {
      await db.updateTable('hook_deliveries').set({
        state: r.state, next_attempt_at: r.nextAttemptAt, response_status: r.responseStatus, response_body: r.responseBody,
        error: r.error, duration_ms: r.durationMs, updated_at: r.now,
      }).where('id', '=', id).execute();
    },
    async deliveries(hookId: number, offset: number, limit: number): Promise<{ items: HookDelivery[]; total: number }> {
      const rows = await db.selectFrom('hook_deliveries').selectAll().where('hook_id', '=', hookId).orderBy('id', 'desc').offset(offset).limit(limit).execute();
      const count = await db.selectFrom('hook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('hook_id', '=', hookId).executeTakeFirstOrThrow();
      return { items: rows.map(toDelivery), total: Number(count.n) };
    },
    /** Keeps the newest `keep` finished deliveries of a hook; older ones are dropped. */
    async prune(hookId: number, keep: number): Promise<void> {
      const cutoff = await db.selectFrom('hook_deliveries').select('id').where('hook_id', '=', hookId).orderBy('id', 'desc').offset(keep).limit(1).executeTakeFirst();
      if (cutoff) await db.deleteFrom('hook_deliveries').where('hook_id', '=', hookId).where('id', '<=', cutoff.id).where('state', '!=', 'pending').execute();
    },
  };
}

function columns(h: HookInput) {
  return {
    url: h.url, token: h.token, name: h.name, description: h.description, push_events: h.pushEvents ? 1 : 0,
    pipeline_events: h.pipelineEvents ? 1 : 0, job_events: h.jobEvents ? 1 : 0, enable_ssl_verification: h.enableSslVerification ? 1 : 0,
  };
}

function toHook(row: Selectable<ProjectHooksTable>): ProjectHook {
  return {
    id: row.id, projectId: row.project_id, url: row.url, token: row.token, name: row.name, description: row.description,
    pushEvents: row.push_events === 1, pipelineEvents: row.pipeline_events === 1, jobEvents: row.job_events === 1,
    enableSslVerification: row.enable_ssl_verification === 1, createdAt: Number(row.created_at),
  };
}

function toDelivery(row: Selectable<HookDeliveriesTable>): HookDelivery {
  return {
    id: row.id, hookId: row.hook_id, projectId: row.project_id, event: row.event, payload: JSON.parse(row.payload_json) as unknown,
    state: row.state === 'delivered' ? 'delivered' : row.state === 'failed' ? 'failed' : 'pending', attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at === null ? null : Number(row.next_attempt_at), responseStatus: row.response_status,
    responseBody: row.response_body, error: row.error, durationMs: row.duration_ms, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
  };
}
