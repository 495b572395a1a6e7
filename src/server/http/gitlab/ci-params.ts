import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/index.js';
import { booleanParam, stringParam } from '../request-params.js';
import { parseRailsParams } from '../rails-params.js';

/**
 * Grape-style parameter checks for the CI routes. Every problem is collected and reported at
 * once as GitLab does (`{"error":"a is invalid, b does not have a valid value"}`); nothing that
 * a client sends can turn into a 500.
 */
export class Problems {
  readonly list: string[] = [];
  add(message: string): void { this.list.push(message); }
  throwIfAny(): void {
    if (this.list.length) throw new AppError('validation_failed', this.list.join(', '));
  }
}

const INT = /^[-+]?\d{1,15}$/;

/** A path or query integer (`pipeline_id`, `job_id`): anything else is `<name> is invalid`. */
export function integerPath(value: string | undefined, name: string): number {
  if (value === undefined || !INT.test(value)) throw new AppError('validation_failed', `${name} is invalid`);
  return Number(value);
}

export function optionalInteger(params: Record<string, unknown>, name: string, problems: Problems): number | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && INT.test(v.trim())) return Number(v.trim());
  problems.add(`${name} is invalid`);
  return undefined;
}

export function optionalString(params: Record<string, unknown>, name: string, problems: Problems): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  const s = stringParam(params, name);
  if (s === undefined) problems.add(`${name} is invalid`);
  return s;
}

export function requiredString(params: Record<string, unknown>, name: string, problems: Problems): string {
  const v = params[name];
  if (v === undefined || v === null || v === '') { problems.add(`${name} is missing`); return ''; }
  const s = stringParam(params, name);
  if (s === undefined) { problems.add(`${name} is invalid`); return ''; }
  return s;
}

export function optionalEnum<T extends string>(params: Record<string, unknown>, name: string, allowed: readonly T[], problems: Problems): T | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) { problems.add(`${name} does not have a valid value`); return undefined; }
  return v as T;
}

export function optionalBoolean(params: Record<string, unknown>, name: string, problems: Problems): boolean | undefined {
  return booleanParam(params, name, problems.list);
}

/** Grape's DateTime: ISO 8601 (a date alone is midnight UTC). */
export function optionalDate(params: Record<string, unknown>, name: string, problems: Problems): number | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') { problems.add(`${name} is invalid`); return undefined; }
  const text = v.trim().replace(' ', '+'); // a '+' offset sent unencoded arrives as a space
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) { problems.add(`${name} is invalid`); return undefined; }
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`);
  if (Number.isNaN(ms)) { problems.add(`${name} is invalid`); return undefined; }
  return ms;
}

/** A string or an array of strings (`scope[]=a&scope[]=b`, `scope=a`); a hash is invalid. */
export function stringList(params: Record<string, unknown>, name: string, problems: Problems): string[] | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  problems.add(`${name} is invalid`);
  return undefined;
}

export type VariableType = 'env_var' | 'file';

/**
 * Pipeline variables as clients send them: an array of `{key, value, variable_type}` (JSON, or
 * Rails nested form/query params), checked like GitLab's create_pipeline_params.
 */
export function pipelineVariables(params: Record<string, unknown>, problems: Problems): Array<{ key: string; value: string; variable_type: VariableType }> {
  const raw = params.variables;
  if (raw === undefined || raw === null || raw === '') return [];
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' ? Object.values(raw as Record<string, unknown>) : null;
  if (!list) { problems.add('variables is invalid'); return []; }
  const out: Array<{ key: string; value: string; variable_type: VariableType }> = [];
  list.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) { problems.add('variables is invalid'); return; }
    const o = item as Record<string, unknown>;
    const key = typeof o.key === 'string' ? o.key : typeof o.key === 'number' ? String(o.key) : '';
    if (!key) { problems.add(`variables[${i}][key] is missing`); return; }
    const value = o.value === undefined || o.value === null ? '' : typeof o.value === 'object' ? null : String(o.value);
    if (value === null) { problems.add(`variables[${i}][value] is invalid`); return; }
    const type = o.variable_type ?? 'env_var';
    if (type !== 'env_var' && type !== 'file') { problems.add(`variables[${i}][variable_type] does not have a valid value`); return; }
    out.push({ key, value, variable_type: type });
  });
  return out;
}

/**
 * Query and body parameters merged (body wins), the query read with Rails' nesting rules
 * (`scope[]=a`, `variables[0][key]=K`) as GitLab's clients send it; Fastify's own query parser
 * leaves such keys flat.
 */
export function ciParams(request: FastifyRequest): Record<string, unknown> {
  const q = request.url.indexOf('?');
  const query = q < 0 ? {} : parseRailsParams(new URLSearchParams(request.url.slice(q + 1)));
  const body = request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body) ? request.body as Record<string, unknown> : {};
  return { ...query, ...body };
}
