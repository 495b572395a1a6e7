import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/index.js';
import { pipelineAccess, roleAtLeast, scopesAllow, type BuddyEngineHooks, type PipelineAccess, type ProjectAccess, type Scope } from '../../engine/index.js';
import type { Definition, Project, User, Workspace } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import type { Caller } from '../caller.js';

/** What every Buddy handler gets: the deps, the Buddy hooks and URL builders. */
export interface BuddyContext {
  deps: HttpDeps;
  hooks: BuddyEngineHooks;
  /** `<base>/api` — Buddy's self-hosted API root. */
  api(): string;
  /** The web UI root. */
  web(): string;
}

export function callerOf(request: FastifyRequest): Caller {
  return request.caller;
}

/** 401 without a token, 403 when none of `anyOf` (with Buddy's hierarchy and aliases) is held. */
export function needScope(request: FastifyRequest, anyOf: readonly Scope[]): User {
  const caller = callerOf(request);
  if (!caller.user) throw new AppError('token_missing', 'Unauthorized: a valid access token is required');
  if (!scopesAllow(caller.scopes, anyOf)) throw new AppError('scope_insufficient', `Token lacks the required scope: ${anyOf.join(' or ')}`);
  return caller.user;
}

export function notFound(what: string): AppError {
  return new AppError('not_found', `${what} not found`);
}

export function invalid(problems: string[]): AppError {
  return new AppError('validation_failed', problems.join('; '), problems.length > 1 ? { details: { '': problems } } : {});
}

/** A workspace the user belongs to (admins: any). Others get 404, never 403. */
export async function workspaceFor(ctx: BuddyContext, user: User, path: string): Promise<{ workspace: Workspace; role: string | null }> {
  const workspace = await ctx.deps.store.workspaces.byPath(path);
  if (!workspace) throw notFound('Workspace');
  const role = await ctx.deps.store.workspaces.memberRole(workspace.id, user.id);
  if (!role && !user.admin) throw notFound('Workspace');
  return { workspace, role: user.admin ? 'owner' : role };
}

export function requireWorkspaceAdmin(user: User, role: string | null): void {
  if (!user.admin && !roleAtLeast(role as never, 'maintainer')) throw new AppError('role_insufficient', 'Only workspace administrators may do this');
}

export async function projectFor(ctx: BuddyContext, user: User, workspace: string, name: string): Promise<{ project: Project; access: ProjectAccess }> {
  try {
    return await ctx.deps.projects.find(`${workspace}/${name}`, { user });
  } catch (error) {
    if (error instanceof AppError && error.kind === 'not_found') throw notFound('Project');
    throw error;
  }
}

export type Need = 'read' | 'run' | 'manage';

export function requireAccess(access: ProjectAccess, need: Need): void {
  const ok = need === 'read' ? access.readPipelines : need === 'run' ? access.runPipelines : access.manage;
  if (!ok) throw new AppError('role_insufficient', need === 'read' ? 'You may not see pipelines of this project' : need === 'run' ? 'You may not run pipelines of this project' : 'You may not manage pipelines of this project');
}

export async function pipelineFor(ctx: BuddyContext, project: Project, idText: string): Promise<Definition> {
  const id = Number(idText);
  const definition = Number.isInteger(id) ? await ctx.deps.store.definitions.byId(id) : null;
  if (!definition || definition.projectId !== project.id) throw notFound('Pipeline');
  return definition;
}

/** Resolves `/workspaces/:workspace/projects/:project_name[/pipelines/:pipeline_id]` in one go. */
export async function resolvePath(ctx: BuddyContext, request: FastifyRequest, scopes: readonly Scope[], need: Need) {
  const user = needScope(request, scopes);
  const params = request.params as Record<string, string>;
  await workspaceOrProjectVisible(ctx, user, params.workspace!);
  const { project, access } = await projectFor(ctx, user, params.workspace!, params.project_name!);
  if (params.pipeline_id === undefined) {
    requireAccess(access, need);
    return { user, project, access, definition: null };
  }
  // A pipeline's own permissions (buddy-permissions.ts) decide over the project role; a
  // pipeline the caller may not see does not exist for them.
  const definition = await pipelineFor(ctx, project, params.pipeline_id);
  const allowed = pipelineAccessOf(access, definition, user);
  if (!allowed.read) throw notFound('Pipeline');
  requireAccess({ ...access, readPipelines: allowed.read, runPipelines: allowed.run, manage: allowed.manage }, need);
  return { user, project, access, definition };
}

/** What the caller may do with one pipeline: the project role, then the pipeline's permissions. */
export function pipelineAccessOf(access: ProjectAccess, definition: Definition, user: User): PipelineAccess {
  return pipelineAccess({ read: access.readPipelines, run: access.runPipelines, manage: access.manage }, definition.settings.permissions, user);
}

async function workspaceOrProjectVisible(ctx: BuddyContext, _user: User, path: string): Promise<void> {
  if (!(await ctx.deps.store.workspaces.byPath(path))) throw notFound('Workspace');
}

export function body(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  return b && typeof b === 'object' && !Array.isArray(b) && !Buffer.isBuffer(b) ? b as Record<string, unknown> : {};
}

export function query(request: FastifyRequest): Record<string, string | undefined> {
  return (request.query ?? {}) as Record<string, string | undefined>;
}

/** page (1-based) and per_page from the query; invalid values are 400s. */
export function paging(request: FastifyRequest, defaultPerPage: number): { page: number; perPage: number } {
  const q = query(request);
  const page = q.page === undefined ? 1 : Number(q.page);
  const perPage = q.per_page === undefined ? defaultPerPage : Number(q.per_page);
  const problems: string[] = [];
  if (!Number.isInteger(page) || page < 1) problems.push('page must be a positive integer');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) problems.push('per_page must be an integer from 1 to 100');
  if (problems.length) throw invalid(problems);
  return { page, perPage };
}

export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
