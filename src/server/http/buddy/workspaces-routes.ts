import type { FastifyInstance } from 'fastify';
import type { BuddyContext } from './buddy-context.js';
import { needScope, paging, projectFor, query, workspaceFor } from './buddy-context.js';
import { projectJson, urls, workspaceJson } from './buddy-serializers.js';

/** Workspaces (GitLab namespaces the caller belongs to) and their projects. */
export function registerWorkspaceRoutes(app: FastifyInstance, ctx: BuddyContext): void {
  const { store } = ctx.deps;

  app.get('/workspaces', async (request) => {
    const user = needScope(request, ['WORKSPACE']);
    const all = await store.workspaces.list();
    const memberships = new Set((await store.workspaces.membershipsOf(user.id)).map((m) => m.workspaceId));
    const visible = user.admin ? all : all.filter((w) => memberships.has(w.id));
    return { url: `${ctx.api()}/workspaces`, html_url: ctx.web(), workspaces: visible.map((w) => workspaceJson(ctx, w, false)) };
  });

  app.get('/workspaces/:workspace', async (request) => {
    const user = needScope(request, ['WORKSPACE']);
    const { workspace } = await workspaceFor(ctx, user, (request.params as { workspace: string }).workspace);
    return workspaceJson(ctx, workspace, true);
  });

  app.get('/workspaces/:workspace/projects', async (request) => {
    const user = needScope(request, ['WORKSPACE']);
    const { workspace } = await workspaceFor(ctx, user, (request.params as { workspace: string }).workspace);
    const { page, perPage } = paging(request, 20);
    const status = query(request).status;
    const { items } = await store.projects.list({ viewer: { userId: user.id, admin: user.admin }, orderBy: 'id', sort: 'asc', offset: 0, limit: 10_000 });
    const inWorkspace = status === 'CLOSED' ? [] : items.filter((p) => p.workspaceId === workspace.id);
    const pageItems = inWorkspace.slice((page - 1) * perPage, page * perPage);
    const creators = await Promise.all(pageItems.map((p) => (p.creatorId !== null ? store.users.byId(p.creatorId) : null)));
    return {
      ...urls.workspace(ctx, workspace.path), url: `${ctx.api()}/workspaces/${workspace.path}/projects`,
      projects: pageItems.map((p, i) => projectJson(ctx, p, creators[i] ?? null)),
    };
  });

  app.get('/workspaces/:workspace/projects/:project_name', async (request) => {
    const user = needScope(request, ['WORKSPACE']);
    const params = request.params as { workspace: string; project_name: string };
    await workspaceFor(ctx, user, params.workspace).catch(async (error: unknown) => {
      // A member of a project (not of its workspace) may still see the project.
      if (!(await store.workspaces.byPath(params.workspace))) throw error;
    });
    const { project } = await projectFor(ctx, user, params.workspace, params.project_name);
    const creator = project.creatorId !== null ? await store.users.byId(project.creatorId) : null;
    return projectJson(ctx, project, creator);
  });
}
