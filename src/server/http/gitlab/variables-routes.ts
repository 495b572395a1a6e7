import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/index.js';
import { createCiVariables, roleAtLeast, type CiVariableFields, type CiVariableRecord } from '../../engine/index.js';
import { requireScope } from '../caller.js';
import { stringParam } from '../request-params.js';
import type { HttpDeps } from '../deps.js';
import { allow, notFound, projectContext } from './ci-access.js';
import { optionalBoolean, optionalEnum, optionalString, Problems, requiredString, ciParams } from './ci-params.js';
import { readPage, setPageHeaders } from './pagination.js';

type Owner = { kind: 'project' | 'group'; id: number };
type Params = { id: string; key: string };

/** Entities::Ci::Variable for project and group variables; a hidden value is never shown. */
export function variableEntity(v: CiVariableRecord) {
  return {
    variable_type: v.variableType, key: v.key, value: v.hidden ? null : v.value, hidden: v.hidden, protected: v.protected,
    masked: v.masked, raw: v.raw, environment_scope: v.environmentScope, description: v.description,
  };
}

/** The fields of a create (all from params, GitLab's defaults) or update (unsent ones kept). */
function fieldsFrom(params: Record<string, unknown>, current: CiVariableRecord | null, keyFromPath?: string): CiVariableFields {
  const p = new Problems();
  const key = keyFromPath ?? requiredString(params, 'key', p);
  let value = current?.value ?? '';
  if (params.value === undefined || params.value === null) { if (!current) p.add('value is missing'); }
  else if (typeof params.value === 'object') p.add('value is invalid');
  else value = String(params.value);
  const variableType = optionalEnum(params, 'variable_type', ['env_var', 'file'] as const, p) ?? current?.variableType ?? 'env_var';
  const isProtected = optionalBoolean(params, 'protected', p) ?? current?.protected ?? false;
  const hidden = optionalBoolean(params, 'masked_and_hidden', p) ?? current?.hidden ?? false;
  const masked = (optionalBoolean(params, 'masked', p) ?? current?.masked ?? false) || hidden;
  const raw = optionalBoolean(params, 'raw', p) ?? current?.raw ?? false;
  const environmentScope = optionalString(params, 'environment_scope', p) ?? current?.environmentScope ?? '*';
  const description = optionalString(params, 'description', p) ?? current?.description ?? null;
  p.throwIfAny();
  return { key, value, variableType, protected: isProtected, masked, hidden, raw, environmentScope, description };
}

/**
 * CI/CD variables of projects and groups (lib/api/ci/variables.rb, group_variables.rb):
 * Maintainer+ only; validation errors as `{"message":{attr:[..]}}`; a second variable with the
 * same key and environment scope is `(KEY) has already been taken`.
 */
export function registerVariableRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store } = deps;
  const variables = createCiVariables(store, undefined, deps.buddy?.secrets);

  async function projectOwner(request: FastifyRequest, write: boolean): Promise<Owner> {
    const { project, access } = await projectContext(request, deps, { write });
    allow(access.manage);
    return { kind: 'project', id: project.id };
  }

  async function groupOwner(request: FastifyRequest, write: boolean): Promise<Owner> {
    const caller = request.caller;
    const user = requireScope(caller, write ? ['api'] : ['api', 'read_api']);
    const id = (request.params as Params).id;
    const ws = /^\d+$/.test(id) ? await store.workspaces.byId(Number(id)) : await store.workspaces.byPath(id);
    const role = ws ? await store.workspaces.memberRole(ws.id, user.id) : null;
    if (!ws || ws.kind !== 'group' || (!user.admin && role === null)) notFound('404 Group Not Found');
    allow(user.admin || roleAtLeast(role, 'maintainer'));
    return { kind: 'group', id: ws.id };
  }

  async function one(owner: Owner, request: FastifyRequest<{ Params: Params }>): Promise<CiVariableRecord> {
    const params = ciParams(request);
    const filter = params.filter && typeof params.filter === 'object' ? stringParam(params.filter as Record<string, unknown>, 'environment_scope') : undefined;
    const found = await variables.byKey(owner, request.params.key, filter);
    if (found.length === 0) notFound('404 Variable Not Found');
    if (found.length > 1) throw new AppError('state_conflict', "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'");
    return found[0]!;
  }

  for (const [prefix, ownerOf] of [['/api/v4/projects/:id', projectOwner], ['/api/v4/groups/:id', groupOwner]] as const) {
    app.get<{ Params: Params }>(`${prefix}/variables`, async (request, reply) => {
      const owner = await ownerOf(request, false);
      const page = readPage(ciParams(request));
      const { items, total } = await variables.list(owner, page.offset, page.perPage);
      setPageHeaders(request, reply, page, total, deps.baseUrl());
      return items.map(variableEntity);
    });
    app.get<{ Params: Params }>(`${prefix}/variables/:key`, async (request) => variableEntity(await one(await ownerOf(request, false), request)));
    app.post<{ Params: Params }>(`${prefix}/variables`, async (request, reply) => {
      const owner = await ownerOf(request, true);
      const created = await variables.create(owner, fieldsFrom(ciParams(request), null));
      reply.code(201);
      return variableEntity(created);
    });
    app.put<{ Params: Params }>(`${prefix}/variables/:key`, async (request) => {
      const owner = await ownerOf(request, true);
      const current = await one(owner, request);
      const params = ciParams(request);
      const fields = fieldsFrom(params, current, request.params.key);
      return variableEntity(await variables.update(owner, current, fields));
    });
    app.delete<{ Params: Params }>(`${prefix}/variables/:key`, async (request, reply) => {
      const owner = await ownerOf(request, true);
      await variables.remove(await one(owner, request));
      return reply.code(204).send();
    });
  }
}
