import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../shared/index.js';
import { isValidSegment, listJournaledPushes, refDrift, safeReaddir, type GitPush, type PushListener, type RepositoryHost } from '../server/git/index.js';
import type { Store } from '../server/store/index.js';

/**
 * Records pushes that reached a repository but no journal: git updates the refs before it runs
 * the post-receive hook, so a git process killed in between leaves refs nobody recorded. At
 * start-up (after the journaled pushes are delivered), each repository's branches and tags are
 * compared with what its recorded pushes say (git/ref-drift.ts); a difference becomes a push by
 * nobody (userId null), recorded like any other, so the engine starts its runs.
 *
 * A push in flight on another server sharing the database looks the same for a moment, so a
 * difference counts only when it is still there, unchanged, `settleMs` later and no journaled
 * push of that repository waits for delivery. Returns how many pushes were recovered.
 */
export async function recoverUnrecordedPushes(deps: {
  reposDir: string; host: RepositoryHost; store: Store; logger: Logger; record: PushListener; settleMs: number;
  /** Stops the search (the server is closing). */
  signal?: AbortSignal;
}): Promise<number> {
  const { reposDir, host, store, logger } = deps;
  const driftOf = async (workspace: string, path: string, projectId: number) => {
    if ((await listJournaledPushes(join(reposDir, workspace, `${path}.git`))).length > 0) return [];
    return refDrift(await store.pushEvents.knownRefs(projectId), await host.refs(workspace, path));
  };
  const candidates: Array<GitPush & { projectId: number }> = [];
  for (const workspace of await safeReaddir(reposDir)) {
    if (!isValidSegment(workspace)) continue;
    for (const entry of await safeReaddir(join(reposDir, workspace))) {
      const path = entry.endsWith('.git') ? entry.slice(0, -4) : '';
      if (!isValidSegment(path)) continue;
      const project = await store.projects.byFullPath(workspace, path);
      if (!project) continue;
      const updates = await driftOf(workspace, path, project.id).catch(() => []);
      if (updates.length) candidates.push({ workspace, project: path, projectId: project.id, userId: null, updates });
    }
  }
  if (candidates.length === 0) return 0;
  try {
    await sleep(deps.settleMs, undefined, { signal: deps.signal });
  } catch {
    return 0; // closing
  }
  let recovered = 0;
  for (const c of candidates) {
    if (deps.signal?.aborted) break;
    const again = await driftOf(c.workspace, c.project, c.projectId).catch(() => []);
    const same = (a: GitPush['updates'][number]) => again.some((b) => b.ref === a.ref && b.before === a.before && b.after === a.after);
    const updates = c.updates.filter(same);
    if (updates.length === 0) continue;
    logger.warn({ workspace: c.workspace, project: c.project, refs: updates.map((u) => u.ref) }, 'recording a push its git process never reported');
    await deps.record({ workspace: c.workspace, project: c.project, userId: null, updates });
    recovered++;
  }
  return recovered;
}
