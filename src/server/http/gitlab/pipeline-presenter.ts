import type { Project, Run, User } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { notFound } from './ci-access.js';
import { integerPath } from './ci-params.js';
import { pipelineEntity } from './pipeline-entities.js';

/** `:pipeline_id` of this project; another project's or a missing one is `404 Not found`. */
export async function runInProject(deps: HttpDeps, project: Project, pipelineId: string | undefined): Promise<Run> {
  const id = integerPath(pipelineId, 'pipeline_id');
  const run = await deps.store.runs.byId(id);
  if (!run || run.projectId !== project.id) notFound();
  return run;
}

/** The full Pipeline entity with its user and "passed with warnings" looked up. */
export async function presentPipeline(deps: HttpDeps, run: Run, project: Project, withName: boolean) {
  const user: User | null = run.userId !== null ? await deps.store.users.byId(run.userId) : null;
  const warnings = run.status === 'success' ? await deps.store.pipelineListing.hasWarnings(run.id) : false;
  return pipelineEntity(run, project, user, warnings, deps.baseUrl(), withName);
}
