import { AppError, type Logger } from '../../shared/index.js';
import type { Definition, Repositories, Run, Store } from '../store/index.js';
import { clearPipelineCache } from './buddy-caches.js';
import type { DefinitionPolicies } from './definition-policies.js';
import { effectiveSettings, type EffectiveSettings } from './buddy-pipeline-settings.js';
import { COMPLETED } from './statuses.js';
import { isDelayed } from './buddy-delays.js';
import { LOOP_VARIABLE } from './buddy-loop.js';

/**
 * Buddy's pipeline settings acting on runs from either API (shared/spec/buddy-api.md §5):
 * - disabled: every new run is refused; paused: scheduled runs are refused;
 * - description_required: a manual/API run without a comment is refused;
 * - concurrent_pipeline_runs=false: one run of the pipeline at a time, the others wait (ENQUEUED);
 * - no_skip_to_most_recent=false: when the pipeline frees up, the newest waiting run (per ref)
 *   starts and the older waiting runs on that ref end SKIPPED; true: they run in order;
 * - terminate_stale_runs: a new run terminates the runs in progress on the same ref;
 * - pause_on_repeated_failures: after N failed runs in a row, a scheduled pipeline pauses;
 * - auto_clear_cache / always_from_scratch: the pipeline's cache scope is cleared before each run.
 * Child pipelines (source parent_pipeline) belong to their parent run and are never held back.
 * The decisions are the pure functions below; the object returned by createBuddyPolicies only
 * reads and writes what they need.
 */

/** `delayed`: a waiting run whose delay_until has not come (buddy-delays.ts); never started by `following`. */
/** `loop`: one of the runs of a loop fan-out (buddy-loop.ts); those run in order and are never skipped. */
export interface RunView { id: number; status: string; ref: string; delayed?: boolean; loop?: boolean }

/** A run is "in progress" once admitted and until it ends; `created` runs are waiting. */
function inProgress(r: RunView): boolean {
  return r.status !== 'created' && !COMPLETED.has(r.status);
}

/** Manual sources: a person (or their API client) asked for this run. */
const MANUAL_SOURCES = new Set(['api', 'web', 'trigger', 'chat']);

export function refusal(settings: EffectiveSettings, input: { comment: string | null; source: string }): string | null {
  if (settings.disabled) return settings.disabled_reason ? `Pipeline is disabled: ${settings.disabled_reason}` : 'Pipeline is disabled';
  if (input.source === 'schedule' && settings.paused) return 'Pipeline is paused';
  if (settings.description_required && MANUAL_SOURCES.has(input.source) && !(input.comment ?? '').trim()) return 'Execution comment is required for this pipeline';
  return null;
}

/** Whether a new run starts now, and which runs in progress it terminates. */
export function admission(settings: EffectiveSettings, run: RunView, others: RunView[]): { admit: boolean; terminate: number[] } {
  const active = others.filter((r) => r.id !== run.id && inProgress(r));
  const terminate = settings.terminate_stale_runs ? active.filter((r) => r.ref === run.ref && r.id < run.id).map((r) => r.id) : [];
  if (settings.concurrent_pipeline_runs) return { admit: true, terminate };
  return { admit: active.length === 0, terminate };
}

/** Whether `admission` decides without looking at the other runs (it then admits, terminating nothing). */
export function admitsAlone(settings: EffectiveSettings): boolean {
  return settings.concurrent_pipeline_runs && !settings.terminate_stale_runs;
}

/** After a run ended: which waiting runs start and which end skipped. */
export function following(settings: EffectiveSettings, others: RunView[]): { start: number[]; skip: number[] } {
  const waiting = others.filter((r) => r.status === 'created' && !r.delayed).sort((a, b) => a.id - b.id);
  if (waiting.length === 0) return { start: [], skip: [] };
  if (settings.concurrent_pipeline_runs) return { start: waiting.map((r) => r.id), skip: [] };
  if (others.some(inProgress)) return { start: [], skip: [] };
  if (settings.no_skip_to_most_recent || waiting[0]!.loop) return { start: [waiting[0]!.id], skip: [] };
  const newest = waiting[waiting.length - 1]!;
  return { start: [newest.id], skip: waiting.filter((r) => r.id !== newest.id && r.ref === newest.ref && !r.loop).map((r) => r.id) };
}

