import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './deps.js';

/** Sessions last a working day; the web UI signs in again after that. */
const SESSION_MS = 12 * 3600 * 1000;

/**
 * Web sign-in: username + password → a short-lived personal token (scope api) that the UI sends
 * as PRIVATE-TOKEN. The UI thus uses exactly the public API, with no cookie-only paths.
 */
export function registerSessionRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.post('/-/session', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!username || !password) return reply.code(400).send({ message: 'username and password are required' });
    const user = await deps.accounts.signIn(username, password);
    if (!user) return reply.code(401).send({ message: 'Invalid username or password.' });
    const expiresAt = Date.now() + SESSION_MS;
    const { token } = await deps.accounts.createToken({ userId: user.id, name: 'web session', scopes: ['api'], expiresAt });
    return { token, expires_at: new Date(expiresAt).toISOString(), user: { id: user.id, username: user.username, name: user.name } };
  });
}
