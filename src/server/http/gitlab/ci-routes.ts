import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';

/**
 * GitLab's CI API over the engine: pipelines, jobs, variables, triggers, schedules, hooks.
 * TODO(issue 5): the routes.
 */
export function registerGitlabCiRoutes(_app: FastifyInstance, _deps: HttpDeps): void {
  // none yet
}
