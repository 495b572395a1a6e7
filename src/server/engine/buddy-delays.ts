import type { Logger } from '../../shared/index.js';
import type { Run, RunVariable, Store } from '../store/index.js';
import type { Engine } from './engine.js';
import { admission } from './definition-policies-buddy.js';
import { effectiveSettings } from './buddy-pipeline-settings.js';

/**
 * Delayed executions (Buddy's run `delay_until`, spec §3.5.2 and §5.7).
 *
 * Contract: a delayed run carries its start time as the run variable DELAY_VARIABLE (ISO date),
 * written when it is created — the admit policy reads it from the stored run, before any other
 * hook could know the run's id, and holds the run back (status created → ENQUEUED) until then.
 * RUN_DELAYED sets `context.buddy.delayReleased`, which ends the delay at once. A run whose
 * delay has passed is started by the loop (startDueDelayedRuns) when the pipeline's admission
 * rules let it start now; otherwise it waits like any queued run and `next` starts it later.
 */
export const DELAY_VARIABLE = 'BUDDY_EXECUTION_DELAY_UNTIL';

/** The time (ms) a run is delayed until, or null when it is not (or no longer) delayed. */
export function delayUntilOf(run: Pick<Run, 'variables' | 'context'>): number | null {
  const released = (run.context.buddy as { delayReleased?: boolean } | undefined)?.delayReleased === true;
  if (released) return null;
  const v = run.variables.find((x) => x.key === DELAY_VARIABLE);
  if (!v) return null;
  const t = Date.parse(v.value);
  return Number.isFinite(t) ? t : null;
}

/** Whether a run is still waiting for its delay at `now`. */
export function isDelayed(run: Pick<Run, 'variables' | 'context'>, now: number): boolean {
  const t = delayUntilOf(run);
  return t !== null && t > now;
}

/** The run variable that makes a run delayed; `at` is a validated future time (ms). */
export function delayVariable(at: number): RunVariable {
  return { key: DELAY_VARIABLE, value: new Date(at).toISOString(), variable_type: 'env_var' };
}

/** Parses an API `delay_until`: an ISO date-time; returns ms or an error message. */
export function parseDelayUntil(value: unknown, now: number): { at: number } | { error: string } {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || !Number.isFinite(Date.parse(value))) {
    return { error: 'delay_until must be an ISO 8601 date-time' };
  }
  const at = Date.parse(value);
  if (at <= now) return { error: 'delay_until must be in the future' };
  return { at };
}

type Deps = { store: Store; engine: Engine; logger: Logger };

/**
 * Starts a created run whose delay is over if its pipeline's admission rules allow a start now
 * (one run at a time unless concurrent_pipeline_runs). Returns whether it was started.
 */
async function startIfAdmitted(deps: Deps, run: Run): Promise<boolean> {
  const definition = await deps.store.definitions.byId(run.definitionId);
  if (!definition) return false;
  const others = await deps.store.runs.list({
    projectId: run.projectId, definitionId: run.definitionId, excludeChildren: true,
    statuses: ['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'canceling', 'manual', 'scheduled'],
    orderBy: 'id', sort: 'asc', offset: 0, limit: 1000,
  });
  const view = others.map((r) => ({ id: r.id, status: r.status, ref: r.ref }));
  if (!admission(effectiveSettings(definition), { id: run.id, status: run.status, ref: run.ref }, view).admit) return false;
  await deps.engine.startQueuedRun(run.id);
  return true;
}

/** Loop body: starts delayed runs that are due at `now`; returns how many started. */
export async function startDueDelayedRuns(deps: Deps, now: number): Promise<number> {
  let started = 0;
  for (const id of await deps.store.buddyState.waitingRunsMentioning(DELAY_VARIABLE)) {
    const run = await deps.store.runs.byId(id);
    if (!run || run.status !== 'created') continue;
    const until = delayUntilOf(run);
    if (until === null || until > now) continue;
    try {
      if (await startIfAdmitted(deps, run)) started++;
    } catch (error) {
      deps.logger.warn({ err: error, runId: run.id }, 'delayed run not started');
    }
  }
  return started;
}

/** RUN_DELAYED: ends the delay of a waiting run now and starts it if the pipeline is free. */
export async function runDelayedNow(deps: Deps, runId: number): Promise<void> {
  await deps.store.transaction(async (tx) => {
    await tx.runs.lock(runId);
    const run = await tx.runs.byId(runId);
    if (!run) return;
    const buddy = { ...(run.context.buddy as Record<string, unknown> | undefined), delayReleased: true };
    await tx.runs.update(runId, { context: { ...run.context, buddy }, updatedAt: Date.now() });
  });
  const run = await deps.store.runs.byId(runId);
  if (run && run.status === 'created') await startIfAdmitted(deps, run);
}
