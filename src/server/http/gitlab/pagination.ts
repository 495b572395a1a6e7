import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/index.js';

export interface Page { page: number; perPage: number; offset: number }

/**
 * GitLab's offset pagination (shared/spec/gitlab-api.md §3): page default 1 (0 and negatives
 * act as 1), per_page default 20, 0 rejected, above 100 clamped, negatives fall back to 20.
 */
export function readPage(query: Record<string, unknown>): Page {
  const problems: string[] = [];
  const page = parseInteger(query.page, 'page', problems) ?? 1;
  let perPage = parseInteger(query.per_page, 'per_page', problems) ?? 20;
  if (problems.length === 0 && perPage === 0) problems.push('per_page has a value not allowed');
  if (problems.length > 0) throw new AppError('validation_failed', problems.join(', '));
  if (perPage < 0) perPage = 20;
  perPage = Math.min(perPage, 100);
  const p = Math.max(page, 1);
  return { page: p, perPage, offset: (p - 1) * perPage };
}

function parseInteger(value: unknown, name: string, problems: string[]): number | null {
  if (value === undefined || value === '') return null;
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' && typeof text !== 'number') { problems.push(`${name} is invalid`); return null; }
  const s = String(text).trim();
  if (!/^[-+]?\d+$/.test(s)) { problems.push(`${name} is invalid`); return null; }
  return Number(s);
}

/** Sets X-Total, X-Total-Pages, X-Per-Page, X-Page, X-Next-Page, X-Prev-Page and Link. */
export function setPageHeaders(request: FastifyRequest, reply: FastifyReply, page: Page, total: number, baseUrl: string): void {
  const totalPages = Math.max(Math.ceil(total / page.perPage), 1);
  const next = page.page < totalPages ? page.page + 1 : null;
  const prev = page.page > 1 && page.page <= totalPages ? page.page - 1 : null;
  const countsShown = total <= 10_000;
  reply.header('x-per-page', String(page.perPage));
  reply.header('x-page', String(page.page));
  reply.header('x-next-page', next === null ? '' : String(next));
  reply.header('x-prev-page', prev === null ? '' : String(prev));
  if (countsShown) {
    reply.header('x-total', String(total));
    reply.header('x-total-pages', String(totalPages));
  }
  reply.header('link', linkHeader(request.url, baseUrl, page, total));
}

// The Link header depends on the request's URL, the base URL, the page and the total only, and
// a list is asked for with the same URL again and again: its text is kept (two URL parses and
// four URLSearchParams per request otherwise). Not for long URLs, nor URLs carrying a token
// (private_token, access_token, job_token), which are not to be kept in memory.
const linkTexts = new Map<string, string>();

function linkHeader(requestUrl: string, baseUrl: string, page: Page, total: number): string {
  if (requestUrl.length > 512 || requestUrl.includes('_token')) return writeLinkHeader(requestUrl, baseUrl, page, total);
  const key = `${page.page}\u0000${page.perPage}\u0000${total}\u0000${baseUrl}\u0000${requestUrl}`;
  let text = linkTexts.get(key);
  if (text === undefined) {
    text = writeLinkHeader(requestUrl, baseUrl, page, total);
    if (linkTexts.size >= 1_000) linkTexts.clear();
    linkTexts.set(key, text);
  }
  return text;
}

function writeLinkHeader(requestUrl: string, baseUrl: string, page: Page, total: number): string {
  const totalPages = Math.max(Math.ceil(total / page.perPage), 1);
  const next = page.page < totalPages ? page.page + 1 : null;
  const prev = page.page > 1 && page.page <= totalPages ? page.page - 1 : null;
  const countsShown = total <= 10_000;
  const url = new URL(requestUrl, baseUrl);
  const base = new URL(baseUrl);
  const link = (p: number) => {
    const params = new URLSearchParams();
    const entries = [...url.searchParams.entries()].filter(([k]) => k !== 'page' && k !== 'per_page' && k !== 'private_token' && k !== 'access_token');
    entries.push(['page', String(p)], ['per_page', String(page.perPage)]);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [k, v] of entries) params.append(k, v);
    return `<${base.origin}${url.pathname}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (prev !== null) links.push(`${link(prev)}; rel="prev"`);
  if (next !== null) links.push(`${link(next)}; rel="next"`);
  links.push(`${link(1)}; rel="first"`);
  if (countsShown) links.push(`${link(totalPages)}; rel="last"`);
  return links.join(', ');
}
