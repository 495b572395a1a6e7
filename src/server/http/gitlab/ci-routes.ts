import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { registerPipelineRoutes } from './pipelines-routes.js';
import { registerJobRoutes } from './jobs-routes.js';
import { registerArtifactRoutes } from './artifacts-routes.js';
import { registerVariableRoutes } from './variables-routes.js';

/**
 * GitLab's CI API over the engine: pipelines, jobs, artifacts, variables, triggers, schedules,
 * hooks, runners, plus Runnel's live event streams and the OpenAPI document of all of them.
 */
export function registerGitlabCiRoutes(app: FastifyInstance, deps: HttpDeps): void {
  registerPipelineRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerArtifactRoutes(app, deps);
  registerVariableRoutes(app, deps);
}
