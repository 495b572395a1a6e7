/**
 * Job and run statuses with GitLab's meanings (app/models/concerns/ci/has_status.rb) and the
 * composite rule that derives one status from many (lib/gitlab/ci/status/composite.rb). Pure.
 */
export const JOB_STATUSES = [
  'created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'success', 'failed',
  'canceling', 'canceled', 'skipped', 'manual', 'scheduled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type RunStatus = JobStatus;

/** Finished for good: the job will not change again unless retried. */
export const COMPLETED: ReadonlySet<string> = new Set(['success', 'failed', 'canceled', 'skipped']);
/** Holding or about to hold a runner. */
export const ACTIVE: ReadonlySet<string> = new Set(['waiting_for_resource', 'preparing', 'pending', 'running']);
/** What cancel acts on (manual jobs are not cancelable in GitLab). */
export const CANCELABLE: ReadonlySet<string> = new Set(['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'scheduled']);

export function isCompleted(status: string): boolean {
  return COMPLETED.has(status);
}

export function isJobStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}

export interface StatusInput {
  status: string;
  allowFailure: boolean;
}

/** Failed or canceled jobs that were allowed to fail pass "with warnings"; manual ones are ignored. */
function key(s: StatusInput): string {
  if (s.allowFailure && (s.status === 'failed' || s.status === 'canceled')) return 'success_with_warnings';
  if (s.allowFailure && s.status === 'manual') return 'ignored';
  return s.status;
}

/**
 * The composite status of a set of jobs; null for an empty set. With `dag`, it is the status a
 * job's needs amount to: any skipped or ignored need skips the job, and anything not complete
 * holds it ('pending').
 */
export function compositeStatus(statuses: Iterable<StatusInput>, options: { dag?: boolean } = {}): RunStatus | null {
  const set = new Set<string>();
  for (const s of statuses) set.add(key(s));
  if (set.size === 0) return null;
  const only = (...names: string[]) => {
    let matching = 0;
    for (const n of names) if (set.has(n)) matching++;
    return matching > 0 && matching === set.size;
  };
  const any = (...names: string[]) => names.some((n) => set.has(n));
  if (options.dag && any('skipped', 'ignored')) return 'skipped';
  if (options.dag && !only('success', 'failed', 'canceled', 'skipped', 'success_with_warnings')) return 'pending';
  if (only('skipped', 'ignored')) return 'skipped';
  if (only('success', 'skipped', 'success_with_warnings', 'ignored')) return 'success';
  if (only('created', 'success_with_warnings', 'ignored')) return 'created';
  if (only('preparing', 'success_with_warnings', 'ignored')) return 'preparing';
  if (only('canceled', 'success', 'skipped', 'success_with_warnings', 'ignored')) return 'canceled';
  if (only('pending', 'created', 'skipped', 'success_with_warnings', 'ignored')) return 'pending';
  if (any('running', 'pending')) return 'running';
  if (any('waiting_for_resource')) return 'waiting_for_resource';
  if (any('manual')) return 'manual';
  if (any('scheduled')) return 'scheduled';
  if (any('preparing')) return 'preparing';
  if (any('created')) return 'running';
  if (any('canceling')) return 'canceling';
  return 'failed';
}

/** Whether a set of statuses passed with warnings (allowed failures among them). */
export function hasWarnings(statuses: Iterable<StatusInput>): boolean {
  for (const s of statuses) if (key(s) === 'success_with_warnings') return true;
  return false;
}

/**
 * GitLab's `when` values plus two of Runnel's own, for jobs that react to how the run went
 * (Buddy's ON_WARNING and ON_TERMINATE actions; RUNNEL_JOB_WHEN in a job's variables):
 * - on_warning: runs once its prerequisites are complete if any of them passed with warnings
 *   (an allowed failure), whatever the outcome otherwise; skipped when none did;
 * - on_cancel: never started by processing (skipped once its prerequisites are complete); the
 *   engine queues it when the run is canceled (engine.cancelRun).
 */
export type JobWhen = 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed' | 'never' | 'on_warning' | 'on_cancel';
export const RUNNEL_WHENS: ReadonlySet<string> = new Set(['on_warning', 'on_cancel']);
/**
 * The job variable that asks for one of Runnel's own `when`s: the one channel a CI configuration
 * has that GitLab's syntax allows. Honoured only on jobs that would otherwise run on_success or
 * always (run-creation.ts).
 */
export const JOB_WHEN_VARIABLE = 'RUNNEL_JOB_WHEN';

/** The `when` the GitLab API shows for a job: Runnel's own values read as on_success. */
export function gitlabWhen(when: string): string {
  return RUNNEL_WHENS.has(when) ? 'on_success' : when;
}

/**
 * What a created job becomes once its prerequisites (previous stages, or its needs) have the
 * composite status `prerequisites` (GitLab's Ci::ProcessBuildService): null while they are not
 * complete; otherwise pending, manual, scheduled, or skipped. `warnings`: some prerequisite
 * passed with warnings (only on_warning jobs care).
 */
export function decideCreatedJob(job: { when: JobWhen | string; dag: boolean }, prerequisites: RunStatus | null, warnings = false): 'pending' | 'manual' | 'scheduled' | 'skipped' | null {
  const status = prerequisites ?? 'success'; // nothing before it: free to go
  if (!COMPLETED.has(status)) return null;
  let valid: string[];
  switch (job.when) {
    case 'on_success': case 'manual': case 'delayed': valid = job.dag ? ['success'] : ['success', 'skipped']; break;
    case 'on_failure': valid = ['failed']; break;
    case 'always': valid = ['success', 'failed', 'skipped']; break;
    case 'on_warning': valid = warnings ? ['success', 'failed', 'skipped', 'canceled'] : []; break;
    default: valid = [];
  }
  if (!valid.includes(status)) return 'skipped';
  if (job.when === 'manual') return 'manual';
  if (job.when === 'delayed') return 'scheduled';
  return 'pending';
}
