/**
 * Normalizers for the structured job keywords (image, services, artifacts, reports, cache, retry,
 * environment, trigger, allow_failure, tags). Each takes the raw value, reports problems through
 * a FieldReporter and returns the Plan shape (or a safe empty value when invalid).
 */
import { hasKey, isMap, isStringArray, type ConfigMap, type ConfigValue } from './config-value.js';
import { parseDuration } from './duration.js';
import type { FieldReporter } from './field-reporter.js';
import type { PlanArtifacts, PlanEnvironment, PlanImage, PlanReports, PlanRetry, PlanService } from './plan.js';

function unknownKeys(map: ConfigMap, allowed: readonly string[]): string[] {
  return Object.keys(map).filter((k) => !allowed.includes(k));
}

function stringList(value: ConfigValue): string[] | null {
  if (typeof value === 'string') return [value];
  return isStringArray(value) ? value : null;
}

const IMAGE_KEYS = ['name', 'entrypoint', 'pull_policy', 'docker', 'ports', 'kubernetes'];
const SERVICE_KEYS = [...IMAGE_KEYS, 'alias', 'command', 'variables'];
const PULL_POLICIES = ['always', 'never', 'if-not-present'];

export function normalizeImage(value: ConfigValue, report: FieldReporter, key: string[]): PlanImage | null {
  if (value === null) return null;
  if (typeof value === 'string') return { name: value, entrypoint: null, pullPolicy: null, docker: null };
  if (!isMap(value)) { report.error(key, 'config should be a hash or a string'); return null; }
  const unknown = unknownKeys(value, IMAGE_KEYS);
  if (unknown.length > 0) { report.error(key, `config contains unknown keys: ${unknown.join(', ')}`); return null; }
  if (typeof value.name !== 'string') { report.error([...key, 'name'], "can't be blank", value); return null; }
  return imageBody(value, report, key);
}

function imageBody(value: ConfigMap, report: FieldReporter, key: string[]): PlanImage {
  let entrypoint: string[] | null = null;
  if (value.entrypoint !== undefined) {
    entrypoint = stringList(value.entrypoint) ?? null;
    if (!isStringArray(value.entrypoint)) report.error([...key, 'entrypoint'], 'config should be an array of strings', value);
  }
  let pullPolicy: string[] | null = null;
  if (value.pull_policy !== undefined) {
    pullPolicy = stringList(value.pull_policy);
    if (!pullPolicy || !pullPolicy.every((p) => PULL_POLICIES.includes(p))) {
      report.error([...key, 'pull_policy'], `config should be one of: ${PULL_POLICIES.join(', ')}`, value);
      pullPolicy = null;
    }
  }
  let docker: PlanImage['docker'] = null;
  if (isMap(value.docker)) {
    docker = {};
    if (typeof value.docker.platform === 'string') docker.platform = value.docker.platform;
    if (typeof value.docker.user === 'string') docker.user = value.docker.user;
  }
  return { name: String(value.name), entrypoint, pullPolicy, docker };
}

export function normalizeServices(value: ConfigValue, report: FieldReporter, key: string[]): PlanService[] {
  if (value === null) return [];
  if (!Array.isArray(value)) { report.error(key, 'config should be a array'); return []; }
  const out: PlanService[] = [];
  value.forEach((item, index) => {
    const here = [...key, String(index)];
    if (typeof item === 'string') {
      out.push({ name: item, entrypoint: null, pullPolicy: null, docker: null, alias: null, command: null, variables: {} });
      return;
    }
    if (!isMap(item)) { report.error(here, 'config should be a hash or a string', value); return; }
    const unknown = unknownKeys(item, SERVICE_KEYS);
    if (unknown.length > 0) { report.error(here, `config contains unknown keys: ${unknown.join(', ')}`, value); return; }
    if (typeof item.name !== 'string') { report.error([...here, 'name'], "can't be blank", value); return; }
    const base = imageBody(item, report, here);
    const variables: Record<string, string> = {};
    if (isMap(item.variables)) for (const k of Object.keys(item.variables)) variables[k] = String(item.variables[k]);
    out.push({
      ...base,
      alias: typeof item.alias === 'string' ? item.alias : null,
      command: item.command === undefined ? null : stringList(item.command),
      variables,
    });
  });
  return out;
}

