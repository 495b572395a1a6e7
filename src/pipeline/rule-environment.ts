/**
 * What a rule clause (if / changes / exists) is evaluated against, and the clauses themselves.
 * Shared by workflow:rules, job rules, include rules and only/except. The variable view matters
 * and follows GitLab: `if` sees values as written (not expanded), `changes` paths and compare_to
 * are expanded recursively, `exists` paths are expanded one level.
 */
import { isMap, isStringArray, type ConfigValue } from './config-value.js';
import { evaluateExpression } from './expression-evaluate.js';
import { fnmatch } from './glob.js';
import { LIMITS } from './limits.js';
import { expandExisting, type Lookup } from './variable-expansion.js';

export interface RuleEnvironment {
  /** Variables as written (GitLab's variables_hash). */
  lookup: Lookup;
  /** Variables with references expanded (GitLab's variables_hash_expanded). */
  expandedLookup: Lookup;
  /** Changed paths of the run; null = nothing to compare, changes are true. */
  changedPaths: string[] | null;
  changedPathsSince(ref: string): Promise<string[] | null>;
  /** Every file in the tree at the run's sha, memoized by the caller. */
  worktreeFiles(): Promise<string[]>;
}

export function ifClause(expression: string, env: RuleEnvironment): boolean {
  return evaluateExpression(expression, env.lookup);
}

/** rules:changes: a list of globs, or {paths, compare_to}. */
export async function changesClause(spec: ConfigValue, env: RuleEnvironment): Promise<boolean> {
  let globs: string[];
  let changed = env.changedPaths;
  if (isStringArray(spec)) globs = spec;
  else if (isMap(spec) && isStringArray(spec.paths)) {
    globs = spec.paths;
    if (typeof spec.compare_to === 'string') changed = await env.changedPathsSince(expandExisting(spec.compare_to, env.expandedLookup));
  } else return false;
  if (changed === null) return true;
  const expanded = globs.map((g) => expandExisting(g, env.expandedLookup));
  return changed.some((path) => expanded.some((glob) => fnmatch(glob, path)));
}

/** rules:exists: a list of globs, or {paths}; exact names are checked without globbing, like GitLab. */
export async function existsClause(spec: ConfigValue, env: RuleEnvironment): Promise<boolean> {
  const globs = isStringArray(spec) ? spec : isMap(spec) && isStringArray(spec.paths) ? spec.paths : null;
  if (!globs || globs.length === 0) return false;
  const files = await env.worktreeFiles();
  const fileSet = new Set(files);
  let comparisons = 0;
  for (const raw of globs) {
    const glob = expandExisting(raw, env.lookup).replace(/^\//, '');
    if (!/[*?[{]/.test(glob)) {
      if (fileSet.has(glob)) return true;
      continue;
    }
    for (const path of files) {
      comparisons++;
      if (comparisons > LIMITS.maxExistsComparisons || fnmatch(glob, path)) return true;
    }
  }
  return false;
}
