/**
 * Merges refetched jobs into the current list. Contract: a job whose JSON is unchanged keeps its
 * old object (so `pure` graph nodes skip repainting), and if nothing changed at all the previous
 * array itself is returned (so nothing re-renders). `complete` means `incoming` is the whole list
 * (jobs missing from it are gone, e.g. replaced by a retry); otherwise it is a partial update.
 */
import type { Job } from '../api/gitlab-entities.ts';

export function mergeJobs(previous: readonly Job[], incoming: readonly Job[], complete: boolean): Job[] {
  const old = new Map(previous.map((j) => [j.id, j]));
  const merged = new Map<number, Job>(complete ? [] : old);
  for (const job of incoming) {
    const before = old.get(job.id);
    merged.set(job.id, before && JSON.stringify(before) === JSON.stringify(job) ? before : job);
  }
  const out = [...merged.values()].sort((a, b) => a.id - b.id);
  return out.length === previous.length && out.every((j, i) => j === previous[i]) ? (previous as Job[]) : out;
}

