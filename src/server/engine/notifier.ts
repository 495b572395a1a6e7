import type { EngineEvents } from './ports.js';

export type EngineEvent =
  | { type: 'run'; runId: number; projectId: number }
  | { type: 'job'; jobId: number; runId: number; logOnly?: boolean };

/**
 * In-process fan-out of engine events: wakes long-polling runners the moment a job is queued
 * (a counter, so a wake-up between two polls is never lost) and feeds live views.
 */
export function createNotifier() {
  let queueVersion = 0;
  const waiters = new Set<() => void>();
  const listeners = new Set<(event: EngineEvent) => void>();

  const events: EngineEvents = {
    jobQueued() {
      queueVersion++;
      for (const w of [...waiters]) w();
    },
    runChanged(runId, projectId) {
      for (const l of listeners) l({ type: 'run', runId, projectId });
    },
    jobChanged(jobId, runId, logOnly) {
      const event: EngineEvent = logOnly ? { type: 'job', jobId, runId, logOnly } : { type: 'job', jobId, runId };
      for (const l of listeners) l(event);
    },
  };

  return {
    events,
    /** The current queue version; pass it to `waitForQueue` to wait for anything newer. */
    get queueVersion(): number { return queueVersion; },
    /** Resolves when a job is queued after `since`, or after `ms`, or on abort. */
    waitForQueue(since: number, ms: number, signal?: AbortSignal): Promise<void> {
      if (queueVersion !== since || signal?.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => { clearTimeout(timer); waiters.delete(done); signal?.removeEventListener('abort', done); resolve(); };
        const timer = setTimeout(done, ms);
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    subscribe(listener: (event: EngineEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
