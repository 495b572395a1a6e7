import type { FastifyReply } from 'fastify';
import type { PipelineView, Project, Run } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { jsonText } from '../http-reply.js';
import { notFound } from './ci-access.js';
import { integerPath } from './ci-params.js';
import { pipelineJson } from './pipeline-json.js';

/** `:pipeline_id` of this project; another project's or a missing one is `404 Not found`. */
export async function runInProject(deps: HttpDeps, project: Project, pipelineId: string | undefined): Promise<Run> {
  const id = integerPath(pipelineId, 'pipeline_id');
  const run = await deps.store.runs.byId(id);
  if (!run || run.projectId !== project.id) notFound();
  return run;
}

/** The Pipeline entity's data of `:pipeline_id` of this project, in one read (the hot GET). */
export async function pipelineViewInProject(deps: HttpDeps, project: Project, pipelineId: string | undefined): Promise<PipelineView> {
  const id = integerPath(pipelineId, 'pipeline_id');
  const view = await deps.store.pipelineListing.view(id);
  if (!view || view.projectId !== project.id) notFound();
  return view;
}

/** pipelineViewInProject's answer when the store has it without a promise (store's viewNow); else undefined. */
export function pipelineViewInProjectNow(deps: HttpDeps, project: Project, pipelineId: string | undefined): PipelineView | undefined {
  const view = deps.store.pipelineListing.viewNow(integerPath(pipelineId, 'pipeline_id'));
  if (view === undefined) return undefined;
  if (!view || view.projectId !== project.id) notFound();
  return view;
}

/** The Pipeline entity's data of a run already in hand, with its user and "passed with warnings" looked up. */
export async function pipelineViewOf(deps: HttpDeps, run: Run): Promise<PipelineView> {
  const user = run.userId !== null ? await deps.store.users.byId(run.userId) : null;
  const warnings = run.status === 'success' ? await deps.store.pipelineListing.hasWarnings(run.id) : false;
  return {
    id: run.id, iid: run.iid, projectId: run.projectId, sha: run.sha, ref: run.ref, status: run.status, source: run.source, name: run.name,
    createdAt: run.createdAt, updatedAt: run.updatedAt, beforeSha: run.beforeSha, tag: run.tag, yamlErrors: run.yamlErrors, userId: run.userId,
    startedAt: run.startedAt, finishedAt: run.finishedAt, committedAt: run.committedAt, durationSeconds: run.durationSeconds,
    queuedDurationSeconds: run.queuedDurationSeconds, coverage: run.coverage,
    user: user && { id: user.id, username: user.username, name: user.name, state: user.state }, warnings,
  };
}

/** Answers with the full Pipeline entity of `run` (PipelineWithMetadata when `withName`). */
export async function presentPipeline(deps: HttpDeps, reply: FastifyReply, run: Run, project: Project, withName: boolean): Promise<string> {
  return jsonText(reply, pipelineJson(await pipelineViewOf(deps, run), project, deps.baseUrl(), withName));
}
