/**
 * `needs:` — job names or {job, artifacts, optional, parallel: {matrix}}. `needs: []` means "start
 * at once". Cross-project and cross-pipeline needs are reported as not supported.
 */
import { hasKey, isMap, type ConfigValue } from './config-value.js';
import type { FieldReporter } from './field-reporter.js';
import { matrixCombinations } from './parallel.js';

export interface NeedSpec {
  job: string;
  artifacts: boolean;
  optional: boolean;
  /** needs:parallel:matrix — only these instances of a matrix job. */
  matrix: Array<Record<string, string>> | null;
}

const NEED_KEYS = ['job', 'artifacts', 'optional', 'parallel', 'project', 'ref', 'pipeline'];

export function normalizeNeeds(value: ConfigValue, report: FieldReporter, key: string[] = ['needs']): NeedSpec[] | null {
  if (value === null || value === undefined) return null;
  const items = typeof value === 'string' || isMap(value) ? [value] : value;
  if (!Array.isArray(items)) { report.error(key, 'config should be an array'); return null; }
  if (items.length > 50) report.error(key, 'config must be less than or equal to 50');
  const out: NeedSpec[] = [];
  items.forEach((item, index) => {
    if (typeof item === 'string') { out.push({ job: item, artifacts: true, optional: false, matrix: null }); return; }
    const here = [...key, String(index)];
    if (!isMap(item)) { report.error(here, 'config should be a string or a hash', Array.isArray(value) ? value : report.node); return; }
    const unknown = Object.keys(item).filter((k) => !NEED_KEYS.includes(k));
    if (unknown.length > 0) { report.error(here, `config contains unknown keys: ${unknown.join(', ')}`, items); return; }
    if (hasKey(item, 'project') || hasKey(item, 'pipeline')) {
      report.error(here, 'cross-project and cross-pipeline needs are not supported by Runnel', items);
      return;
    }
    if (typeof item.job !== 'string') { report.error([...here, 'job'], "can't be blank", items); return; }
    if (item.artifacts !== undefined && typeof item.artifacts !== 'boolean') report.error([...here, 'artifacts'], 'should be a boolean value', item);
    if (item.optional !== undefined && typeof item.optional !== 'boolean') report.error([...here, 'optional'], 'should be a boolean value', item);
    let matrix: NeedSpec['matrix'] = null;
    if (item.parallel !== undefined) {
      const p = item.parallel;
      const combos = isMap(p) && Array.isArray(p.matrix) ? matrixCombinations(p.matrix) : 'config should be a hash with a matrix';
      if (typeof combos === 'string') report.error([...here, 'parallel'], combos, item);
      else matrix = combos;
    }
    out.push({ job: item.job, artifacts: item.artifacts !== false, optional: item.optional === true, matrix });
  });
  return out;
}
