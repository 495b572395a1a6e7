/**
 * `only:` / `except:` (the older job filters). Each is a list of refs or a hash of refs,
 * variables, changes. A policy is satisfied when every part that is present is satisfied; `only`
 * keeps the job when satisfied, `except` drops it. Without rules and workflow:rules a job has the
 * default `only: [branches, tags]`.
 *
 * Refs (lib/gitlab/ci/build/policy/refs.rb): `branches` / `tags`; a pipeline source or its plural
 * (`web`, `api`, `schedules`, `triggers`, `pipelines`, `pushes`, `merge_requests`); a `/regex/`
 * searched in the ref name (RE2); else an exact ref name. `name@project/path` also checks the
 * project path.
 */
import { isMap, isStringArray, type ConfigValue } from './config-value.js';
import { evaluateExpression, validateExpression } from './expression-evaluate.js';
import type { FieldReporter } from './field-reporter.js';
import { compileUserRegex, isRegexError, parseRegexLiteral } from './gitlab-regex.js';
import { changesClause, type RuleEnvironment } from './rule-environment.js';

export interface PolicySpec {
  refs: string[] | null;
  variables: string[] | null;
  changes: string[] | null;
}

export const DEFAULT_ONLY: PolicySpec = { refs: ['branches', 'tags'], variables: null, changes: null };

export function normalizePolicy(value: ConfigValue, report: FieldReporter, key: 'only' | 'except'): PolicySpec | null {
  if (value === null || value === undefined) return null;
  if (isStringArray(value)) return checkRefs({ refs: value, variables: null, changes: null }, report, key);
  if (typeof value === 'string') return checkRefs({ refs: [value], variables: null, changes: null }, report, key);
  if (!isMap(value)) { report.error(key, 'config should be an array of strings or a hash'); return null; }
  const unknown = Object.keys(value).filter((k) => !['refs', 'variables', 'changes', 'kubernetes'].includes(k));
  if (unknown.length > 0) { report.error(key, `config contains unknown keys: ${unknown.join(', ')}`); return null; }
  const spec: PolicySpec = { refs: null, variables: null, changes: null };
  for (const part of ['refs', 'variables', 'changes'] as const) {
    const v = value[part];
    if (v === undefined) continue;
    const list = typeof v === 'string' ? [v] : v;
    if (!isStringArray(list)) { report.error([key, part], 'should be an array of strings', value); continue; }
    spec[part] = list;
  }
  for (const expression of spec.variables ?? []) {
    if (validateExpression(expression) !== null) report.error([key, 'variables'], `invalid expression syntax: ${expression}`, value);
  }
  return checkRefs(spec, report, key);
}

function checkRefs(spec: PolicySpec, report: FieldReporter, key: string): PolicySpec {
  for (const ref of spec.refs ?? []) {
    const pattern = ref.split('@')[0]!;
    const literal = pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/') ? parseRegexLiteral(pattern) : null;
    if (literal) {
      const compiled = compileUserRegex(literal.body, literal.flags);
      if (isRegexError(compiled)) report.error(key, `config should be an array of strings or regular expressions using re2 syntax (${ref})`);
    }
  }
  return spec;
}

export interface RefFacts {
  ref: string;
  tag: boolean;
  /** false for merge request pipelines, whose ref is not a branch. */
  branch: boolean;
  source: string;
  projectPath: string;
}

const PLURALS: Record<string, string> = { push: 'pushes', merge_request_event: 'merge_requests', schedule: 'schedules', trigger: 'triggers', pipeline: 'pipelines', parent_pipeline: 'pipelines', api: 'apis', web: 'webs' };

function refMatches(pattern: string, facts: RefFacts): boolean {
  const at = pattern.indexOf('@');
  const name = at < 0 ? pattern : pattern.slice(0, at);
  const path = at < 0 ? null : pattern.slice(at + 1);
  if (path !== null && path !== facts.projectPath) return false;
  if (facts.tag && name === 'tags') return true;
  if (facts.branch && name === 'branches') return true;
  if (facts.source === name || PLURALS[facts.source] === name) return true;
  if (name.length > 1 && name.startsWith('/') && name.endsWith('/')) {
    const literal = parseRegexLiteral(name);
    if (!literal) return false;
    const compiled = compileUserRegex(literal.body, literal.flags);
    return !isRegexError(compiled) && compiled.test(facts.ref);
  }
  return name === facts.ref;
}

export async function policySatisfied(spec: PolicySpec, facts: RefFacts, env: RuleEnvironment): Promise<boolean> {
  if (spec.refs && !spec.refs.some((r) => refMatches(r, facts))) return false;
  if (spec.variables && !spec.variables.some((e) => evaluateExpression(e, env.lookup))) return false;
  if (spec.changes && !(await changesClause(spec.changes, env))) return false;
  return true;
}

/** Whether only/except keep the job. */
export async function onlyExceptKeep(only: PolicySpec | null, except: PolicySpec | null, facts: RefFacts, env: RuleEnvironment): Promise<boolean> {
  if (only && !(await policySatisfied(only, facts, env))) return false;
  if (except && (await exceptSatisfied(except, facts, env))) return false;
  return true;
}

/** GitLab drops the job when ANY present part of `except` is satisfied (`only` needs all). */
async function exceptSatisfied(spec: PolicySpec, facts: RefFacts, env: RuleEnvironment): Promise<boolean> {
  if (spec.refs && spec.refs.some((r) => refMatches(r, facts))) return true;
  if (spec.variables && spec.variables.some((e) => evaluateExpression(e, env.lookup))) return true;
  if (spec.changes && (await changesClause(spec.changes, env))) return true;
  return false;
}
