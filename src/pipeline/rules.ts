/**
 * `rules:` for jobs and workflow. The first rule whose clauses (if, changes, exists — all that
 * are present) match decides; no match means the job is left out (`when: never`). A matched
 * rule's `when` defaults to the job's own `when` (or on_success); its allow_failure, variables,
 * needs, start_in and interruptible override the job's.
 */
import { hasKey, isMap, isStringArray, type ConfigMap, type ConfigValue } from './config-value.js';
import { validateExpression } from './expression-evaluate.js';
import type { FieldReporter } from './field-reporter.js';
import { LIMITS } from './limits.js';
import { normalizeNeeds, type NeedSpec } from './needs-field.js';
import type { PlanVariable } from './plan.js';
import { changesClause, existsClause, ifClause, type RuleEnvironment } from './rule-environment.js';
import { normalizeVariables } from './yaml-variables.js';

export interface RuleSpec {
  if: string | null;
  changes: ConfigValue | undefined;
  exists: ConfigValue | undefined;
  when: string | null;
  startIn: string | null;
  allowFailure: boolean | null;
  allowFailureExitCodes: number[] | null;
  variables: Record<string, PlanVariable> | null;
  needs: NeedSpec[] | null;
  interruptible: boolean | null;
  /** workflow rules only. */
  autoCancel: ConfigMap | null;
}

const JOB_RULE_KEYS = ['if', 'changes', 'exists', 'when', 'start_in', 'allow_failure', 'variables', 'needs', 'interruptible'];
const WORKFLOW_RULE_KEYS = ['if', 'changes', 'exists', 'when', 'variables', 'auto_cancel'];
const JOB_RULE_WHEN = ['on_success', 'on_failure', 'always', 'never', 'manual', 'delayed'];
const WORKFLOW_RULE_WHEN = ['always', 'never'];

/** Flattens nested arrays (from !reference) up to 10 levels, like GitLab. */
function flattenRules(value: ConfigValue[], depth = 1): ConfigValue[] | null {
  const out: ConfigValue[] = [];
  for (const item of value) {
    if (Array.isArray(item)) {
      if (depth >= LIMITS.maxScriptNesting) return null;
      const inner = flattenRules(item, depth + 1);
      if (!inner) return null;
      out.push(...inner);
    } else out.push(item);
  }
  return out;
}

export function normalizeRules(value: ConfigValue, report: FieldReporter, kind: 'job' | 'workflow', key: string[] = ['rules']): RuleSpec[] | null {
  if (value === null || value === undefined) return null;
  const list = Array.isArray(value) ? flattenRules(value) : null;
  if (!list) { report.error(key, 'config should be an array of hashes'); return null; }
  const allowedKeys = kind === 'job' ? JOB_RULE_KEYS : WORKFLOW_RULE_KEYS;
  const allowedWhen = kind === 'job' ? JOB_RULE_WHEN : WORKFLOW_RULE_WHEN;
  const out: RuleSpec[] = [];
  list.forEach((rule) => {
    const holder = Array.isArray(value) && value.includes(rule) ? value : report.node;
    const ruleKey = Array.isArray(value) && value.includes(rule) ? [...key, String(value.indexOf(rule))] : key;
    if (!isMap(rule)) { report.error([...key, 'rule'], 'config should be a hash', holder); return; }
    const unknown = Object.keys(rule).filter((k) => !allowedKeys.includes(k));
    if (unknown.length > 0) { report.error([...key, 'rule'], `config contains unknown keys: ${unknown.join(', ')}`, holder); return; }
    const spec: RuleSpec = {
      if: null, changes: undefined, exists: undefined, when: null, startIn: null, allowFailure: null,
      allowFailureExitCodes: null, variables: null, needs: null, interruptible: null, autoCancel: null,
    };
    if (hasKey(rule, 'if')) {
      if (typeof rule.if !== 'string') report.error([...key, 'rule', 'if'], 'should be a string', rule);
      else if (validateExpression(rule.if) !== null) report.error([...key, 'rule', 'if'], 'invalid expression syntax', rule);
      else spec.if = rule.if;
    }
    if (hasKey(rule, 'changes')) {
      const c = rule.changes ?? null;
      const ok = isStringArray(c) || (isMap(c) && isStringArray(c.paths) && Object.keys(c).every((k) => k === 'paths' || k === 'compare_to')
        && (c.compare_to === undefined || typeof c.compare_to === 'string'));
      if (!ok) report.error([...key, 'rule', 'changes'], 'should be an array of strings or a hash with paths (and compare_to)', rule);
      else spec.changes = c;
    }
    if (hasKey(rule, 'exists')) {
      const e = rule.exists ?? null;
      if (isMap(e) && (hasKey(e, 'project') || hasKey(e, 'ref'))) report.error([...key, 'rule', 'exists'], 'project and ref are not supported by Runnel', rule);
      else if (!isStringArray(e) && !(isMap(e) && isStringArray(e.paths))) report.error([...key, 'rule', 'exists'], 'should be an array of strings or a hash with paths', rule);
      else spec.exists = e;
    }
    if (hasKey(rule, 'when')) {
      if (typeof rule.when !== 'string' || !allowedWhen.includes(rule.when)) report.error([...key, 'rule', 'when'], `unknown value: ${String(rule.when)}`, rule);
      else spec.when = rule.when;
    }
    if (hasKey(rule, 'start_in')) spec.startIn = rule.start_in === null ? null : String(rule.start_in);
    if (hasKey(rule, 'allow_failure')) {
      const af = rule.allow_failure;
      if (typeof af === 'boolean') spec.allowFailure = af;
      else if (isMap(af) && Array.isArray(af.exit_codes)) { spec.allowFailure = false; spec.allowFailureExitCodes = af.exit_codes.filter((c): c is number => typeof c === 'number'); }
      else report.error([...key, 'rule', 'allow_failure'], 'should be a boolean value', rule);
    }
    if (hasKey(rule, 'variables')) spec.variables = normalizeVariables(rule.variables ?? null, report, [...ruleKey, 'variables'], { global: false });
    if (hasKey(rule, 'needs')) spec.needs = normalizeNeeds(rule.needs ?? null, report, [...ruleKey, 'needs']) ?? [];
    if (hasKey(rule, 'interruptible')) {
      if (typeof rule.interruptible !== 'boolean') report.error([...key, 'rule', 'interruptible'], 'should be a boolean value', rule);
      else spec.interruptible = rule.interruptible;
    }
    if (hasKey(rule, 'auto_cancel') && isMap(rule.auto_cancel)) spec.autoCancel = rule.auto_cancel;
    if (spec.when === 'delayed' && spec.startIn === null && kind === 'job') report.error([...key, 'rule', 'start_in'], 'should be specified for delayed rules', rule);
    out.push(spec);
  });
  return out;
}

/** The first matching rule, or null when none matches (the job / pipeline is left out). */
export async function firstMatchingRule(rules: RuleSpec[], env: RuleEnvironment): Promise<RuleSpec | null> {
  for (const rule of rules) {
    if (rule.if !== null && !ifClause(rule.if, env)) continue;
    if (rule.changes !== undefined && !(await changesClause(rule.changes, env))) continue;
    if (rule.exists !== undefined && !(await existsClause(rule.exists, env))) continue;
    return rule;
  }
  return null;
}
