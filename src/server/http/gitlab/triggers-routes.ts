import type { FastifyInstance } from 'fastify';
import { digestToken, isoTime, randomToken } from '../../../shared/index.js';
import type { Store, User } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { allow, notFound, projectContext } from './ci-access.js';
import { integerPath, optionalString, Problems, ciParams } from './ci-params.js';
import { userBasic } from './entities.js';
import { readPage, setPageHeaders } from './pagination.js';
import { createPipelineFor } from './pipeline-create.js';
import { presentPipeline } from './pipeline-presenter.js';

/** GitLab's pipeline trigger token prefix. */
export const TRIGGER_TOKEN_PREFIX = 'glptt-';
type Trigger = NonNullable<Awaited<ReturnType<Store['pipelineTriggers']['byId']>>>;
type Params = { id: string; trigger_id: string };

/**
 * Pipeline trigger tokens (lib/api/ci/triggers.rb). The token is shown once, at creation; it is
 * kept as a digest, so listings show only its first characters (GitLab shows those to anyone
 * but the token's owner).
 */
export function registerTriggerRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store } = deps;

  async function entity(t: Trigger, token: string | null) {
    const owner: User | null = t.ownerId !== null ? await store.users.byId(t.ownerId) : null;
    return {
      id: t.id, token: token ?? t.tokenHint, description: t.description, created_at: isoTime(t.createdAt), updated_at: isoTime(t.updatedAt),
      last_used: isoTime(t.lastUsedAt), owner: owner ? userBasic(owner, deps.baseUrl()) : null,
    };
  }

  async function triggerOf(projectId: number, id: string): Promise<Trigger> {
    const t = await store.pipelineTriggers.byId(projectId, integerPath(id, 'trigger_id'));
    if (!t) notFound('404 Trigger Not Found');
    return t;
  }

  app.get<{ Params: Params }>('/api/v4/projects/:id/triggers', async (request, reply) => {
    const { project, access } = await projectContext(request, deps);
    allow(access.manage);
    const page = readPage(ciParams(request));
    const { items, total } = await store.pipelineTriggers.list(project.id, page.offset, page.perPage);
    setPageHeaders(request, reply, page, total, deps.baseUrl());
    return Promise.all(items.map((t) => entity(t, null)));
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/triggers/:trigger_id', async (request) => {
    const { project, access } = await projectContext(request, deps);
    allow(access.manage);
    return entity(await triggerOf(project.id, request.params.trigger_id), null);
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/triggers', async (request, reply) => {
    const { project, access, user } = await projectContext(request, deps, { write: true });
    allow(access.manage);
    const p = new Problems();
    const description = optionalString(ciParams(request), 'description', p);
    if (!description) p.add('description is missing');
    p.throwIfAny();
    const token = randomToken(TRIGGER_TOKEN_PREFIX, 20);
    const t = await store.pipelineTriggers.insert({ projectId: project.id, ownerId: user?.id ?? null, description: description!, tokenDigest: digestToken(token), tokenHint: token.slice(0, TRIGGER_TOKEN_PREFIX.length + 4), createdAt: Date.now() });
    reply.code(201);
    return entity(t, token);
  });

  app.put<{ Params: Params }>('/api/v4/projects/:id/triggers/:trigger_id', async (request) => {
    const { project, access } = await projectContext(request, deps, { write: true });
    allow(access.manage);
    const t = await triggerOf(project.id, request.params.trigger_id);
    const p = new Problems();
    const description = optionalString(ciParams(request), 'description', p);
    p.throwIfAny();
    if (description !== undefined) await store.pipelineTriggers.update(t.id, { description, updatedAt: Date.now() });
    return entity((await store.pipelineTriggers.byId(project.id, t.id))!, null);
  });

  app.delete<{ Params: Params }>('/api/v4/projects/:id/triggers/:trigger_id', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { write: true });
    allow(access.manage);
    const t = await triggerOf(project.id, request.params.trigger_id);
    await store.pipelineTriggers.delete(t.id);
    return reply.code(204).send();
  });

  // The trigger token authenticates; no user token needed. variables[KEY]=value (a hash).
  app.post<{ Params: Params }>('/api/v4/projects/:id/trigger/pipeline', async (request, reply) => {
    const params = ciParams(request);
    const p = new Problems();
    const token = optionalString(params, 'token', p);
    if (!token) p.add('token is missing');
    if (params.ref === undefined || params.ref === '') p.add('ref is missing');
    const raw = params.variables;
    if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) p.add('variables is invalid');
    p.throwIfAny();
    const id = request.params.id;
    const project = /^\d+$/.test(id) ? await store.projects.byId(Number(id)) : id.includes('/') ? await store.projects.byFullPath(id.slice(0, id.lastIndexOf('/')), id.slice(id.lastIndexOf('/') + 1)) : null;
    if (!project) notFound('404 Project Not Found');
    const trigger = await store.pipelineTriggers.byDigest(digestToken(token!));
    if (!trigger || trigger.projectId !== project.id) notFound('404 Not Found');
    const owner = trigger.ownerId !== null ? await store.users.byId(trigger.ownerId) : null;
    const variables = Object.entries((raw ?? {}) as Record<string, unknown>).map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value), variable_type: 'env_var' as const }));
    const run = await createPipelineFor(deps, project, owner, { ref: params.ref }, 'trigger', variables);
    await store.pipelineTriggers.update(trigger.id, { lastUsedAt: Date.now() });
    reply.code(201);
    return presentPipeline(deps, reply, run, project, false);
  });
}
