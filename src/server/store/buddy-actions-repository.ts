import type { Kysely, Selectable } from 'kysely';
import type { Tables } from './tables.js';
import type { BuddyActionsTable } from './tables-buddy-api.js';

/** A pipeline action (Buddy's step): name, type, and its other fields as Buddy names them. */
export interface BuddyActionRow {
  id: number;
  definitionId: number;
  position: number;
  name: string;
  type: string;
  settings: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export function createBuddyActionsRepository(db: Kysely<Tables>) {
  return {
    async insert(a: { definitionId: number; position: number; name: string; type: string; settings: Record<string, unknown>; createdAt: number }): Promise<BuddyActionRow> {
      const row = await db.insertInto('buddy_actions').values({
        definition_id: a.definitionId, position: a.position, name: a.name, type: a.type,
        settings_json: JSON.stringify(a.settings), created_at: a.createdAt, updated_at: a.createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toAction(row);
    },
    async byId(id: number): Promise<BuddyActionRow | null> {
      const row = await db.selectFrom('buddy_actions').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toAction(row) : null;
    },
    /** Actions of a pipeline in execution order. */
    async forDefinition(definitionId: number): Promise<BuddyActionRow[]> {
      return (await db.selectFrom('buddy_actions').selectAll().where('definition_id', '=', definitionId)
        .orderBy('position').orderBy('id').execute()).map(toAction);
    },
    async update(id: number, patch: { name?: string; position?: number; settings?: Record<string, unknown> }, at: number): Promise<void> {
      await db.updateTable('buddy_actions').set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.position !== undefined && { position: patch.position }),
        ...(patch.settings !== undefined && { settings_json: JSON.stringify(patch.settings) }),
        updated_at: at,
      }).where('id', '=', id).execute();
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('buddy_actions').where('id', '=', id).execute();
    },
  };
}

function toAction(row: Selectable<BuddyActionsTable>): BuddyActionRow {
  return {
    id: row.id, definitionId: row.definition_id, position: row.position, name: row.name, type: row.type,
    settings: JSON.parse(row.settings_json) as Record<string, unknown>, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
  };
}
