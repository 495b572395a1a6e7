import type { Definition, Project, Store } from '../store/index.js';
import { actionsToCiConfig } from './actions-plan.js';
import { effectiveSettings } from './buddy-pipeline-settings.js';
import type { BuddyVariables } from './buddy-variables.js';

/**
 * The run-creation hook for definitions whose jobs are Buddy actions: the CI config text of the
 * pipeline's actions as they are when the run is created (actions-plan.ts), compiled by the engine
 * like any `.gitlab-ci.yml`.
 */
export function createBuddyRunConfig(deps: { store: Store; variables: BuddyVariables }) {
  return async function configFor(definition: Definition, input: { project: Project; actionsToRun?: number[] | null }): Promise<string> {
    const { store } = deps;
    const settings = effectiveSettings(definition);
    const actions = await store.buddyActions.forDefinition(definition.id);
    const [previous] = await store.runs.list({
      projectId: definition.projectId, definitionId: definition.id, excludeChildren: true, statuses: ['success', 'failed'],
      orderBy: 'id', sort: 'desc', offset: 0, limit: 1,
    });
    const { config } = actionsToCiConfig(actions, {
      actionsToRun: input.actionsToRun ?? null,
      previousStatus: previous?.status ?? null,
      actionVariables: await deps.variables.forActions(input.project, definition.id),
      pipelineVariables: await deps.variables.plainForPipeline(input.project, definition.id),
      // clone_depth → GIT_DEPTH (0 = full clone); fetch_all_refs needs every commit, so a full clone.
      pipeline: { id: definition.id, name: definition.name, cloneDepth: settings.fetch_all_refs ? 0 : settings.clone_depth, tags: settings.tags, fetchAllRefs: settings.fetch_all_refs === true },
    });
    return JSON.stringify(config, null, 1);
  };
}
