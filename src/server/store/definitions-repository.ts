import type { Kysely, Selectable } from 'kysely';
import type { DefinitionsTable, Tables } from './tables.js';
import type { Definition } from './rows.js';
import { ID_MARKER, reusableQuery } from './reusable-query.js';

const definitionById = reusableQuery([ID_MARKER] as [number], (db, id) => db.selectFrom('pipeline_definitions').selectAll().where('id', '=', id));

export function createDefinitionsRepository(db: Kysely<Tables>) {
  return {
    async insert(d: { projectId: number; name: string; identifier: string; source: Definition['source']; isDefault: boolean; priority: number; settings: Record<string, unknown>; createdAt: number }): Promise<Definition> {
      const row = await db.insertInto('pipeline_definitions').values({
        project_id: d.projectId, name: d.name, identifier: d.identifier, source: d.source, is_default: d.isDefault ? 1 : 0,
        priority: d.priority, settings_json: JSON.stringify(d.settings), created_at: d.createdAt, updated_at: d.createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toDefinition(row);
    },
    async byId(id: number): Promise<Definition | null> {
      const [row] = (await db.executeQuery(definitionById(db, id))).rows;
      return row ? toDefinition(row) : null;
    },
    async defaultFor(projectId: number): Promise<Definition | null> {
      const row = await db.selectFrom('pipeline_definitions').selectAll().where('project_id', '=', projectId).where('is_default', '=', 1).executeTakeFirst();
      return row ? toDefinition(row) : null;
    },
    async listForProject(projectId: number): Promise<Definition[]> {
      return (await db.selectFrom('pipeline_definitions').selectAll().where('project_id', '=', projectId).orderBy('id').execute()).map(toDefinition);
    },
    async update(id: number, patch: { name?: string; identifier?: string; priority?: number; settings?: Record<string, unknown> }, at: number): Promise<void> {
      await db.updateTable('pipeline_definitions').set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.identifier !== undefined && { identifier: patch.identifier }),
        ...(patch.priority !== undefined && { priority: patch.priority }),
        ...(patch.settings !== undefined && { settings_json: JSON.stringify(patch.settings) }),
        updated_at: at,
      }).where('id', '=', id).execute();
    },
    /** Takes the next per-definition run number (Buddy's execution id). */
    async nextRunNumber(id: number): Promise<number> {
      const row = await db.updateTable('pipeline_definitions').set((eb) => ({ run_counter: eb('run_counter', '+', 1) }))
        .where('id', '=', id).returning('run_counter').executeTakeFirstOrThrow();
      return row.run_counter;
    },
    async bumpCacheGeneration(id: number): Promise<number> {
      const row = await db.updateTable('pipeline_definitions').set((eb) => ({ cache_generation: eb('cache_generation', '+', 1) }))
        .where('id', '=', id).returning('cache_generation').executeTakeFirstOrThrow();
      return row.cache_generation;
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('pipeline_definitions').where('id', '=', id).execute();
    },
  };
}

export type DefinitionsRepository = ReturnType<typeof createDefinitionsRepository>;

function toDefinition(row: Selectable<DefinitionsTable>): Definition {
  return {
    id: row.id, projectId: row.project_id, name: row.name, identifier: row.identifier,
    source: row.source === 'actions' ? 'actions' : 'ci_file', isDefault: row.is_default === 1, priority: row.priority,
    settings: JSON.parse(row.settings_json) as Record<string, unknown>, cacheGeneration: row.cache_generation,
    runCounter: row.run_counter, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
  };
}
