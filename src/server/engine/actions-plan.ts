/**
 * Buddy actions → the CI configuration the engine compiles for every run (pure).
 *
 * Why through the compiler and not straight to a Plan: a Buddy pipeline then runs with exactly
 * the semantics a `.gitlab-ci.yml` gets — predefined variables, stage ordering, when/allow_failure,
 * retry rules, cache keys, timeouts — from one implementation, and the Plan it yields is the same
 * data structure the engine stores and schedules. The config is emitted as JSON (valid YAML).
 *
 * Mapping (docs/buddy-api.md has the full table):
 * - ON_EVERY_EXECUTION actions form the main flow: each starts a new stage unless the action
 *   before it says run_next IN_SOFT_PARALLEL / IN_HARD_PARALLEL (then both share a stage);
 *   WAIT_ON_SUCCESS (default) means "the next action waits for this one to succeed".
 * - ON_SUCCESS (and ON_BACK_TO_SUCCESS when the previous run failed) run after the main flow
 *   succeeded; ON_FAILURE actions run next, when something failed (when: on_failure);
 *   ON_WARNING actions after them, when an action passed with a warning (ignore_errors), and
 *   ON_TERMINATE actions in a last stage that only a cancel starts — both through Runnel's own
 *   `when` values (RUNNEL_JOB_WHEN, statuses.ts). ON_WAIT_FOR_APPROVE actions join the stage of
 *   each WAIT_FOR_APPLY / WAIT_FOR_VARIABLES action, so they start when the wait starts (one copy
 *   per waiting action when there are several).
 * - BUILD: execute_commands → script, setup_commands (+ cd working_directory) → before_script,
 *   cached_dirs → cache paths (relative to the checkout), docker image → image,
 *   retry_count → retry (GitLab caps retries at 2), timeout (seconds), ignore_errors → allow_failure.
 * - SLEEP: `sleep sleep_in_sec`. WAIT_FOR_APPLY / WAIT_FOR_VARIABLES: a manual job that blocks the
 *   run (allow_failure: false); APPLY / APPLY_VARIABLES play it. RUN_NEXT_PIPELINE: a job whose
 *   success starts the next pipeline (see buddy-run-next.ts).
 */

import { JOB_WHEN_VARIABLE } from './statuses.js';

export const SUPPORTED_ACTION_TYPES = ['BUILD', 'SLEEP', 'WAIT_FOR_APPLY', 'WAIT_FOR_VARIABLES', 'RUN_NEXT_PIPELINE'] as const;
export const TRIGGER_TIMES = ['ON_EVERY_EXECUTION', 'ON_SUCCESS', 'ON_FAILURE', 'ON_BACK_TO_SUCCESS', 'ON_WARNING', 'ON_WAIT_FOR_APPROVE', 'ON_TERMINATE'] as const;
export const RUN_NEXT = ['WAIT_ON_SUCCESS', 'IN_SOFT_PARALLEL', 'IN_HARD_PARALLEL'] as const;
/**
 * The tag of jobs the server runs itself (RUN_NEXT_PIPELINE, buddy-run-next.ts): no runner carries
 * it, so no runner claims them.
 */
export const SERVER_ACTION_TAG = 'runnel-server-action';
/** Read by the engine: seconds to wait before an automatic retry is queued (engine.ts). */
const RETRY_DELAY_VARIABLE = 'RUNNEL_RETRY_DELAY_SECONDS';

/** GitLab's retry:max upper bound; Buddy allows more, Runnel retries at most this many times. */
export const MAX_RETRIES = 2;

export interface ActionInput {
  id: number;
  name: string;
  type: string;
  settings: Record<string, unknown>;
}

export interface ActionsConfigOptions {
  /** Only these action ids run (Buddy's actions_to_run); null = all. */
  actionsToRun?: number[] | null;
  /** Status of the pipeline's previous finished run (for ON_BACK_TO_SUCCESS). */
  previousStatus?: string | null;
  /** Action-scoped variables (from the variables API), by action id, already decrypted. */
  actionVariables?: Record<number, Record<string, string>>;
  /** Plain workspace < project < pipeline variables, merged (the actions' own ones win). */
  pipelineVariables?: Record<string, string>;
  /** Pipeline settings that shape every job. */
  pipeline: { id: number; name: string; cloneDepth: number; tags: string[]; fetchAllRefs?: boolean; failOnPrepareWarning?: boolean };
}

