/** Time as a dependency, so tests can pin it. `now()` is wall-clock milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests of expiry, leases and schedules. */
export function manualClock(startMs = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void; set(ms: number): void } {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms: number) => { current += ms; },
    set: (ms: number) => { current = ms; },
  };
}

/** GitLab's timestamp format: ISO 8601 with milliseconds and Z. */
export function isoTime(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
