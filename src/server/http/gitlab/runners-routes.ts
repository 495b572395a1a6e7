import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/index.js';
import type { Runner } from '../../store/index.js';
import { requireScope } from '../caller.js';
import type { HttpDeps } from '../deps.js';
import { allow } from './ci-access.js';
import { optionalBoolean, optionalEnum, optionalInteger, optionalString, Problems, ciParams } from './ci-params.js';
import { runnerBasic } from './job-entities.js';
import { readPage, setPageHeaders } from './pagination.js';

/**
 * Runners as users see them (lib/api/runners.rb, user_runners.rb). Every Runnel runner serves the
 * whole instance (`instance_type`), so `/runners/all` (admin) lists them all and `/runners` lists
 * them for admins only — GitLab's `/runners` shows a user the project and group runners they
 * manage, and Runnel has none. Runnel adds `jobs_running: [{id,name,project_id}]`.
 */
export function registerRunnerListRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store } = deps;

  async function list(request: FastifyRequest, all: boolean) {
    const user = requireScope(request.caller, ['api', 'read_api', 'manage_runner']);
    if (all) allow(user.admin);
    const params = ciParams(request);
    const p = new Problems();
    const status = optionalEnum(params, 'status', ['active', 'paused', 'online', 'offline', 'stale', 'never_contacted'] as const, p);
    const type = optionalEnum(params, 'type', ['instance_type', 'group_type', 'project_type'] as const, p);
    const paused = optionalBoolean(params, 'paused', p);
    const tags = optionalString(params, 'tag_list', p);
    p.throwIfAny();
    let runners = user.admin ? await store.runners.list() : [];
    if (type && type !== 'instance_type') runners = [];
    if (paused !== undefined) runners = runners.filter((r) => r.paused === paused);
    if (status) runners = runners.filter((r) => (status === 'active' ? !r.paused : status === 'paused' ? r.paused : runnerBasic(r).status === status));
    if (tags) { const want = tags.split(',').map((t) => t.trim()).filter(Boolean); runners = runners.filter((r) => want.every((t) => r.tags.includes(t))); }
    return runners;
  }

  async function withJobs(runners: Runner[]) {
    return Promise.all(runners.map(async (r) => ({
      ...runnerBasic(r), tag_list: r.tags,
      jobs_running: (await store.jobs.runningForRunner(r.id)).map((j) => ({ id: j.id, name: j.name, project_id: j.projectId })),
    })));
  }

  for (const [path, all] of [['/api/v4/runners', false], ['/api/v4/runners/all', true]] as const) {
    app.get(path, async (request, reply) => {
      const runners = await list(request, all);
      const page = readPage(ciParams(request));
      setPageHeaders(request, reply, page, runners.length, deps.baseUrl());
      return withJobs(runners.slice(page.offset, page.offset + page.perPage));
    });
  }

  app.post('/api/v4/user/runners', async (request, reply) => {
    const user = requireScope(request.caller, ['api', 'create_runner']);
    const params = ciParams(request);
    const p = new Problems();
    const runnerType = optionalEnum(params, 'runner_type', ['instance_type', 'group_type', 'project_type'] as const, p);
    if (!runnerType && !p.list.length) p.add('runner_type is missing');
    const description = optionalString(params, 'description', p);
    const paused = optionalBoolean(params, 'paused', p);
    const locked = optionalBoolean(params, 'locked', p);
    const runUntagged = optionalBoolean(params, 'run_untagged', p);
    const accessLevel = optionalEnum(params, 'access_level', ['not_protected', 'ref_protected'] as const, p);
    const maximumTimeout = optionalInteger(params, 'maximum_timeout', p);
    const rawTags = params.tag_list;
    const tags = Array.isArray(rawTags) ? rawTags.map(String) : typeof rawTags === 'string' ? rawTags.split(',').map((t) => t.trim()).filter(Boolean) : [];
    p.throwIfAny();
    if (runnerType !== 'instance_type') throw new AppError('validation_failed', 'runner_type does not have a valid value');
    if (!user.admin) throw new AppError('role_insufficient', 'No permission to create runner');
    const { runner, token } = await deps.runners.create({ description, paused, locked, runUntagged, accessLevel, maximumTimeout: maximumTimeout ?? null, tags });
    reply.code(201);
    return { id: runner.id, token, token_expires_at: null };
  });
}
