/**
 * Collects keys for `delayMs` after the first one arrives, then hands the set over once. Live
 * events come in bursts (200 jobs changing in a second); one refetch per burst keeps the page
 * smooth and the server unbothered.
 */
export interface Batcher<T> {
  add(key: T): void;
  cancel(): void;
}

export function createBatcher<T>(delayMs: number, flush: (keys: Set<T>) => void): Batcher<T> {
  let pending = new Set<T>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    add(key) {
      pending.add(key);
      if (timer === null) {
        timer = setTimeout(() => {
          const keys = pending;
          pending = new Set();
          timer = null;
          flush(keys);
        }, delayMs);
      }
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending = new Set();
    },
  };
}
