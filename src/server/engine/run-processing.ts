import type { Clock } from '../../shared/index.js';
import type { JobState, Repositories } from '../store/index.js';
import { compositeStatus, decideCreatedJob, hasWarnings, isCompleted, type RunStatus } from './statuses.js';
import { summarizeRun, type RunSummary } from './run-summary.js';

/**
 * Event-driven scheduling of one run, GitLab's atomic processing made incremental. Called inside
 * a transaction that holds the run's lock, with the names of jobs whose status just changed (or
 * `initial` for a new run). It moves created jobs whose prerequisites are complete to pending,
 * manual, scheduled or skipped, follows the cascade of skips, and returns what it changed.
 *
 * Cost: per changed job, one indexed lookup of the jobs that need it, plus one grouped read of
 * the run's jobs (stages × statuses, see run-summary.ts) to see whether the next stage may start,
 * which the roll-up after it reuses. Never a read of every job of the run per event.
 */
export interface ProcessOutcome {
  /** Jobs that became pending (wake runners). */
  queued: number[];
  /** Those of them that are bridges (trigger jobs: started by the engine, never by a runner). */
  bridges: number[];
  /** Every job whose status changed, with its new status. */
  changed: Array<{ id: number; status: string }>;
  /** The run as read after the last change made here, if it read one (for the roll-up). */
  summary: RunSummary | null;
}

export async function processRun(
  tx: Repositories,
  runId: number,
  trigger: { initial: true } | { changedNames: string[] },
  clock: Clock,
  /** `needs: false`: no job of the run needs another (the run's context says so): no job has dependents to look up. */
  options: { needs?: boolean } = {},
): Promise<ProcessOutcome> {
  const outcome: ProcessOutcome = { queued: [], bridges: [], changed: [], summary: null };
  const work: string[] = 'initial' in trigger || options.needs === false ? [] : [...trigger.changedNames];
  let checkStages = true;

  const apply = async (job: JobState, decision: 'pending' | 'manual' | 'scheduled' | 'skipped', delaySeconds: number | null) => {
    let target: string = decision;
    const now = clock.now();
    // resource_group: one job at a time per group; the rest wait their turn.
    if (decision === 'pending' && job.resourceGroup) {
      const run = await tx.runs.byId(runId);
      if (run && await tx.jobs.resourceGroupBusy(run.projectId, job.resourceGroup, job.id)) target = 'waiting_for_resource';
    }
    const ok = await tx.jobs.transition(job.id, ['created'], {
      status: target,
      ...(target === 'pending' && { queuedAt: now }),
      ...(target === 'scheduled' && { scheduledAt: now + (delaySeconds ?? 0) * 1000 }),
      ...(target === 'skipped' && { finishedAt: now }),
    });
    if (!ok) return;
    outcome.summary = null;
    outcome.changed.push({ id: job.id, status: target });
    if (target === 'pending') {
      outcome.queued.push(job.id);
      if (job.kind === 'bridge') outcome.bridges.push(job.id);
    }
    // A skipped job is complete at once and can unblock (or skip) others in turn.
    if (target === 'skipped') { if (options.needs !== false) work.push(job.name); checkStages = true; }
  };

  const decideDag = async (job: JobState) => {
    const needs = await tx.jobs.needsOf(job.id);
    const states = await tx.jobs.statesByNames(runId, needs.map((n) => n.name));
    const inputs = states.map((s) => ({ status: s.status, allowFailure: s.allowFailure }));
    const status: RunStatus | null = compositeStatus(inputs, { dag: true });
    const decision = decideCreatedJob({ when: job.when, dag: true }, status, hasWarnings(inputs));
    if (decision) await apply(job, decision, await delayOf(job));
  };

  const delayOf = async (job: JobState): Promise<number | null> => {
    if (job.when !== 'delayed') return null;
    const full = await tx.jobs.byId(job.id);
    const seconds = full?.spec.startInSeconds;
    return typeof seconds === 'number' ? seconds : 0;
  };

  if ('initial' in trigger) {
    for (const job of await tx.jobs.createdWithoutNeeds(runId)) await decideDag(job);
  }

  for (let guard = 0; guard < 100_000; guard++) {
    const name = work.shift();
    if (name !== undefined) {
      for (const dependent of await tx.jobs.createdDependentsOf(runId, name)) await decideDag(dependent);
      continue;
    }
    if (!checkStages) break;
    checkStages = false;
    // Stage ordering: the lowest stage with created (non-needs) jobs may proceed once everything
    // in the stages before it is complete.
    const summary = summarizeRun(await tx.jobs.stageGroups(runId));
    outcome.summary = summary;
    const stage = summary.lowestCreatedStage;
    if (stage === null) break;
    const inputs = summary.statusesBefore(stage);
    const status = compositeStatus(inputs);
    if (status !== null && !isCompleted(status)) continue;
    const warnings = hasWarnings(inputs);
    const created = await tx.jobs.createdInStage(runId, stage);
    for (const job of created) {
      const decision = decideCreatedJob({ when: job.when, dag: false }, status, warnings);
      if (decision) await apply(job, decision, await delayOf(job));
    }
    // The stage may now be complete (all skipped) and unblock the next one.
    checkStages = true;
    if (created.length === 0) break;
  }
  return outcome;
}

/** The run's status from its current jobs, GitLab's composite; 'skipped' for a run with none. */
export async function runStatusOf(tx: Repositories, runId: number): Promise<RunStatus> {
  return (await readRunSummary(tx, runId)).status;
}

export async function readRunSummary(tx: Repositories, runId: number): Promise<RunSummary> {
  return summarizeRun(await tx.jobs.stageGroups(runId));
}