/** Pause after `pause_on_repeated_failures` failed runs in a row (pipelines with a SCHEDULE event). */
export function shouldPause(settings: EffectiveSettings, newestFirstFinished: string[]): boolean {
  const n = settings.pause_on_repeated_failures;
  if (settings.paused || !n || !settings.events.some((e) => e.type === 'SCHEDULE')) return false;
  const recent = newestFirstFinished.filter((s) => s === 'success' || s === 'failed').slice(0, n);
  return recent.length === n && recent.every((s) => s === 'failed');
}

export interface BuddyPolicyDeps {
  store: Store;
  logger: Logger;
  /** Ends a run in progress (the engine's cancelRun); bound after the engine exists. */
  terminate(runId: number): Promise<void>;
  now(): number;
}

export function createBuddyPolicies(deps: BuddyPolicyDeps): DefinitionPolicies {
  async function others(tx: Repositories, definition: Definition): Promise<RunView[]> {
    const runs = await tx.runs.list({
      projectId: definition.projectId, definitionId: definition.id, excludeChildren: true,
      statuses: ['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'canceling', 'manual', 'scheduled'],
      orderBy: 'id', sort: 'asc', offset: 0, limit: 1000,
    });
    const now = deps.now();
    return runs.map((r) => ({ id: r.id, status: r.status, ref: r.ref, delayed: isDelayed(r, now), loop: r.variables.some((v) => v.key === LOOP_VARIABLE) }));
  }

  return {
    async beforeCreate(definition, input) {
      const settings = effectiveSettings(definition);
      const reason = refusal(settings, input);
      if (reason) throw new AppError('validation_failed', reason);
      // auto_clear_cache / always_from_scratch: every run starts with cold caches.
      if (settings.auto_clear_cache || settings.always_from_scratch) {
        const project = await deps.store.projects.byId(definition.projectId);
        if (project) await clearPipelineCache(deps.store, definition, project);
      }
    },
    async admit(tx, definition, run: Run) {
      if (run.parentRunId !== null) return true;
      if (isDelayed(run, deps.now())) return false; // delay_until: the delay loop or RUN_DELAYED starts it
      const settings = effectiveSettings(definition);
      // Concurrent runs that terminate nothing are admitted whatever else runs (GitLab CI's
      // default definition): no need to read the other runs, which is a query per new run.
      const decision = admitsAlone(settings)
        ? admission(settings, { id: run.id, status: run.status, ref: run.ref }, [])
        : admission(settings, { id: run.id, status: run.status, ref: run.ref }, await others(tx, definition));
      // Terminating takes the other run's lock, so it happens after this transaction.
      for (const id of decision.terminate) {
        setImmediate(() => { deps.terminate(id).catch((error: unknown) => deps.logger.error({ err: error, runId: id }, 'terminate stale run failed')); });
      }
      return decision.admit;
    },
    async next(tx, definition, finished: Run) {
      if (finished.parentRunId !== null) return { start: [], skip: [] };
      const settings = effectiveSettings(definition);
      if (finished.status === 'failed' && settings.pause_on_repeated_failures > 0) {
        const recent = await tx.runs.list({
          projectId: definition.projectId, definitionId: definition.id, excludeChildren: true, statuses: ['success', 'failed'],
          orderBy: 'id', sort: 'desc', offset: 0, limit: settings.pause_on_repeated_failures,
        });
        if (shouldPause(settings, recent.map((r) => r.status))) {
          await tx.definitions.update(definition.id, { settings: { ...definition.settings, paused: true } }, deps.now());
          deps.logger.info({ definitionId: definition.id }, 'pipeline paused after repeated failures');
        }
      }
      return following(settings, await others(tx, definition));
    },
  };
}
