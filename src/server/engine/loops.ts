import type { Logger } from '../../shared/index.js';

/**
 * A background loop: runs `tick` every `intervalMs` (and on `kick()`), one tick at a time, never
 * overlapping, errors logged and survived. Small and independent, so several servers can each
 * run them against one database: every tick is a guarded, idempotent operation.
 */
export function createLoop(name: string, intervalMs: number, tick: () => Promise<unknown>, logger: Logger) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) { again = true; return running; }
    running = (async () => {
      do {
        again = false;
        try { await tick(); } catch (error) { logger.error({ err: error, loop: name }, 'background loop failed'); }
      } while (again && !stopped);
    })().finally(() => { running = null; });
    return running;
  };

  return {
    start() {
      if (timer || stopped) return;
      timer = setInterval(() => { void run(); }, intervalMs);
      timer.unref();
    },
    kick(): Promise<void> { return run(); },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
