/**
 * `extends:` resolution over every top-level entry (hidden or not), following GitLab's
 * Extendable: parents are merged in the order listed (later parents win), the job itself last,
 * with deep merge (hashes merge, arrays replace). Problems use GitLab's wording: unknown parents,
 * cycles and chains deeper than 10 ancestors.
 */
import { hasKey, isMap, isStringArray, newMap, type ConfigMap } from './config-value.js';
import { deepMerge } from './deep-merge.js';
import type { DiagnosticSink } from './diagnostic.js';
import { LIMITS } from './limits.js';
import type { Locations } from './locations.js';

/** Returns the config with extends applied, and the entries whose extends failed (already reported). */
export function resolveExtends(
  config: ConfigMap, reserved: ReadonlySet<string>, locations: Locations, sink: DiagnosticSink,
): { config: ConfigMap; failed: ReadonlySet<string> } {
  const resolved = new Map<string, ConfigMap>();
  const failed = new Set<string>();
  const out = newMap();
  locations.register(out, locations.of(config));

  const extendsOf = (entry: ConfigMap): string[] | null => {
    const value = entry.extends;
    if (typeof value === 'string') return [value];
    if (isStringArray(value)) return value;
    return null;
  };

  const resolve = (name: string, chain: string[]): ConfigMap | null => {
    const done = resolved.get(name);
    if (done) return done;
    if (failed.has(name)) return null;
    const entry = config[name];
    if (!isMap(entry)) return null;
    if (!hasKey(entry, 'extends')) { resolved.set(name, entry); return entry; }
    const at = locations.keyOf(entry, 'extends');
    const parents = extendsOf(entry);
    if (!parents) {
      sink.error(`${name}: invalid extends value, should be a string or an array of strings`, at, [name, 'extends']);
      failed.add(name);
      return null;
    }
    if (chain.includes(name)) {
      sink.error(`${chain[0]}: circular dependency detected in \`extends\``, at, [chain[0]!, 'extends']);
      failed.add(name);
      return null;
    }
    if (chain.length > LIMITS.maxExtendsDepth) {
      sink.error(`${chain[0]}: nesting too deep in \`extends\``, at, [chain[0]!, 'extends']);
      failed.add(name);
      return null;
    }
    const unknown = parents.filter((p) => !isMap(config[p]) || reserved.has(p));
    if (unknown.length > 0) {
      sink.error(`${name}: unknown keys in \`extends\` (${unknown.join(', ')})`, at, [name, 'extends']);
      failed.add(name);
      return null;
    }
    let merged = newMap();
    for (const parent of parents) {
      const base = resolve(parent, [...chain, name]);
      if (!base) { failed.add(name); return null; }
      merged = deepMerge(merged, base, locations);
    }
    merged = deepMerge(merged, entry, locations);
    resolved.set(name, merged);
    return merged;
  };

  for (const key of Object.keys(config)) {
    const value = config[key]!;
    if (reserved.has(key) || !isMap(value)) { out[key] = value; locations.copyEntry(config, key, out); continue; }
    const result = failed.has(key) ? null : resolve(key, []);
    out[key] = result ?? value;
    locations.copyEntry(config, key, out);
  }
  return { config: out, failed };
}
