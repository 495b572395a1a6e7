import type { FastifyInstance } from 'fastify';
import { body, invalid, notFound, resolvePath, type BuddyContext } from './buddy-context.js';
import { actionJson, urls } from './buddy-serializers.js';
import { validateAction } from './action-writes.js';

const A = '/workspaces/:workspace/projects/:project_name/pipelines/:pipeline_id/actions';

/** A pipeline's actions: list, get, add (after_action_id places it), edit, delete. */
export function registerActionRoutes(app: FastifyInstance, ctx: BuddyContext): void {
  const { store } = ctx.deps;
  const none = { status: null, revision: null };

  async function actionOf(definitionId: number, idText: string) {
    const action = Number.isInteger(Number(idText)) ? await store.buddyActions.byId(Number(idText)) : null;
    if (!action || action.definitionId !== definitionId) throw notFound('Action');
    return action;
  }

  /** A REMOTE pipeline's actions live in its template file: they are not edited here. */
  function ensureLocal(definition: { settings: Record<string, unknown> }): void {
    if (definition.settings.definition_source === 'REMOTE') throw invalid(['the actions of a REMOTE pipeline come from its template (remote_path); edit the template instead']);
  }

  /** Renumbers positions 1..n in the given order. */
  async function reorder(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i++) await store.buddyActions.update(ids[i]!, { position: i + 1 }, Date.now());
  }

  app.get(A, async (request) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_INFO'], 'read');
    const pl = urls.pipeline(ctx, project, definition!.id);
    const actions = await store.buddyActions.forDefinition(definition!.id);
    return { url: `${pl.url}/actions`, html_url: pl.html_url, actions: actions.map((a) => actionJson(ctx, project, definition!, a, none)) };
  });

  app.get(`${A}/:action_id`, async (request) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_INFO'], 'read');
    return actionJson(ctx, project, definition!, await actionOf(definition!.id, (request.params as { action_id: string }).action_id), none);
  });

  app.post(A, async (request, reply) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_MANAGE'], 'manage');
    ensureLocal(definition!);
    const b = body(request);
    const { name, type, settings, problems } = validateAction(b, { creating: true });
    const existing = await store.buddyActions.forDefinition(definition!.id);
    if (name && existing.some((a) => a.name === name)) problems.push(`an action named '${name}' already exists in this pipeline`);
    if (b.after_action_id !== undefined && !existing.some((a) => a.id === b.after_action_id)) problems.push('after_action_id does not name an action of this pipeline');
    if (problems.length) throw invalid(problems);
    const created = await store.buddyActions.insert({ definitionId: definition!.id, position: existing.length + 1, name: name!, type: type!, settings, createdAt: Date.now() });
    if (b.after_action_id !== undefined) {
      const ids = existing.map((a) => a.id);
      ids.splice(ids.indexOf(b.after_action_id as number) + 1, 0, created.id);
      await reorder(ids);
    }
    return reply.code(201).send(actionJson(ctx, project, definition!, (await store.buddyActions.byId(created.id))!, none));
  });

  app.patch(`${A}/:action_id`, async (request) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_MANAGE'], 'manage');
    ensureLocal(definition!);
    const action = await actionOf(definition!.id, (request.params as { action_id: string }).action_id);
    const { name, settings, problems } = validateAction(body(request), { creating: false, existingType: action.type });
    if (name && name !== action.name && (await store.buddyActions.forDefinition(definition!.id)).some((a) => a.name === name)) problems.push(`an action named '${name}' already exists in this pipeline`);
    if (problems.length) throw invalid(problems);
    await store.buddyActions.update(action.id, { name, settings: { ...action.settings, ...settings } }, Date.now());
    return actionJson(ctx, project, definition!, (await store.buddyActions.byId(action.id))!, none);
  });

  app.delete(`${A}/:action_id`, async (request, reply) => {
    const { definition } = await resolvePath(ctx, request, ['EXECUTION_MANAGE'], 'manage');
    const action = await actionOf(definition!.id, (request.params as { action_id: string }).action_id);
    await store.buddyActions.delete(action.id);
    await reorder((await store.buddyActions.forDefinition(definition!.id)).map((a) => a.id));
    return reply.code(204).send();
  });
}
