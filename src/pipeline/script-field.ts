/**
 * script / before_script / after_script / hooks: a string or an array whose items are strings or
 * nested arrays (from !reference or YAML anchors), flattened up to 10 levels like GitLab. Each
 * item stays one command even when it spans lines (a YAML block scalar).
 */
import type { ConfigValue } from './config-value.js';
import { LIMITS } from './limits.js';

export function flattenScript(value: ConfigValue): string[] | null {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return null;
  const out: string[] = [];
  const walk = (items: ConfigValue[], depth: number): boolean => {
    if (depth > LIMITS.maxScriptNesting) return false;
    for (const item of items) {
      if (typeof item === 'string') out.push(item);
      else if (typeof item === 'number' || typeof item === 'boolean') out.push(String(item));
      else if (Array.isArray(item)) { if (!walk(item, depth + 1)) return false; }
      else return false;
    }
    return true;
  };
  return walk(value, 1) ? out : null;
}

export const SCRIPT_TYPE_MESSAGE = 'config should be a string or a nested array of strings up to 10 levels deep';
