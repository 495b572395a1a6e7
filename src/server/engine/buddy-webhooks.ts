import { createHmac } from 'node:crypto';
import type { Logger } from '../../shared/index.js';
import type { Store } from '../store/index.js';
import { toBuddyStatus } from './buddy-statuses.js';
import type { EngineEvent } from './notifier.js';

/**
 * Outbound workspace webhooks (Buddy's PUSH, EXECUTION_STARTED / _SUCCESSFUL / _FAILED /
 * _FINISHED). Engine events only *enqueue* deliveries (one insert per webhook, off the run's
 * path); a background loop sends them, signed, and retries failures with back-off. A slow or dead
 * receiver therefore never slows a run, and deliveries survive a restart.
 *
 * Signature (Runnel's choice, Buddy documents none): `X-Buddy-Signature: sha256=<hex HMAC of the
 * body with the webhook's secret_key>`; the event name is in `X-Buddy-Event`.
 */
export const WEBHOOK_EVENTS = ['PUSH', 'EXECUTION_STARTED', 'EXECUTION_SUCCESSFUL', 'EXECUTION_FAILED', 'EXECUTION_FINISHED'] as const;
/** Seconds to wait before attempt n+1 (after n failed attempts); after the last, give up. */
export const BACKOFF_SECONDS = [5, 30, 120, 600, 3600];
const KEEP_DELIVERIES = 20;

/** Which webhook events a change of a run's Buddy status amounts to (pure). */
export function executionEvents(before: string | null, after: string): string[] {
  if (before === after) return [];
  const out: string[] = [];
  if (after === 'INPROGRESS' && before !== 'INPROGRESS') out.push('EXECUTION_STARTED');
  if (after === 'SUCCESSFUL') out.push('EXECUTION_SUCCESSFUL', 'EXECUTION_FINISHED');
  else if (after === 'FAILED') out.push('EXECUTION_FAILED', 'EXECUTION_FINISHED');
  else if (after === 'TERMINATED' || after === 'SKIPPED') out.push('EXECUTION_FINISHED');
  return out;
}

export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookDeps {
  store: Store;
  logger: Logger;
  now(): number;
  baseUrl(): string;
  /** The sender; fetch by default. */
  send?(url: string, init: { headers: Record<string, string>; body: string; signal: AbortSignal }): Promise<{ status: number; text(): Promise<string> }>;
  timeoutMs?: number;
}

export function createBuddyWebhooks(deps: WebhookDeps) {
  const { store, logger } = deps;
  /** Last Buddy status seen per run on this server (the server making a change sees its event). */
  const seen = new Map<number, string>();

  async function enqueue(workspaceId: number, projectPath: string | null, event: string, payload: unknown): Promise<void> {
    for (const hook of await store.buddyWebhooks.forWorkspace(workspaceId)) {
      if (!hook.events.includes(event)) continue;
      if (hook.projects.length && projectPath !== null && !hook.projects.includes(projectPath)) continue;
      await store.buddyWebhooks.enqueue({ webhookId: hook.id, event, payload, at: deps.now() });
    }
  }

  async function onRunChanged(runId: number): Promise<void> {
    const run = await store.runs.byId(runId);
    if (!run) { seen.delete(runId); return; }
    const status = toBuddyStatus(run.status);
    const events = executionEvents(seen.get(runId) ?? null, status);
    seen.set(runId, status);
    if (['SUCCESSFUL', 'FAILED', 'TERMINATED', 'SKIPPED'].includes(status)) seen.delete(runId);
    if (events.length === 0) return;
    const project = await store.projects.byId(run.projectId);
    const definition = await store.definitions.byId(run.definitionId);
    if (!project || !definition) return;
    const base = `${deps.baseUrl()}/api/workspaces/${project.workspacePath}/projects/${project.path}/pipelines/${definition.id}`;
    const payload = {
      event: null as string | null,
      execution: {
        url: `${base}/executions/${run.number}`, id: run.number, status, comment: run.comment,
        start_date: iso(run.startedAt), finish_date: iso(run.finishedAt), branch: { name: run.ref }, to_revision: { revision: run.sha },
      },
      pipeline: { url: base, id: definition.id, name: definition.name, identifier: definition.identifier },
      project: { name: project.path, display_name: project.name },
      workspace: { domain: project.workspacePath },
    };
    for (const event of events) await enqueue(project.workspaceId, project.path, event, { ...payload, event });
  }

  async function onPush(push: { projectId: number; ref: string; beforeSha: string; afterSha: string; userId: number | null }): Promise<void> {
    const project = await store.projects.byId(push.projectId);
    if (!project) return;
    await enqueue(project.workspaceId, project.path, 'PUSH', {
      event: 'PUSH', ref: push.ref, before: push.beforeSha, after: push.afterSha,
      project: { name: project.path, display_name: project.name }, workspace: { domain: project.workspacePath },
    });
  }

  /** Sends due deliveries once; returns how many attempts were made. */
  async function deliver(): Promise<number> {
    const send = deps.send ?? ((url, init) => fetch(url, { method: 'POST', ...init }));
    let attempts = 0;
    for (const d of await store.buddyWebhooks.due(deps.now(), 20)) {
      const hook = await store.buddyWebhooks.byId(d.webhookId);
      if (!hook) continue;
      const timeoutMs = deps.timeoutMs ?? 10_000;
      if (!(await store.buddyWebhooks.claim(d.id, d.attempts, deps.now() + timeoutMs * 2))) continue;
      attempts++;
      const body = JSON.stringify(d.payload);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Runnel-Webhook', 'x-buddy-event': d.event };
      if (hook.secretKey) headers['x-buddy-signature'] = signatureOf(hook.secretKey, body);
      let status: number | null = null;
      let text: string | null = null;
      try {
        const response = await send(hook.targetUrl, { headers, body, signal: AbortSignal.timeout(timeoutMs) });
        status = response.status;
        text = (await response.text().catch(() => '')).slice(0, 2000);
      } catch (error) {
        text = (error as Error).message.slice(0, 2000);
      }
      const ok = status !== null && status >= 200 && status < 300;
      const tried = d.attempts + 1;
      if (ok) await store.buddyWebhooks.record(d.id, { state: 'delivered', responseStatus: status, responseBody: text, deliveredAt: deps.now() });
      else if (tried > BACKOFF_SECONDS.length) await store.buddyWebhooks.record(d.id, { state: 'failed', responseStatus: status, responseBody: text });
      else await store.buddyWebhooks.record(d.id, { state: 'pending', responseStatus: status, responseBody: text, nextAttemptAt: deps.now() + BACKOFF_SECONDS[tried - 1]! * 1000 });
      if (!ok) logger.info({ webhookId: hook.id, deliveryId: d.id, status }, 'webhook delivery failed');
      await store.buddyWebhooks.prune(hook.id, KEEP_DELIVERIES);
    }
    return attempts;
  }

  return {
    onPush,
    deliver,
    /** Feed for notifier.subscribe: never awaits, never throws into the engine. */
    listener(event: EngineEvent): void {
      if (event.type !== 'run') return;
      void onRunChanged(event.runId).catch((error: unknown) => logger.warn({ err: error, runId: event.runId }, 'webhook enqueue failed'));
    },
  };
}

export type BuddyWebhooks = ReturnType<typeof createBuddyWebhooks>;

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
