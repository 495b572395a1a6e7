import type { Kysely, Selectable } from 'kysely';
import type { RunnersTable, Tables } from './tables.js';
import type { Runner } from './rows.js';

export function createRunnersRepository(db: Kysely<Tables>) {
  return {
    async insert(r: { tokenDigest: string; description: string; kind: Runner['kind']; tags: string[]; runUntagged: boolean; paused: boolean; locked: boolean; accessLevel: string; maximumTimeout: number | null; createdAt: number }): Promise<Runner> {
      const row = await db.insertInto('runners').values({
        token_digest: r.tokenDigest, description: r.description, kind: r.kind, tags_json: JSON.stringify(r.tags),
        run_untagged: r.runUntagged ? 1 : 0, paused: r.paused ? 1 : 0, locked: r.locked ? 1 : 0, access_level: r.accessLevel,
        maximum_timeout: r.maximumTimeout, info_json: '{}', contacted_at: null, created_at: r.createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toRunner(row);
    },
    async byTokenDigest(digest: string): Promise<Runner | null> {
      const row = await db.selectFrom('runners').selectAll().where('token_digest', '=', digest).executeTakeFirst();
      return row ? toRunner(row) : null;
    },
    async byId(id: number): Promise<Runner | null> {
      const row = await db.selectFrom('runners').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRunner(row) : null;
    },
    async embedded(): Promise<Runner | null> {
      const row = await db.selectFrom('runners').selectAll().where('kind', '=', 'embedded').orderBy('id').limit(1).executeTakeFirst();
      return row ? toRunner(row) : null;
    },
    async list(): Promise<Runner[]> {
      return (await db.selectFrom('runners').selectAll().orderBy('id').execute()).map(toRunner);
    },
    async contacted(id: number, at: number, info?: Record<string, unknown>): Promise<void> {
      await db.updateTable('runners').set({ contacted_at: at, ...(info && { info_json: JSON.stringify(info) }) }).where('id', '=', id).execute();
    },
    async update(id: number, patch: { tags?: string[]; runUntagged?: boolean; paused?: boolean; description?: string }): Promise<void> {
      await db.updateTable('runners').set({
        ...(patch.tags !== undefined && { tags_json: JSON.stringify(patch.tags) }),
        ...(patch.runUntagged !== undefined && { run_untagged: patch.runUntagged ? 1 : 0 }),
        ...(patch.paused !== undefined && { paused: patch.paused ? 1 : 0 }),
        ...(patch.description !== undefined && { description: patch.description }),
      }).where('id', '=', id).execute();
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('runners').where('id', '=', id).execute();
    },
    async addRegistrationToken(digest: string, at: number): Promise<void> {
      await db.insertInto('runner_registration_tokens').values({ digest, created_at: at }).execute();
    },
    async registrationTokenExists(digest: string): Promise<boolean> {
      return (await db.selectFrom('runner_registration_tokens').select('id').where('digest', '=', digest).executeTakeFirst()) !== undefined;
    },
  };
}

export type RunnersRepository = ReturnType<typeof createRunnersRepository>;

function toRunner(row: Selectable<RunnersTable>): Runner {
  return {
    id: row.id, description: row.description, kind: row.kind === 'embedded' ? 'embedded' : 'remote',
    tags: JSON.parse(row.tags_json) as string[], runUntagged: row.run_untagged === 1, paused: row.paused === 1,
    locked: row.locked === 1, accessLevel: row.access_level, maximumTimeout: row.maximum_timeout,
    info: JSON.parse(row.info_json) as Record<string, unknown>, contactedAt: row.contacted_at === null ? null : Number(row.contacted_at),
    createdAt: Number(row.created_at),
  };
}
