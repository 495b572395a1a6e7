/**
 * The in-memory form of a parsed config: plain JSON-like values plus `ReferenceTag` markers for
 * `!reference`. Maps are created without a prototype so that keys such as `__proto__` or
 * `constructor` in user YAML are ordinary keys. Values are never mutated after creation: merges
 * build new maps, which lets YAML aliases share structure safely.
 */
import type { SourcePosition } from './diagnostic.js';

export type ConfigScalar = string | number | boolean | null;
export type ConfigValue = ConfigScalar | ConfigMap | ConfigValue[] | ReferenceTag;
export type ConfigMap = { [key: string]: ConfigValue };

/** `!reference [.job, key, …]`, resolved after includes and extends, like GitLab. */
export class ReferenceTag {
  constructor(
    readonly path: ConfigValue[],
    readonly at: SourcePosition,
  ) {}
}

export function newMap(): ConfigMap {
  return Object.create(null) as ConfigMap;
}

export function isMap(value: unknown): value is ConfigMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ReferenceTag);
}

export function hasKey(map: ConfigMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** GitLab's type names in messages ("should be a string", "should be a hash"). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof ReferenceTag) return 'reference';
  if (typeof value === 'object') return 'hash';
  return typeof value;
}
