/**
 * `variables:` blocks (global, job, workflow rule, job rule). Values are strings or numbers, or a
 * hash: {value, expand} everywhere, plus {description, options} at the top level (GitLab's
 * "prefilled variables"). Numbers become their text, like GitLab.
 */
import { isMap, type ConfigValue } from './config-value.js';
import type { FieldReporter } from './field-reporter.js';
import type { PlanVariable } from './plan.js';

export function normalizeVariables(value: ConfigValue, report: FieldReporter, key: string | string[], options: { global: boolean }): Record<string, PlanVariable> {
  const out: Record<string, PlanVariable> = {};
  if (value === null) return out;
  if (!isMap(value)) {
    report.error(key, 'config should be a hash of key value pairs');
    return out;
  }
  const keys = Array.isArray(key) ? key : [key];
  for (const name of Object.keys(value)) {
    const raw = value[name]!;
    if (typeof raw === 'string' || typeof raw === 'number') {
      out[name] = { value: String(raw), expand: true };
      continue;
    }
    if (isMap(raw)) {
      const allowed = options.global ? ['value', 'description', 'options', 'expand'] : ['value', 'expand'];
      const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
      if (unknown.length > 0) {
        report.error([...keys, name], `config uses invalid data keys: ${unknown.join(', ')}`, value);
        continue;
      }
      const v = raw.value;
      if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number') {
        report.error([...keys, name], 'config value should be a string', value);
        continue;
      }
      if (raw.expand !== undefined && typeof raw.expand !== 'boolean') {
        report.error([...keys, name], 'config expand should be a boolean value', value);
        continue;
      }
      const entry: PlanVariable = { value: v === undefined || v === null ? '' : String(v), expand: raw.expand !== false };
      if (typeof raw.description === 'string') entry.description = raw.description;
      if (Array.isArray(raw.options)) {
        if (!raw.options.every((o) => typeof o === 'string' || typeof o === 'number')) {
          report.error([...keys, name], 'config options should be an array of strings', value);
          continue;
        }
        entry.options = raw.options.map(String);
        if (!entry.options.includes(entry.value)) report.error([...keys, name], 'config value must be present in options', value);
      }
      out[name] = entry;
      continue;
    }
    report.error(keys, `config should be a hash of key value pairs, value can be a hash (${name})`);
  }
  return out;
}
