import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/index.js';
import { JOB_STATUSES } from '../../engine/index.js';
import type { Store } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { allow, badRequest, knownProjectContext, projectContext } from './ci-access.js';
import { optionalBoolean, optionalDate, optionalEnum, optionalString, Problems, requiredString, ciParams } from './ci-params.js';
import { readPage, setPageHeaders } from './pagination.js';
import { createTtlCache } from './ttl-cache.js';
import { pipelineBody, pipelineListBody } from './pipeline-json.js';
import { pipelineViewInProject, pipelineViewInProjectNow, presentPipeline, runInProject } from './pipeline-presenter.js';
import { jsonText } from '../http-reply.js';
import { createPipelineFor } from './pipeline-create.js';
import { testReport, testReportSummary, type JobReport, type StoredTestCase } from './test-report.js';

export const PIPELINE_STATUSES = [...JOB_STATUSES, 'waiting_for_callback'] as const;
export const PIPELINE_SOURCES = [
  'unknown', 'push', 'web', 'trigger', 'schedule', 'api', 'external', 'pipeline', 'chat', 'webide', 'merge_request_event',
  'external_pull_request_event', 'parent_pipeline', 'ondemand_dast_scan', 'ondemand_dast_validation',
  'security_orchestration_policy', 'container_registry_push', 'duo_workflow', 'pipeline_execution_policy_schedule',
] as const;
const SCOPES = ['running', 'pending', 'finished', 'branches', 'tags'] as const;
const ORDER_BY = ['id', 'status', 'ref', 'updated_at', 'user_id'] as const;
type PipelineListFilter = Parameters<Store['pipelineListing']['list']>[0];

type Params = { id: string; pipeline_id: string };

