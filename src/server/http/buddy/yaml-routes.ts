import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse, stringify } from 'yaml';
import { sameSecret } from '../../../shared/index.js';
import { effectiveSettings, priorityName, BUDDY_DEFAULTS } from '../../engine/index.js';
import type { Definition, Project } from '../../store/index.js';
import { body, invalid, notFound, pipelineFor, query, resolvePath, type BuddyContext } from './buddy-context.js';
import { pipelineJson, urls } from './buddy-serializers.js';
import { createPipeline, updatePipeline } from './pipeline-writes.js';
import { validateAction } from './action-writes.js';
import { runFromBody } from './executions-routes.js';
import { executionJson } from './buddy-serializers.js';

const P = '/workspaces/:workspace/projects/:project_name/pipelines';
const HIDDEN = new Set(['buddy', 'creator_id', 'webhook_token', 'last_execution_revision']);

/**
 * buddy.yml (shared/spec/buddy-api.md §7) as base64: export one pipeline, create pipelines from a
 * file, edit a pipeline with one; and the inbound trigger webhook of a pipeline with a WEBHOOK event.
 */
export function registerYamlRoutes(app: FastifyInstance, ctx: BuddyContext): void {
  const { store } = ctx.deps;

  async function toYaml(d: Definition): Promise<string> {
    const s = effectiveSettings(d);
    const item: Record<string, unknown> = { pipeline: d.identifier, name: d.name, priority: priorityName(d.priority) };
    for (const [k, v] of Object.entries(s)) {
      if (HIDDEN.has(k) || k === 'priority') continue;
      if (JSON.stringify(v) !== JSON.stringify(BUDDY_DEFAULTS[k])) item[k] = v;
    }
    const actions = await store.buddyActions.forDefinition(d.id);
    item.actions = actions.map((a) => ({ action: a.name, type: a.type, ...a.settings }));
    return stringify([item]);
  }

  function decode(b: Record<string, unknown>): Array<Record<string, unknown>> {
    if (typeof b.yaml !== 'string' || !b.yaml) throw invalid(['yaml is required (base64 of buddy.yml)']);
    let doc: unknown;
    try { doc = parse(Buffer.from(b.yaml, 'base64').toString('utf8')); } catch (error) { throw invalid([`yaml is not valid YAML: ${(error as Error).message}`]); }
    const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' ? [doc] : null;
    if (!list || list.some((x) => !x || typeof x !== 'object' || Array.isArray(x))) throw invalid(['yaml must be a list of pipelines']);
    return list as Array<Record<string, unknown>>;
  }

  function split(item: Record<string, unknown>): { fields: Record<string, unknown>; actions: Array<Record<string, unknown>> } {
    const { pipeline, actions, on: _on, ...rest } = item;
    const fields: Record<string, unknown> = { ...rest };
    if (typeof pipeline === 'string') { fields.identifier = pipeline; fields.name ??= pipeline; }
    if (actions !== undefined && !Array.isArray(actions)) throw invalid(['actions must be a list']);
    return { fields, actions: (actions as Array<Record<string, unknown>> | undefined) ?? [] };
  }

  app.get(`${P}/:pipeline_id/yaml`, async (request) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_INFO'], 'read');
    const pl = urls.pipeline(ctx, project, definition!.id);
    return { url: `${pl.url}/yaml`, html_url: pl.html_url, yaml: Buffer.from(await toYaml(definition!)).toString('base64') };
  });

  app.post(`${P}/yaml`, async (request, reply) => {
    const { project, user } = await resolvePath(ctx, request, ['EXECUTION_MANAGE'], 'manage');
    const items = decode(body(request)).map(split);
    const created: Definition[] = [];
    for (const { fields, actions } of items) created.push(await createPipeline(ctx, project, user, fields, { actions }));
    const pu = urls.project(ctx, project);
    return reply.code(201).send({ url: `${pu.url}/pipelines`, html_url: `${pu.html_url}/pipelines`, pipelines: await Promise.all(created.map((d) => pipelineJson(ctx, project, d))) });
  });

  app.patch(`${P}/:pipeline_id/yaml`, async (request) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_MANAGE'], 'manage');
    const items = decode(body(request));
    if (items.length !== 1) throw invalid(['yaml must describe exactly one pipeline']);
    const { fields, actions } = split(items[0]!);
    const problems = actions.flatMap((a, i) => validateAction(a, { creating: true }).problems.map((m) => `actions[${i}]: ${m}`));
    if (problems.length) throw invalid(problems);
    const updated = await updatePipeline(ctx, project, definition!, fields);
    await replaceActions(ctx, updated, actions);
    return pipelineJson(ctx, project, updated);
  });

  // The inbound trigger webhook (GET or POST): token in the query, run parameters in query/body.
  const trigger = async (request: FastifyRequest) => {
    const params = request.params as { workspace: string; project_name: string; pipeline_id: string };
    const project = await store.projects.byFullPath(params.workspace, params.project_name);
    if (!project) throw notFound('Pipeline');
    const definition = await pipelineFor(ctx, project, params.pipeline_id);
    const token = query(request).token;
    const expected = definition.settings.webhook_token;
    if (typeof token !== 'string' || typeof expected !== 'string' || !sameSecret(token, expected)) throw notFound('Pipeline');
    if (!effectiveSettings(definition).events.some((e) => e.type === 'WEBHOOK')) throw notFound('Pipeline');
    return triggerRun(ctx, project, definition, { ...query(request), ...body(request) });
  };
  app.get(`${P}/:pipeline_id/trigger`, trigger);
  app.post(`${P}/:pipeline_id/trigger`, trigger);
}

