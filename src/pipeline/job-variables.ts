/**
 * The variables a job receives, in GitLab's precedence order (doc/ci/variables/_index.md,
 * "CI/CD variable precedence"), lowest first so that a later entry overrides an earlier one:
 *
 *   predefined (pipeline, then job) < global YAML (as inherited) < job YAML (incl. matrix and
 *   rule variables) < project variables < run variables (pipeline/trigger/schedule/manual)
 *
 * Used for rules evaluation (values as written) and exported for the engine, which turns the list
 * into the job payload's variables.
 */
import type { ContextVariable, RunContext } from './compile-input.js';
import type { Plan, PlanJob, PlanVariable, PlanVariableEntry } from './plan.js';
import { expandAll } from './variable-expansion.js';

export function contextEntries(vars: Record<string, string | ContextVariable> | undefined): PlanVariableEntry[] {
  if (!vars) return [];
  return Object.keys(vars).map((key) => {
    const v = vars[key]!;
    if (typeof v === 'string') return { key, value: v, public: false, masked: false, file: false, raw: false };
    return { key, value: String(v.value ?? ''), public: false, masked: v.masked === true, file: v.file === true, raw: v.raw === true };
  });
}

export function predefinedEntries(vars: Record<string, string>): PlanVariableEntry[] {
  return Object.keys(vars).map((key) => ({ key, value: vars[key]!, public: true, masked: false, file: false, raw: false }));
}

export function yamlEntries(vars: Record<string, PlanVariable>): PlanVariableEntry[] {
  return Object.keys(vars).map((key) => ({ key, value: vars[key]!.value, public: true, masked: false, file: false, raw: !vars[key]!.expand }));
}

/** Merges layers (lowest precedence first); a later key replaces an earlier one in place. */
export function mergeLayers(...layers: PlanVariableEntry[][]): PlanVariableEntry[] {
  const map = new Map<string, PlanVariableEntry>();
  for (const layer of layers) for (const entry of layer) { map.delete(entry.key); map.set(entry.key, entry); }
  return [...map.values()];
}

/** Every variable of `job`, in precedence order (later wins), values as written. */
export function jobVariables(plan: Plan, job: PlanJob, context: Pick<RunContext, 'variables' | 'projectVariables'>): PlanVariableEntry[] {
  return mergeLayers(
    predefinedEntries(plan.predefinedVariables),
    predefinedEntries(job.predefinedVariables),
    yamlEntries(job.variables),
    contextEntries(context.projectVariables),
    contextEntries(context.variables),
  );
}

/**
 * Values with `$VAR` references expanded the way GitLab does before a job runs (raw and
 * expand:false values stay literal; a reference cycle leaves values unexpanded).
 */
export function expandedJobVariables(entries: PlanVariableEntry[]): { values: Record<string, string>; cycle: string[] | null } {
  const { values, cycle } = expandAll(entries.map((e) => ({ key: e.key, value: e.value, expand: !e.raw })));
  return { values: Object.fromEntries(values), cycle };
}
