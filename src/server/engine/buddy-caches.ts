import type { Definition, Project, Store } from '../store/index.js';
import { effectiveSettings } from './buddy-pipeline-settings.js';

/**
 * Clears every cache a pipeline's runs use: caches are namespaced by the generation of the
 * pipeline's cache scope (engine cacheNamespace), so bumping that generation makes the next run
 * start cold, and leaves caches of other scopes (other pipelines, other projects) alone.
 */
export async function clearPipelineCache(store: Store, definition: Definition, project: Pick<Project, 'id' | 'workspaceId'>): Promise<void> {
  const scope = effectiveSettings(definition).cache_scope;
  if (scope === 'PIPELINE') await store.definitions.bumpCacheGeneration(definition.id);
  else if (scope === 'WORKSPACE') await store.buddyState.bumpWorkspaceCacheGeneration(project.workspaceId);
  else await store.projects.bumpCacheGeneration(project.id);
}
