import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../shared/index.js';
import { deleteJournaledPush, listJournaledPushes, readJournaledPush, type RefUpdate } from './push-journal.js';
import { isValidSegment } from './repository-path.js';

/** One push's accepted ref updates, in the order git applied them. */
export interface GitPush {
  workspace: string;
  project: string;
  /** The authenticated pusher; null for a push made outside Runnel (journaled by the hook). */
  userId: number | null;
  updates: RefUpdate[];
}

/**
 * Receives every accepted push. Delivery is at-least-once: the journal file is deleted only after
 * this resolves, so a rejection (or a crash) leaves it for deliverPendingPushes to retry. Store
 * the updates in one transaction so a retry never records half a push twice.
 */
export type PushListener = (push: GitPush) => Promise<void>;

/** Hands one journaled push to the listener and deletes it; false when nothing was delivered. */
export async function deliverJournaledPush(input: {
  repoPath: string; pushId: string; workspace: string; project: string; onPush: PushListener; logger: Logger;
}): Promise<boolean> {
  const { repoPath, pushId, workspace, project, onPush, logger } = input;
  try {
    const journal = await readJournaledPush(repoPath, pushId);
    if (!journal) return false;
    if (journal.updates.length > 0) await onPush({ workspace, project, userId: journal.userId, updates: journal.updates });
    await deleteJournaledPush(repoPath, pushId);
    return journal.updates.length > 0;
  } catch (error) {
    logger.error({ err: error, workspace, project, pushId }, 'push delivery failed; kept for retry');
    return false;
  }
}

/**
 * Delivers pushes journaled but never handed over (the server stopped between git's update and
 * onPush, or onPush failed). Run it at start-up, before serving, and optionally on an interval:
 * it must not run concurrently with live deliveries of the same pushes on another server.
 */
export async function deliverPendingPushes(input: { reposDir: string; onPush: PushListener; logger: Logger }): Promise<number> {
  const { reposDir, onPush, logger } = input;
  let delivered = 0;
  for (const workspace of await safeReaddir(reposDir)) {
    if (!isValidSegment(workspace)) continue;
    for (const entry of await safeReaddir(join(reposDir, workspace))) {
      if (!entry.endsWith('.git')) continue;
      const project = entry.slice(0, -4);
      if (!isValidSegment(project)) continue;
      const repoPath = join(reposDir, workspace, entry);
      for (const pushId of await listJournaledPushes(repoPath)) {
        if (await deliverJournaledPush({ repoPath, pushId, workspace, project, onPush, logger })) delivered++;
      }
    }
  }
  if (delivered > 0) logger.info({ delivered }, 'pending pushes delivered');
  return delivered;
}

/** A directory's entries; none when it cannot be read (a repository removed meanwhile). */
export async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
