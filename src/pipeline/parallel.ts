/**
 * `parallel: N` and `parallel: matrix`, and GitLab's names for the jobs they create:
 * "test 1/3", "test 2/3", … and "deploy: [aws, eu-west]" (values in the order written, one
 * instance per combination, entries of the matrix list expanded one after the other).
 */
import { isMap, type ConfigValue } from './config-value.js';
import type { FieldReporter } from './field-reporter.js';
import { LIMITS } from './limits.js';

export type ParallelSpec = { kind: 'count'; total: number } | { kind: 'matrix'; combinations: Array<Record<string, string>> };

export function normalizeParallel(value: ConfigValue, report: FieldReporter): ParallelSpec | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > LIMITS.maxParallel) {
      report.error('parallel', `config must be less than or equal to ${LIMITS.maxParallel}`);
      return null;
    }
    return { kind: 'count', total: value };
  }
  if (!isMap(value) || !Array.isArray(value.matrix) || Object.keys(value).length !== 1) {
    report.error('parallel', 'should be an integer or a hash');
    return null;
  }
  const combinations = matrixCombinations(value.matrix);
  if (typeof combinations === 'string') { report.error(['parallel', 'matrix'], combinations, value); return null; }
  if (combinations.length > LIMITS.maxParallel) {
    report.error(['parallel', 'matrix'], `config generates too many jobs (maximum is ${LIMITS.maxParallel})`, value);
    return null;
  }
  return { kind: 'matrix', combinations };
}

/** Expands a matrix list; returns an error message when the shape is wrong. */
export function matrixCombinations(matrix: ConfigValue[]): Array<Record<string, string>> | string {
  const out: Array<Record<string, string>> = [];
  for (const entry of matrix) {
    if (!isMap(entry) || Object.keys(entry).length === 0) return 'config should be an array of hashes';
    let combos: Array<Record<string, string>> = [{}];
    for (const key of Object.keys(entry)) {
      const raw = entry[key]!;
      const values = Array.isArray(raw) ? raw : [raw];
      if (values.length === 0 || !values.every((v) => typeof v === 'string' || typeof v === 'number')) {
        return `config variables should be strings or arrays of strings (${key})`;
      }
      const next: Array<Record<string, string>> = [];
      for (const combo of combos) for (const v of values) next.push({ ...combo, [key]: String(v) });
      combos = next;
      if (combos.length > LIMITS.maxParallel) return `config generates too many jobs (maximum is ${LIMITS.maxParallel})`;
    }
    out.push(...combos);
    if (out.length > LIMITS.maxParallel) return `config generates too many jobs (maximum is ${LIMITS.maxParallel})`;
  }
  return out;
}

export function countJobName(name: string, index: number, total: number): string {
  return `${name} ${index}/${total}`;
}

export function matrixJobName(name: string, values: Record<string, string>): string {
  return `${name}: [${Object.values(values).join(', ')}]`;
}

/** The names a job expands to, in order. */
export function expandedNames(name: string, spec: ParallelSpec | null): string[] {
  if (!spec) return [name];
  if (spec.kind === 'count') return Array.from({ length: spec.total }, (_, i) => countJobName(name, i + 1, spec.total));
  return spec.combinations.map((c) => matrixJobName(name, c));
}