const ARTIFACT_KEYS = ['name', 'untracked', 'paths', 'exclude', 'expose_as', 'when', 'expire_in', 'reports', 'public', 'access'];
const ARTIFACT_WHEN = ['on_success', 'on_failure', 'always'] as const;
const REPORT_TYPES = [
  'junit', 'dotenv', 'coverage_report', 'codequality', 'sast', 'secret_detection', 'dependency_scanning',
  'container_scanning', 'dast', 'license_scanning', 'performance', 'browser_performance', 'load_performance',
  'metrics', 'terraform', 'requirements', 'accessibility', 'cyclonedx', 'annotations', 'api_fuzzing',
  'coverage_fuzzing', 'cluster_image_scanning', 'repository_xray',
];

export function emptyReports(): PlanReports {
  return { junit: [], dotenv: [], coverageReport: null, other: {} };
}

export function normalizeArtifacts(value: ConfigValue, report: FieldReporter, key: string[]): { artifacts: PlanArtifacts | null; reports: PlanReports } {
  const reports = emptyReports();
  if (value === null) return { artifacts: null, reports };
  if (!isMap(value)) { report.error(key, 'config should be a hash'); return { artifacts: null, reports }; }
  const unknown = unknownKeys(value, ARTIFACT_KEYS);
  if (unknown.length > 0) report.error(key, `config contains unknown keys: ${unknown.join(', ')}`);
  const list = (k: string): string[] => {
    if (value[k] === undefined || value[k] === null) return [];
    if (!isStringArray(value[k])) { report.error([...key, k], 'config should be an array of strings', value); return []; }
    return value[k] as string[];
  };
  const when = value.when ?? 'on_success';
  if (!ARTIFACT_WHEN.includes(when as never)) report.error([...key, 'when'], `config should be one of: ${ARTIFACT_WHEN.join(', ')}`, value);
  let expireIn: string | null = null;
  if (value.expire_in !== undefined && value.expire_in !== null) {
    expireIn = String(value.expire_in);
    if (expireIn !== 'never' && parseDuration(value.expire_in) === null) report.error([...key, 'expire_in'], 'config should be a duration', value);
  }
  if (value.untracked !== undefined && typeof value.untracked !== 'boolean') report.error([...key, 'untracked'], 'config should be a boolean value', value);
  if (value.reports !== undefined && value.reports !== null) {
    if (!isMap(value.reports)) report.error([...key, 'reports'], 'config should be a hash', value);
    else {
      const r = value.reports;
      for (const type of Object.keys(r)) {
        if (!REPORT_TYPES.includes(type)) { report.error([...key, 'reports'], `config contains unknown keys: ${type}`, value); continue; }
        if (type === 'coverage_report') {
          const c = r[type];
          if (!isMap(c) || typeof c.coverage_format !== 'string' || typeof c.path !== 'string') {
            report.error([...key, 'reports', 'coverage_report'], 'config should be a hash with coverage_format and path', r);
          } else if (!['cobertura', 'jacoco'].includes(c.coverage_format)) {
            report.error([...key, 'reports', 'coverage_report', 'coverage_format'], 'config should be one of: cobertura, jacoco', c);
          } else reports.coverageReport = { coverageFormat: c.coverage_format, path: c.path };
          continue;
        }
        const paths = stringList(r[type] ?? null);
        if (!paths) { report.error([...key, 'reports', type], 'should be a string or an array of strings', r); continue; }
        if (type === 'junit') reports.junit = paths;
        else if (type === 'dotenv') reports.dotenv = paths;
        else reports.other[type] = paths;
      }
    }
  }
  const artifacts: PlanArtifacts = {
    name: value.name === undefined || value.name === null ? null : String(value.name),
    paths: list('paths'),
    exclude: list('exclude'),
    untracked: value.untracked === true,
    when: (ARTIFACT_WHEN.includes(when as never) ? when : 'on_success') as PlanArtifacts['when'],
    expireIn,
    exposeAs: typeof value.expose_as === 'string' ? value.expose_as : null,
    public: value.public !== false && value.access !== 'developer' && value.access !== 'none',
  };
  return { artifacts, reports };
}

const RETRY_WHEN = [
  'always', 'unknown_failure', 'script_failure', 'api_failure', 'stuck_or_timeout_failure', 'runner_system_failure',
  'runner_unsupported', 'stale_schedule', 'job_execution_timeout', 'archived_failure', 'unmet_prerequisites',
  'scheduler_failure', 'data_integrity_failure',
];

export function defaultRetry(): PlanRetry {
  return { max: 0, when: ['always'], exitCodes: [] };
}

