import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { registerPipelineRoutes } from './pipelines-routes.js';
import { registerJobRoutes } from './jobs-routes.js';
import { registerCommitStatusRoutes } from './commit-statuses-routes.js';
import { registerArtifactRoutes } from './artifacts-routes.js';
import { registerVariableRoutes } from './variables-routes.js';
import { registerTriggerRoutes } from './triggers-routes.js';
import { registerScheduleRoutes } from './schedules-routes.js';
import { registerHookRoutes } from './hooks-routes.js';
import { registerLiveEventRoutes } from './live-events-routes.js';
import { registerRunnerListRoutes } from './runners-routes.js';
import { registerOpenApiRoute, type RouteRecord } from './openapi-routes.js';
import { multipartFields } from './multipart-fields.js';
import { parseRailsParams } from '../rails-params.js';

/**
 * GitLab's CI API over the engine: pipelines, jobs, artifacts, variables, triggers, schedules,
 * hooks, runners, plus Runnel's live event streams and the OpenAPI document of all of them
 * (built from the routes registered here, collected with Fastify's onRoute hook).
 */
export function registerGitlabCiRoutes(app: FastifyInstance, deps: HttpDeps): void {
  // One encapsulated scope: its onRoute hook sees exactly these routes, and its multipart
  // parser (text fields only) does not clash with the runner API's file uploads.
  void app.register(async (scope) => {
    const routes: RouteRecord[] = [];
    scope.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
    });
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (request, body, done) => {
      done(null, parseRailsParams(multipartFields(body as Buffer, String(request.headers['content-type'] ?? ''))));
    });
    // python-gitlab sends `Content-Type: application/json` with an empty DELETE body.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      const text = (body as string).trim();
      if (text === '') { done(null, {}); return; }
      try {
        done(null, JSON.parse(text));
      } catch {
        done(Object.assign(new Error('Body is not valid JSON'), { statusCode: 400 }), undefined);
      }
    });
    registerPipelineRoutes(scope, deps);
    registerJobRoutes(scope, deps);
    registerCommitStatusRoutes(scope, deps);
    registerArtifactRoutes(scope, deps);
    registerVariableRoutes(scope, deps);
    registerTriggerRoutes(scope, deps);
    registerScheduleRoutes(scope, deps);
    registerHookRoutes(scope, deps);
    registerLiveEventRoutes(scope, deps);
    registerRunnerListRoutes(scope, deps);
    registerOpenApiRoute(scope, deps, routes);
  });
}
