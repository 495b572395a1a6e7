/**
 * The one mapping between Runnel's (GitLab's) run/job statuses and Buddy's execution and
 * action-execution statuses. Pure. Both directions come from the single table below, so a
 * status can never map one way and come back as something else (tested both ways).
 */
export const BUDDY_EXECUTION_STATUSES = [
  'INITIAL', 'ENQUEUED', 'INPROGRESS', 'SUCCESSFUL', 'FAILED', 'TERMINATED', 'TERMINATING', 'SKIPPED',
  'NOT_EXECUTED', 'WAITING_FOR_APPLY', 'WAITING_FOR_VARIABLES', 'WAITING_FOR_SETTABLE_VARIABLES', 'WAITING_FOR_VT_SESSION',
] as const;
export type BuddyStatus = (typeof BUDDY_EXECUTION_STATUSES)[number];

/**
 * GitLab status → Buddy status, and the GitLab status each Buddy status stands for. The first
 * GitLab status listed for a Buddy status is the one it maps back to.
 * - created: a run held back by its pipeline's policies (one at a time) or not yet processed.
 * - manual: a run (or action) waiting for an approval (WAIT_FOR_APPLY).
 * - scheduled: a delayed run/job (delay_until) waiting for its time.
 */
const TABLE: ReadonlyArray<readonly [BuddyStatus, readonly string[]]> = [
  ['ENQUEUED', ['pending', 'created', 'waiting_for_resource', 'preparing', 'scheduled']],
  ['INPROGRESS', ['running']],
  ['SUCCESSFUL', ['success']],
  ['FAILED', ['failed']],
  ['TERMINATING', ['canceling']],
  ['TERMINATED', ['canceled']],
  ['SKIPPED', ['skipped']],
  ['WAITING_FOR_APPLY', ['manual']],
];

const TO_BUDDY = new Map<string, BuddyStatus>(TABLE.flatMap(([buddy, gitlab]) => gitlab.map((g) => [g, buddy] as const)));
const TO_GITLAB = new Map<string, string>(TABLE.map(([buddy, gitlab]) => [buddy, gitlab[0]!] as const));
// Buddy statuses Runnel never produces itself but accepts as filters / inputs.
TO_GITLAB.set('INITIAL', 'created');
TO_GITLAB.set('NOT_EXECUTED', 'skipped');
TO_GITLAB.set('WAITING_FOR_VARIABLES', 'manual');
TO_GITLAB.set('WAITING_FOR_SETTABLE_VARIABLES', 'manual');

/** A run's (or job's) GitLab status as Buddy shows it. */
export function toBuddyStatus(gitlabStatus: string): BuddyStatus {
  return TO_BUDDY.get(gitlabStatus) ?? 'INITIAL';
}

/** A Buddy status as the GitLab status it stands for; null for an unknown value. */
export function toGitlabStatus(buddyStatus: string): string | null {
  return TO_GITLAB.get(buddyStatus) ?? null;
}

/**
 * An action execution's status: the job's, except that in a finished run a job that never ran
 * (still created, or skipped because something before it failed) is NOT_EXECUTED, and a manual
 * job that collects variables waits for variables rather than for an approval.
 */
export function actionExecutionStatus(job: { status: string; actionType: string | null }, runFinished: boolean): BuddyStatus {
  if (runFinished && (job.status === 'created' || job.status === 'skipped' || job.status === 'manual')) return 'NOT_EXECUTED';
  if (job.status === 'manual' && job.actionType === 'WAIT_FOR_VARIABLES') return 'WAITING_FOR_VARIABLES';
  return toBuddyStatus(job.status);
}

/**
 * An execution's status; a run waiting on a WAIT_FOR_VARIABLES action waits for variables, and a
 * canceled run still running its ON_TERMINATE actions (jobs with when on_cancel) is TERMINATING.
 */
export function executionStatus(run: { status: string }, waitingActionType: string | null = null, terminating = false): BuddyStatus {
  if (run.status === 'manual' && waitingActionType === 'WAIT_FOR_VARIABLES') return 'WAITING_FOR_VARIABLES';
  if (terminating && !['success', 'failed', 'canceled', 'skipped'].includes(run.status)) return 'TERMINATING';
  return toBuddyStatus(run.status);
}

export const BUDDY_TERMINAL: ReadonlySet<BuddyStatus> = new Set(['SUCCESSFUL', 'FAILED', 'TERMINATED', 'SKIPPED', 'NOT_EXECUTED']);
