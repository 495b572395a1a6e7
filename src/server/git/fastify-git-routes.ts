import type { FastifyInstance } from 'fastify';
import type { GitHttpHandler } from './git-http-handler.js';
import { parseSmartHttpPath } from './smart-http-request.js';

/**
 * Mounts git smart HTTP at the root of a Fastify app: `/:workspace/:project(.git)/info/refs`,
 * `/git-upload-pack` and `/git-receive-pack`. The routes live in their own encapsulated scope
 * whose only content-type parser leaves the body unread, so the raw request stream reaches
 * http-backend (no body limit, no buffering, gzip untouched); the reply is hijacked.
 */
export function registerGitRoutes(app: FastifyInstance, handler: GitHttpHandler): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    for (const endpoint of ['info/refs', 'git-upload-pack', 'git-receive-pack']) {
      scope.route({
        method: ['GET', 'POST'],
        url: `/:workspace/:project/${endpoint}`,
        handler: async (request, reply) => {
          const target = parseSmartHttpPath((request.raw.url ?? '/').split('?')[0]!);
          if (!target) return reply.code(404).type('text/plain').send('Not Found');
          reply.hijack();
          await handler(request.raw, reply.raw, target);
        },
      });
    }
  });
}
