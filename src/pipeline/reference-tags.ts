/**
 * `!reference [.job, key, …]` resolution. GitLab resolves references after includes and extends,
 * so a reference may point at a key that a job got from its parents or from another file. A
 * reference may itself contain references (up to 10 levels); cycles and missing targets are
 * diagnostics, and the unresolvable reference becomes null.
 */
import { isMap, newMap, ReferenceTag, type ConfigMap, type ConfigValue } from './config-value.js';
import type { DiagnosticSink } from './diagnostic.js';
import { LIMITS } from './limits.js';
import type { Locations } from './locations.js';

export function resolveReferences(config: ConfigMap, locations: Locations, sink: DiagnosticSink): ConfigMap {
  const show = (tag: ReferenceTag): string => `!reference [${tag.path.map((p) => JSON.stringify(p)).join(', ')}]`;

  const lookup = (tag: ReferenceTag): ConfigValue | undefined => {
    let node: ConfigValue | undefined = config;
    for (const segment of tag.path) {
      if (typeof segment !== 'string' || !isMap(node) || !Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
      node = node[segment];
    }
    return node;
  };

  const walk = (value: ConfigValue, stack: ReferenceTag[]): ConfigValue => {
    if (value instanceof ReferenceTag) {
      if (stack.some((t) => sameTarget(t, value))) {
        sink.error(`${show(value)} is part of a circular chain`, value.at);
        return null;
      }
      if (stack.length >= LIMITS.maxReferenceDepth) {
        sink.error(`${show(value)} is nested too deep (max ${LIMITS.maxReferenceDepth})`, value.at);
        return null;
      }
      if (value.path.length === 0 || value.path.some((p) => typeof p !== 'string')) {
        sink.error(`${show(value)} should be an array of strings`, value.at);
        return null;
      }
      const target = lookup(value);
      if (target === undefined) {
        sink.error(`${show(value)} could not be found`, value.at);
        return null;
      }
      return walk(target, [...stack, value]);
    }
    if (Array.isArray(value)) {
      if (!containsReference(value)) return value;
      const out = value.map((item) => walk(item, stack));
      locations.register(out, locations.of(value));
      value.forEach((_, i) => locations.copyEntry(value, i, out));
      return out;
    }
    if (isMap(value)) {
      if (!containsReference(value)) return value;
      const out = newMap();
      locations.register(out, locations.of(value));
      for (const key of Object.keys(value)) {
        out[key] = walk(value[key]!, stack);
        locations.copyEntry(value, key, out);
      }
      return out;
    }
    return value;
  };
  return walk(config, []) as ConfigMap;
}

function sameTarget(a: ReferenceTag, b: ReferenceTag): boolean {
  return a.path.length === b.path.length && a.path.every((p, i) => p === b.path[i]);
}

const referenceMemo = new WeakMap<object, boolean>();

function containsReference(value: ConfigValue): boolean {
  if (value instanceof ReferenceTag) return true;
  if (typeof value !== 'object' || value === null) return false;
  const known = referenceMemo.get(value);
  if (known !== undefined) return known;
  const found = Array.isArray(value) ? value.some(containsReference) : Object.values(value).some(containsReference);
  referenceMemo.set(value, found);
  return found;
}
