/**
 * A small bounded cache whose entries expire after `ttlMs` (oldest entries dropped first when
 * full). For hot, cheap-to-recompute reads on the request path; never for anything whose
 * staleness could not be stated in docs/api-compatibility.md.
 */
export function createTtlCache<V>(ttlMs: number, max = 10_000, now: () => number = Date.now) {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key: string): V | undefined {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expiresAt <= now()) { entries.delete(key); return undefined; }
      return e.value;
    },
    set(key: string, value: V): void {
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, expiresAt: now() + ttlMs });
    },
    clear(): void { entries.clear(); },
  };
}
