import type { Kysely } from 'kysely';
import type { SqliteReader } from './database.js';
import type { Tables } from './tables.js';
import { createCiVariablesRepository } from './ci-variables-repository.js';
import { createPipelineTriggersRepository } from './pipeline-triggers-repository.js';
import { createPipelineSchedulesRepository } from './pipeline-schedules-repository.js';
import { createProjectHooksRepository } from './project-hooks-repository.js';
import { createPipelineListingRepository } from './pipeline-listing-repository.js';

/** Repositories of the GitLab-specific tables, added to the store. */
export function gitlabApiRepositories(db: Kysely<Tables>, reader: SqliteReader | null = null) {
  return {
    ciVariables: createCiVariablesRepository(db),
    pipelineTriggers: createPipelineTriggersRepository(db),
    pipelineSchedules: createPipelineSchedulesRepository(db),
    projectHooks: createProjectHooksRepository(db),
    pipelineListing: createPipelineListingRepository(db, reader),
  };
}

export type { CiVariable, CiVariableInput, VariableOwner } from './ci-variables-repository.js';
export type { PipelineTrigger } from './pipeline-triggers-repository.js';
export type { PipelineSchedule, ScheduleVariable, SchedulePatch } from './pipeline-schedules-repository.js';
export type { ProjectHook, HookInput, HookDelivery } from './project-hooks-repository.js';
export type { PipelineListFilter, PipelineListRow, PipelineView } from './pipeline-listing-repository.js';
