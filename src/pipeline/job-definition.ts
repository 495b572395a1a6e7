/**
 * One YAML job (after includes, extends and !reference), validated and normalized, before rules
 * and parallel expansion. Problems are reported with GitLab's wording, e.g.
 * `jobs:build config contains unknown keys: scirpt`, `jobs:build script can't be blank`.
 */
import { hasKey, isMap, isStringArray, type ConfigMap } from './config-value.js';
import { parseDuration } from './duration.js';
import type { FieldReporter } from './field-reporter.js';
import { compileUserRegex, isRegexError, parseRegexLiteral } from './gitlab-regex.js';
import { inheritedDefaultKeys, normalizeCommon, type CommonFields } from './job-common.js';
import { normalizeAllowFailure, normalizeEnvironment } from './job-fields.js';
import { normalizeNeeds, type NeedSpec } from './needs-field.js';
import { normalizePolicy, type PolicySpec } from './only-except.js';
import { normalizeParallel, type ParallelSpec } from './parallel.js';
import type { JobWhen, PlanEnvironment, PlanTrigger, PlanVariable } from './plan.js';
import { normalizeRules, type RuleSpec } from './rules.js';
import { flattenScript, SCRIPT_TYPE_MESSAGE } from './script-field.js';
import { normalizeTrigger } from './trigger-field.js';
import { normalizeVariables } from './yaml-variables.js';

export interface JobDefinition {
  name: string;
  /** Definition order among jobs. */
  order: number;
  kind: 'build' | 'bridge';
  stage: string;
  script: string[];
  common: CommonFields;
  when: JobWhen | null;
  startIn: string | null;
  allowFailure: boolean | null;
  allowFailureExitCodes: number[];
  needs: NeedSpec[] | null;
  dependencies: string[] | null;
  variables: Record<string, PlanVariable>;
  inheritVariables: boolean | string[];
  environment: PlanEnvironment | null;
  resourceGroup: string | null;
  coverage: string | null;
  trigger: PlanTrigger | null;
  parallel: ParallelSpec | null;
  rules: RuleSpec[] | null;
  only: PolicySpec | null;
  except: PolicySpec | null;
}

const BUILD_KEYS = [
  'tags', 'script', 'type', 'image', 'services', 'start_in', 'artifacts', 'cache', 'dependencies', 'before_script',
  'after_script', 'environment', 'coverage', 'retry', 'parallel', 'interruptible', 'timeout', 'release', 'secrets',
  'hooks', 'id_tokens', 'pages', 'manual_confirmation', 'identity', 'dast_configuration',
];
const BRIDGE_KEYS = ['trigger', 'parallel', 'environment', 'needs', 'dependencies'];
const PROCESSABLE_KEYS = ['extends', 'stage', 'only', 'except', 'rules', 'variables', 'inherit', 'allow_failure', 'when', 'needs', 'resource_group'];
const IGNORED_KEYS = ['release', 'secrets', 'id_tokens', 'pages', 'identity', 'dast_configuration'];
const JOB_WHEN: JobWhen[] = ['on_success', 'on_failure', 'always', 'manual', 'delayed'];

export function isJobLike(map: ConfigMap): boolean {
  return hasKey(map, 'script') || hasKey(map, 'trigger') || hasKey(map, 'run');
}

