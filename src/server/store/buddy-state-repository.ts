import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';
import type { PushEvent } from './rows.js';

/**
 * Small pieces of Buddy state that belong to no aggregate of their own: the workspace cache
 * generation (clearing a WORKSPACE-scoped cache bumps it), cursors of background followers (which
 * push events Buddy's event triggers have seen), and named keys (the at-rest secret key).
 */
export function createBuddyStateRepository(db: Kysely<Tables>) {
  return {
    async bumpWorkspaceCacheGeneration(workspaceId: number): Promise<number> {
      const row = await db.updateTable('workspaces').set((eb) => ({ cache_generation: eb('cache_generation', '+', 1) }))
        .where('id', '=', workspaceId).returning('cache_generation').executeTakeFirstOrThrow();
      return row.cache_generation;
    },
    async workspaceCacheGeneration(workspaceId: number): Promise<number> {
      const row = await db.selectFrom('workspaces').select('cache_generation').where('id', '=', workspaceId).executeTakeFirst();
      return row?.cache_generation ?? 0;
    },
    async cursor(name: string): Promise<number | null> {
      const row = await db.selectFrom('buddy_cursors').select('value').where('name', '=', name).executeTakeFirst();
      return row ? Number(row.value) : null;
    },
    /** Moves a cursor from `from` to `to`; false when another server moved it first. */
    async moveCursor(name: string, from: number | null, to: number): Promise<boolean> {
      if (from === null) {
        try {
          await db.insertInto('buddy_cursors').values({ name, value: to }).execute();
          return true;
        } catch {
          return false;
        }
      }
      const r = await db.updateTable('buddy_cursors').set({ value: to }).where('name', '=', name).where('value', '=', from).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async lastPushEventId(): Promise<number> {
      const row = await db.selectFrom('push_events').select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst();
      return Number(row?.m ?? 0);
    },
    async pushEventsAfter(id: number, limit: number): Promise<PushEvent[]> {
      const rows = await db.selectFrom('push_events').selectAll().where('id', '>', id).orderBy('id').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id, projectId: r.project_id, userId: r.user_id, ref: r.ref, beforeSha: r.before_sha, afterSha: r.after_sha,
        createdAt: Number(r.created_at), processedAt: r.processed_at === null ? null : Number(r.processed_at),
      }));
    },
    /** Ids of definitions whose settings mention an event type (SCHEDULE, PUSH…): a cheap pre-filter. */
    async definitionsMentioning(text: string): Promise<number[]> {
      const rows = await db.selectFrom('pipeline_definitions').select('id').where('settings_json', 'like', `%${text}%`).orderBy('id').execute();
      return rows.map((r) => r.id);
    },
    /** Ids of runs still waiting to start (status created) whose variables mention `text` (delayed runs). */
    async waitingRunsMentioning(text: string): Promise<number[]> {
      const rows = await db.selectFrom('runs').select('id').where('status', '=', 'created')
        .where('variables_json', 'like', `%${text}%`).orderBy('id').execute();
      return rows.map((r) => r.id);
    },
    /** Ids of pending/running jobs carrying a tag (jobs the server runs itself, e.g. RUN_NEXT_PIPELINE). */
    async serverActionJobs(tag: string): Promise<number[]> {
      const rows = await db.selectFrom('jobs').select('id').where('status', 'in', ['pending', 'running'])
        .where('tags_json', 'like', `%${JSON.stringify(tag)}%`).orderBy('id').execute();
      return rows.map((r) => r.id);
    },
    async key(name: string): Promise<string | null> {
      const row = await db.selectFrom('buddy_keys').select('value').where('name', '=', name).executeTakeFirst();
      return row?.value ?? null;
    },
    /** Stores a key unless one exists; returns the key that is stored now. */
    async ensureKey(name: string, value: string, at: number): Promise<string> {
      await db.insertInto('buddy_keys').values({ name, value, created_at: at }).onConflict((oc) => oc.column('name').doNothing()).execute();
      const row = await db.selectFrom('buddy_keys').select('value').where('name', '=', name).executeTakeFirstOrThrow();
      return row.value;
    },
  };
}
