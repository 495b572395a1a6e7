/**
 * `trigger:` for bridge jobs. Supported: a child pipeline from local files
 * (`trigger: {include: path | [{local: path}, …], strategy: depend, forward: …}`). Multi-project
 * pipelines (`trigger: group/project`, `trigger: {project: …}`) and child configs from other
 * projects or from artifacts (dynamic child pipelines) are reported as not supported.
 */
import { hasKey, isMap, type ConfigValue } from './config-value.js';
import type { FieldReporter } from './field-reporter.js';
import type { PlanTrigger } from './plan.js';

export function normalizeTrigger(value: ConfigValue, report: FieldReporter): PlanTrigger | null {
  if (typeof value === 'string' || (isMap(value) && hasKey(value, 'project'))) {
    report.error('trigger', 'multi-project pipelines (trigger:project) are not supported by Runnel; use trigger:include with a local file');
    return null;
  }
  if (!isMap(value)) { report.error('trigger', 'config should be a hash or a string'); return null; }
  const unknown = Object.keys(value).filter((k) => !['include', 'strategy', 'forward', 'branch'].includes(k));
  if (unknown.length > 0) { report.error('trigger', `config contains unknown keys: ${unknown.join(', ')}`); return null; }
  const include: string[] = [];
  const raw = value.include;
  const items = typeof raw === 'string' || isMap(raw) ? [raw] : Array.isArray(raw) ? raw : null;
  if (!items || items.length === 0) { report.error(['trigger', 'include'], 'config should be a string or an array of local files', value); return null; }
  if (items.length > 3) report.error(['trigger', 'include'], 'config must be less than or equal to 3', value);
  for (const item of items) {
    if (typeof item === 'string') { include.push(item.replace(/^\/+/, '')); continue; }
    if (isMap(item) && typeof item.local === 'string' && Object.keys(item).every((k) => k === 'local' || k === 'inputs')) {
      include.push(item.local.replace(/^\/+/, ''));
      continue;
    }
    if (isMap(item) && (hasKey(item, 'artifact') || hasKey(item, 'project') || hasKey(item, 'template') || hasKey(item, 'remote'))) {
      report.error(['trigger', 'include'], 'only local child pipeline files are supported by Runnel (not artifact, project, template or remote)', value);
      return null;
    }
    report.error(['trigger', 'include'], 'config should be a string or an array of local files', value);
    return null;
  }
  let strategy: PlanTrigger['strategy'] = null;
  if (value.strategy !== undefined) {
    if (value.strategy !== 'depend') report.error(['trigger', 'strategy'], 'should be depend', value);
    else strategy = 'depend';
  }
  const forward = { yamlVariables: true, pipelineVariables: false };
  if (isMap(value.forward)) {
    if (typeof value.forward.yaml_variables === 'boolean') forward.yamlVariables = value.forward.yaml_variables;
    if (typeof value.forward.pipeline_variables === 'boolean') forward.pipelineVariables = value.forward.pipeline_variables;
  }
  return { include, strategy, forward };
}