export function normalizeJob(name: string, order: number, map: ConfigMap, report: FieldReporter, defaults: CommonFields): JobDefinition | null {
  if (hasKey(map, 'run')) {
    report.error('run', 'is not supported by Runnel; use script');
    return null;
  }
  const kind: 'build' | 'bridge' = hasKey(map, 'script') ? 'build' : 'bridge';
  const allowed = new Set([...PROCESSABLE_KEYS, ...(kind === 'build' ? BUILD_KEYS : BRIDGE_KEYS)]);
  const unknown = Object.keys(map).filter((k) => !allowed.has(k));
  if (unknown.length > 0) {
    const first = unknown[0]!;
    report.sink.error(`${report.prefix} config contains unknown keys: ${unknown.join(', ')}`, report.locations.keyOf(map, first), [...report.path]);
  }
  for (const key of IGNORED_KEYS) {
    if (hasKey(map, key)) report.warning(key, 'is not supported by Runnel and is ignored');
  }

  let script: string[] = [];
  if (kind === 'build') {
    const flat = flattenScript(map.script ?? null);
    if (!flat) report.error('script', SCRIPT_TYPE_MESSAGE);
    else if (flat.length === 0 || flat.every((s) => s === '')) report.sink.error(`${report.prefix} script can't be blank`, report.locations.valueOf(map, 'script'), [...report.path, 'script']);
    script = flat ?? [];
  }

  const stageValue = map.stage ?? map.type ?? 'test';
  let stage = 'test';
  if (typeof stageValue !== 'string') report.error(hasKey(map, 'stage') ? 'stage' : 'type', 'config should be a string');
  else stage = stageValue;

  const rulesSpec = normalizeRules(map.rules ?? null, report, 'job');
  if (hasKey(map, 'rules')) {
    const clash = ['only', 'except', 'start_in'].filter((k) => hasKey(map, k) && map[k] !== null);
    if (clash.length > 0) report.sink.error(`${report.prefix} config key may not be used with \`rules\`: ${clash.join(', ')}`, report.locations.keyOf(map, clash[0]!), [...report.path, clash[0]!]);
  }

  let when: JobWhen | null = null;
  if (hasKey(map, 'when')) {
    if (typeof map.when !== 'string' || !JOB_WHEN.includes(map.when as JobWhen)) {
      report.sink.error(`${report.prefix} when should be one of: ${JOB_WHEN.join(', ')}`, report.locations.valueOf(map, 'when'), [...report.path, 'when']);
    } else when = map.when as JobWhen;
  }
  let startIn: string | null = null;
  if (when === 'delayed' && !hasKey(map, 'rules')) {
    if (!hasKey(map, 'start_in')) report.sink.error(`${report.prefix} start in should be a duration`, report.locations.of(map), [...report.path, 'start_in']);
    else startIn = checkStartIn(map.start_in, report);
  } else if (hasKey(map, 'start_in') && !hasKey(map, 'rules')) {
    report.sink.error(`${report.prefix} start in must be blank`, report.locations.keyOf(map, 'start_in'), [...report.path, 'start_in']);
  }

  const af = normalizeAllowFailure(map.allow_failure ?? null, report);

  const needs = normalizeNeeds(map.needs ?? null, report);
  let dependencies: string[] | null = null;
  if (hasKey(map, 'dependencies') && map.dependencies !== null) {
    if (!isStringArray(map.dependencies)) report.error('dependencies', 'config should be an array of strings');
    else dependencies = map.dependencies;
  }
  if (dependencies && needs) {
    const names = new Set(needs.map((n) => n.job));
    const missing = dependencies.filter((d) => !names.has(d));
    if (missing.length > 0) report.error('dependencies', `the ${missing.join(', ')} should be part of needs`);
  }

  const variables = normalizeVariables(map.variables ?? null, report, 'variables', { global: false });
  let inheritDefault: boolean | string[] = true;
  let inheritVariables: boolean | string[] = true;
  if (hasKey(map, 'inherit')) {
    const inherit = map.inherit ?? null;
    if (!isMap(inherit)) report.error('inherit', 'config should be a hash');
    else {
      const bad = Object.keys(inherit).filter((k) => k !== 'default' && k !== 'variables');
      if (bad.length > 0) report.error('inherit', `config contains unknown keys: ${bad.join(', ')}`);
      for (const part of ['default', 'variables'] as const) {
        const v = inherit[part];
        if (v === undefined) continue;
        if (typeof v === 'boolean' || isStringArray(v)) {
          if (part === 'default') inheritDefault = v; else inheritVariables = v;
        } else report.error(['inherit', part], 'config should be a boolean value or an array of strings', inherit);
      }
    }
  }

  const own = normalizeCommon(map, report);
  const inherited = inheritedDefaultKeys(inheritDefault);
  const common: CommonFields = {};
  for (const key of Object.keys({ ...defaults, ...own }) as Array<keyof CommonFields>) {
    if (own[key] !== undefined) (common as Record<string, unknown>)[key] = own[key];
    else if (inherited.has(key) && defaults[key] !== undefined) (common as Record<string, unknown>)[key] = defaults[key];
  }

  let coverage: string | null = null;
  if (hasKey(map, 'coverage') && map.coverage !== null) {
    const literal = typeof map.coverage === 'string' ? parseRegexLiteral(map.coverage) : null;
    if (!literal || isRegexError(compileUserRegex(literal.body, literal.flags))) report.error('coverage', 'config must be a regular expression');
    else coverage = map.coverage as string;
  }

  let resourceGroup: string | null = null;
  if (hasKey(map, 'resource_group') && map.resource_group !== null) {
    if (typeof map.resource_group !== 'string') report.error('resource_group', 'config should be a string');
    else resourceGroup = map.resource_group;
  }

  const trigger = kind === 'bridge' ? normalizeTrigger(map.trigger ?? null, report) : null;
  return {
    name, order, kind, stage, script, common, when, startIn,
    allowFailure: af.allowFailure, allowFailureExitCodes: af.exitCodes,
    needs, dependencies, variables, inheritVariables,
    environment: normalizeEnvironment(map.environment ?? null, report),
    resourceGroup, coverage, trigger,
    parallel: normalizeParallel(map.parallel ?? null, report),
    rules: rulesSpec,
    only: normalizePolicy(map.only ?? null, report, 'only'),
    except: normalizePolicy(map.except ?? null, report, 'except'),
  };
}

/** start_in: a duration of at most one week (GitLab's limit). */
export function checkStartIn(value: unknown, report: FieldReporter): string | null {
  const seconds = parseDuration(value);
  if (seconds === null) { report.error('start_in', 'config should be a duration'); return null; }
  if (seconds > 7 * 86400) { report.error('start_in', 'config should not exceed the limit'); return null; }
  return String(value);
}