async function triggerRun(ctx: BuddyContext, project: Project, definition: Definition, p: Record<string, unknown>) {
  const known = new Set(['token', 'branch', 'tag', 'revision', 'comment', 'clear_cache', 'clearCache', 'from_scratch', 'fromScratch', 'priority', 'environment', 'pull_request', 'access_token']);
  const flag = (...keys: string[]) => keys.some((k) => p[k] === true || p[k] === 'true' || p[k] === '1');
  const variables = Object.entries(p).filter(([k]) => !known.has(k)).map(([key, value]) => ({ key, value: String(value) }));
  const run = await runFromBody(ctx, project, definition, null, {
    ...(p.branch !== undefined && { branch: { name: String(p.branch) } }), ...(p.tag !== undefined && { tag: { name: String(p.tag) } }),
    ...(p.revision !== undefined && { to_revision: { revision: String(p.revision) } }), ...(p.comment !== undefined && { comment: String(p.comment) }),
    ...(p.priority !== undefined && { priority: String(p.priority).toUpperCase() }),
    clear_cache: flag('clear_cache', 'clearCache'), refresh: flag('from_scratch', 'fromScratch'), variables,
  }, 'trigger');
  return executionJson(ctx, project, definition, run, false);
}

async function replaceActions(ctx: BuddyContext, definition: Definition, actions: Array<Record<string, unknown>>): Promise<void> {
  const { store } = ctx.deps;
  const existing = await store.buddyActions.forDefinition(definition.id);
  const now = Date.now();
  let position = 0;
  const kept = new Set<number>();
  for (const a of actions) {
    const { name, type, settings } = validateAction(a, { creating: true });
    const same = existing.find((e) => e.name === name && e.type === type && !kept.has(e.id));
    if (same) { kept.add(same.id); await store.buddyActions.update(same.id, { position: ++position, settings }, now); }
    else await store.buddyActions.insert({ definitionId: definition.id, position: ++position, name: name!, type: type!, settings, createdAt: now });
  }
  for (const e of existing) if (!kept.has(e.id)) await store.buddyActions.delete(e.id);
}
