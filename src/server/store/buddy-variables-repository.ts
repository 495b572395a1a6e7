import type { Kysely, Selectable } from 'kysely';
import type { Tables } from './tables.js';
import type { BuddyVariablesTable } from './tables-buddy-api.js';

/**
 * A scoped variable. Scope is the most specific id set: action ⊂ pipeline ⊂ project ⊂ workspace.
 * `value` is stored as the engine hands it over (encrypted values arrive already sealed).
 */
export interface BuddyVariableRow {
  id: number;
  workspaceId: number;
  projectId: number | null;
  definitionId: number | null;
  actionId: number | null;
  key: string;
  value: string;
  type: string;
  encrypted: boolean;
  settable: boolean;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewBuddyVariable = Omit<BuddyVariableRow, 'id' | 'updatedAt'>;

export function createBuddyVariablesRepository(db: Kysely<Tables>) {
  return {
    async insert(v: NewBuddyVariable): Promise<BuddyVariableRow> {
      const row = await db.insertInto('buddy_variables').values({
        workspace_id: v.workspaceId, project_id: v.projectId, definition_id: v.definitionId, action_id: v.actionId,
        key: v.key, value: v.value, type: v.type, encrypted: v.encrypted ? 1 : 0, settable: v.settable ? 1 : 0,
        description: v.description, created_at: v.createdAt, updated_at: v.createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toVariable(row);
    },
    async byId(id: number): Promise<BuddyVariableRow | null> {
      const row = await db.selectFrom('buddy_variables').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toVariable(row) : null;
    },
    /**
     * Variables of a workspace, optionally narrowed to one exact scope (a project, a pipeline,
     * an action). Without a narrower id, every scope in the workspace is listed.
     */
    async list(q: { workspaceId: number; projectId?: number; definitionId?: number; actionId?: number }): Promise<BuddyVariableRow[]> {
      let query = db.selectFrom('buddy_variables').selectAll().where('workspace_id', '=', q.workspaceId);
      if (q.actionId !== undefined) query = query.where('action_id', '=', q.actionId);
      else if (q.definitionId !== undefined) query = query.where('definition_id', '=', q.definitionId).where('action_id', 'is', null);
      else if (q.projectId !== undefined) query = query.where('project_id', '=', q.projectId).where('definition_id', 'is', null);
      return (await query.orderBy('id').execute()).map(toVariable);
    },
    /** Every variable a run of `definitionId` in `projectId` may see (all four scopes). */
    async visibleTo(workspaceId: number, projectId: number, definitionId: number): Promise<BuddyVariableRow[]> {
      const rows = await db.selectFrom('buddy_variables').selectAll().where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or([eb('project_id', 'is', null), eb('project_id', '=', projectId)]))
        .where((eb) => eb.or([eb('definition_id', 'is', null), eb('definition_id', '=', definitionId)]))
        .orderBy('id').execute();
      return rows.map(toVariable);
    },
    async update(id: number, patch: Partial<Pick<BuddyVariableRow, 'key' | 'value' | 'type' | 'encrypted' | 'settable' | 'description'>>, at: number): Promise<void> {
      await db.updateTable('buddy_variables').set({
        ...(patch.key !== undefined && { key: patch.key }),
        ...(patch.value !== undefined && { value: patch.value }),
        ...(patch.type !== undefined && { type: patch.type }),
        ...(patch.encrypted !== undefined && { encrypted: patch.encrypted ? 1 : 0 }),
        ...(patch.settable !== undefined && { settable: patch.settable ? 1 : 0 }),
        ...(patch.description !== undefined && { description: patch.description }),
        updated_at: at,
      }).where('id', '=', id).execute();
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('buddy_variables').where('id', '=', id).execute();
    },
    async deleteForDefinition(definitionId: number): Promise<void> {
      await db.deleteFrom('buddy_variables').where('definition_id', '=', definitionId).execute();
    },
  };
}

function toVariable(row: Selectable<BuddyVariablesTable>): BuddyVariableRow {
  return {
    id: row.id, workspaceId: row.workspace_id, projectId: row.project_id, definitionId: row.definition_id, actionId: row.action_id,
    key: row.key, value: row.value, type: row.type, encrypted: row.encrypted === 1, settable: row.settable === 1,
    description: row.description, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
  };
}
