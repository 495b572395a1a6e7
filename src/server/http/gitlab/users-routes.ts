import type { FastifyInstance } from 'fastify';
import { AppError, isoTime } from '../../../shared/index.js';
import { ACCESS_LEVEL, isRole, type Scope } from '../../engine/index.js';
import type { Role } from '../../store/index.js';
import { actorOf, requireScope } from '../caller.js';
import { booleanParam, mergedParams, stringParam } from '../request-params.js';
import type { HttpDeps } from '../deps.js';
import { currentUser, userBasic } from './entities.js';

function requireAdmin(user: { admin: boolean }): void {
  if (!user.admin) throw new AppError('role_insufficient', '');
}

const LEVEL_TO_ROLE = new Map<number, Role>(Object.entries(ACCESS_LEVEL).map(([role, level]) => [level, role as Role]));

export function registerUserRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { accounts, store, projects } = deps;

  app.get('/api/v4/version', async (request) => {
    requireScope(request.caller, ['api', 'read_api', 'read_user']);
    return { version: deps.version, revision: 'runnel', kas: { enabled: false, externalUrl: null, version: null }, enterprise: false };
  });

  app.get('/api/v4/user', async (request) => {
    const user = requireScope(request.caller, ['api', 'read_api', 'read_user']);
    return currentUser(user, deps.baseUrl());
  });

  app.get<{ Params: { id: string } }>('/api/v4/users/:id', async (request) => {
    requireScope(request.caller, ['api', 'read_api', 'read_user']);
    const user = /^\d+$/.test(request.params.id) ? await store.users.byId(Number(request.params.id)) : null;
    if (!user) throw new AppError('not_found', '404 User Not Found');
    return userBasic(user, deps.baseUrl());
  });

  // Admin: create a user (GitLab's POST /users), so teams can be set up over the API.
  app.post('/api/v4/users', async (request, reply) => {
    const admin = requireScope(request.caller, ['api']);
    requireAdmin(admin);
    const params = mergedParams(request);
    const problems: string[] = [];
    for (const name of ['username', 'name', 'email']) if (!stringParam(params, name)) problems.push(`${name} is missing`);
    const isAdmin = booleanParam(params, 'admin', problems);
    if (problems.length) throw new AppError('validation_failed', problems.join(', '));
    const user = await accounts.createUser({
      username: stringParam(params, 'username')!, name: stringParam(params, 'name'), email: stringParam(params, 'email'),
      admin: isAdmin ?? false, password: stringParam(params, 'password'),
    });
    reply.code(201);
    return currentUser(user, deps.baseUrl());
  });

  // Admin: create a personal access token for a user (GitLab's POST /users/:id/personal_access_tokens).
  app.post<{ Params: { id: string } }>('/api/v4/users/:id/personal_access_tokens', async (request, reply) => {
    const admin = requireScope(request.caller, ['api']);
    requireAdmin(admin);
    const params = mergedParams(request);
    const problems: string[] = [];
    const name = stringParam(params, 'name');
    if (!name) problems.push('name is missing');
    const rawScopes = params.scopes;
    const scopes = Array.isArray(rawScopes) ? rawScopes.map(String) : typeof rawScopes === 'string' ? rawScopes.split(',').map((s) => s.trim()).filter(Boolean) : [];
    if (scopes.length === 0) problems.push('scopes is missing');
    const expires = stringParam(params, 'expires_at');
    let expiresAt: number | null = null;
    if (expires) {
      const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(expires) ? `${expires}T00:00:00Z` : expires);
      if (Number.isNaN(t)) problems.push('expires_at is invalid'); else expiresAt = t;
    }
    if (problems.length) throw new AppError('validation_failed', problems.join(', '));
    const { token, record } = await accounts.createToken({ userId: Number(request.params.id), name: name!, scopes, expiresAt });
    reply.code(201);
    return {
      id: record.id, name: record.name, revoked: false, created_at: isoTime(record.createdAt), scopes: record.scopes as Scope[],
      user_id: record.userId, last_used_at: null, active: true, expires_at: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString().slice(0, 10),
      token,
    };
  });

  app.post<{ Params: { id: string } }>('/api/v4/projects/:id/members', async (request, reply) => {
    const caller = request.caller;
    requireScope(caller, ['api']);
    const { project, access } = await projects.find(request.params.id, actorOf(caller));
    if (!access.manage) throw new AppError('role_insufficient', '');
    const params = mergedParams(request);
    const userId = Number(stringParam(params, 'user_id'));
    const level = Number(stringParam(params, 'access_level'));
    const role = LEVEL_TO_ROLE.get(level);
    const problems: string[] = [];
    if (!Number.isInteger(userId) || userId <= 0) problems.push('user_id is missing');
    if (!role || !isRole(role)) problems.push('access_level does not have a valid value');
    if (problems.length) throw new AppError('validation_failed', problems.join(', '));
    const user = await store.users.byId(userId);
    if (!user) throw new AppError('not_found', '404 User Not Found');
    if (role === 'owner' && !access.own) throw new AppError('role_insufficient', '');
    await store.projects.setMember(project.id, user.id, role!, Date.now());
    reply.code(201);
    return { ...userBasic(user, deps.baseUrl()), access_level: level, created_at: isoTime(Date.now()), expires_at: null };
  });
}
