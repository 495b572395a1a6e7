import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { registerPipelineRoutes } from './pipelines-routes.js';
import { registerJobRoutes } from './jobs-routes.js';
import { registerArtifactRoutes } from './artifacts-routes.js';
import { registerVariableRoutes } from './variables-routes.js';
import { registerTriggerRoutes } from './triggers-routes.js';
import { registerScheduleRoutes } from './schedules-routes.js';
import { registerHookRoutes } from './hooks-routes.js';
import { registerLiveEventRoutes } from './live-events-routes.js';
import { registerRunnerListRoutes } from './runners-routes.js';
import { registerOpenApiRoute, type RouteRecord } from './openapi-routes.js';

/**
 * GitLab's CI API over the engine: pipelines, jobs, artifacts, variables, triggers, schedules,
 * hooks, runners, plus Runnel's live event streams and the OpenAPI document of all of them
 * (built from the routes registered here, collected with Fastify's onRoute hook).
 */
export function registerGitlabCiRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const routes: RouteRecord[] = [];
  let collecting = true;
  app.addHook('onRoute', (route) => {
    if (!collecting) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  registerPipelineRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerArtifactRoutes(app, deps);
  registerVariableRoutes(app, deps);
  registerTriggerRoutes(app, deps);
  registerScheduleRoutes(app, deps);
  registerHookRoutes(app, deps);
  registerLiveEventRoutes(app, deps);
  registerRunnerListRoutes(app, deps);
  registerOpenApiRoute(app, deps, routes);
  collecting = false;
}
