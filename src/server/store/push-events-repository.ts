import type { Kysely, Selectable } from 'kysely';
import type { PushEventsTable, Tables } from './tables.js';
import type { PushEvent } from './rows.js';

/** Accepted ref updates, recorded before anything acts on them; the engine marks them processed. */
export function createPushEventsRepository(db: Kysely<Tables>) {
  return {
    async insertMany(events: Array<Omit<PushEvent, 'id' | 'processedAt'>>): Promise<PushEvent[]> {
      if (events.length === 0) return [];
      const rows = await db.insertInto('push_events').values(events.map((e) => ({
        project_id: e.projectId, user_id: e.userId, ref: e.ref, before_sha: e.beforeSha, after_sha: e.afterSha,
        created_at: e.createdAt, processed_at: null,
      }))).returningAll().execute();
      return rows.map(toPushEvent);
    },
    async listForProject(projectId: number): Promise<PushEvent[]> {
      return (await db.selectFrom('push_events').selectAll().where('project_id', '=', projectId).orderBy('id').execute()).map(toPushEvent);
    },
    /** What the recorded pushes say each ref points at: the latest `after` per ref (zeros = deleted). */
    async knownRefs(projectId: number): Promise<Map<string, string>> {
      const latest = db.selectFrom('push_events').select((eb) => eb.fn.max('id').as('id')).where('project_id', '=', projectId).groupBy('ref');
      const rows = await db.selectFrom('push_events').select(['ref', 'after_sha']).where('id', 'in', latest).execute();
      return new Map(rows.map((r) => [r.ref, r.after_sha]));
    },
    async unprocessed(limit: number): Promise<PushEvent[]> {
      return (await db.selectFrom('push_events').selectAll().where('processed_at', 'is', null).orderBy('id').limit(limit).execute()).map(toPushEvent);
    },
    /** Marks one event processed; false when another server got there first. */
    async markProcessed(id: number, at: number): Promise<boolean> {
      const r = await db.updateTable('push_events').set({ processed_at: at }).where('id', '=', id).where('processed_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}

export type PushEventsRepository = ReturnType<typeof createPushEventsRepository>;

function toPushEvent(row: Selectable<PushEventsTable>): PushEvent {
  return {
    id: row.id, projectId: row.project_id, userId: row.user_id, ref: row.ref, beforeSha: row.before_sha,
    afterSha: row.after_sha, createdAt: Number(row.created_at), processedAt: row.processed_at === null ? null : Number(row.processed_at),
  };
}
