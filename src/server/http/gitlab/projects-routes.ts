import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/index.js';
import type { Visibility } from '../../store/index.js';
import { actorOf, requireScope } from '../caller.js';
import { booleanParam, mergedParams, stringParam } from '../request-params.js';
import type { HttpDeps } from '../deps.js';
import { projectEntity, groupEntity } from './entities.js';
import { readPage, setPageHeaders } from './pagination.js';

const ORDER_BY = ['id', 'name', 'path', 'created_at', 'updated_at', 'last_activity_at'] as const;

export function registerProjectRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { projects, store } = deps;

  app.get('/api/v4/projects', async (request, reply) => {
    const caller = request.caller;
    if (caller.user) requireScope(caller, ['api', 'read_api']);
    const params = mergedParams(request);
    const problems: string[] = [];
    const orderBy = stringParam(params, 'order_by') ?? 'created_at';
    if (!(ORDER_BY as readonly string[]).includes(orderBy)) problems.push('order_by does not have a valid value');
    const sort = (stringParam(params, 'sort') ?? 'desc') as 'asc' | 'desc';
    if (sort !== 'asc' && sort !== 'desc') problems.push('sort does not have a valid value');
    const visibility = stringParam(params, 'visibility');
    if (visibility !== undefined && !['private', 'internal', 'public'].includes(visibility)) problems.push('visibility does not have a valid value');
    const membership = booleanParam(params, 'membership', problems);
    const owned = booleanParam(params, 'owned', problems);
    if (problems.length) throw new AppError('validation_failed', problems.join(', '));
    const page = readPage(params);
    const viewer = { userId: caller.user?.id ?? null, admin: caller.user?.admin ?? false };
    const { items, total } = await store.projects.list({
      viewer, membership: Boolean(membership || owned), search: stringParam(params, 'search'),
      visibility: visibility as Visibility | undefined, orderBy: orderBy as (typeof ORDER_BY)[number], sort,
      offset: page.offset, limit: page.perPage,
    });
    setPageHeaders(request, reply, page, total, deps.baseUrl());
    return items.map((p) => projectEntity(p, deps.baseUrl()));
  });

  app.get<{ Params: { id: string } }>('/api/v4/projects/:id', async (request) => {
    const caller = request.caller;
    if (caller.user) requireScope(caller, ['api', 'read_api']);
    const { project, access } = await projects.find(request.params.id, actorOf(caller));
    return projectEntity(project, deps.baseUrl(), access);
  });

  app.post('/api/v4/projects', async (request, reply) => {
    const caller = request.caller;
    requireScope(caller, ['api']);
    const params = mergedParams(request);
    const name = stringParam(params, 'name');
    const path = stringParam(params, 'path');
    if (!name && !path) throw new AppError('validation_failed', 'name, path are missing, at least one parameter must be provided');
    const visibility = stringParam(params, 'visibility');
    if (visibility !== undefined && !['private', 'internal', 'public'].includes(visibility)) {
      throw new AppError('validation_failed', 'visibility does not have a valid value');
    }
    const project = await projects.create({
      name, path, visibility, defaultBranch: stringParam(params, 'default_branch'), description: stringParam(params, 'description'),
      namespace: stringParam(params, 'namespace_id') ?? stringParam(params, 'namespace_path') ?? stringParam(params, 'namespace'),
    }, actorOf(caller));
    const { access } = await projects.find(String(project.id), actorOf(caller));
    reply.code(201);
    return projectEntity(project, deps.baseUrl(), access);
  });

  app.post('/api/v4/groups', async (request, reply) => {
    const caller = request.caller;
    requireScope(caller, ['api']);
    const params = mergedParams(request);
    const problems: string[] = [];
    const name = stringParam(params, 'name');
    const path = stringParam(params, 'path');
    if (!name) problems.push('name is missing');
    if (!path) problems.push('path is missing');
    if (problems.length) throw new AppError('validation_failed', problems.join(', '));
    const ws = await projects.createGroup({ path: path!, name, description: stringParam(params, 'description') }, actorOf(caller));
    reply.code(201);
    return groupEntity(ws, deps.baseUrl());
  });

  app.get<{ Params: { id: string } }>('/api/v4/groups/:id', async (request) => {
    const caller = request.caller;
    if (caller.user) requireScope(caller, ['api', 'read_api']);
    const id = request.params.id;
    const ws = /^\d+$/.test(id) ? await store.workspaces.byId(Number(id)) : await store.workspaces.byPath(id);
    const visible = ws && ws.kind === 'group' && caller.user && (caller.user.admin || await store.workspaces.memberRole(ws.id, caller.user.id));
    if (!ws || !visible) throw new AppError('not_found', '404 Group Not Found');
    return groupEntity(ws, deps.baseUrl());
  });
}
