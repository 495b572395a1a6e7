import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, isAppError, systemClock } from '../../../shared/index.js';
import { createBuddyEngineHooks, createBuddyWebhooks, createLoop, fireSchedules, followPushes, startDueDelayedRuns, runNextPipelines } from '../../engine/index.js';
import type { HttpDeps } from '../deps.js';
import { buddyError } from '../errors.js';
import { HttpReply } from '../http-reply.js';
import { presentedToken, resolveCaller } from '../caller.js';
import type { BuddyContext } from './buddy-context.js';
import './buddy-deps.js';
import { registerWorkspaceRoutes } from './workspaces-routes.js';
import { registerPipelineRoutes } from './pipelines-routes.js';
import { registerActionRoutes } from './actions-routes.js';
import { registerExecutionRoutes } from './executions-routes.js';
import { registerVariableRoutes } from './variables-routes.js';
import { registerWebhookRoutes } from './webhooks-routes.js';
import { registerYamlRoutes } from './yaml-routes.js';

/**
 * Buddy's pipelines API over the engine (shared/spec/buddy-api.md), mounted twice: under `/api`
 * (Buddy's self-hosted base URL) and at the root (`/workspaces/...`, Buddy cloud's shape). The
 * root mount has no clash with git (`/:workspace/:project.git/...`, `/:workspace/:project/info/refs`)
 * because its first segment is the literal `workspaces`. Errors on both mounts get Buddy's body.
 *
 * Background work started here, with the app's lifecycle: outbound webhook deliveries (fed by the
 * notifier), SCHEDULE events, delayed runs (delay_until) coming due, RUN_NEXT_PIPELINE actions, and PUSH/CREATE_REF events of Buddy pipelines.
 */
export function registerBuddyRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const hooks = deps.buddy ?? createBuddyEngineHooks({ store: deps.store, clock: systemClock, logger: deps.logger });
  const ctx: BuddyContext = { deps, hooks, api: () => `${deps.baseUrl()}/api`, web: () => deps.baseUrl() };

  const webhooks = createBuddyWebhooks({ store: deps.store, logger: deps.logger, now: () => Date.now(), baseUrl: deps.baseUrl });
  const engineDeps = { store: deps.store, engine: deps.engine, logger: deps.logger };
  const loops = [
    createLoop('buddy-webhooks', 2_000, () => webhooks.deliver(), deps.logger),
    createLoop('buddy-schedules', 15_000, () => fireSchedules(engineDeps, Date.now()), deps.logger),
    createLoop('buddy-delayed-runs', 1_000, () => startDueDelayedRuns(engineDeps, Date.now()), deps.logger),
    createLoop('buddy-run-next', 1_000, () => runNextPipelines(engineDeps, Date.now()), deps.logger),
    createLoop('buddy-pushes', 2_000, () => followPushes({ ...engineDeps, onPush: (p) => webhooks.onPush(p) }), deps.logger),
  ];
  let unsubscribe: (() => void) | null = null;
  app.addHook('onReady', async () => {
    unsubscribe = deps.notifier.subscribe((event) => {
      webhooks.listener(event);
      if (event.type === 'run') { void loops[0]!.kick(); void loops[3]!.kick(); }
    });
    for (const loop of loops) { loop.start(); void loop.kick(); }
  });
  app.addHook('onClose', async () => {
    unsubscribe?.();
    for (const loop of loops) await loop.stop();
  });

  for (const prefix of ['/api', '']) {
    void app.register(async (scope) => {
      scope.addHook('preHandler', async (request) => {
        // The app resolves callers under /api only; the root mount resolves its own.
        if (!request.url.startsWith('/api/')) request.caller = await resolveCaller(deps.accounts, presentedToken(request));
      });
      scope.setErrorHandler((error: FastifyError | Error, request, reply) => {
        if (error instanceof HttpReply) {
          const b = error.body as { error_description?: string; message?: string };
          return reply.code(error.status).headers(error.headers).send({ errors: [{ message: b.error_description ?? b.message ?? 'Unauthorized' }] });
        }
        if (isAppError(error)) {
          const mapped = buddyError(error.code === 'token_invalid' ? new AppError('token_invalid', 'Unauthorized: invalid access token') : error);
          if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
          return reply.code(mapped.status).send(mapped.body);
        }
        const status = (error as FastifyError).statusCode;
        if (typeof status === 'number' && status >= 400 && status < 500) return reply.code(status).send({ errors: [{ message: error.message }] });
        request.log.error({ err: error }, 'request failed');
        return reply.code(500).send({ errors: [{ message: 'Internal server error' }] });
      });
      scope.addHook('onSend', async (_request, reply, payload) => {
        reply.header('x-buddy-media-type', 'buddy.v1.1.0');
        return payload;
      });
      registerWorkspaceRoutes(scope, ctx);
      registerPipelineRoutes(scope, ctx);
      registerYamlRoutes(scope, ctx);
      registerActionRoutes(scope, ctx);
      registerExecutionRoutes(scope, ctx);
      registerVariableRoutes(scope, ctx);
      registerWebhookRoutes(scope, ctx);
    }, { prefix });
  }
}
