import type { Engine, Notifier } from '../../server/engine/index.js';
import type { JobProgress, Run, Store } from '../../server/store/index.js';

/**
 * Waits for a local run to stop — a final status, or blocked on a manual job nobody asked to
 * play — and plays the requested manual jobs on the way. Each look reads the run and its jobs'
 * progress (no specs: a look costs the same whatever the jobs' size) and hands the jobs to the
 * view.
 *
 * When to look: at once on a run event (the run's status moved, which is how it ends); at most
 * every `throttleMs` on job events, which come with every log chunk of every job and would
 * otherwise keep the main thread busy re-reading the run; and every `pollMs` regardless, since
 * the engine does not announce every job change (a job skipped or made manual by scheduling
 * sends no job event).
 */
export interface FollowOptions {
  store: Store;
  engine: Pick<Engine, 'playJob' | 'cancelRun'>;
  notifier: Pick<Notifier, 'subscribe'>;
  runId: number;
  /** Names of the jobs shown (null: all). */
  shown: Set<string> | null;
  /** Manual jobs to play when playable, by name or parallel base name. */
  manual: Set<string>;
  /** Aborting cancels the run; the follow still ends when the run has stopped. */
  signal?: AbortSignal;
  onUpdate?(jobs: JobProgress[]): void;
  throttleMs?: number;
  pollMs?: number;
}

const STOPPED = new Set(['success', 'failed', 'canceled', 'skipped', 'manual']);

export function followRun(options: FollowOptions): Promise<Run> {
  const { store, engine, notifier, runId, shown, manual } = options;
  const throttleMs = options.throttleMs ?? 50;
  const pollMs = options.pollMs ?? 250;
  return new Promise<Run>((resolve, reject) => {
    const played = new Set<number>();
    let checking = false;
    let again = false;
    let finished = false;
    let lastLook = 0;
    let delayed: NodeJS.Timeout | null = null;
    const done = (value: Run | Error) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (delayed) clearTimeout(delayed);
      unsubscribe();
      options.signal?.removeEventListener('abort', onAbort);
      if (value instanceof Error) reject(value); else resolve(value);
    };
    const check = async () => {
      if (checking) { again = true; return; }
      checking = true;
      try {
        do {
          again = false;
          lastLook = Date.now();
          const run = await store.runs.byId(runId);
          const jobs = await store.jobs.progressOfRun(runId);
          options.onUpdate?.(shown ? jobs.filter((j) => shown.has(j.name)) : jobs);
          const playable = jobs.filter((j) => j.status === 'manual' && manual.has(baseName(j.name, manual)) && !played.has(j.id));
          for (const job of playable) {
            played.add(job.id);
            await engine.playJob(job.id, null).catch(() => undefined);
            again = true;
          }
          if (!again && run && STOPPED.has(run.status)) done(run);
        } while (again && !finished);
      } catch (error) {
        done(error as Error);
      } finally {
        checking = false;
      }
    };
    const kick = () => { void check(); };
    const kickSoon = () => {
      if (delayed || finished) return;
      const wait = throttleMs - (Date.now() - lastLook);
      if (wait <= 0) { kick(); return; }
      delayed = setTimeout(() => { delayed = null; kick(); }, wait);
    };
    const unsubscribe = notifier.subscribe((event) => {
      if (event.runId !== runId) return;
      if (event.type === 'run') kick(); else kickSoon();
    });
    const timer = setInterval(kick, pollMs);
    const onAbort = () => { void engine.cancelRun(runId).catch(() => undefined).then(kick); };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    kick();
  });
}

/** The requested name a job answers to: itself, or its parallel base name (`test` for `test 1/2`). */
export function baseName(jobName: string, requested: Set<string>): string {
  if (requested.has(jobName)) return jobName;
  for (const name of requested) if (jobName.startsWith(`${name} `) || jobName.startsWith(`${name}: [`)) return name;
  return jobName;
}
