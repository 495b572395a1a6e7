import { cronParser } from './cron.js';

/**
 * When a Buddy pipeline is triggered (pure): which events match a push, whether the trigger
 * conditions hold, and when a SCHEDULE event next fires. shared/spec/buddy-api.md §4.7, §4.8.
 */

/** Buddy ref patterns: `refs/heads/main`, `refs/heads/feature-*`, `main`, `*`, `:context`. */
export function refMatches(pattern: string, fullRef: string, contextRefs: string[] = []): boolean {
  if (pattern === ':context') return contextRefs.some((p) => p !== ':context' && refMatches(p, fullRef));
  const candidates = pattern.startsWith('refs/') ? [fullRef] : [fullRef, fullRef.replace(/^refs\/(heads|tags)\//, '')];
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return candidates.some((c) => re.test(c));
}

export type PushKind = 'PUSH' | 'CREATE_REF' | 'DELETE_REF';

/** The event types a push of `fullRef` from `before` to `after` amounts to. */
export function pushKinds(beforeSha: string, afterSha: string): PushKind[] {
  const zero = /^0+$/;
  if (zero.test(afterSha)) return ['DELETE_REF'];
  if (zero.test(beforeSha)) return ['CREATE_REF', 'PUSH'];
  return ['PUSH'];
}

/** Whether a pipeline's events fire for a push of `fullRef`. */
export function eventsMatchPush(events: Array<Record<string, unknown>>, contextRefs: string[], fullRef: string, kinds: PushKind[]): boolean {
  return events.some((e) => kinds.includes(e.type as PushKind)
    && Array.isArray(e.refs) && (e.refs as string[]).some((p) => refMatches(p, fullRef, contextRefs)));
}

export interface ConditionContext {
  /** Paths changed since the changeset base; null = unknown (first run): counts as changed. */
  changedPaths: string[] | null;
  variables: Record<string, string>;
  now: number;
  userEmail: string | null;
  userGroups: string[];
  /** always_from_scratch / auto_clear_cache / refresh: changeset conditions pass. */
  fromScratch: boolean;
}

/** Top-level conditions are ANDed; OR / AND nodes group their operands. */
export function conditionsHold(conditions: Array<Record<string, unknown>>, ctx: ConditionContext): boolean {
  return conditions.every((c) => conditionHolds(c, ctx));
}

function conditionHolds(c: Record<string, unknown>, ctx: ConditionContext): boolean {
  const key = String(c.trigger_variable_key ?? '');
  const expected = String(c.trigger_variable_value ?? '');
  const actual = ctx.variables[key];
  const num = (v: string | undefined) => (v === undefined ? NaN : Number(v));
  switch (c.trigger_condition) {
    case 'ALWAYS': return true;
    case 'ON_CHANGE': return ctx.fromScratch || ctx.changedPaths === null || ctx.changedPaths.length > 0;
    case 'ON_CHANGE_AT_PATH': {
      if (ctx.fromScratch || ctx.changedPaths === null) return true;
      const paths = (c.trigger_condition_paths as string[] | undefined) ?? [];
      return ctx.changedPaths.some((changed) => paths.some((p) => {
        const prefix = p.replace(/^\/+/, '');
        return prefix.includes('*') ? refMatches(prefix, changed) : changed === prefix || changed.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
      }));
    }
    case 'VAR_IS': return actual === expected;
    case 'VAR_IS_NOT': return actual !== expected;
    case 'VAR_CONTAINS': return actual !== undefined && actual.includes(expected);
    case 'VAR_NOT_CONTAINS': return actual === undefined || !actual.includes(expected);
    case 'VAR_LESS_THAN': return num(actual) < Number(expected);
    case 'VAR_LESS_THAN_OR_EQUAL': return num(actual) <= Number(expected);
    case 'VAR_GREATER_THAN': return num(actual) > Number(expected);
    case 'VAR_GREATER_THAN_OR_EQUAL': return num(actual) >= Number(expected);
    case 'DATETIME': case 'DAY': case 'HOUR': {
      const { hour, weekday } = zonedTime(ctx.now, String(c.timezone ?? c.zone_id ?? 'UTC'));
      const hours = c.trigger_hours as number[] | undefined;
      const days = c.trigger_days as number[] | undefined;
      return (!hours?.length || hours.includes(hour)) && (!days?.length || days.includes(weekday));
    }
    case 'TRIGGERING_USER_IS': return ctx.userEmail !== null && ctx.userEmail === c.trigger_user;
    case 'TRIGGERING_USER_IS_NOT': return ctx.userEmail !== c.trigger_user;
    case 'TRIGGERING_USER_IS_IN_GROUP': return ctx.userGroups.includes(String(c.trigger_group));
    case 'TRIGGERING_USER_IS_NOT_IN_GROUP': return !ctx.userGroups.includes(String(c.trigger_group));
    case 'AND': return ((c.trigger_operands as Array<Record<string, unknown>> | undefined) ?? []).every((o) => conditionHolds(o, ctx));
    case 'OR': return ((c.trigger_operands as Array<Record<string, unknown>> | undefined) ?? []).some((o) => conditionHolds(o, ctx));
    // SUCCESS_PIPELINE needs another pipeline's history; not evaluated here (counts as true).
    default: return true;
  }
}

/** Hour (0-23) and ISO weekday (1 = Monday … 7 = Sunday) of `ms` in an IANA time zone. */
export function zonedTime(ms: number, timeZone: string): { hour: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' }).formatToParts(new Date(ms));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.find((p) => p.type === 'weekday')?.value ?? 'Mon') + 1;
  return { hour, weekday };
}

/**
 * The first time a SCHEDULE event fires after `afterMs` (exclusive): cron in its time zone
 * (UTC by default), or start_date + k × delay minutes. Null when it cannot fire.
 */
export function nextScheduleTime(event: Record<string, unknown>, afterMs: number): number | null {
  if (typeof event.cron === 'string' && event.cron) {
    try {
      const expr = cronParser().parse(event.cron, { tz: (event.timezone as string | undefined) || 'UTC', currentDate: new Date(afterMs) });
      return expr.next().getTime();
    } catch { return null; }
  }
  const start = Date.parse(String(event.start_date ?? ''));
  const delayMs = Number(event.delay) * 60_000;
  if (Number.isNaN(start) || !(delayMs > 0)) return null;
  if (afterMs < start) return start;
  return start + (Math.floor((afterMs - start) / delayMs) + 1) * delayMs;
}
