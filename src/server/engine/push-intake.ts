import type { Logger } from '../../shared/index.js';
import type { Store } from '../store/index.js';
import type { Engine } from './engine.js';
import type { RepositoryAccess } from './ports.js';

const ZERO = /^0+$/;

/**
 * Turns recorded push events into runs. Each event is claimed with a guarded update first, so
 * several servers sharing a database never make two runs of one push; branch and tag deletions
 * make none (as in GitLab). Returns how many runs were created.
 */
export async function processPushEvents(deps: { store: Store; engine: Engine; repos: RepositoryAccess; logger: Logger; now(): number }): Promise<number> {
  const { store, engine, repos, logger } = deps;
  let created = 0;
  for (const event of await store.pushEvents.unprocessed(50)) {
    if (!(await store.pushEvents.markProcessed(event.id, deps.now()))) continue;
    if (ZERO.test(event.afterSha)) continue;
    if (!event.ref.startsWith('refs/heads/') && !event.ref.startsWith('refs/tags/')) continue;
    try {
      const project = await store.projects.byId(event.projectId);
      if (!project) continue;
      const user = event.userId !== null ? await store.users.byId(event.userId) : null;
      const isTag = event.ref.startsWith('refs/tags/');
      const changedPaths = isTag || ZERO.test(event.beforeSha) ? null : await repos.changedPaths(project, event.beforeSha, event.afterSha);
      const result = await engine.createRun({
        project, ref: event.ref, sha: event.afterSha, beforeSha: event.beforeSha, source: 'push', user, changedPaths,
      });
      if (result.created) created++;
      else logger.info({ pushEventId: event.id, reason: result.reason }, 'push made no run');
    } catch (error) {
      logger.error({ err: error, pushEventId: event.id }, 'push event failed');
    }
  }
  return created;
}