export function normalizeRetry(value: ConfigValue, report: FieldReporter, key: string[]): PlanRetry {
  if (value === null) return defaultRetry();
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 2) { report.error(key, 'config should be an integer between 0 and 2'); return defaultRetry(); }
    return { max: value, when: ['always'], exitCodes: [] };
  }
  if (!isMap(value)) { report.error(key, 'config should be a hash or an integer'); return defaultRetry(); }
  const unknown = unknownKeys(value, ['max', 'when', 'exit_codes']);
  if (unknown.length > 0) { report.error(key, `config contains unknown keys: ${unknown.join(', ')}`); return defaultRetry(); }
  const retry = defaultRetry();
  if (value.max !== undefined) {
    if (typeof value.max !== 'number' || !Number.isInteger(value.max) || value.max < 0 || value.max > 2) {
      report.error([...key, 'max'], 'config must be less than or equal to 2', value);
    } else retry.max = value.max;
  }
  if (value.when !== undefined) {
    const when = stringList(value.when);
    const bad = when?.filter((w) => !RETRY_WHEN.includes(w)) ?? null;
    if (!when || (bad && bad.length > 0)) report.error([...key, 'when'], `config should be one of: ${RETRY_WHEN.join(', ')}`, value);
    else retry.when = when;
  }
  if (value.exit_codes !== undefined) {
    const codes = typeof value.exit_codes === 'number' ? [value.exit_codes] : value.exit_codes;
    if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'number' && Number.isInteger(c))) {
      report.error([...key, 'exit_codes'], 'config should be an array of integers or an integer', value);
    } else retry.exitCodes = codes as number[];
  }
  return retry;
}

export function normalizeAllowFailure(value: ConfigValue, report: FieldReporter): { allowFailure: boolean | null; exitCodes: number[] } {
  if (value === undefined || value === null) return { allowFailure: null, exitCodes: [] };
  if (typeof value === 'boolean') return { allowFailure: value, exitCodes: [] };
  if (isMap(value) && Object.keys(value).length === 1 && hasKey(value, 'exit_codes')) {
    const codes = typeof value.exit_codes === 'number' ? [value.exit_codes] : value.exit_codes;
    if (Array.isArray(codes) && codes.every((c) => typeof c === 'number' && Number.isInteger(c))) {
      return { allowFailure: false, exitCodes: codes as number[] };
    }
  }
  report.error('allow_failure', 'config should be a hash or a boolean value');
  return { allowFailure: null, exitCodes: [] };
}

const ENV_KEYS = ['name', 'url', 'action', 'on_stop', 'auto_stop_in', 'deployment_tier', 'kubernetes'];
const ENV_ACTIONS = ['start', 'prepare', 'stop', 'verify', 'access'] as const;
const TIERS = ['production', 'staging', 'testing', 'development', 'other'];

export function normalizeEnvironment(value: ConfigValue, report: FieldReporter): PlanEnvironment | null {
  if (value === null || value === undefined) return null;
  const base: PlanEnvironment = { name: '', url: null, action: 'start', onStop: null, autoStopIn: null, deploymentTier: null };
  if (typeof value === 'string') return { ...base, name: value };
  if (!isMap(value)) { report.error('environment', 'config should be a hash or a string'); return null; }
  const unknown = unknownKeys(value, ENV_KEYS);
  if (unknown.length > 0) { report.error('environment', `config contains unknown keys: ${unknown.join(', ')}`); return null; }
  if (typeof value.name !== 'string' || value.name === '') { report.error(['environment', 'name'], "can't be blank", value); return null; }
  const action = value.action ?? 'start';
  if (!ENV_ACTIONS.includes(action as never)) {
    report.error(['environment', 'action'], `config should be ${ENV_ACTIONS.join(', ')}`, value);
    return null;
  }
  if (value.deployment_tier !== undefined && !TIERS.includes(String(value.deployment_tier))) {
    report.error(['environment', 'deployment_tier'], `config must be one of ${TIERS.join(', ')}`, value);
  }
  return {
    name: value.name,
    url: typeof value.url === 'string' ? value.url : null,
    action: action as PlanEnvironment['action'],
    onStop: typeof value.on_stop === 'string' ? value.on_stop : null,
    autoStopIn: value.auto_stop_in === undefined || value.auto_stop_in === null ? null : String(value.auto_stop_in),
    deploymentTier: typeof value.deployment_tier === 'string' ? value.deployment_tier : null,
  };
}

export function normalizeTags(value: ConfigValue, report: FieldReporter): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string' || typeof t === 'number')) {
    report.error('tags', 'config should be an array of strings');
    return [];
  }
  if (value.length > 50) report.error('tags', 'config must be less than the limit of 50 tags');
  return value.map(String);
}
