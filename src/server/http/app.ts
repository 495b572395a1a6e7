import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { isAppError } from '../../shared/index.js';
import { ANONYMOUS, knownCaller, presentedToken, resolveCaller, type Caller } from './caller.js';
import type { HttpDeps } from './deps.js';
import { buddyError, gitlabError } from './errors.js';
import { HttpReply } from './http-reply.js';
import { parseRailsParams } from './rails-params.js';
import { registerProjectRoutes } from './gitlab/projects-routes.js';
import { registerUserRoutes } from './gitlab/users-routes.js';
import { registerRunnerRoutes } from './runner/runner-routes.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerGitlabCiRoutes } from './gitlab/ci-routes.js';
import { registerBuddyRoutes } from './buddy/buddy-routes.js';
import { isUiPath, registerWebAssets } from './web-assets.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Resolved before any /api route handler runs; ANONYMOUS when no token was presented. */
    caller: Caller;
  }
}

/** Which façade a URL belongs to decides the error body shape. */
function apiOf(url: string): 'gitlab' | 'buddy' | 'other' {
  if (url.startsWith('/api/v4/') || url === '/api/v4') return 'gitlab';
  if (url.startsWith('/api/')) return 'buddy';
  return 'other';
}

/**
 * The Fastify application: routes of both APIs, git smart HTTP, health. Status codes and error
 * bodies are decided here and nowhere else. No I/O at construction: `listen` is the caller's.
 */
export async function buildApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024 * 1024,
    routerOptions: { maxParamLength: 1024 },
    return503OnClosing: true,
  });

  app.decorateRequest('caller', null as unknown as Caller);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseRailsParams(new URLSearchParams(body as string)));
  });

  // The hooks that run on every request are synchronous (callback style): an async hook costs
  // Fastify a promise and a microtask turn per request.
  app.addHook('onRequest', (request, reply, done) => {
    if (apiOf(request.url) !== 'other') {
      reply.header('x-frame-options', 'SAMEORIGIN');
      reply.header('x-content-type-options', 'nosniff');
    }
    done();
  });

  // GitLab sends exactly `application/json`; python-gitlab compares the whole header.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8' && apiOf(request.url) === 'gitlab') reply.header('content-type', 'application/json');
    done(null, payload);
  });

  // Tokens may arrive in the body (private_token), so the caller is resolved after parsing. A
  // token accepted less than a second ago is known without I/O: no promise then.
  app.addHook('preHandler', (request, _reply, done) => {
    if (apiOf(request.url) === 'other') {
      request.caller = ANONYMOUS;
      return done();
    }
    const token = presentedToken(request);
    const known = knownCaller(deps.accounts, token);
    if (known) {
      request.caller = known;
      return done();
    }
    resolveCaller(deps.accounts, token).then((caller) => { request.caller = caller; done(); }, done);
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const api = apiOf(request.url);
    if (error instanceof HttpReply) {
      return reply.code(error.status).headers(error.headers).send(error.body);
    }
    if (isAppError(error)) {
      const mapped = api === 'buddy' ? buddyError(error) : gitlabError(error);
      if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.code(mapped.status).send(mapped.body);
    }
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own rejections (malformed JSON, unsupported media type, body too large).
      const message = status === 413 ? 'Request Entity Too Large' : error.message;
      if (api === 'buddy') return reply.code(status).send({ errors: [{ message }] });
      return reply.code(status === 415 ? 415 : status).send({ error: message });
    }
    request.log.error({ err: error }, 'request failed');
    if (api === 'buddy') return reply.code(500).send({ errors: [{ message: 'Internal server error' }] });
    return reply.code(500).send({ message: '500 Internal Server Error' });
  });

  const web = registerWebAssets(app, deps.webRoot);
  app.setNotFoundHandler((request, reply) => {
    const api = apiOf(request.url);
    if ((request.method === 'GET' || request.method === 'HEAD') && isUiPath(request.url.split('?')[0]!)) return web.serveIndex(request, reply);
    if (api === 'gitlab') return reply.code(404).send({ error: '404 Not Found' });
    if (api === 'buddy') return reply.code(404).send({ errors: [{ message: 'Not found' }] });
    return reply.code(404).type('text/plain').send('Not Found');
  });

  app.get('/-/health', async () => ({ status: 'ok' }));
  app.get('/-/readiness', async (_request, reply) => {
    try {
      await deps.healthCheck();
      return { status: 'ok', checks: { database: 'ok' } };
    } catch {
      return reply.code(503).send({ status: 'failed', checks: { database: 'failed' } });
    }
  });

  registerUserRoutes(app, deps);
  registerProjectRoutes(app, deps);
  registerSessionRoutes(app, deps);
  registerGitlabCiRoutes(app, deps);
  registerBuddyRoutes(app, deps);
  await registerRunnerRoutes(app, { store: deps.store, runners: deps.runners, runnerService: deps.runnerService, longPollMs: 20_000 });
  deps.registerGit?.(app);
  return app;
}
