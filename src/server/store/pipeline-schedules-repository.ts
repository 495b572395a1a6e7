import type { Kysely, Selectable } from 'kysely';
import type { Tables } from './tables.js';
import type { PipelineSchedulesTable } from './tables-gitlab-api.js';

export interface PipelineSchedule {
  id: number;
  projectId: number;
  ownerId: number | null;
  description: string;
  ref: string;
  cron: string;
  cronTimezone: string;
  active: boolean;
  nextRunAt: number | null;
  lastRunId: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface ScheduleVariable { key: string; value: string; variableType: 'env_var' | 'file' }

export type SchedulePatch = Partial<Pick<PipelineSchedule, 'ownerId' | 'description' | 'ref' | 'cron' | 'cronTimezone' | 'active' | 'nextRunAt' | 'lastRunId'>> & { updatedAt: number };

/** Pipeline schedules and their variables; `claimDue` is the guarded step of the schedule loop. */
export function createPipelineSchedulesRepository(db: Kysely<Tables>) {
  return {
    async insert(s: Omit<PipelineSchedule, 'id' | 'lastRunId' | 'updatedAt'>): Promise<PipelineSchedule> {
      const row = await db.insertInto('pipeline_schedules').values({
        project_id: s.projectId, owner_id: s.ownerId, description: s.description, ref: s.ref, cron: s.cron, cron_timezone: s.cronTimezone,
        active: s.active ? 1 : 0, next_run_at: s.nextRunAt, last_run_id: null, created_at: s.createdAt, updated_at: s.createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toSchedule(row);
    },
    async list(projectId: number, scope: 'active' | 'inactive' | null, offset: number, limit: number): Promise<{ items: PipelineSchedule[]; total: number }> {
      let q = db.selectFrom('pipeline_schedules').where('project_id', '=', projectId);
      if (scope) q = q.where('active', '=', scope === 'active' ? 1 : 0);
      const rows = await q.selectAll().orderBy('id').offset(offset).limit(limit).execute();
      const count = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { items: rows.map(toSchedule), total: Number(count.n) };
    },
    async byId(projectId: number, id: number): Promise<PipelineSchedule | null> {
      const row = await db.selectFrom('pipeline_schedules').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row ? toSchedule(row) : null;
    },
    async update(id: number, p: SchedulePatch): Promise<void> {
      await db.updateTable('pipeline_schedules').set({
        ...(p.ownerId !== undefined && { owner_id: p.ownerId }),
        ...(p.description !== undefined && { description: p.description }),
        ...(p.ref !== undefined && { ref: p.ref }),
        ...(p.cron !== undefined && { cron: p.cron }),
        ...(p.cronTimezone !== undefined && { cron_timezone: p.cronTimezone }),
        ...(p.active !== undefined && { active: p.active ? 1 : 0 }),
        ...(p.nextRunAt !== undefined && { next_run_at: p.nextRunAt }),
        ...(p.lastRunId !== undefined && { last_run_id: p.lastRunId }),
        updated_at: p.updatedAt,
      }).where('id', '=', id).execute();
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('pipeline_schedules').where('id', '=', id).execute();
    },
    async due(now: number, limit: number): Promise<PipelineSchedule[]> {
      return (await db.selectFrom('pipeline_schedules').selectAll().where('active', '=', 1).where('next_run_at', '<=', now)
        .orderBy('next_run_at').limit(limit).execute()).map(toSchedule);
    },
    /** Moves a due schedule to its next time; true for the one caller (of several servers) that wins. */
    async claimDue(id: number, expectedNextRunAt: number, nextRunAt: number | null, now: number): Promise<boolean> {
      const r = await db.updateTable('pipeline_schedules').set({ next_run_at: nextRunAt, updated_at: now })
        .where('id', '=', id).where('next_run_at', '=', expectedNextRunAt).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async variables(scheduleId: number): Promise<ScheduleVariable[]> {
      const rows = await db.selectFrom('pipeline_schedule_variables').selectAll().where('schedule_id', '=', scheduleId).orderBy('key').execute();
      return rows.map((r) => ({ key: r.key, value: r.value, variableType: r.variable_type === 'file' ? 'file' : 'env_var' }));
    },
    async putVariable(scheduleId: number, v: ScheduleVariable): Promise<void> {
      await db.insertInto('pipeline_schedule_variables').values({ schedule_id: scheduleId, key: v.key, value: v.value, variable_type: v.variableType })
        .onConflict((oc) => oc.columns(['schedule_id', 'key']).doUpdateSet({ value: v.value, variable_type: v.variableType })).execute();
    },
    async deleteVariable(scheduleId: number, key: string): Promise<void> {
      await db.deleteFrom('pipeline_schedule_variables').where('schedule_id', '=', scheduleId).where('key', '=', key).execute();
    },
  };
}

function toSchedule(row: Selectable<PipelineSchedulesTable>): PipelineSchedule {
  return {
    id: row.id, projectId: row.project_id, ownerId: row.owner_id, description: row.description, ref: row.ref, cron: row.cron,
    cronTimezone: row.cron_timezone, active: row.active === 1, nextRunAt: row.next_run_at === null ? null : Number(row.next_run_at),
    lastRunId: row.last_run_id, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
  };
}
