/**
 * `cache:` — a hash or a list of up to 4 hashes. The key is a string (default "default") or
 * {files: [≤2 paths], prefix}: GitLab derives that key from the files' contents, here through the
 * reader's hashFiles; when the files do not exist (or the reader cannot hash) the key is
 * "default", with the prefix in front when one is given.
 */
import { isMap, isStringArray, type ConfigValue } from './config-value.js';
import type { FieldReporter } from './field-reporter.js';
import type { PlanCache } from './plan.js';

export interface CacheSpec extends Omit<PlanCache, 'key'> {
  key: string | null;
  prefix: string | null;
}

const CACHE_KEYS = ['key', 'untracked', 'paths', 'policy', 'when', 'fallback_keys', 'unprotect'];
const WHEN = ['on_success', 'on_failure', 'always'] as const;
const POLICIES = ['pull-push', 'pull', 'push'];

export function normalizeCache(value: ConfigValue, report: FieldReporter): CacheSpec[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > 4) { report.error('cache', 'config no more than 4 caches can be created'); return []; }
  const out: CacheSpec[] = [];
  list.forEach((item, index) => {
    const key = Array.isArray(value) ? ['cache', String(index)] : ['cache'];
    if (!isMap(item)) { report.error(key, 'config should be a hash', Array.isArray(value) ? value : report.node); return; }
    const unknown = Object.keys(item).filter((k) => !CACHE_KEYS.includes(k));
    if (unknown.length > 0) { report.error(key, `config contains unknown keys: ${unknown.join(', ')}`); return; }
    const spec: CacheSpec = {
      key: 'default', prefix: null, keyFiles: null, paths: [], untracked: item.untracked === true,
      policy: 'pull-push', when: 'on_success', fallbackKeys: [], unprotect: item.unprotect === true,
    };
    const k = item.key;
    if (typeof k === 'string' || typeof k === 'number') {
      const text = String(k);
      if (text.includes('/') || text.includes('%2F') || text.includes('%2f')) report.error([...key, 'key'], 'config cannot contain the "/" character', item);
      else if (text === '.' || text === '..' || text === '%2E' || text === '%2e') report.error([...key, 'key'], 'config cannot be "." or ".."', item);
      spec.key = text;
    } else if (isMap(k)) {
      const files = k.files;
      if (!isStringArray(files) || files.length < 1 || files.length > 2) {
        report.error([...key, 'key', 'files'], 'config has to be an array of one or two file paths', k);
      } else {
        spec.keyFiles = files;
        spec.key = null;
      }
      if (k.prefix !== undefined) spec.prefix = String(k.prefix);
      const extra = Object.keys(k).filter((x) => x !== 'files' && x !== 'prefix');
      if (extra.length > 0) report.error([...key, 'key'], `config contains unknown keys: ${extra.join(', ')}`, item);
    } else if (k !== undefined && k !== null) {
      report.error([...key, 'key'], 'should be a hash, a string or a symbol', item);
    }
    if (item.paths !== undefined && item.paths !== null) {
      if (!isStringArray(item.paths)) report.error([...key, 'paths'], 'config should be an array of strings', item);
      else spec.paths = item.paths;
    }
    if (item.policy !== undefined) {
      const policy = String(item.policy);
      if (!POLICIES.includes(policy) && !policy.includes('$')) report.error([...key, 'policy'], `config should be one of: ${POLICIES.join(', ')}`, item);
      else spec.policy = policy;
    }
    if (item.when !== undefined) {
      if (!WHEN.includes(item.when as never)) report.error([...key, 'when'], `config should be one of: ${WHEN.join(', ')}`, item);
      else spec.when = item.when as CacheSpec['when'];
    }
    if (item.fallback_keys !== undefined) {
      if (!isStringArray(item.fallback_keys) || item.fallback_keys.length > 5) report.error([...key, 'fallback_keys'], 'config should be an array of strings (at most 5)', item);
      else spec.fallbackKeys = item.fallback_keys;
    }
    out.push(spec);
  });
  return out;
}

/** Computes the final keys; `hash` is the reader's hashFiles (absent → "default"). */
export async function resolveCacheKeys(specs: CacheSpec[], hash: ((paths: string[]) => Promise<string | null>) | null): Promise<PlanCache[]> {
  const out: PlanCache[] = [];
  for (const spec of specs) {
    let key = spec.key ?? 'default';
    if (spec.keyFiles) {
      const digest = hash ? await hash(spec.keyFiles) : null;
      key = digest ?? 'default';
    }
    if (spec.prefix !== null) key = `${spec.prefix}-${key}`;
    const { prefix: _prefix, ...rest } = spec;
    out.push({ ...rest, key });
  }
  return out;
}
