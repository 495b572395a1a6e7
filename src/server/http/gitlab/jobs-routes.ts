import type { FastifyInstance, FastifyReply } from 'fastify';
import { CANCELABLE, JOB_STATUSES } from '../../engine/index.js';
import type { Job, Project } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { HttpReply } from '../http-reply.js';
import { allow, notFound, projectContext } from './ci-access.js';
import { integerPath, optionalBoolean, Problems, stringList, ciParams } from './ci-params.js';
import { readPage, setPageHeaders } from './pagination.js';
import { bridgeEntity, jobEntity, loadJobLookups } from './job-entities.js';
import { runInProject } from './pipeline-presenter.js';

type Params = { id: string; pipeline_id: string; job_id: string };

export async function jobInProject(deps: HttpDeps, project: Project, jobId: string | undefined): Promise<Job> {
  const id = integerPath(jobId, 'job_id');
  const job = await deps.store.jobs.byId(id);
  if (!job || job.projectId !== project.id) notFound();
  return job;
}

function scopeOf(params: Record<string, unknown>): string[] | undefined {
  const p = new Problems();
  const scope = stringList(params, 'scope', p);
  if (scope && scope.some((s) => !(JOB_STATUSES as readonly string[]).includes(s))) p.add('scope does not have a valid value');
  p.throwIfAny();
  return scope;
}

/** GitLab's jobs API (lib/api/ci/jobs.rb and the pipeline jobs routes): list, show, trace, retry/cancel/play. */
export function registerJobRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store, engine } = deps;

  async function present(jobs: Job[], project: Project) {
    const lookups = await loadJobLookups(store, jobs);
    return jobs.map((j) => jobEntity(j, project, lookups, deps.baseUrl()));
  }

  app.get<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id/jobs', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { jobToken: true });
    allow(access.readPipelines);
    const params = ciParams(request);
    const statuses = scopeOf(params);
    const p = new Problems();
    const includeRetried = optionalBoolean(params, 'include_retried', p) ?? false;
    p.throwIfAny();
    const page = readPage(params);
    const run = await runInProject(deps, project, request.params.pipeline_id);
    const { items, total } = await store.jobs.list({ runId: run.id, statuses, kind: 'build', includeRetried, order: 'asc', offset: page.offset, limit: page.perPage });
    setPageHeaders(request, reply, page, total, deps.baseUrl());
    return present(items, project);
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id/bridges', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { jobToken: true });
    allow(access.readPipelines);
    const params = ciParams(request);
    const statuses = scopeOf(params);
    const page = readPage(params);
    const run = await runInProject(deps, project, request.params.pipeline_id);
    const { items, total } = await store.jobs.list({ runId: run.id, statuses, kind: 'bridge', includeRetried: false, order: 'asc', offset: page.offset, limit: page.perPage });
    setPageHeaders(request, reply, page, total, deps.baseUrl());
    const lookups = await loadJobLookups(store, items, { bridges: true });
    return items.map((j) => bridgeEntity(j, project, lookups, deps.baseUrl()));
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/jobs', async (request, reply) => {
    const { project, access } = await projectContext(request, deps);
    allow(access.readPipelines);
    const params = ciParams(request);
    const statuses = scopeOf(params);
    const page = readPage(params);
    // Like GitLab's project builds relation, retried attempts are listed too.
    const { items, total } = await store.jobs.list({ projectId: project.id, statuses, kind: 'build', includeRetried: true, order: 'desc', offset: page.offset, limit: page.perPage });
    setPageHeaders(request, reply, page, total, deps.baseUrl());
    return present(items, project);
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/jobs/:job_id', async (request) => {
    const { project, access } = await projectContext(request, deps);
    allow(access.readPipelines);
    const job = await jobInProject(deps, project, request.params.job_id);
    return (await present([job], project))[0];
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/jobs/:job_id/trace', async (request, reply) => {
    const { project, access } = await projectContext(request, deps);
    allow(access.readPipelines);
    const job = await jobInProject(deps, project, request.params.job_id);
    return sendLog(reply, await store.jobs.readLog(job.id), request.headers.range);
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/jobs/:job_id/retry', async (request, reply) => {
    const { project, access, user } = await projectContext(request, deps, { write: true });
    allow(access.runPipelines);
    const job = await jobInProject(deps, project, request.params.job_id);
    const fresh = await engine.retryJob(job.id, user);
    reply.code(201);
    return (await present([fresh], project))[0];
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/jobs/:job_id/cancel', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { write: true });
    allow(access.runPipelines);
    const job = await jobInProject(deps, project, request.params.job_id);
    // GitLab answers with the job whether or not there was anything to cancel.
    const after = CANCELABLE.has(job.status) ? await engine.cancelJob(job.id) : job;
    reply.code(201);
    return (await present([after], project))[0];
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/jobs/:job_id/play', async (request, reply) => {
    const { project, access, user } = await projectContext(request, deps, { write: true });
    allow(access.runPipelines);
    const job = await jobInProject(deps, project, request.params.job_id);
    const playable = job.status === 'manual' || job.status === 'scheduled' || (job.when === 'manual' && ['success', 'failed', 'canceled'].includes(job.status) && !job.retried);
    if (!playable) throw new HttpReply(400, { message: '400 Bad request - Unplayable Job' });
    const params = ciParams(request);
    const raw = params.job_variables_attributes;
    const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw as Record<string, unknown>) : [];
    const variables: Array<{ key: string; value: string }> = [];
    for (const item of list) {
      if (!item || typeof item !== 'object') throw new HttpReply(400, { error: 'job_variables_attributes is invalid' });
      const o = item as Record<string, unknown>;
      if (typeof o.key !== 'string' || !o.key) throw new HttpReply(400, { error: 'job_variables_attributes[key] is missing' });
      variables.push({ key: o.key, value: o.value === undefined || o.value === null ? '' : String(o.value) });
    }
    const played = await engine.playJob(job.id, user, variables);
    reply.code(200);
    return (await present([played], project))[0];
  });
}

/** The log as text/plain; a `Range: bytes=N-` request (the web UI's tail) gets a 206 from N. */
function sendLog(reply: FastifyReply, log: Buffer, range: string | undefined) {
  reply.type('text/plain; charset=utf-8');
  const m = range ? /^bytes=(\d+)-$/.exec(range.trim()) : null;
  if (m) {
    const from = Number(m[1]);
    if (from >= log.length && log.length > 0) return reply.code(416).header('content-range', `bytes */${log.length}`).send('');
    if (from > 0) return reply.code(206).header('content-range', `bytes ${from}-${log.length - 1}/${log.length}`).send(log.subarray(from));
  }
  return reply.send(log);
}
