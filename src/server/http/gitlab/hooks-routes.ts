import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, isoTime } from '../../../shared/index.js';
import type { Store } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { allow, notFound, projectContext } from './ci-access.js';
import { integerPath, optionalBoolean, optionalString, Problems, ciParams } from './ci-params.js';
import { readPage, setPageHeaders } from './pagination.js';

type Hook = NonNullable<Awaited<ReturnType<Store['projectHooks']['byId']>>>;
type Params = { id: string; hook_id: string };

function validUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Project webhooks (lib/api/project_hooks.rb): CRUD for Maintainers; the token is write-only.
 * `GET …/hooks/:hook_id/events` lists the recent deliveries (GitLab 17.x's webhook events API),
 * newest first, with request and response as they were sent and received.
 */
export function registerHookRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store } = deps;

  function entity(h: Hook) {
    return {
      id: h.id, url: h.url, name: h.name, description: h.description, project_id: h.projectId, created_at: isoTime(h.createdAt),
      push_events: h.pushEvents, push_events_branch_filter: null, branch_filter_strategy: 'wildcard', issues_events: false,
      confidential_issues_events: false, merge_requests_events: false, tag_push_events: false, note_events: false,
      confidential_note_events: false, job_events: h.jobEvents, pipeline_events: h.pipelineEvents, wiki_page_events: false,
      deployment_events: false, feature_flag_events: false, releases_events: false, emoji_events: false, resource_access_token_events: false,
      repository_update_events: false, enable_ssl_verification: h.enableSslVerification, alert_status: 'executable', disabled_until: null,
      url_variables: [], custom_webhook_template: null, custom_headers: [],
    };
  }

  async function manageContext(request: FastifyRequest, write: boolean) {
    const c = await projectContext(request, deps, { write });
    allow(c.access.manage);
    return c;
  }

  async function hookOf(projectId: number, id: string): Promise<Hook> {
    const h = await store.projectHooks.byId(projectId, integerPath(id, 'hook_id'));
    if (!h) notFound('404 Not found');
    return h;
  }

  function fields(params: Record<string, unknown>, current: Hook | null) {
    const p = new Problems();
    const url = optionalString(params, 'url', p) ?? current?.url;
    if (!url) p.add('url is missing');
    const input = {
      url: url ?? '',
      token: params.token === undefined ? current?.token ?? null : (optionalString(params, 'token', p) || null),
      name: optionalString(params, 'name', p) ?? current?.name ?? '',
      description: optionalString(params, 'description', p) ?? current?.description ?? '',
      pushEvents: optionalBoolean(params, 'push_events', p) ?? current?.pushEvents ?? true,
      pipelineEvents: optionalBoolean(params, 'pipeline_events', p) ?? current?.pipelineEvents ?? false,
      jobEvents: optionalBoolean(params, 'job_events', p) ?? current?.jobEvents ?? false,
      enableSslVerification: optionalBoolean(params, 'enable_ssl_verification', p) ?? current?.enableSslVerification ?? true,
    };
    p.throwIfAny();
    if (!validUrl(input.url)) throw new AppError('validation_failed', 'invalid hook', { details: { url: ['is blocked: Only allowed schemes are http, https'] } });
    return input;
  }

  app.get<{ Params: Params }>('/api/v4/projects/:id/hooks', async (request, reply) => {
    const { project } = await manageContext(request, false);
    const page = readPage(ciParams(request));
    const { items, total } = await store.projectHooks.list(project.id, page.offset, page.perPage);
    setPageHeaders(request, reply, page, total, deps.baseUrl());
    return items.map(entity);
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/hooks/:hook_id', async (request) => {
    const { project } = await manageContext(request, false);
    return entity(await hookOf(project.id, request.params.hook_id));
  });

  app.post<{ Params: Params }>('/api/v4/projects/:id/hooks', async (request, reply) => {
    const { project } = await manageContext(request, true);
    const hook = await store.projectHooks.insert(project.id, fields(ciParams(request), null), Date.now());
    reply.code(201);
    return entity(hook);
  });

  app.put<{ Params: Params }>('/api/v4/projects/:id/hooks/:hook_id', async (request) => {
    const { project } = await manageContext(request, true);
    const hook = await hookOf(project.id, request.params.hook_id);
    await store.projectHooks.update(hook.id, fields(ciParams(request), hook));
    return entity((await store.projectHooks.byId(project.id, hook.id))!);
  });

  app.delete<{ Params: Params }>('/api/v4/projects/:id/hooks/:hook_id', async (request, reply) => {
    const { project } = await manageContext(request, true);
    const hook = await hookOf(project.id, request.params.hook_id);
    await store.projectHooks.delete(hook.id);
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/hooks/:hook_id/events', async (request, reply) => {
    const { project } = await manageContext(request, false);
    const hook = await hookOf(project.id, request.params.hook_id);
    const page = readPage(ciParams(request));
    const { items, total } = await store.projectHooks.deliveries(hook.id, page.offset, page.perPage);
    setPageHeaders(request, reply, page, total, deps.baseUrl());
    return items.map((d) => ({
      id: d.id, url: hook.url, trigger: d.event === 'Job Hook' ? 'job_hooks' : d.event === 'Pipeline Hook' ? 'pipeline_hooks' : 'push_hooks',
      request_headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': d.event, ...(hook.token && { 'X-Gitlab-Token': '[REDACTED]' }) },
      request_data: d.payload, response_headers: {}, response_body: d.responseBody ?? d.error ?? '',
      execution_duration: d.durationMs === null ? null : d.durationMs / 1000, response_status: d.responseStatus === null ? (d.error ? 'internal error' : null) : String(d.responseStatus),
      // Runnel's additions: where the delivery stands in the retry queue.
      state: d.state, attempts: d.attempts, next_attempt_at: isoTime(d.nextAttemptAt), created_at: isoTime(d.createdAt),
    }));
  });
}
