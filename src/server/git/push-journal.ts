import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PUSH_JOURNAL_DIR } from './post-receive-hook.js';

export interface RefUpdate {
  ref: string;
  /** 40 (or 64) zeros when the ref was created. */
  before: string;
  /** 40 (or 64) zeros when the ref was deleted. */
  after: string;
}

export interface JournaledPush {
  userId: number | null;
  updates: RefUpdate[];
}

const UPDATE_LINE = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (refs\/\S.*)$/;

/** Parses a journal file written by the post-receive hook; malformed lines are skipped. */
export function parsePushJournal(text: string): JournaledPush {
  let userId: number | null = null;
  const updates: RefUpdate[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('user ')) {
      const value = line.slice(5).trim();
      userId = /^\d+$/.test(value) ? Number(value) : null;
      continue;
    }
    const match = UPDATE_LINE.exec(line);
    if (match) updates.push({ before: match[1]!, after: match[2]!, ref: match[3]! });
  }
  return { userId, updates };
}

/** The journal of one push, or null when the hook wrote none (nothing was accepted). */
export async function readJournaledPush(repoPath: string, pushId: string): Promise<JournaledPush | null> {
  try {
    return parsePushJournal(await readFile(join(repoPath, PUSH_JOURNAL_DIR, pushId), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Deleted only once the push was handed over: a crash before that leaves it for the sweep. */
export async function deleteJournaledPush(repoPath: string, pushId: string): Promise<void> {
  await rm(join(repoPath, PUSH_JOURNAL_DIR, pushId), { force: true });
}

/** Ids of complete journal files (temporary `.x.tmp` files of an unfinished hook are skipped). */
export async function listJournaledPushes(repoPath: string): Promise<string[]> {
  try {
    return (await readdir(join(repoPath, PUSH_JOURNAL_DIR))).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
