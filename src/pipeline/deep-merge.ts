/**
 * GitLab's deep merge (ActiveSupport's Hash#deep_merge), used for include and extends: when both
 * sides hold a hash under a key the hashes are merged recursively; anything else (arrays included)
 * is replaced by the overriding side. Builds new maps; positions follow the winning values.
 */
import { isMap, newMap, type ConfigMap } from './config-value.js';
import type { Locations } from './locations.js';

export function deepMerge(base: ConfigMap, override: ConfigMap, locations: Locations): ConfigMap {
  const out = newMap();
  locations.register(out, locations.of(override));
  for (const key of Object.keys(base)) {
    out[key] = base[key]!;
    locations.copyEntry(base, key, out);
  }
  for (const key of Object.keys(override)) {
    const mine = out[key];
    const theirs = override[key]!;
    out[key] = isMap(mine) && isMap(theirs) && Object.prototype.hasOwnProperty.call(out, key) ? deepMerge(mine, theirs, locations) : theirs;
    locations.copyEntry(override, key, out);
  }
  return out;
}
