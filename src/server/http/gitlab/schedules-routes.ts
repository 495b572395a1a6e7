import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, isoTime } from '../../../shared/index.js';
import { createSchedules, cronProblems, nextCronTime } from '../../engine/index.js';
import type { Project, Store, User } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { allow, notFound, projectContext, type ProjectContext } from './ci-access.js';
import { integerPath, optionalBoolean, optionalEnum, optionalString, Problems, requiredString, ciParams } from './ci-params.js';
import { userBasic } from './entities.js';
import { readPage, setPageHeaders } from './pagination.js';
import { pipelineBasic } from './pipeline-entities.js';

type Schedule = NonNullable<Awaited<ReturnType<Store['pipelineSchedules']['byId']>>>;
type Params = { id: string; pipeline_schedule_id: string; key: string };

/**
 * Pipeline schedules (lib/api/ci/pipeline_schedules.rb): CRUD, play, take_ownership and
 * schedule variables. Developers create and play; the owner or a maintainer changes or deletes.
 * The schedule loop (engine/schedules.ts) starts due schedules.
 */
export function registerScheduleRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store } = deps;
  const schedules = createSchedules({ store, engine: deps.engine, clock: { now: () => Date.now() }, logger: deps.logger });

  async function entity(s: Schedule, detail: boolean, project?: Project) {
    const owner: User | null = s.ownerId !== null ? await store.users.byId(s.ownerId) : null;
    const base = {
      id: s.id, description: s.description, ref: s.ref, cron: s.cron, cron_timezone: s.cronTimezone, next_run_at: isoTime(s.nextRunAt),
      active: s.active, created_at: isoTime(s.createdAt), updated_at: isoTime(s.updatedAt), owner: owner ? userBasic(owner, deps.baseUrl()) : null,
    };
    if (!detail) return base;
    const last = s.lastRunId !== null ? await store.runs.byId(s.lastRunId) : null;
    const variables = await store.pipelineSchedules.variables(s.id);
    return {
      ...base,
      last_pipeline: last && project ? pipelineBasic(last, project, deps.baseUrl()) : null,
      variables: variables.map((v) => ({ variable_type: v.variableType, key: v.key, value: v.value, raw: false })),
    };
  }

  async function scheduleOf(project: Project, id: string): Promise<Schedule> {
    const s = await store.pipelineSchedules.byId(project.id, integerPath(id, 'pipeline_schedule_id'));
    if (!s) notFound('404 Pipeline Schedule Not Found');
    return s;
  }

  /** The owner of a schedule or a maintainer may change it (admin_pipeline_schedule). */
  function mayChange(ctx: ProjectContext, s: Schedule): boolean {
    return ctx.access.manage || (ctx.access.runPipelines && ctx.user !== null && s.ownerId === ctx.user.id);
  }

  function validate(cron: string, timezone: string, active: boolean, now: number): number | null {
    const problems = cronProblems(cron, timezone);
    if (Object.keys(problems).length) throw new AppError('validation_failed', 'invalid schedule', { details: problems });
    return active ? nextCronTime(cron, timezone, now) : null;
  }

  const ctx = (request: FastifyRequest, write: boolean) => projectContext(request, deps, { write });

  app.get<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules', async (request, reply) => {
    const c = await ctx(request, false);
    allow(c.access.readPipelines);
    const params = ciParams(request);
    const p = new Problems();
    const scope = optionalEnum(params, 'scope', ['active', 'inactive'] as const, p);
    p.throwIfAny();
    const page = readPage(params);
    const { items, total } = await store.pipelineSchedules.list(c.project.id, scope ?? null, page.offset, page.perPage);
    setPageHeaders(request, reply, page, total, deps.baseUrl());
    return Promise.all(items.map((s) => entity(s, false)));
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules/:pipeline_schedule_id', async (request) => {
    const c = await ctx(request, false);
    allow(c.access.readPipelines);
    return entity(await scheduleOf(c.project, request.params.pipeline_schedule_id), true, c.project);
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules/:pipeline_schedule_id/pipelines', async (request, reply) => {
    const c = await ctx(request, false);
    allow(c.access.readPipelines);
    const s = await scheduleOf(c.project, request.params.pipeline_schedule_id);
    const page = readPage(ciParams(request));
    const runs = s.lastRunId !== null ? [await store.runs.byId(s.lastRunId)].filter((r) => r !== null) : [];
    setPageHeaders(request, reply, page, runs.length, deps.baseUrl());
    return runs.map((r) => pipelineBasic(r, c.project, deps.baseUrl()));
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules', async (request, reply) => {
    const c = await ctx(request, true);
    allow(c.access.runPipelines);
    const params = ciParams(request);
    const p = new Problems();
    const description = requiredString(params, 'description', p);
    const ref = requiredString(params, 'ref', p);
    const cron = requiredString(params, 'cron', p);
    const timezone = optionalString(params, 'cron_timezone', p) || 'UTC';
    const active = optionalBoolean(params, 'active', p) ?? true;
    p.throwIfAny();
    const now = Date.now();
    const next = validate(cron, timezone, active, now);
    const s = await store.pipelineSchedules.insert({ projectId: c.project.id, ownerId: c.user?.id ?? null, description, ref: ref.replace(/^refs\/heads\//, ''), cron, cronTimezone: timezone, active, nextRunAt: next, createdAt: now });
    reply.code(201);
    return entity(s, true, c.project);
  });

  app.put<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules/:pipeline_schedule_id', async (request) => {
    const c = await ctx(request, true);
    const s = await scheduleOf(c.project, request.params.pipeline_schedule_id);
    allow(mayChange(c, s));
    const params = ciParams(request);
    const p = new Problems();
    const description = optionalString(params, 'description', p) ?? s.description;
    const ref = optionalString(params, 'ref', p) ?? s.ref;
    const cron = optionalString(params, 'cron', p) ?? s.cron;
    const timezone = optionalString(params, 'cron_timezone', p) ?? s.cronTimezone;
    const active = optionalBoolean(params, 'active', p) ?? s.active;
    p.throwIfAny();
    const now = Date.now();
    const next = validate(cron, timezone, active, now);
    await store.pipelineSchedules.update(s.id, { description, ref, cron, cronTimezone: timezone, active, nextRunAt: next, updatedAt: now });
    return entity((await store.pipelineSchedules.byId(c.project.id, s.id))!, true, c.project);
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules/:pipeline_schedule_id/take_ownership', async (request, reply) => {
    const c = await ctx(request, true);
    const s = await scheduleOf(c.project, request.params.pipeline_schedule_id);
    allow(c.access.manage);
    await store.pipelineSchedules.update(s.id, { ownerId: c.user!.id, updatedAt: Date.now() });
    reply.code(201);
    return entity((await store.pipelineSchedules.byId(c.project.id, s.id))!, true, c.project);
  });

  app.delete<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules/:pipeline_schedule_id', async (request, reply) => {
    const c = await ctx(request, true);
    const s = await scheduleOf(c.project, request.params.pipeline_schedule_id);
    allow(mayChange(c, s));
    await store.pipelineSchedules.delete(s.id);
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules/:pipeline_schedule_id/play', async (request, reply) => {
    const c = await ctx(request, true);
    allow(c.access.runPipelines);
    const s = await scheduleOf(c.project, request.params.pipeline_schedule_id);
    await schedules.playNow(s);
    reply.code(201);
    return { message: '201 Created' };
  });

  // ---- schedule variables ----
  const variableEntity = (v: { key: string; value: string; variableType: string }) => ({ variable_type: v.variableType, key: v.key, value: v.value, raw: false });

  app.post<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules/:pipeline_schedule_id/variables', async (request, reply) => {
    const c = await ctx(request, true);
    const s = await scheduleOf(c.project, request.params.pipeline_schedule_id);
    allow(mayChange(c, s));
    const params = ciParams(request);
    const p = new Problems();
    const key = requiredString(params, 'key', p);
    const value = params.value === undefined ? (p.add('value is missing'), '') : String(params.value);
    const variableType = optionalEnum(params, 'variable_type', ['env_var', 'file'] as const, p) ?? 'env_var';
    p.throwIfAny();
    if (!/^[a-zA-Z0-9_]+$/.test(key)) throw new AppError('validation_failed', 'invalid', { details: { key: ["can contain only letters, digits and '_'."] } });
    if ((await store.pipelineSchedules.variables(s.id)).some((v) => v.key === key)) {
      throw new AppError('name_taken', 'taken', { details: { key: ['has already been taken'] } });
    }
    await store.pipelineSchedules.putVariable(s.id, { key, value, variableType });
    reply.code(201);
    return variableEntity({ key, value, variableType });
  });

  app.put<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules/:pipeline_schedule_id/variables/:key', async (request) => {
    const c = await ctx(request, true);
    const s = await scheduleOf(c.project, request.params.pipeline_schedule_id);
    allow(mayChange(c, s));
    const current = (await store.pipelineSchedules.variables(s.id)).find((v) => v.key === request.params.key);
    if (!current) notFound('404 Variable Not Found');
    const params = ciParams(request);
    const p = new Problems();
    const value = params.value === undefined ? current.value : String(params.value);
    const variableType = optionalEnum(params, 'variable_type', ['env_var', 'file'] as const, p) ?? current.variableType;
    p.throwIfAny();
    await store.pipelineSchedules.putVariable(s.id, { key: current.key, value, variableType });
    return variableEntity({ key: current.key, value, variableType });
  });

  app.delete<{ Params: Params }>('/api/v4/projects/:id/pipeline_schedules/:pipeline_schedule_id/variables/:key', async (request) => {
    const c = await ctx(request, true);
    const s = await scheduleOf(c.project, request.params.pipeline_schedule_id);
    allow(mayChange(c, s));
    const current = (await store.pipelineSchedules.variables(s.id)).find((v) => v.key === request.params.key);
    if (!current) notFound('404 Variable Not Found');
    await store.pipelineSchedules.deleteVariable(s.id, current.key);
    return variableEntity(current);
  });
}