const RESERVED = new Set(['image', 'services', 'stages', 'types', 'before_script', 'after_script', 'variables', 'cache', 'include', 'default', 'workflow', 'pages', 'spec']);

/** The job name of an action: its name, unless GitLab reserves it or would hide it. */
export function jobNameOf(action: Pick<ActionInput, 'id' | 'name'>): string {
  const name = action.name.trim() || `action ${action.id}`;
  return RESERVED.has(name) || name.startsWith('.') ? `${name.replace(/^\.+/, '')} (action ${action.id})` : name;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function actionVariables(action: ActionInput, scoped: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of Array.isArray(action.settings.variables) ? action.settings.variables as Array<Record<string, unknown>> : []) {
    if (typeof v.key === 'string') out[v.key] = String(v.value ?? '');
  }
  Object.assign(out, scoped);
  out.BUDDY_ACTION_ID = String(action.id);
  out.BUDDY_ACTION_TYPE = action.type;
  out.BUDDY_ACTION_NAME = action.name;
  return out;
}

function jobOf(action: ActionInput, stage: string, when: string, options: ActionsConfigOptions): Record<string, unknown> {
  const s = action.settings;
  const job: Record<string, unknown> = { stage, variables: actionVariables(action, options.actionVariables?.[action.id] ?? {}) };
  if (options.pipeline.tags.length) job.tags = options.pipeline.tags;
  const retries = Math.min(MAX_RETRIES, Math.max(0, Number(s.retry_count ?? 0) || 0));
  if (retries > 0) job.retry = retries;
  // Buddy's retry_interval: the engine waits this long before a retried attempt is queued.
  const interval = Math.max(0, Math.floor(Number(s.retry_interval ?? 0) || 0));
  if (retries > 0 && interval > 0) (job.variables as Record<string, string>)[RETRY_DELAY_VARIABLE] = String(interval);
  const timeout = Number(s.timeout ?? 0);
  if (timeout > 0) job.timeout = `${Math.ceil(timeout)} seconds`;
  switch (action.type) {
    case 'BUILD': {
      const dir = typeof s.working_directory === 'string' && s.working_directory ? s.working_directory : null;
      const before = [...(dir ? [`cd ${shellQuote(dir)}`] : []), ...strings(s.setup_commands)];
      if (before.length) job.before_script = before;
      const script = strings(s.execute_commands);
      job.script = script.length ? (dir ? [`cd ${shellQuote(dir)}`, ...script] : script) : ['true'];
      if (dir && before.length) job.script = script.length ? script : ['true'];
      const dirs = strings(s.cached_dirs).map((d) => d.replace(/^\/+/, '')).filter(Boolean);
      if (dirs.length) job.cache = { key: `buddy-action-${action.id}`, paths: dirs };
      if (typeof s.docker_image_name === 'string' && s.docker_image_name) {
        job.image = `${s.docker_image_name}:${typeof s.docker_image_tag === 'string' && s.docker_image_tag ? s.docker_image_tag : 'latest'}`;
      }
      break;
    }
    case 'SLEEP':
      job.script = [`sleep ${Math.max(0, Math.min(1200, Number(s.sleep_in_sec ?? 0) || 0))}`];
      break;
    case 'WAIT_FOR_APPLY':
      job.script = ['echo "Approved"'];
      return { ...job, when: 'manual', allow_failure: false };
    case 'WAIT_FOR_VARIABLES':
      job.script = ['echo "Variables applied"'];
      return { ...job, when: 'manual', allow_failure: false };
    case 'RUN_NEXT_PIPELINE':
      job.script = [`echo "Next pipeline: ${String(s.next_project_name ?? '')} #${String(s.next_pipeline_id ?? '')}"`];
      job.tags = [SERVER_ACTION_TAG];
      break;
    default:
      job.script = ['echo "Unsupported action type"', 'exit 1'];
  }
  job.when = when;
  if (s.ignore_errors === true) job.allow_failure = true;
  return job;
}

