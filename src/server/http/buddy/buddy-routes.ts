import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';

/** Buddy's pipelines API over the engine (shared/spec/buddy-api.md). TODO(issue 6): the routes. */
export function registerBuddyRoutes(_app: FastifyInstance, _deps: HttpDeps): void {
  // none yet
}
