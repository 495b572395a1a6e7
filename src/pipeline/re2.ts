import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

/**
 * RE2JS, loaded on first use (its CommonJS build, the one every layer loads, so one copy): most
 * pipelines compile without a regex or a glob, and loading it was ~15 ms of every start.
 */
let re2js: typeof RE2JS | undefined;

export function re2(): typeof RE2JS {
  re2js ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  return re2js;
}
