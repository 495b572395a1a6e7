import type { Kysely, Selectable } from 'kysely';
import { sql } from './kysely-runtime.js';
import type { Tables, WorkspacesTable } from './tables.js';
import type { Role, Workspace } from './rows.js';

export function createWorkspacesRepository(db: Kysely<Tables>) {
  return {
    async insert(ws: { path: string; name: string; kind: 'user' | 'group'; ownerUserId: number | null; description?: string; createdAt: number }): Promise<Workspace> {
      const row = await db.insertInto('workspaces').values({
        path: ws.path, name: ws.name, kind: ws.kind, owner_user_id: ws.ownerUserId,
        description: ws.description ?? '', created_at: ws.createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toWorkspace(row);
    },
    async byId(id: number): Promise<Workspace | null> {
      const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toWorkspace(row) : null;
    },
    async byPath(path: string): Promise<Workspace | null> {
      const row = await db.selectFrom('workspaces').selectAll()
        .where(sql<string>`lower(path)`, '=', path.toLowerCase()).executeTakeFirst();
      return row ? toWorkspace(row) : null;
    },
    async personalOf(userId: number): Promise<Workspace | null> {
      const row = await db.selectFrom('workspaces').selectAll()
        .where('kind', '=', 'user').where('owner_user_id', '=', userId).executeTakeFirst();
      return row ? toWorkspace(row) : null;
    },
    async list(): Promise<Workspace[]> {
      return (await db.selectFrom('workspaces').selectAll().orderBy('id').execute()).map(toWorkspace);
    },
    async setMember(workspaceId: number, userId: number, role: Role, at: number): Promise<void> {
      await db.insertInto('workspace_members').values({ workspace_id: workspaceId, user_id: userId, role, created_at: at })
        .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role }))
        .execute();
    },
    async memberRole(workspaceId: number, userId: number): Promise<Role | null> {
      const row = await db.selectFrom('workspace_members').select('role')
        .where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
      return (row?.role as Role | undefined) ?? null;
    },
    async membershipsOf(userId: number): Promise<Array<{ workspaceId: number; role: Role }>> {
      const rows = await db.selectFrom('workspace_members').select(['workspace_id', 'role']).where('user_id', '=', userId).execute();
      return rows.map((r) => ({ workspaceId: r.workspace_id, role: r.role as Role }));
    },
  };
}

export type WorkspacesRepository = ReturnType<typeof createWorkspacesRepository>;

function toWorkspace(row: Selectable<WorkspacesTable>): Workspace {
  return {
    id: row.id, path: row.path, name: row.name, kind: row.kind === 'group' ? 'group' : 'user',
    ownerUserId: row.owner_user_id, description: row.description, createdAt: Number(row.created_at),
  };
}
