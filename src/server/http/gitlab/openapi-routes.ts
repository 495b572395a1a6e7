import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { SUMMARIES } from './openapi-summaries.js';

export interface RouteRecord { method: string; url: string }

/** Fastify's `/a/:id/b/*` as OpenAPI's `/a/{id}/b/{artifact_path}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\*$/, '{artifact_path}');
}

/**
 * An OpenAPI 3 document of the routes this module registered, built from the very list of
 * registered routes (so it cannot miss one) with a summary per route (SUMMARIES; a route
 * without one is listed as "undocumented", which the tests refuse).
 */
export function openApiDocument(routes: RouteRecord[], version: string, baseUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = openApiPath(r.url);
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
      name: m[1], in: 'path', required: true,
      schema: m[1] === 'id' ? { oneOf: [{ type: 'integer' }, { type: 'string', description: 'URL-encoded full path' }] } : m[1]!.endsWith('_id') ? { type: 'integer' } : { type: 'string' },
    }));
    const summary = SUMMARIES[`${r.method} ${path}`] ?? 'undocumented';
    const isStream = path.endsWith('/events') && !path.includes('/hooks/');
    paths[path] ??= {};
    paths[path]![r.method.toLowerCase()] = {
      summary, parameters: params,
      security: [{ privateToken: [] }, { bearer: [] }, { privateTokenQuery: [] }],
      responses: {
        [r.method === 'POST' ? '201' : r.method === 'DELETE' ? '204' : '200']: {
          description: 'Success',
          content: isStream ? { 'text/event-stream': {} } : path.endsWith('/trace') ? { 'text/plain': {} } : path.includes('artifacts') ? { 'application/octet-stream': {} } : { 'application/json': {} },
        },
        400: { description: 'Invalid parameters: {"error": "..."} or {"message": {...}}' },
        401: { description: '{"message":"401 Unauthorized"}' },
        403: { description: '{"message":"403 Forbidden"} or insufficient_scope' },
        404: { description: '{"message":"404 Project Not Found"} or {"message":"404 Not found"}' },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Runnel — GitLab API v4 (CI subset)', version, description: 'GitLab-compatible pipelines, jobs, variables, triggers, schedules, hooks and runners, plus Runnel extensions. See docs/api-compatibility.md.' },
    servers: [{ url: baseUrl }],
    components: {
      securitySchemes: {
        privateToken: { type: 'apiKey', in: 'header', name: 'PRIVATE-TOKEN' },
        privateTokenQuery: { type: 'apiKey', in: 'query', name: 'private_token' },
        jobToken: { type: 'apiKey', in: 'header', name: 'JOB-TOKEN' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
    paths,
  };
}

export function registerOpenApiRoute(app: FastifyInstance, deps: HttpDeps, routes: RouteRecord[]): void {
  app.get('/api/v4/openapi.json', async () => openApiDocument(routes, deps.version, deps.baseUrl()));
}
