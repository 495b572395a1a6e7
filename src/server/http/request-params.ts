import type { FastifyRequest } from 'fastify';

/** Query and body parameters merged, body winning, as Grape merges them for GitLab's routes. */
export function mergedParams(request: FastifyRequest): Record<string, unknown> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const body = request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body) ? request.body as Record<string, unknown> : {};
  return { ...query, ...body };
}

export function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Grape's Boolean coercion: true/false/1/0/yes/no (any case); anything else is invalid. */
export function booleanParam(params: Record<string, unknown>, name: string, problems: string[]): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['true', '1', 'yes', 't', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'f', 'n'].includes(s)) return false;
  problems.push(`${name} is invalid`);
  return undefined;
}
