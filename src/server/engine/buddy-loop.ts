import type { RunVariable, Store } from '../store/index.js';
import { scopeRank } from './buddy-variables.js';

/**
 * Buddy's pipeline `loop` (spec §4.3, §5.14): the listed variable keys hold several values, and
 * one trigger makes one run per combination of them (2 values × 3 values = 6 runs), each run
 * getting that combination as run variables. Contract (Runnel's reading, Buddy documents no
 * encoding over the API): a loop variable's values are its value split on new lines (blank lines
 * dropped), or a JSON array of strings. A key with no value anywhere loops over nothing and is
 * ignored. Every loop run also carries LOOP_VARIABLE = "<n>/<total>", which the definition
 * policies read so that the runs of one fan-out never supersede each other (they run in order).
 */
export const LOOP_VARIABLE = 'BUDDY_EXECUTION_LOOP';

/** The values a loop variable holds. */
export function loopValues(value: string): string[] {
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map((v) => String(v));
    } catch { /* not JSON: one value per line */ }
  }
  return value.split(/\r?\n/).map((v) => v.trim()).filter(Boolean);
}

/** Every combination of the loop keys' values, in order (first key varies slowest); [] when no loop. */
export function loopCombinations(keys: string[], values: Record<string, string | undefined>): Array<Record<string, string>> {
  let out: Array<Record<string, string>> = [{}];
  let any = false;
  for (const key of keys) {
    const raw = values[key];
    if (raw === undefined) continue;
    const list = loopValues(raw);
    if (list.length === 0) continue;
    any = true;
    out = out.flatMap((combo) => list.map((v) => ({ ...combo, [key]: v })));
  }
  return any ? out : [];
}

/** The run variables of each loop run: the request's own, with the combination's values set. */
export function loopRunVariables(base: RunVariable[], combos: Array<Record<string, string>>): RunVariable[][] {
  return combos.map((combo, i) => {
    const keys = new Set([...Object.keys(combo), LOOP_VARIABLE]);
    return [
      ...base.filter((v) => !keys.has(v.key)),
      ...Object.entries(combo).map(([key, value]) => ({ key, value, variable_type: 'env_var' as const })),
      { key: LOOP_VARIABLE, value: `${i + 1}/${combos.length}`, variable_type: 'env_var' as const },
    ];
  });
}

/** The plain Buddy variables a pipeline's runs see (workspace < project < pipeline), by key. */
export async function pipelineVariableValues(store: Store, workspaceId: number, projectId: number, definitionId: number): Promise<Record<string, string>> {
  const rows = (await store.buddyVariables.visibleTo(workspaceId, projectId, definitionId))
    .filter((v) => v.actionId === null && !v.encrypted)
    .sort((a, b) => scopeRank(a) - scopeRank(b) || a.id - b.id);
  return Object.fromEntries(rows.map((v) => [v.key, v.value]));
}
