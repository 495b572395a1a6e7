import type { Kysely, Selectable } from 'kysely';
import type { Tables } from './tables.js';
import type { PipelineTriggersTable } from './tables-gitlab-api.js';

export interface PipelineTrigger {
  id: number;
  projectId: number;
  ownerId: number | null;
  description: string;
  tokenHint: string;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
}

/** Pipeline trigger tokens, kept as digests like every other token. */
export function createPipelineTriggersRepository(db: Kysely<Tables>) {
  return {
    async insert(t: { projectId: number; ownerId: number | null; description: string; tokenDigest: string; tokenHint: string; createdAt: number }): Promise<PipelineTrigger> {
      const row = await db.insertInto('pipeline_triggers').values({
        project_id: t.projectId, owner_id: t.ownerId, description: t.description, token_digest: t.tokenDigest, token_hint: t.tokenHint,
        created_at: t.createdAt, updated_at: t.createdAt, last_used_at: null,
      }).returningAll().executeTakeFirstOrThrow();
      return toTrigger(row);
    },
    async list(projectId: number, offset: number, limit: number): Promise<{ items: PipelineTrigger[]; total: number }> {
      const rows = await db.selectFrom('pipeline_triggers').selectAll().where('project_id', '=', projectId).orderBy('id').offset(offset).limit(limit).execute();
      const count = await db.selectFrom('pipeline_triggers').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
      return { items: rows.map(toTrigger), total: Number(count.n) };
    },
    async byId(projectId: number, id: number): Promise<PipelineTrigger | null> {
      const row = await db.selectFrom('pipeline_triggers').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row ? toTrigger(row) : null;
    },
    async byDigest(digest: string): Promise<PipelineTrigger | null> {
      const row = await db.selectFrom('pipeline_triggers').selectAll().where('token_digest', '=', digest).executeTakeFirst();
      return row ? toTrigger(row) : null;
    },
    async update(id: number, patch: { description?: string; lastUsedAt?: number; updatedAt?: number }): Promise<void> {
      await db.updateTable('pipeline_triggers').set({
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.lastUsedAt !== undefined && { last_used_at: patch.lastUsedAt }),
        ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
      }).where('id', '=', id).execute();
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('pipeline_triggers').where('id', '=', id).execute();
    },
  };
}

function toTrigger(row: Selectable<PipelineTriggersTable>): PipelineTrigger {
  return {
    id: row.id, projectId: row.project_id, ownerId: row.owner_id, description: row.description, tokenHint: row.token_hint,
    createdAt: Number(row.created_at), updatedAt: Number(row.updated_at), lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