function isWait(action: ActionInput): boolean {
  return action.type === 'WAIT_FOR_APPLY' || action.type === 'WAIT_FOR_VARIABLES';
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The CI configuration (a JSON object) for a run of these actions; `jobs` counts emitted jobs. */
export function actionsToCiConfig(actions: ActionInput[], options: ActionsConfigOptions): { config: Record<string, unknown>; jobs: number } {
  const chosen = actions.filter((a) => a.settings.disabled !== true && (!options.actionsToRun || options.actionsToRun.includes(a.id)));
  const timeOf = (a: ActionInput) => (typeof a.settings.trigger_time === 'string' ? a.settings.trigger_time : 'ON_EVERY_EXECUTION');
  const main = chosen.filter((a) => timeOf(a) === 'ON_EVERY_EXECUTION');
  const backToSuccess = options.previousStatus === 'failed';
  const onSuccess = chosen.filter((a) => timeOf(a) === 'ON_SUCCESS' || (backToSuccess && timeOf(a) === 'ON_BACK_TO_SUCCESS'));
  const onFailure = chosen.filter((a) => timeOf(a) === 'ON_FAILURE');
  const onWarning = chosen.filter((a) => timeOf(a) === 'ON_WARNING');
  const onApproval = chosen.filter((a) => timeOf(a) === 'ON_WAIT_FOR_APPROVE');
  const onTerminate = chosen.filter((a) => timeOf(a) === 'ON_TERMINATE');
  const waits = main.filter(isWait);
  /** A job of one of Runnel's own `when`s (see the header). */
  const reacting = (action: ActionInput, stage: string, when: 'on_warning' | 'on_cancel') => {
    const job = jobOf(action, stage, 'on_success', options);
    (job.variables as Record<string, string>)[JOB_WHEN_VARIABLE] = when;
    return job;
  };

  const stages: string[] = [];
  const config: Record<string, unknown> = {};
  let previous: ActionInput | null = null;
  for (const action of main) {
    const parallel = previous !== null && (previous.settings.run_next === 'IN_SOFT_PARALLEL' || previous.settings.run_next === 'IN_HARD_PARALLEL');
    if (!parallel || stages.length === 0) stages.push(`action-${stages.length + 1}`);
    const stage = stages[stages.length - 1]!;
    config[jobNameOf(action)] = jobOf(action, stage, 'on_success', options);
    if (isWait(action)) {
      for (const hook of onApproval) {
        let name = waits.length > 1 ? `${jobNameOf(hook)} (${jobNameOf(action)})` : jobNameOf(hook);
        while (name in config) name = `${name} (action ${hook.id})`;
        config[name] = jobOf(hook, stage, 'on_success', options);
      }
    }
    previous = action;
  }
  if (onSuccess.length) {
    stages.push('on-success');
    for (const a of onSuccess) config[jobNameOf(a)] = jobOf(a, 'on-success', 'on_success', options);
  }
  if (onFailure.length) {
    stages.push('on-failure');
    for (const a of onFailure) config[jobNameOf(a)] = jobOf(a, 'on-failure', 'on_failure', options);
  }
  if (onWarning.length) {
    stages.push('on-warning');
    for (const a of onWarning) config[jobNameOf(a)] = reacting(a, 'on-warning', 'on_warning');
  }
  if (onTerminate.length) {
    stages.push('on-terminate');
    for (const a of onTerminate) config[jobNameOf(a)] = reacting(a, 'on-terminate', 'on_cancel');
  }
  const jobs = Object.keys(config).length;
  return {
    config: {
      stages,
      // Buddy's policies (one at a time, skip to most recent) decide about older runs, not GitLab's auto-cancel.
      workflow: { auto_cancel: { on_new_commit: 'none' } },
      variables: {
        ...options.pipelineVariables,
        GIT_DEPTH: String(options.pipeline.cloneDepth),
        ...(options.pipeline.fetchAllRefs && { GIT_FETCH_ALL_REFS: 'true' }),
        // fail_on_prepare_env_warning: a cache that does not extract or a dependency whose
        // artifacts are gone fails the action before its commands (executor/run-job.ts).
        ...(options.pipeline.failOnPrepareWarning && { RUNNEL_FAIL_ON_PREPARE_WARNING: 'true' }),
        BUDDY_PIPELINE_ID: String(options.pipeline.id),
        BUDDY_PIPELINE_NAME: options.pipeline.name,
      },
      ...config,
    },
    jobs,
  };
}
