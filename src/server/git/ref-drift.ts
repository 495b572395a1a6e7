import { isZeroObjectId, ZERO_SHA } from './object-names.js';
import type { RefUpdate } from './push-journal.js';

/**
 * The ref updates a repository went through that Runnel never recorded (pure). `known` is what
 * the recorded pushes say each branch and tag points at (the latest `after` per ref; a deleted ref
 * is absent or the zero id); `actual` is what the repository's refs point at now (the ref's own
 * object: an annotated tag's tag object, as git's hooks report it). Only branches and tags count.
 *
 * Why: git updates the refs before it runs post-receive; a git process killed in between leaves
 * a push no journal holds. Comparing refs with the recorded pushes finds it afterwards.
 */
export function refDrift(known: ReadonlyMap<string, string>, actual: ReadonlyArray<{ ref: string; objectSha: string }>): RefUpdate[] {
  const counted = (ref: string) => ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/');
  const now = new Map(actual.filter((a) => counted(a.ref)).map((a) => [a.ref, a.objectSha]));
  const updates: RefUpdate[] = [];
  for (const [ref, sha] of [...now].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const recorded = known.get(ref);
    const before = recorded === undefined || isZeroObjectId(recorded) ? ZERO_SHA : recorded;
    if (before !== sha) updates.push({ ref, before, after: sha });
  }
  for (const [ref, sha] of known) {
    if (counted(ref) && !isZeroObjectId(sha) && !now.has(ref)) updates.push({ ref, before: sha, after: ZERO_SHA });
  }
  return updates;
}
