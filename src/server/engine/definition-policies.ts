import type { Definition, Repositories, Run } from '../store/index.js';

/**
 * Pipeline-definition settings that steer runs (Buddy's pipeline fields; shared/spec/buddy-api.md
 * §5): admission of new runs (disabled, description required, one run at a time, skip to the most
 * recent, terminate stale runs) and what happens when a run ends (the next queued run starts,
 * pause after repeated failures). The engine calls these hooks at fixed points; every hook runs
 * inside the run's transaction unless noted.
 *
 * TODO(issue 6): implement the Buddy settings; today every run is admitted at once.
 */
export interface DefinitionPolicies {
  /**
   * Before a run is created (outside any transaction): throw an AppError to refuse it
   * (disabled pipeline, missing comment when description_required, …).
   */
  beforeCreate(definition: Definition, input: { comment: string | null; ref: string; source: string }): Promise<void>;
  /**
   * After the run and its jobs are stored: true lets the engine start processing it now; false
   * leaves it queued (status created) until `next` admits it.
   */
  admit(tx: Repositories, definition: Definition, run: Run): Promise<boolean>;
  /**
   * After a run reached a final status: ids of queued runs of the same definition to start now,
   * and ids of queued runs to end as skipped (superseded by a newer one).
   */
  next(tx: Repositories, definition: Definition, finished: Run): Promise<{ start: number[]; skip: number[] }>;
}

export const ADMIT_ALL: DefinitionPolicies = {
  beforeCreate: async () => undefined,
  admit: async () => true,
  next: async () => ({ start: [], skip: [] }),
};
