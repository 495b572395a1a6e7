/**
 * `workflow:` — rules deciding whether the run is created at all (no matching rule, or a rule
 * with `when: never`, stops it: "Pipeline filtered out by workflow rules."), plus the run's name
 * and auto_cancel settings and the variables of the matching rule.
 */
import { hasKey, isMap, type ConfigValue } from './config-value.js';
import type { FieldReporter } from './field-reporter.js';
import type { PlanVariable } from './plan.js';
import { firstMatchingRule, normalizeRules, type RuleSpec } from './rules.js';
import type { RuleEnvironment } from './rule-environment.js';

export interface WorkflowSpec {
  rules: RuleSpec[] | null;
  name: string | null;
  autoCancel: { onNewCommit: string | null; onJobFailure: string | null } | null;
}

const ON_NEW_COMMIT = ['conservative', 'interruptible', 'none'];
const ON_JOB_FAILURE = ['none', 'all'];

export function normalizeWorkflow(value: ConfigValue, report: FieldReporter): WorkflowSpec {
  const spec: WorkflowSpec = { rules: null, name: null, autoCancel: null };
  if (value === null || value === undefined) return spec;
  if (!isMap(value)) { report.entryError('config should be a hash'); return spec; }
  const unknown = Object.keys(value).filter((k) => !['rules', 'name', 'auto_cancel'].includes(k));
  if (unknown.length > 0) report.entryError(`config contains unknown keys: ${unknown.join(', ')}`);
  if (hasKey(value, 'rules')) spec.rules = normalizeRules(value.rules ?? null, report, 'workflow');
  if (hasKey(value, 'name')) {
    if (typeof value.name !== 'string' || value.name.length > 255) report.error('name', 'config should be a string of at most 255 characters');
    else spec.name = value.name;
  }
  if (hasKey(value, 'auto_cancel')) spec.autoCancel = normalizeAutoCancel(value.auto_cancel ?? null, report, ['auto_cancel']);
  return spec;
}

export function normalizeAutoCancel(value: ConfigValue, report: FieldReporter, key: string[]): WorkflowSpec['autoCancel'] {
  if (!isMap(value)) { report.error(key, 'config should be a hash'); return null; }
  const out = { onNewCommit: null as string | null, onJobFailure: null as string | null };
  if (value.on_new_commit !== undefined) {
    if (!ON_NEW_COMMIT.includes(String(value.on_new_commit))) report.error([...key, 'on_new_commit'], `config must be one of: ${ON_NEW_COMMIT.join(', ')}`, value);
    else out.onNewCommit = String(value.on_new_commit);
  }
  if (value.on_job_failure !== undefined) {
    if (!ON_JOB_FAILURE.includes(String(value.on_job_failure))) report.error([...key, 'on_job_failure'], `config must be one of: ${ON_JOB_FAILURE.join(', ')}`, value);
    else out.onJobFailure = String(value.on_job_failure);
  }
  return out;
}

export interface WorkflowOutcome {
  created: boolean;
  variables: Record<string, PlanVariable>;
  autoCancel: WorkflowSpec['autoCancel'];
}

export async function evaluateWorkflow(spec: WorkflowSpec, env: RuleEnvironment): Promise<WorkflowOutcome> {
  if (!spec.rules) return { created: true, variables: {}, autoCancel: spec.autoCancel };
  const rule = await firstMatchingRule(spec.rules, env);
  if (!rule || rule.when === 'never') return { created: false, variables: {}, autoCancel: spec.autoCancel };
  let autoCancel = spec.autoCancel;
  if (rule.autoCancel) {
    const merged = { onNewCommit: autoCancel?.onNewCommit ?? null, onJobFailure: autoCancel?.onJobFailure ?? null };
    if (typeof rule.autoCancel.on_new_commit === 'string') merged.onNewCommit = rule.autoCancel.on_new_commit;
    if (typeof rule.autoCancel.on_job_failure === 'string') merged.onJobFailure = rule.autoCancel.on_job_failure;
    autoCancel = merged;
  }
  return { created: true, variables: rule.variables ?? {}, autoCancel };
}
