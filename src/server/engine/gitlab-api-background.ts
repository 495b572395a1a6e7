import { systemClock, type Clock, type Logger } from '../../shared/index.js';
import type { Store } from '../store/index.js';
import type { Engine } from './engine.js';
import { createLoop } from './loops.js';
import type { Notifier } from './notifier.js';
import { createSchedules } from './schedules.js';
import { createWebhooks, type WebhookOptions } from './webhooks.js';

export interface GitlabApiBackgroundDeps {
  store: Store;
  engine: Engine;
  notifier: Notifier;
  logger: Logger;
  baseUrl(): string;
  clock?: Clock;
  /** How often due webhook deliveries are sent (default 1 s). */
  hookIntervalMs?: number;
  /** How often due pipeline schedules are started (default 10 s). */
  scheduleIntervalMs?: number;
  webhooks?: WebhookOptions;
}

/**
 * The GitLab API's background work: the webhook delivery loop (fed by engine events) and the
 * pipeline schedule loop. The composition root starts it once per server; `stop` unsubscribes
 * and waits for the loops' current pass.
 */
export function startGitlabApiBackground(deps: GitlabApiBackgroundDeps) {
  const clock = deps.clock ?? systemClock;
  const webhooks = createWebhooks({ store: deps.store, clock, logger: deps.logger, baseUrl: deps.baseUrl }, deps.webhooks);
  const schedules = createSchedules({ store: deps.store, engine: deps.engine, clock, logger: deps.logger });
  const hookLoop = createLoop('webhook-deliveries', deps.hookIntervalMs ?? 1_000, () => webhooks.deliverDue(), deps.logger);
  const scheduleLoop = createLoop('pipeline-schedules', deps.scheduleIntervalMs ?? 10_000, () => schedules.tick(), deps.logger);
  const unsubscribe = deps.notifier.subscribe((event) => {
    webhooks.onEvent(event);
  });
  hookLoop.start();
  scheduleLoop.start();
  return {
    webhooks, schedules,
    async tick() { await webhooks.idle(); await hookLoop.kick(); await scheduleLoop.kick(); },
    async stop() {
      unsubscribe();
      await webhooks.idle();
      await hookLoop.stop();
      await scheduleLoop.stop();
    },
  };
}

export type GitlabApiBackground = ReturnType<typeof startGitlabApiBackground>;
