import { AppError, type Logger } from '../../shared/index.js';
import type { Definition, Project, Run, RunVariable, Store, User } from '../store/index.js';
import type { PipelineSource } from '../../pipeline/index.js';
import type { Engine } from './engine.js';
import { effectiveSettings, PRIORITY_VALUE, type PriorityName } from './buddy-pipeline-settings.js';
import { conditionsHold, eventsMatchPush, nextScheduleTime, pushKinds } from './buddy-triggers.js';
import { clearPipelineCache } from './buddy-caches.js';
import { DELAY_VARIABLE, delayVariable } from './buddy-delays.js';
import { LOOP_VARIABLE, loopCombinations, loopRunVariables, pipelineVariableValues } from './buddy-loop.js';

/**
 * Starting Buddy executions: from the API (and the inbound trigger webhook), from SCHEDULE
 * events, and from PUSH / CREATE_REF / DELETE_REF events. Every path ends in engine.createRun, so
 * the definition policies (disabled, one at a time, skip to most recent, …) apply to all of them.
 */
export interface BuddyRunRequest {
  project: Project;
  definition: Definition;
  /** Full ref or branch/tag name; default: the pipeline's first plain ref, else the default branch. */
  ref?: string | null;
  sha?: string;
  source: PipelineSource;
  user: User | null;
  variables?: RunVariable[];
  comment?: string | null;
  priority?: PriorityName | null;
  clearCache?: boolean;
  refresh?: boolean;
  actionsToRun?: number[] | null;
  changedPaths?: string[] | null;
  beforeSha?: string;
  /** Buddy's delay_until (ms, validated to be in the future): the run waits until then (buddy-delays.ts). */
  delayUntil?: number | null;
}

export function defaultRefOf(definition: Definition, project: Project): string {
  const plain = effectiveSettings(definition).refs.find((r) => !r.includes('*') && r !== ':context');
  return plain ?? `refs/heads/${project.defaultBranch}`;
}

/**
 * Starts an execution; with the pipeline's `loop` set, one per combination of the loop values
 * (buddy-loop.ts) — the first is returned, the others are listed in order after it.
 */
export async function startBuddyRun(deps: { store: Store; engine: Engine }, request: BuddyRunRequest): Promise<Run> {
  return (await startBuddyRuns(deps, request))[0]!;
}

export async function startBuddyRuns(deps: { store: Store; engine: Engine }, request: BuddyRunRequest): Promise<Run[]> {
  const { definition, project } = request;
  if (request.clearCache || request.refresh) await clearPipelineCache(deps.store, definition, project);
  const own = (request.variables ?? []).filter((v) => v.key !== DELAY_VARIABLE && v.key !== LOOP_VARIABLE);
  const loopKeys = effectiveSettings(definition).loop;
  let variableSets: RunVariable[][] = [own];
  if (loopKeys.length) {
    const values = { ...await pipelineVariableValues(deps.store, project.workspaceId, project.id, definition.id), ...Object.fromEntries(own.map((v) => [v.key, v.value])) };
    const combos = loopCombinations(loopKeys, values);
    if (combos.length) variableSets = loopRunVariables(own, combos);
  }
  const runs: Run[] = [];
  for (const variables of variableSets) {
    const result = await deps.engine.createRun({
      project, definition, ref: request.ref || defaultRefOf(definition, project), sha: request.sha, beforeSha: request.beforeSha,
      source: request.source, user: request.user,
      variables: [...variables, ...(request.delayUntil ? [delayVariable(request.delayUntil)] : [])],
      comment: request.comment ?? null,
      priority: request.priority ? PRIORITY_VALUE[request.priority] : definition.priority, actionsToRun: request.actionsToRun ?? null,
      changedPaths: request.changedPaths ?? null,
    });
    if (!result.created) {
      if (runs.length) break; // later loop runs: what was created stands
      const message = result.reason === 'no_jobs' ? 'The pipeline has no actions to run' : result.message;
      throw new AppError('validation_failed', message);
    }
    let run = result.run;
    if (request.refresh || request.clearCache) {
      // Kept on the run so the execution shows how it was asked for (Buddy's refresh / clear_cache).
      const latest = (await deps.store.runs.byId(run.id)) ?? run;
      const buddy = { ...(latest.context.buddy as Record<string, unknown> | undefined), refresh: request.refresh === true, clearCache: request.clearCache === true };
      await deps.store.runs.update(run.id, { context: { ...latest.context, buddy }, updatedAt: latest.updatedAt });
      run = (await deps.store.runs.byId(run.id)) ?? run;
    }
    runs.push(run);
  }
  return runs;
}

