/**
 * server/http: the Fastify app — GitLab v4, Buddy, runner endpoints, git smart HTTP mount, UI
 * assets. Serializers live here; status codes and error bodies are decided here only.
 * Imports shared, pipeline, protocol and server/{store,engine,git}.
 */
export { buildApp } from './app.js';
export type { HttpDeps } from './deps.js';
export { HttpReply } from './http-reply.js';
