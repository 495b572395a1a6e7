import type { FastifyInstance } from 'fastify';
import { WEBHOOK_EVENTS } from '../../engine/index.js';
import type { Workspace } from '../../store/index.js';
import { body, invalid, iso, needScope, notFound, requireWorkspaceAdmin, workspaceFor, type BuddyContext } from './buddy-context.js';

const W = '/workspaces/:workspace/webhooks';

/** Workspace webhooks (admins only), with their recent deliveries as `requests`. */
export function registerWebhookRoutes(app: FastifyInstance, ctx: BuddyContext): void {
  const { store } = ctx.deps;

  async function json(ws: Workspace, h: NonNullable<Awaited<ReturnType<typeof store.buddyWebhooks.byId>>>, withRequests: boolean) {
    return {
      url: `${ctx.api()}/workspaces/${ws.path}/webhooks/${h.id}`, html_url: `${ctx.web()}/${ws.path}/webhook/${h.id}`,
      id: h.id, target_url: h.targetUrl, secret_key: h.secretKey, projects: h.projects, events: h.events,
      ...(withRequests && {
        requests: (await store.buddyWebhooks.recent(h.id, 20)).map((d) => ({
          post_date: iso(d.createdAt), event: d.event, state: d.state.toUpperCase(), attempts: d.attempts,
          response_status: d.responseStatus, body: JSON.stringify(d.payload), response_body: d.responseBody, delivered_date: iso(d.deliveredAt),
        })),
      }),
    };
  }

  function validate(b: Record<string, unknown>, creating: boolean): string[] {
    const problems: string[] = [];
    if (creating || b.target_url !== undefined) {
      let ok = false;
      try { ok = typeof b.target_url === 'string' && ['http:', 'https:'].includes(new URL(b.target_url).protocol); } catch { ok = false; }
      if (!ok) problems.push('target_url must be an http(s) URL');
    }
    if (creating || b.events !== undefined) {
      if (!Array.isArray(b.events) || b.events.length === 0 || b.events.some((e) => !WEBHOOK_EVENTS.includes(e as never))) problems.push(`events must be a non-empty list of ${WEBHOOK_EVENTS.join(', ')}`);
      else if (new Set(b.events).size !== b.events.length) problems.push('events must contain unique items');
    }
    if (b.projects !== undefined && (!Array.isArray(b.projects) || b.projects.some((p) => typeof p !== 'string'))) problems.push('projects must be an array of project names');
    if (b.secret_key !== undefined && b.secret_key !== null && typeof b.secret_key !== 'string') problems.push('secret_key must be a string');
    return problems;
  }

  async function admin(request: Parameters<typeof needScope>[0], scope: 'WEBHOOK_INFO' | 'WEBHOOK_ADD' | 'WEBHOOK_MANAGE') {
    const user = needScope(request, [scope]);
    const { workspace, role } = await workspaceFor(ctx, user, (request.params as { workspace: string }).workspace);
    requireWorkspaceAdmin(user, role);
    return workspace;
  }

  async function hookOf(ws: Workspace, idText: string) {
    const h = Number.isInteger(Number(idText)) ? await store.buddyWebhooks.byId(Number(idText)) : null;
    if (!h || h.workspaceId !== ws.id) throw notFound('Webhook');
    return h;
  }

  app.get(W, async (request) => {
    const ws = await admin(request, 'WEBHOOK_INFO');
    const hooks = await store.buddyWebhooks.forWorkspace(ws.id);
    return { url: `${ctx.api()}/workspaces/${ws.path}/webhooks`, html_url: `${ctx.web()}/${ws.path}/webhooks`, webhooks: await Promise.all(hooks.map((h) => json(ws, h, false))) };
  });
  app.post(W, async (request, reply) => {
    const ws = await admin(request, 'WEBHOOK_ADD');
    const b = body(request);
    const problems = validate(b, true);
    if (problems.length) throw invalid(problems);
    const h = await store.buddyWebhooks.insert({
      workspaceId: ws.id, targetUrl: b.target_url as string, secretKey: (b.secret_key as string | undefined) ?? null,
      events: b.events as string[], projects: (b.projects as string[] | undefined) ?? [], createdAt: Date.now(),
    });
    return reply.code(201).send(await json(ws, h, true));
  });
  app.get(`${W}/:webhook_id`, async (request) => {
    const ws = await admin(request, 'WEBHOOK_INFO');
    return json(ws, await hookOf(ws, (request.params as { webhook_id: string }).webhook_id), true);
  });
  app.patch(`${W}/:webhook_id`, async (request) => {
    const ws = await admin(request, 'WEBHOOK_MANAGE');
    const h = await hookOf(ws, (request.params as { webhook_id: string }).webhook_id);
    const b = body(request);
    const problems = validate(b, false);
    if (problems.length) throw invalid(problems);
    await store.buddyWebhooks.update(h.id, {
      targetUrl: b.target_url as string | undefined, secretKey: b.secret_key as string | null | undefined,
      events: b.events as string[] | undefined, projects: b.projects as string[] | undefined,
    });
    return json(ws, (await store.buddyWebhooks.byId(h.id))!, true);
  });
  app.delete(`${W}/:webhook_id`, async (request, reply) => {
    const ws = await admin(request, 'WEBHOOK_MANAGE');
    const h = await hookOf(ws, (request.params as { webhook_id: string }).webhook_id);
    await store.buddyWebhooks.delete(h.id);
    return reply.code(204).send();
  });
}
