import type { Logger } from '../../shared/index.js';
import type { Job, RunVariable, Store } from '../store/index.js';
import type { Engine } from './engine.js';
import { startBuddyRun } from './buddy-runs.js';
import { SERVER_ACTION_TAG } from './actions-plan.js';

/**
 * RUN_NEXT_PIPELINE actions (spec §5.1: "RUN_NEXT_PIPELINE action creates an execution"). The
 * action compiles to a job tagged SERVER_ACTION_TAG (actions-plan.ts), a tag no runner carries, so
 * it is never claimed by a runner: when it becomes pending, this loop claims it (pending → running,
 * a guarded transition), starts the next pipeline through startBuddyRun (so its policies apply),
 * and finishes the job through the engine:
 * - without `wait`, the job succeeds once the next execution exists (fails if it was refused);
 * - with `wait: true`, the job stays running and mirrors the next execution's final status.
 * Action fields: `next_project_name` (default: this project), `next_pipeline_id` (or
 * `next_pipeline_name` / identifier), `variables: [{key, value}]` → the next run's variables,
 * `revision`: `INHERIT` runs the same commit when the ref exists there (default: HEAD of the next
 * pipeline's default ref), `wait`. The next run's id is kept in the job spec as `buddyNextRunId`.
 */
export { SERVER_ACTION_TAG };

type Deps = { store: Store; engine: Engine; logger: Logger };

/** The run variables an action passes on (its `variables` field). */
export function passedVariables(settings: Record<string, unknown>): RunVariable[] {
  const list = Array.isArray(settings.variables) ? settings.variables as Array<Record<string, unknown>> : [];
  return list.filter((v) => typeof v.key === 'string' && v.key)
    .map((v) => ({ key: v.key as string, value: String(v.value ?? ''), variable_type: 'env_var' as const }));
}

/** What a waiting RUN_NEXT_PIPELINE job ends as, given the next run's status; null = still running. */
export function mirroredState(nextStatus: string): 'success' | 'failed' | 'canceled' | null {
  if (nextStatus === 'success') return 'success';
  if (nextStatus === 'failed' || nextStatus === 'skipped') return 'failed';
  if (nextStatus === 'canceled') return 'canceled';
  return null;
}

function actionIdOf(job: Job): number | null {
  const v = (job.spec.variables as Record<string, { value?: string } | string> | undefined)?.BUDDY_ACTION_ID;
  const n = Number(typeof v === 'object' ? v?.value : v);
  return Number.isInteger(n) ? n : null;
}

async function appendLine(deps: Deps, job: Job, text: string): Promise<void> {
  const current = (await deps.store.jobs.byId(job.id)) ?? job;
  await deps.engine.appendLog(current, current.logSize, Buffer.from(`${text}\n`)).catch(() => undefined);
}

async function startNext(deps: Deps, job: Job): Promise<void> {
  const { store, engine } = deps;
  const fail = async (message: string) => {
    await appendLine(deps, job, message);
    await engine.finishJob(job.id, { state: 'failed', failureReason: 'script_failure' });
  };
  const actionId = actionIdOf(job);
  const action = actionId !== null ? await store.buddyActions.byId(actionId) : null;
  const run = await store.runs.byId(job.runId);
  const here = run ? await store.projects.byId(run.projectId) : null;
  if (!action || !run || !here) return fail('RUN_NEXT_PIPELINE: the action or its run is gone');
  const s = action.settings;
  const project = typeof s.next_project_name === 'string' && s.next_project_name && s.next_project_name !== here.path
    ? await store.projects.byFullPath(here.workspacePath, s.next_project_name) : here;
  if (!project) return fail(`RUN_NEXT_PIPELINE: project ${String(s.next_project_name)} not found`);
  const definitions = await store.definitions.listForProject(project.id);
  const definition = definitions.find((d) => d.id === Number(s.next_pipeline_id))
    ?? definitions.find((d) => typeof s.next_pipeline_name === 'string' && (d.name === s.next_pipeline_name || d.identifier === s.next_pipeline_name));
  if (!definition) return fail(`RUN_NEXT_PIPELINE: pipeline ${String(s.next_pipeline_id ?? s.next_pipeline_name)} not found`);
  const inherit = s.revision === 'INHERIT' && project.id === here.id;
  const user = run.userId !== null ? await store.users.byId(run.userId) : null;
  try {
    const next = await startBuddyRun({ store, engine }, {
      project, definition, ref: inherit ? (run.tag ? `refs/tags/${run.ref}` : `refs/heads/${run.ref}`) : null,
      sha: inherit ? run.sha : undefined, source: 'pipeline', user, variables: passedVariables(s),
      comment: `Triggered by ${here.path} pipeline execution #${run.number}`,
    });
    await store.jobs.updateSpec(job.id, { ...job.spec, buddyNextRunId: next.id });
    await appendLine(deps, job, `Started pipeline "${definition.name}" execution #${next.number} (run ${next.id})`);
    if (s.wait !== true) await engine.finishJob(job.id, { state: 'success' });
  } catch (error) {
    await fail(`RUN_NEXT_PIPELINE: ${(error as Error).message}`);
  }
}

/** Loop body: claims pending RUN_NEXT_PIPELINE jobs and starts their pipelines; ends waiting ones. */
export async function runNextPipelines(deps: Deps, now: number): Promise<number> {
  const { store, engine } = deps;
  let handled = 0;
  for (const id of await store.buddyState.serverActionJobs(SERVER_ACTION_TAG)) {
    const job = await store.jobs.byId(id);
    if (!job) continue;
    try {
      if (job.status === 'pending') {
        if (!(await store.jobs.transition(job.id, ['pending'], { status: 'running', startedAt: now }))) continue;
        await engine.rollUpRun(job.runId);
        await startNext(deps, (await store.jobs.byId(job.id))!);
        handled++;
      } else if (job.status === 'running' && typeof job.spec.buddyNextRunId === 'number') {
        const next = await store.runs.byId(job.spec.buddyNextRunId);
        const state = next ? mirroredState(next.status) : 'failed';
        if (state) { await engine.finishJob(job.id, { state, failureReason: state === 'failed' ? 'script_failure' : null }); handled++; }
      }
    } catch (error) {
      deps.logger.warn({ err: error, jobId: id }, 'RUN_NEXT_PIPELINE action failed');
    }
  }
  return handled;
}
