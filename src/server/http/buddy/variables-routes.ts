import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/index.js';
import type { Workspace } from '../../store/index.js';
import { body, invalid, needScope, notFound, projectFor, query, requireAccess, workspaceFor, type BuddyContext } from './buddy-context.js';
import { variableJson } from './buddy-serializers.js';

const V = '/workspaces/:workspace/variables';
const TYPES = ['VAR', 'FILE', 'SSH_KEY'];

/**
 * Scoped variables: workspace, project (`project.name`), pipeline (`pipeline.id`) or action
 * (`action.id`). Encrypted values are sealed before they are stored and never shown in clear.
 */
export function registerVariableRoutes(app: FastifyInstance, ctx: BuddyContext): void {
  const { store } = ctx.deps;

  /** Resolves the scope ids named in a body or query; checks the caller may manage/see it. */
  async function scopeOf(workspace: Workspace, user: Parameters<typeof projectFor>[1], role: string | null, spec: { projectName?: unknown; pipelineId?: unknown; actionId?: unknown }, need: 'read' | 'manage') {
    let projectId: number | null = null, definitionId: number | null = null, actionId: number | null = null;
    if (spec.actionId !== undefined && spec.actionId !== null) {
      const action = await store.buddyActions.byId(Number(spec.actionId));
      if (!action) throw notFound('Action');
      actionId = action.id; definitionId = action.definitionId;
    }
    if (spec.pipelineId !== undefined && spec.pipelineId !== null || definitionId !== null) {
      const d = await store.definitions.byId(definitionId ?? Number(spec.pipelineId));
      if (!d || (definitionId !== null && spec.pipelineId !== undefined && spec.pipelineId !== null && Number(spec.pipelineId) !== d.id)) throw notFound('Pipeline');
      definitionId = d.id; projectId = d.projectId;
    }
    if (spec.projectName !== undefined && spec.projectName !== null || projectId !== null) {
      const project = projectId !== null ? await store.projects.byId(projectId) : null;
      const found = await projectFor(ctx, user, workspace.path, project ? project.path : String(spec.projectName));
      if (found.project.workspaceId !== workspace.id || (spec.projectName && found.project.path.toLowerCase() !== String(spec.projectName).toLowerCase())) throw notFound('Project');
      requireAccess(found.access, need);
      projectId = found.project.id;
    } else if (need === 'manage' && !user.admin && !['maintainer', 'owner'].includes(role ?? '')) {
      throw new AppError('role_insufficient', 'Only workspace administrators may manage workspace variables');
    }
    return { projectId, definitionId, actionId };
  }

  function fields(b: Record<string, unknown>, creating: boolean): string[] {
    const problems: string[] = [];
    if (creating || b.key !== undefined) if (typeof b.key !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(b.key)) problems.push('key is required and may contain only letters, digits and underscores');
    if (creating && b.value === undefined) problems.push('value is required');
    if (b.value !== undefined && b.value !== null && typeof b.value !== 'string') problems.push('value must be a string');
    if (b.type !== undefined && !TYPES.includes(b.type as string)) problems.push(`type must be one of ${TYPES.join(', ')}`);
    for (const f of ['encrypted', 'settable']) if (b[f] !== undefined && typeof b[f] !== 'boolean') problems.push(`${f} must be a boolean`);
    if (b.description !== undefined && b.description !== null && typeof b.description !== 'string') problems.push('description must be a string');
    return problems;
  }

  async function load(workspace: Workspace, idText: string) {
    const v = Number.isInteger(Number(idText)) ? await store.buddyVariables.byId(Number(idText)) : null;
    if (!v || v.workspaceId !== workspace.id) throw notFound('Variable');
    return v;
  }

  app.get(V, async (request) => {
    const user = needScope(request, ['VARIABLE_INFO']);
    const { workspace, role } = await workspaceFor(ctx, user, (request.params as { workspace: string }).workspace);
    const q = query(request);
    const scope = await scopeOf(workspace, user, role, { projectName: q.projectName ?? q.project_name, pipelineId: q.pipelineId ?? q.pipeline_id, actionId: q.actionId ?? q.action_id }, 'read');
    const list = await store.buddyVariables.list({
      workspaceId: workspace.id, projectId: scope.projectId ?? undefined, definitionId: scope.definitionId ?? undefined, actionId: scope.actionId ?? undefined,
    });
    return { url: `${ctx.api()}/workspaces/${workspace.path}/variables`, html_url: `${ctx.web()}/${workspace.path}/variables`, variables: list.map((v) => variableJson(ctx, workspace.path, v)) };
  });

  app.post(V, async (request, reply) => {
    const user = needScope(request, ['VARIABLE_ADD']);
    const { workspace, role } = await workspaceFor(ctx, user, (request.params as { workspace: string }).workspace);
    const b = body(request);
    const problems = fields(b, true);
    if (problems.length) throw invalid(problems);
    const ref = (x: unknown, k: 'name' | 'id') => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined);
    const scope = await scopeOf(workspace, user, role, { projectName: ref(b.project, 'name'), pipelineId: ref(b.pipeline, 'id'), actionId: ref(b.action, 'id') }, 'manage');
    const encrypted = b.encrypted === true;
    const value = encrypted ? (await ctx.hooks.secrets()).seal(String(b.value ?? '')) : String(b.value ?? '');
    const same = (await store.buddyVariables.list({ workspaceId: workspace.id, projectId: scope.projectId ?? undefined, definitionId: scope.definitionId ?? undefined, actionId: scope.actionId ?? undefined }))
      .filter((v) => v.projectId === scope.projectId && v.definitionId === scope.definitionId && v.actionId === scope.actionId);
    if (same.some((v) => v.key === b.key)) throw invalid([`a variable '${String(b.key)}' already exists in this scope`]);
    const created = await store.buddyVariables.insert({
      workspaceId: workspace.id, ...scope, key: b.key as string, value, type: (b.type as string | undefined) ?? 'VAR', encrypted,
      settable: b.settable === true, description: (b.description as string | undefined) ?? null, createdAt: Date.now(),
    });
    return reply.code(201).send(variableJson(ctx, workspace.path, created));
  });

  app.get(`${V}/:variable_id`, async (request) => {
    const user = needScope(request, ['VARIABLE_INFO']);
    const params = request.params as { workspace: string; variable_id: string };
    const { workspace, role } = await workspaceFor(ctx, user, params.workspace);
    const v = await load(workspace, params.variable_id);
    await scopeOf(workspace, user, role, { pipelineId: v.definitionId, actionId: v.actionId, projectName: v.projectId !== null && v.definitionId === null ? (await store.projects.byId(v.projectId))?.path : undefined }, 'read');
    return variableJson(ctx, workspace.path, v);
  });

  app.patch(`${V}/:variable_id`, async (request) => {
    const user = needScope(request, ['VARIABLE_ADD']);
    const params = request.params as { workspace: string; variable_id: string };
    const { workspace, role } = await workspaceFor(ctx, user, params.workspace);
    const v = await load(workspace, params.variable_id);
    await scopeOf(workspace, user, role, { pipelineId: v.definitionId, actionId: v.actionId, projectName: v.projectId !== null && v.definitionId === null ? (await store.projects.byId(v.projectId))?.path : undefined }, 'manage');
    const b = body(request);
    const problems = fields(b, false);
    if (problems.length) throw invalid(problems);
    const encrypted = b.encrypted === undefined ? v.encrypted : b.encrypted === true;
    const box = await ctx.hooks.secrets();
    let value: string | undefined;
    if (b.value !== undefined) value = encrypted ? box.seal(String(b.value ?? '')) : String(b.value ?? '');
    else if (encrypted !== v.encrypted) value = encrypted ? box.seal(v.value) : box.open(v.value);
    await store.buddyVariables.update(v.id, {
      key: b.key as string | undefined, value, type: b.type as string | undefined, encrypted,
      settable: b.settable as boolean | undefined, description: b.description as string | null | undefined,
    }, Date.now());
    return variableJson(ctx, workspace.path, (await store.buddyVariables.byId(v.id))!);
  });

  app.delete(`${V}/:variable_id`, async (request, reply) => {
    const user = needScope(request, ['VARIABLE_MANAGE']);
    const params = request.params as { workspace: string; variable_id: string };
    const { workspace, role } = await workspaceFor(ctx, user, params.workspace);
    const v = await load(workspace, params.variable_id);
    await scopeOf(workspace, user, role, { pipelineId: v.definitionId, actionId: v.actionId, projectName: v.projectId !== null && v.definitionId === null ? (await store.projects.byId(v.projectId))?.path : undefined }, 'manage');
    await store.buddyVariables.delete(v.id);
    return reply.code(204).send();
  });
}
