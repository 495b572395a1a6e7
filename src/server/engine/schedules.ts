import type { Clock, Logger } from '../../shared/index.js';
import type { Store } from '../store/index.js';
import type { Engine } from './engine.js';
import { nextCronTime } from './schedule-cron.js';

type Schedule = Awaited<ReturnType<Store['pipelineSchedules']['due']>>[number];

/**
 * Pipeline schedules: a due schedule (next_run_at passed) is first moved to its next time by a
 * guarded update — so of several servers exactly one starts it — and then run with source
 * `schedule`, as its owner, with its variables.
 */
export function createSchedules({ store, engine, clock, logger }: { store: Store; engine: Engine; clock: Clock; logger: Logger }) {
  async function start(schedule: Schedule): Promise<number | null> {
    const project = await store.projects.byId(schedule.projectId);
    if (!project) return null;
    const owner = schedule.ownerId !== null ? await store.users.byId(schedule.ownerId) : null;
    const variables = (await store.pipelineSchedules.variables(schedule.id)).map((v) => ({ key: v.key, value: v.value, variable_type: v.variableType }));
    try {
      const result = await engine.createRun({ project, ref: schedule.ref, source: 'schedule', user: owner, variables });
      if (!result.created) {
        logger.info({ scheduleId: schedule.id, reason: result.reason }, 'scheduled pipeline not created');
        return null;
      }
      await store.pipelineSchedules.update(schedule.id, { lastRunId: result.run.id, updatedAt: clock.now() });
      return result.run.id;
    } catch (error) {
      logger.warn({ err: error, scheduleId: schedule.id }, 'scheduled pipeline failed to start');
      return null;
    }
  }

  /** One pass of the schedule loop: starts every due schedule once. */
  async function tick(): Promise<number> {
    const now = clock.now();
    let started = 0;
    for (const schedule of await store.pipelineSchedules.due(now, 50)) {
      const next = nextCronTime(schedule.cron, schedule.cronTimezone, now);
      if (!(await store.pipelineSchedules.claimDue(schedule.id, schedule.nextRunAt!, next, now))) continue;
      if ((await start(schedule)) !== null) started++;
    }
    return started;
  }

  return { tick, playNow: start };
}

export type Schedules = ReturnType<typeof createSchedules>;
