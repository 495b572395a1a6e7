import type { Kysely } from 'kysely';
import { sql } from './kysely-runtime.js';
import type { Tables } from './tables.js';
import type { Project, Role, Visibility } from './rows.js';
import { ID_MARKER, reusableQuery } from './reusable-query.js';

export interface NewProject {
  workspaceId: number;
  path: string;
  name: string;
  description: string;
  visibility: Visibility;
  defaultBranch: string;
  creatorId: number | null;
  createdAt: number;
}

/** Who is asking, for visibility filtering: anonymous, a user, or an admin who sees everything. */
export interface Viewer {
  userId: number | null;
  admin: boolean;
}

export interface ProjectListQuery {
  viewer: Viewer;
  /** Only projects the viewer is a member of (directly or through the workspace). */
  membership?: boolean;
  search?: string;
  visibility?: Visibility;
  orderBy: 'id' | 'name' | 'path' | 'created_at' | 'updated_at' | 'last_activity_at';
  sort: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** Projects with their workspace's path, name and kind. */
const withWorkspace = (db: Kysely<Tables>) => db.selectFrom('projects')
  .innerJoin('workspaces', 'workspaces.id', 'projects.workspace_id')
  .selectAll('projects')
  .select(['workspaces.path as ws_path', 'workspaces.name as ws_name', 'workspaces.kind as ws_kind']);

const projectById = reusableQuery([ID_MARKER] as [number], (db, id) => withWorkspace(db).where('projects.id', '=', id));

export function createProjectsRepository(db: Kysely<Tables>) {
  const base = () => withWorkspace(db);

  function visibleTo(query: ProjectListQuery) {
    let q = base();
    const { viewer } = query;
    const memberOf = (userId: number) => sql<boolean>`(exists (select 1 from project_members pm where pm.project_id = projects.id and pm.user_id = ${userId})
      or exists (select 1 from workspace_members wm where wm.workspace_id = projects.workspace_id and wm.user_id = ${userId}))`;
    if (query.membership && viewer.userId !== null) q = q.where(memberOf(viewer.userId));
    else if (!viewer.admin) {
      if (viewer.userId === null) q = q.where('projects.visibility', '=', 'public');
      else {
        const uid = viewer.userId;
        q = q.where((eb) => eb.or([eb('projects.visibility', 'in', ['public', 'internal']), memberOf(uid)]));
      }
    }
    if (query.search) {
      const like = `%${query.search.toLowerCase()}%`;
      q = q.where((eb) => eb.or([eb(sql`lower(projects.name)`, 'like', like), eb(sql`lower(projects.path)`, 'like', like)]));
    }
    if (query.visibility) q = q.where('projects.visibility', '=', query.visibility);
    return q;
  }

  return {
    async insert(p: NewProject): Promise<number> {
      const row = await db.insertInto('projects').values({
        workspace_id: p.workspaceId, path: p.path, name: p.name, description: p.description, visibility: p.visibility,
        default_branch: p.defaultBranch, ci_config_path: '.gitlab-ci.yml', build_timeout_seconds: 3600,
        creator_id: p.creatorId, created_at: p.createdAt, updated_at: p.createdAt,
      }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },
    async byId(id: number): Promise<Project | null> {
      const [row] = (await db.executeQuery(projectById(db, id))).rows;
      return row ? toProject(row) : null;
    },
    async byFullPath(workspacePath: string, projectPath: string): Promise<Project | null> {
      const row = await base()
        .where(sql<string>`lower(workspaces.path)`, '=', workspacePath.toLowerCase())
        .where(sql<string>`lower(projects.path)`, '=', projectPath.toLowerCase())
        .executeTakeFirst();
      return row ? toProject(row) : null;
    },
    async list(query: ProjectListQuery): Promise<{ items: Project[]; total: number }> {
      const column = query.orderBy === 'last_activity_at' ? 'updated_at' : query.orderBy;
      const rows = await visibleTo(query).orderBy(`projects.${column}`, query.sort).orderBy('projects.id', query.sort)
        .offset(query.offset).limit(query.limit).execute();
      const count = await visibleTo(query).clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { items: rows.map(toProject), total: Number(count.n) };
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('projects').where('id', '=', id).execute();
    },
    async update(id: number, patch: Partial<Pick<Project, 'name' | 'description' | 'visibility' | 'defaultBranch' | 'ciConfigPath' | 'buildTimeoutSeconds'>>, at: number): Promise<void> {
      await db.updateTable('projects').set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.visibility !== undefined && { visibility: patch.visibility }),
        ...(patch.defaultBranch !== undefined && { default_branch: patch.defaultBranch }),
        ...(patch.ciConfigPath !== undefined && { ci_config_path: patch.ciConfigPath }),
        ...(patch.buildTimeoutSeconds !== undefined && { build_timeout_seconds: patch.buildTimeoutSeconds }),
        updated_at: at,
      }).where('id', '=', id).execute();
    },
    /** Takes the next per-project run iid; safe under concurrency (one guarded UPDATE). */
    async nextRunIid(projectId: number): Promise<number> {
      const row = await db.updateTable('projects').set((eb) => ({ run_counter: eb('run_counter', '+', 1) }))
        .where('id', '=', projectId).returning('run_counter').executeTakeFirstOrThrow();
      return row.run_counter;
    },
    async bumpCacheGeneration(projectId: number): Promise<number> {
      const row = await db.updateTable('projects').set((eb) => ({ cache_generation: eb('cache_generation', '+', 1) }))
        .where('id', '=', projectId).returning('cache_generation').executeTakeFirstOrThrow();
      return row.cache_generation;
    },
    async cacheGeneration(projectId: number): Promise<number> {
      const row = await db.selectFrom('projects').select('cache_generation').where('id', '=', projectId).executeTakeFirst();
      return row?.cache_generation ?? 0;
    },
    async setMember(projectId: number, userId: number, role: Role, at: number): Promise<void> {
      await db.insertInto('project_members').values({ project_id: projectId, user_id: userId, role, created_at: at })
        .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
        .execute();
    },
    async memberRole(projectId: number, userId: number): Promise<Role | null> {
      const row = await db.selectFrom('project_members').select('role')
        .where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
      return (row?.role as Role | undefined) ?? null;
    },
  };
}

export type ProjectsRepository = ReturnType<typeof createProjectsRepository>;

interface ProjectJoinRow {
  id: number; workspace_id: number; path: string; name: string; description: string; visibility: string;
  default_branch: string; ci_config_path: string; build_timeout_seconds: number; creator_id: number | null;
  cache_generation: number; created_at: number; updated_at: number; ws_path: string; ws_name: string; ws_kind: string;
}

function toProject(row: ProjectJoinRow): Project {
  return {
    id: row.id, workspaceId: row.workspace_id, workspacePath: row.ws_path, workspaceName: row.ws_name,
    workspaceKind: row.ws_kind === 'group' ? 'group' : 'user', path: row.path, name: row.name,
    description: row.description, visibility: row.visibility as Visibility, defaultBranch: row.default_branch,
    ciConfigPath: row.ci_config_path, buildTimeoutSeconds: row.build_timeout_seconds, creatorId: row.creator_id,
    cacheGeneration: Number(row.cache_generation), createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
  };
}
