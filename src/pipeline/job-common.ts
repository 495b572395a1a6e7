/**
 * The keywords a job can get from `default:` (GitLab's inheritable entries), normalized once for
 * `default` and once per job. A field is undefined when the keyword is not written, so that the
 * job can fall back to the default's value, keyword by keyword (no deep merge: the job's value
 * replaces the default's whole).
 */
import { hasKey, type ConfigMap } from './config-value.js';
import { normalizeCache, type CacheSpec } from './cache-field.js';
import { parseDuration } from './duration.js';
import type { FieldReporter } from './field-reporter.js';
import { normalizeArtifacts, normalizeImage, normalizeRetry, normalizeServices, normalizeTags } from './job-fields.js';
import type { PlanArtifacts, PlanImage, PlanReports, PlanRetry, PlanService } from './plan.js';
import { flattenScript, SCRIPT_TYPE_MESSAGE } from './script-field.js';
import { isMap } from './config-value.js';

export const INHERITABLE_KEYS = [
  'after_script', 'artifacts', 'before_script', 'cache', 'hooks', 'id_tokens', 'image', 'interruptible', 'retry', 'services', 'tags', 'timeout',
] as const;

export interface CommonFields {
  before_script?: string[];
  after_script?: string[];
  image?: PlanImage | null;
  services?: PlanService[];
  cache?: CacheSpec[];
  artifacts?: { artifacts: PlanArtifacts | null; reports: PlanReports };
  retry?: PlanRetry;
  timeout?: number | null;
  interruptible?: boolean | null;
  tags?: string[];
  hooks?: { preGetSourcesScript: string[] };
  id_tokens?: true;
}

export function normalizeCommon(map: ConfigMap, report: FieldReporter): CommonFields {
  const out: CommonFields = {};
  for (const key of ['before_script', 'after_script'] as const) {
    if (!hasKey(map, key)) continue;
    const script = flattenScript(map[key] ?? null);
    if (!script) report.error(key, SCRIPT_TYPE_MESSAGE);
    out[key] = script ?? [];
  }
  if (hasKey(map, 'image')) out.image = normalizeImage(map.image ?? null, report, ['image']);
  if (hasKey(map, 'services')) out.services = normalizeServices(map.services ?? null, report, ['services']);
  if (hasKey(map, 'cache')) out.cache = normalizeCache(map.cache ?? null, report);
  if (hasKey(map, 'artifacts')) out.artifacts = normalizeArtifacts(map.artifacts ?? null, report, ['artifacts']);
  if (hasKey(map, 'retry')) out.retry = normalizeRetry(map.retry ?? null, report, ['retry']);
  if (hasKey(map, 'timeout')) {
    const seconds = parseDuration(map.timeout);
    if (map.timeout !== null && seconds === null) report.error('timeout', 'config should be a duration');
    out.timeout = seconds;
  }
  if (hasKey(map, 'interruptible')) {
    if (typeof map.interruptible !== 'boolean') report.error('interruptible', 'config should be a boolean value');
    out.interruptible = typeof map.interruptible === 'boolean' ? map.interruptible : null;
  }
  if (hasKey(map, 'tags')) out.tags = normalizeTags(map.tags ?? null, report);
  if (hasKey(map, 'hooks')) {
    const hooks = map.hooks ?? null;
    if (!isMap(hooks)) report.error('hooks', 'config should be a hash');
    else {
      const unknown = Object.keys(hooks).filter((k) => k !== 'pre_get_sources_script');
      if (unknown.length > 0) report.error('hooks', `config contains unknown keys: ${unknown.join(', ')}`);
      const script = hooks.pre_get_sources_script === undefined ? [] : flattenScript(hooks.pre_get_sources_script);
      if (!script) report.error(['hooks', 'pre_get_sources_script'], SCRIPT_TYPE_MESSAGE, hooks);
      out.hooks = { preGetSourcesScript: script ?? [] };
    }
  }
  if (hasKey(map, 'id_tokens')) out.id_tokens = true;
  return out;
}

/** Which default keywords a job inherits (inherit:default: true | false | [keys]). */
export function inheritedDefaultKeys(inherit: boolean | string[]): Set<string> {
  if (inherit === true) return new Set(INHERITABLE_KEYS);
  if (inherit === false) return new Set();
  return new Set(inherit.filter((k) => (INHERITABLE_KEYS as readonly string[]).includes(k)));
}
