import { cronParser } from './cron.js';

/**
 * Cron arithmetic for pipeline schedules (GitLab's Gitlab::Ci::CronParser): standard 5-field
 * cron in an IANA time zone (or a Rails zone name GitLab accepts, such as "UTC"). Pure.
 */
export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The first run strictly after `afterMs`; null when the expression or zone is not valid. */
export function nextCronTime(cron: string, timezone: string, afterMs: number): number | null {
  if (!validTimezone(timezone)) return null;
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  try {
    return cronParser().parse(cron.trim(), { tz: timezone, currentDate: new Date(afterMs) }).next().getTime();
  } catch {
    return null;
  }
}

/** GitLab's validation messages for a schedule's cron and cron_timezone. */
export function cronProblems(cron: string, timezone: string): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  if (!validTimezone(timezone)) problems.cron_timezone = ['is invalid syntax'];
  else if (nextCronTime(cron, timezone, Date.now()) === null) problems.cron = ['is invalid syntax'];
  return problems;
}
