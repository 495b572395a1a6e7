import type { PlanRetry } from '../../pipeline/index.js';

/**
 * Whether a failed job gets another attempt (GitLab's Gitlab::Ci::Build::AutoRetry): fewer
 * attempts than 1 + max so far, the failure reason listed in `when` (or `always`), and — when
 * exit_codes are given — the exit code among them. `attempt` is 1 for the first run.
 */
export function shouldRetry(retry: PlanRetry | undefined, attempt: number, failureReason: string | null, exitCode: number | null): boolean {
  if (!retry || retry.max <= 0 || attempt > retry.max) return false;
  const when = retry.when.length ? retry.when : ['always'];
  const reasonOk = when.includes('always') || (failureReason !== null && when.includes(failureReason));
  if (!reasonOk) return false;
  if (retry.exitCodes.length > 0) return exitCode !== null && retry.exitCodes.includes(exitCode);
  return true;
}

/** Whether a failure is "allowed" by allow_failure:exit_codes (or plain allow_failure). */
export function failureAllowed(allowFailure: boolean, exitCodes: number[], exitCode: number | null): boolean {
  if (exitCodes.length > 0) return exitCode !== null && exitCodes.includes(exitCode);
  return allowFailure;
}
