/**
 * The commits a shallow clone of `tip` with `--depth N` lists in `.git/shallow`: those whose
 * shortest distance from the tip along parent links is exactly N-1 (the tip is at 0), root
 * commits included — what git's get_shallow_commits + upload-pack's send_shallow decide. Commits
 * nearer than N-1 are complete; those beyond are cut off. Depth 0 (full history) and histories
 * shorter than N have no boundary: git then writes no shallow file.
 *
 * Walks breadth first, one level of parents at a time (each level's reads are issued together).
 */
export async function shallowBoundary(tip: string, depth: number, parentsOf: (commit: string) => Promise<readonly string[]>): Promise<string[]> {
  if (depth <= 0) return [];
  const seen = new Set([tip]);
  let level = [tip];
  for (let distance = 0; level.length > 0; distance++) {
    if (distance === depth - 1) return [...level].sort();
    const next: string[] = [];
    for (const parents of await Promise.all(level.map(parentsOf))) {
      for (const parent of parents) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        next.push(parent);
      }
    }
    level = next;
  }
  return [];
}
