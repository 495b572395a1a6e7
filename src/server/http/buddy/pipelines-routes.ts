import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/index.js';
import { clearPipelineCache } from '../../engine/index.js';
import { body, invalid, paging, pipelineAccessOf, pipelineFor, query, resolvePath, type BuddyContext } from './buddy-context.js';
import { pipelineJson, urls } from './buddy-serializers.js';
import { createPipeline, updatePipeline } from './pipeline-writes.js';

const P = '/workspaces/:workspace/projects/:project_name/pipelines';

/** Pipelines: list, get, create / clone, PATCH (incl. clear_cache), DELETE. */
export function registerPipelineRoutes(app: FastifyInstance, ctx: BuddyContext): void {
  const { store } = ctx.deps;

  app.get(P, async (request) => {
    const { project, access, user } = await resolvePath(ctx, request, ['EXECUTION_INFO'], 'read');
    const { page, perPage } = paging(request, 20);
    const q = query(request);
    const sortBy = q.sort_by ?? 'id';
    const direction = (q.sort_direction ?? 'ASC').toUpperCase();
    const problems: string[] = [];
    if (!['id', 'name'].includes(sortBy)) problems.push('sort_by must be one of name, id');
    if (!['ASC', 'DESC'].includes(direction)) problems.push('sort_direction must be one of ASC, DESC');
    if (problems.length) throw invalid(problems);
    // Pipelines the caller's pipeline permissions hide (DENIED) are not listed.
    const all = (await store.definitions.listForProject(project.id)).filter((d) => pipelineAccessOf(access, d, user).read);
    all.sort((a, b) => (sortBy === 'name' ? a.name.localeCompare(b.name) || a.id - b.id : a.id - b.id) * (direction === 'DESC' ? -1 : 1));
    const pageItems = all.slice((page - 1) * perPage, page * perPage);
    const pu = urls.project(ctx, project);
    return { url: `${pu.url}/pipelines`, html_url: `${pu.html_url}/pipelines`, pipelines: await Promise.all(pageItems.map((d) => pipelineJson(ctx, project, d))) };
  });

  app.get(`${P}/:pipeline_id`, async (request) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_INFO'], 'read');
    return pipelineJson(ctx, project, definition!);
  });

  app.post(P, async (request, reply) => {
    const { project, user } = await resolvePath(ctx, request, ['EXECUTION_MANAGE'], 'manage');
    const b = body(request);
    let source = null;
    if (b.source_pipeline_id !== undefined) {
      source = await pipelineFor(ctx, project, String(b.source_pipeline_id)).catch(() => { throw invalid(['source_pipeline_id does not name a pipeline of this project']); });
    }
    const { source_pipeline_id: _s, trigger_condition: legacy, ...rest } = b;
    if (legacy !== undefined && legacy !== 'ALWAYS' && rest.trigger_conditions === undefined) rest.trigger_conditions = [{ trigger_condition: legacy }];
    const definition = await createPipeline(ctx, project, user, rest, { source });
    return reply.code(201).send(await pipelineJson(ctx, project, definition));
  });

  app.patch(`${P}/:pipeline_id`, async (request) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_MANAGE'], 'manage');
    const { clear_cache: clear, ...rest } = body(request);
    if (clear !== undefined && typeof clear !== 'boolean') throw invalid(['clear_cache must be a boolean']);
    let current = definition!;
    if (Object.keys(rest).length > 0) current = await updatePipeline(ctx, project, current, rest);
    if (clear === true) await clearPipelineCache(store, current, project);
    return pipelineJson(ctx, project, (await store.definitions.byId(current.id))!);
  });

  app.delete(`${P}/:pipeline_id`, async (request, reply) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_MANAGE'], 'manage');
    if (definition!.isDefault) throw new AppError('validation_failed', "The project's .gitlab-ci.yml pipeline cannot be deleted");
    // Running executions are terminated (and their logs and artifacts removed) before the pipeline goes.
    const runs = await store.runs.list({ projectId: project.id, definitionId: definition!.id, excludeChildren: true, orderBy: 'id', sort: 'asc', offset: 0, limit: 100_000 });
    for (const run of runs) await ctx.deps.engine.deleteRun(run.id);
    await store.definitions.delete(definition!.id);
    return reply.code(204).send();
  });
}