/** Definitions that are Buddy pipelines (made through the Buddy API, or given Buddy events). */
function buddyEvents(definition: Definition): Array<Record<string, unknown>> {
  return effectiveSettings(definition).events;
}

/**
 * Fires SCHEDULE events that are due at `now`. The last fire time of each event is a guarded
 * cursor, so two servers never fire one tick twice; an event seen for the first time starts
 * counting from now (no burst of missed ticks after a restart, as in Buddy).
 */
export async function fireSchedules(deps: { store: Store; engine: Engine; logger: Logger }, now: number): Promise<number> {
  const { store, logger } = deps;
  let fired = 0;
  for (const id of await store.buddyState.definitionsMentioning('SCHEDULE')) {
    const definition = await store.definitions.byId(id);
    if (!definition) continue;
    const settings = effectiveSettings(definition);
    const events = buddyEvents(definition);
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.type !== 'SCHEDULE') continue;
      const name = `schedule:${definition.id}:${i}`;
      const last = await store.buddyState.cursor(name);
      if (last === null) { await store.buddyState.moveCursor(name, null, now); continue; }
      const due = nextScheduleTime(event, last);
      if (due === null || due > now) continue;
      if (!(await store.buddyState.moveCursor(name, last, now))) continue;
      if (settings.disabled || settings.paused) continue;
      const project = await store.projects.byId(definition.projectId);
      if (!project) continue;
      const ref = Array.isArray(event.refs) && typeof event.refs[0] === 'string' ? event.refs[0] : null;
      try {
        await startBuddyRun(deps, { project, definition, ref, source: 'schedule', user: null });
        fired++;
      } catch (error) {
        logger.warn({ err: error, definitionId: definition.id }, 'scheduled run not started');
      }
    }
  }
  return fired;
}

/**
 * Turns pushes into runs of Buddy pipelines whose PUSH / CREATE_REF / DELETE_REF events match
 * (the project's default `.gitlab-ci.yml` definition is run by push intake, not here). Follows
 * push_events with its own cursor; `onPush` sees every push (outbound PUSH webhooks).
 */
export async function followPushes(deps: { store: Store; engine: Engine; logger: Logger; onPush?(event: { projectId: number; ref: string; beforeSha: string; afterSha: string; userId: number | null }): Promise<void> }): Promise<number> {
  const { store, logger } = deps;
  const cursor = await store.buddyState.cursor('push-events');
  if (cursor === null) {
    await store.buddyState.moveCursor('push-events', null, await store.buddyState.lastPushEventId());
    return 0;
  }
  const events = await store.buddyState.pushEventsAfter(cursor, 50);
  if (events.length === 0) return 0;
  if (!(await store.buddyState.moveCursor('push-events', cursor, events[events.length - 1]!.id))) return 0;
  let created = 0;
  for (const push of events) {
    try {
      await deps.onPush?.(push);
      const project = await store.projects.byId(push.projectId);
      if (!project) continue;
      const kinds = pushKinds(push.beforeSha, push.afterSha);
      const user = push.userId !== null ? await store.users.byId(push.userId) : null;
      for (const definition of await store.definitions.listForProject(project.id)) {
        if (definition.isDefault) continue;
        const settings = effectiveSettings(definition);
        if (!eventsMatchPush(settings.events, settings.refs, push.ref, kinds)) continue;
        if (settings.disabled) continue;
        const changedPaths = kinds.includes('CREATE_REF') || kinds.includes('DELETE_REF') ? null : await changedPathsOf(deps, project, push.beforeSha, push.afterSha);
        const holds = conditionsHold(settings.trigger_conditions, {
          changedPaths, variables: {}, now: push.createdAt, userEmail: user?.email ?? null, userGroups: [],
          fromScratch: settings.always_from_scratch || settings.auto_clear_cache,
        });
        if (!holds) { logger.info({ definitionId: definition.id, pushEventId: push.id }, 'trigger conditions not met'); continue; }
        if (kinds.includes('DELETE_REF')) continue; // nothing left to check out; Buddy runs DELETE_REF pipelines on the context ref
        await startBuddyRun(deps, { project, definition, ref: push.ref, sha: push.afterSha, beforeSha: push.beforeSha, source: 'push', user, changedPaths });
        created++;
      }
    } catch (error) {
      logger.warn({ err: error, pushEventId: push.id }, 'buddy push trigger failed');
    }
  }
  return created;
}

async function changedPathsOf(deps: { engine: Engine }, project: Project, before: string, after: string): Promise<string[] | null> {
  if (/^0+$/.test(before) || /^0+$/.test(after)) return null;
  return deps.engine.changedPaths(project, before, after).catch(() => null);
}
