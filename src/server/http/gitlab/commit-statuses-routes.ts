import type { FastifyInstance } from 'fastify';
import { isoTime } from '../../../shared/index.js';
import type { Job, Project, Run, User } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { allow, notFound, projectContext } from './ci-access.js';
import { ciParams, optionalBoolean, optionalInteger, optionalString, Problems } from './ci-params.js';
import { userBasic } from './entities.js';
import { readPage, setPageHeaders } from './pagination.js';
import { projectPath } from './pipeline-entities.js';

const ORDER_BY = ['id', 'pipeline_id'] as const;
const SORT = ['asc', 'desc'] as const;

/**
 * A commit's statuses (GitLab's lib/api/commit_statuses.rb, GET only): every job of the project's
 * runs at that sha is one status, the latest attempts unless `all`. Runnel hosts the repository,
 * so this is where a run "posts" its commit status — and why a Buddy pipeline with
 * `do_not_create_commit_status` leaves none: its runs are left out. Runnel keeps no statuses
 * posted by other systems (POST /statuses/:sha is not offered).
 */
export function registerCommitStatusRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store } = deps;

  app.get<{ Params: { id: string; sha: string } }>('/api/v4/projects/:id/repository/commits/:sha/statuses', async (request, reply) => {
    const { project, access } = await projectContext(request, deps);
    allow(access.readPipelines);
    const params = ciParams(request);
    const p = new Problems();
    const ref = optionalString(params, 'ref', p);
    const stage = optionalString(params, 'stage', p);
    const name = optionalString(params, 'name', p);
    const pipelineId = optionalInteger(params, 'pipeline_id', p);
    const all = optionalBoolean(params, 'all', p) ?? false;
    const orderBy = optionalString(params, 'order_by', p) ?? 'id';
    const sort = optionalString(params, 'sort', p) ?? 'asc';
    if (!(ORDER_BY as readonly string[]).includes(orderBy)) p.add('order_by does not have a valid value');
    if (!(SORT as readonly string[]).includes(sort)) p.add('sort does not have a valid value');
    p.throwIfAny();
    const page = readPage(params);
    const sha = request.params.sha;
    if (!/^[0-9a-f]{7,64}$/i.test(sha)) notFound('404 Commit Not Found');

    const runs = (await store.runs.list({ projectId: project.id, excludeChildren: false, sha, orderBy: 'id', sort: 'asc', offset: 0, limit: 10_000 }))
      .filter((r) => pipelineId === undefined || r.id === pipelineId)
      .filter((r) => ref === undefined || r.ref === ref);
    if (deps.repos && !(await deps.repos.resolveRef(project, sha))) notFound('404 Commit Not Found');
    const silenced = new Set<number>();
    for (const id of new Set(runs.map((r) => r.definitionId))) {
      const definition = await store.definitions.byId(id);
      if (definition?.settings.do_not_create_commit_status === true) silenced.add(id);
    }
    const byId = new Map(runs.filter((r) => !silenced.has(r.definitionId)).map((r) => [r.id, r]));
    let jobs: Job[] = [];
    for (const run of byId.values()) jobs.push(...await store.jobs.forRun(run.id, { includeRetried: all }));
    if (stage !== undefined) jobs = jobs.filter((j) => j.stage === stage);
    if (name !== undefined) jobs = jobs.filter((j) => j.name === name);
    const key = (j: Job) => (orderBy === 'pipeline_id' ? j.runId : j.id);
    jobs.sort((a, b) => (key(a) - key(b) || a.id - b.id) * (sort === 'desc' ? -1 : 1));

    setPageHeaders(request, reply, page, jobs.length, deps.baseUrl());
    const shown = jobs.slice(page.offset, page.offset + page.perPage);
    const users = new Map<number, User | null>();
    const out = [];
    for (const job of shown) {
      const userId = job.userId ?? byId.get(job.runId)?.userId ?? null;
      if (userId !== null && !users.has(userId)) users.set(userId, await store.users.byId(userId));
      out.push(statusEntity(job, byId.get(job.runId)!, project, userId === null ? null : users.get(userId) ?? null, deps.baseUrl()));
    }
    return out;
  });
}

/** GitLab's Entities::CommitStatus for a job. */
function statusEntity(job: Job, run: Run, project: Project, author: User | null, baseUrl: string) {
  return {
    id: job.id, sha: run.sha, ref: run.ref, status: job.status, name: job.name,
    target_url: `${baseUrl}/${projectPath(project)}/-/jobs/${job.id}`,
    description: null,
    created_at: isoTime(job.createdAt), started_at: isoTime(job.startedAt), finished_at: isoTime(job.finishedAt),
    allow_failure: job.allowFailure,
    coverage: job.coverage,
    pipeline_id: run.id,
    author: author ? userBasic(author, baseUrl) : null,
  };
}