/** GitLab's pipelines API (lib/api/ci/pipelines.rb; spec §6) over the engine and the store. */
export function registerPipelineRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store, engine } = deps;
  // X-Total for big lists costs a 10,001-row index scan; it is kept per filter until a run of the
  // project changes (engine events) or 5 s pass (other servers' changes), whichever is first.
  const listVersions = new Map<number, number>();
  const unsubscribe = deps.notifier.subscribe((event) => { if (event.type === 'run') listVersions.set(event.projectId, (listVersions.get(event.projectId) ?? 0) + 1); });
  app.addHook('onClose', async () => { unsubscribe(); });
  const totals = createTtlCache<number>(5_000, 2_000);

  app.get<{ Params: Params }>('/api/v4/projects/:id/pipelines', async (request, reply) => {
    const { project, access } = knownProjectContext(request, deps, { jobToken: true }) ?? await projectContext(request, deps, { jobToken: true });
    allow(access.readPipelines);
    const params = ciParams(request);
    const p = new Problems();
    const scope = optionalEnum(params, 'scope', SCOPES, p);
    const status = optionalEnum(params, 'status', PIPELINE_STATUSES, p);
    const source = optionalEnum(params, 'source', PIPELINE_SOURCES, p);
    const ref = optionalString(params, 'ref', p);
    const sha = optionalString(params, 'sha', p);
    const name = optionalString(params, 'name', p);
    const username = optionalString(params, 'username', p);
    const yamlErrors = optionalBoolean(params, 'yaml_errors', p);
    const updatedAfter = optionalDate(params, 'updated_after', p);
    const updatedBefore = optionalDate(params, 'updated_before', p);
    const createdAfter = optionalDate(params, 'created_after', p);
    const createdBefore = optionalDate(params, 'created_before', p);
    const orderBy = optionalEnum(params, 'order_by', ORDER_BY, p) ?? 'id';
    const sort = optionalEnum(params, 'sort', ['asc', 'desc'] as const, p) ?? 'desc';
    p.throwIfAny();
    const page = readPage(params);
    const filter: PipelineListFilter = {
      projectId: project.id, excludeChildren: source !== 'parent_pipeline', source: source === 'unknown' ? undefined : source, ref, sha, name,
      yamlErrors, updatedAfter, updatedBefore, createdAfter, createdBefore,
    };
    if (status) filter.statuses = [status];
    if (scope === 'running' || scope === 'pending') filter.statuses = [...(filter.statuses ?? [scope]).filter((s) => s === scope)];
    if (scope === 'finished') filter.statuses = (filter.statuses ?? ['success', 'failed', 'canceled']).filter((s) => ['success', 'failed', 'canceled'].includes(s));
    if (scope === 'running' || scope === 'pending' || scope === 'finished') if (filter.statuses!.length === 0) filter.ids = [];
    if (scope === 'branches' || scope === 'tags') filter.ids = await newestPerExistingRef(deps, project, scope === 'tags');
    if (username !== undefined) filter.userId = (await store.users.byUsername(username))?.id ?? null;
    // GitLab stops counting at 10,000 rows (no X-Total then); enough rows to know the next page.
    const cap = Math.max(10_001, page.offset + page.perPage + 1);
    const totalKey = `${project.id}:${listVersions.get(project.id) ?? 0}:${cap}:${JSON.stringify(filter)}`;
    const rows = await store.pipelineListing.list(filter, { by: orderBy, sort }, page.offset, page.perPage);
    let total = totals.get(totalKey);
    if (total === undefined) { total = await store.pipelineListing.countUpTo(filter, cap); totals.set(totalKey, total); }
    const base = deps.baseUrl();
    setPageHeaders(request, reply, page, total, base);
    return jsonText(reply, pipelineListBody(rows, project, base));
  });

  const latest = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const { project, access } = await projectContext(request, deps, { write: request.method === 'POST' });
    allow(access.readPipelines);
    const params = ciParams(request);
    const p = new Problems();
    const ref = optionalString(params, 'ref', p) || project.defaultBranch;
    p.throwIfAny();
    const head = await engine.resolveRef(project, ref);
    const run = head ? await store.runs.latestForRef(project.id, head.ref, head.sha) : null;
    // GitLab authorizes read_pipeline on nil here: no pipeline for the ref's HEAD is a 403.
    if (!run) throw new AppError('role_insufficient', '');
    return presentPipeline(deps, reply, run, project, true);
  };
  app.get<{ Params: Params }>('/api/v4/projects/:id/pipelines/latest', latest);
  // The seed document's example sends POST here; GitLab itself answers 404 (docs/api-compatibility.md).
  app.post<{ Params: Params }>('/api/v4/projects/:id/pipelines/latest', latest);

  // The hottest read of the API: answered without a promise when the caller's project and the
  // pipeline are at hand (ci-access's knownProjectContext, the store's viewNow), else awaited.
  const getPipeline = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const { project, access } = await projectContext(request, deps, { jobToken: true });
    allow(access.readPipelines);
    const view = await pipelineViewInProject(deps, project, request.params.pipeline_id);
    return jsonText(reply, pipelineBody(view, project, deps.baseUrl(), true));
  };
  app.get<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id', (request, reply) => {
    const known = knownProjectContext(request, deps, { jobToken: true });
    if (!known) return getPipeline(request, reply);
    allow(known.access.readPipelines);
    const view = pipelineViewInProjectNow(deps, known.project, request.params.pipeline_id);
    if (view === undefined) return getPipeline(request, reply);
    return jsonText(reply, pipelineBody(view, known.project, deps.baseUrl(), true));
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/pipeline', async (request, reply) => {
    const ctx = await projectContext(request, deps, { write: true });
    allow(ctx.access.runPipelines);
    const params = ciParams(request);
    const run = await createPipelineFor(deps, ctx.project, ctx.user, params, 'api');
    reply.code(201);
    return presentPipeline(deps, reply, run, ctx.project, false);
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id/retry', async (request, reply) => {
    const { project, access, user } = await projectContext(request, deps, { write: true });
    allow(access.runPipelines);
    const run = await runInProject(deps, project, request.params.pipeline_id);
    await engine.retryRun(run.id, user);
    reply.code(201);
    return presentPipeline(deps, reply, (await store.runs.byId(run.id))!, project, false);
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id/cancel', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { write: true });
    allow(access.runPipelines);
    const run = await runInProject(deps, project, request.params.pipeline_id);
    await engine.cancelRun(run.id);
    reply.code(200);
    return presentPipeline(deps, reply, (await store.runs.byId(run.id))!, project, false);
  });

  app.delete<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { write: true });
    allow(access.own);
    const run = await runInProject(deps, project, request.params.pipeline_id);
    await engine.deleteRun(run.id);
    return reply.code(204).send();
  });

  app.put<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id/metadata', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { write: true, jobToken: true });
    allow(access.runPipelines);
    const params = ciParams(request);
    const p = new Problems();
    const name = requiredString(params, 'name', p).trim();
    p.throwIfAny();
    const run = await runInProject(deps, project, request.params.pipeline_id);
    if (name.length > 255) badRequest('Failed to update pipeline - Name is too long (maximum is 255 characters)');
    await store.runs.update(run.id, { name, updatedAt: Date.now() });
    return presentPipeline(deps, reply, (await store.runs.byId(run.id))!, project, true);
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id/variables', async (request) => {
    const { project, access, user } = await projectContext(request, deps);
    const run = await runInProject(deps, project, request.params.pipeline_id);
    // read_pipeline_variable: maintainers and owners, or the developer who created the pipeline.
    allow(access.manage || (access.runPipelines && user !== null && run.userId === user.id));
    return run.variables.map((v) => ({ variable_type: v.variable_type, key: v.key, value: v.value, raw: false }));
  });

  const reports = async (request: FastifyRequest<{ Params: Params }>): Promise<JobReport[]> => {
    const { project, access } = await projectContext(request, deps);
    allow(access.readPipelines);
    const run = await runInProject(deps, project, request.params.pipeline_id);
    const jobs = (await store.jobs.forRun(run.id)).filter((j) => j.kind === 'build');
    const stored = await store.artifacts.reportsFor(jobs.map((j) => j.id), 'junit');
    return stored.map((r) => {
      const data = (r.data ?? {}) as { testCases?: StoredTestCase[]; error?: string | null };
      const job = jobs.find((j) => j.id === r.jobId)!;
      return { jobId: r.jobId, jobName: job.name, testCases: data.testCases ?? [], error: data.error ? `JUnit XML parsing failed: ${data.error}` : null };
    }).sort((a, b) => a.jobId - b.jobId);
  };
  app.get<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id/test_report', async (request) => testReport(await reports(request)));
  app.get<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id/test_report_summary', async (request) => testReportSummary(await reports(request)));
}

/** Scope branches/tags: the newest pipeline of each ref that still exists in the repository. */
async function newestPerExistingRef(deps: HttpDeps, project: Parameters<HttpDeps['engine']['resolveRef']>[0], tags: boolean): Promise<number[]> {
  const ids: number[] = [];
  for (const { ref, id } of await deps.store.pipelineListing.newestPerRef(project.id, tags)) {
    const exists = await deps.engine.resolveRef(project, tags ? `refs/tags/${ref}` : `refs/heads/${ref}`);
    if (exists) ids.push(id);
  }
  return ids;
}
