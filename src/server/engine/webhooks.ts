import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../../shared/index.js';
import type { Store } from '../store/index.js';
import type { EngineEvent } from './notifier.js';
import { hasWarnings } from './statuses.js';
import { jobHookPayload, pipelineHookPayload } from './webhook-payloads.js';

export interface WebhookOptions {
  /** First retry delay; doubles per attempt (default 10 s → 10 s, 20 s, 40 s … capped at 1 h). */
  retryBaseMs?: number;
  /** Attempts before a delivery is given up as failed (default 8). */
  maxAttempts?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Deliveries sent at once by one pass (default 8). */
  concurrency?: number;
  /** Deliveries kept per hook for inspection (default 100). */
  keep?: number;
  userAgent?: string;
}

type HookDelivery = Awaited<ReturnType<Store['projectHooks']['due']>>[number];

/** Delay before attempt `attempts + 1` after `attempts` failures. Pure. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/**
 * Project webhooks. Engine events are turned into queued deliveries (one row per hook and
 * status change, written off the event path), and a loop sends due deliveries with bounded
 * concurrency, each with a timeout, retrying failures with exponential back-off. A run never
 * waits for a receiver: the only work on the event path is remembering the event.
 */
export function createWebhooks(deps: { store: Store; clock: Clock; logger: Logger; baseUrl(): string }, options: WebhookOptions = {}) {
  const { store, clock, logger } = deps;
  const retryBaseMs = options.retryBaseMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? 8;
  const keep = options.keep ?? 100;
  const lastRunStatus = new Map<number, string>();
  const lastJobStatus = new Map<number, string>();
  let chain: Promise<void> = Promise.resolve();

  /** Notifier listener: queues the event's enqueue work in order, off the caller's path. */
  function onEvent(event: EngineEvent): void {
    // A growing log changes nothing a job hook reports (GitLab sends none for it): no read.
    if (event.type === 'job' && event.logOnly) return;
    chain = chain.then(() => enqueueFor(event)).catch((error: unknown) => logger.warn({ err: error }, 'webhook enqueue failed'));
  }

  async function enqueueFor(event: EngineEvent): Promise<void> {
    if (event.type === 'run') {
      const hooks = await store.projectHooks.forEvent(event.projectId, 'pipeline');
      if (hooks.length === 0) return;
      const run = await store.runs.byId(event.runId);
      if (!run || lastRunStatus.get(run.id) === run.status) return;
      lastRunStatus.set(run.id, run.status);
      if (lastRunStatus.size > 10_000) lastRunStatus.delete(lastRunStatus.keys().next().value!);
      const project = await store.projects.byId(run.projectId);
      if (!project) return;
      const jobs = await store.jobs.forRun(run.id);
      const users = new Map();
      for (const id of new Set([run.userId, ...jobs.map((j) => j.userId)].filter((x): x is number => x !== null))) {
        const u = await store.users.byId(id);
        if (u) users.set(id, u);
      }
      const runners = new Map();
      for (const id of new Set(jobs.map((j) => j.runnerId).filter((x): x is number => x !== null))) {
        const r = await store.runners.byId(id);
        if (r) runners.set(id, r);
      }
      const archives = new Map<number, { filename: string; size: number }>();
      for (const a of await store.artifacts.forJobs(jobs.map((j) => j.id))) if (a.fileType === 'archive') archives.set(a.jobId, { filename: a.filename, size: a.size });
      const detailed = run.status === 'success' && hasWarnings(jobs) ? 'passed with warnings' : DETAILED_LABEL[run.status] ?? run.status;
      const payload = pipelineHookPayload({ run, project, user: run.userId !== null ? users.get(run.userId) ?? null : null, jobs, users, runners, archives, detailedStatus: detailed, baseUrl: deps.baseUrl() });
      for (const hook of hooks) await store.projectHooks.enqueue({ hookId: hook.id, projectId: project.id, event: 'Pipeline Hook', payload, now: clock.now() });
    } else {
      const job = await store.jobs.byId(event.jobId);
      if (!job || lastJobStatus.get(job.id) === job.status) return;
      const hooks = await store.projectHooks.forEvent(job.projectId, 'job');
      lastJobStatus.set(job.id, job.status);
      if (lastJobStatus.size > 10_000) lastJobStatus.delete(lastJobStatus.keys().next().value!);
      if (hooks.length === 0 || job.kind !== 'build') return;
      const [run, project] = await Promise.all([store.runs.byId(job.runId), store.projects.byId(job.projectId)]);
      if (!run || !project) return;
      const user = job.userId !== null ? await store.users.byId(job.userId) : null;
      const runner = job.runnerId !== null ? await store.runners.byId(job.runnerId) : null;
      const payload = jobHookPayload({ job, run, project, user, runner, baseUrl: deps.baseUrl() });
      for (const hook of hooks) await store.projectHooks.enqueue({ hookId: hook.id, projectId: project.id, event: 'Job Hook', payload, now: clock.now() });
    }
  }

  async function deliver(d: HookDelivery): Promise<void> {
    const hook = await store.projectHooks.byId(d.projectId, d.hookId);
    if (!hook) return;
    const started = Date.now();
    let status: number | null = null;
    let body: string | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', 'user-agent': options.userAgent ?? 'GitLab/17.11.0-runnel', 'x-gitlab-event': d.event,
          'x-gitlab-event-uuid': randomUUID(), 'x-gitlab-webhook-uuid': randomUUID(), 'x-gitlab-instance': deps.baseUrl(),
          ...(hook.token && { 'x-gitlab-token': hook.token }),
        },
        body: JSON.stringify(d.payload),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      status = response.status;
      body = (await response.text().catch(() => '')).slice(0, 2048);
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? 'timeout' : (e as Error).message;
    }
    const ok = status !== null && status >= 200 && status < 300;
    const now = clock.now();
    const attempts = d.attempts + 1;
    const state = ok ? 'delivered' : attempts >= maxAttempts ? 'failed' : 'pending';
    await store.projectHooks.recordAttempt(d.id, {
      state, nextAttemptAt: state === 'pending' ? now + retryDelayMs(attempts, retryBaseMs) : null,
      responseStatus: status, responseBody: body, error, durationMs: Date.now() - started, now,
    });
    if (state !== 'pending') await store.projectHooks.prune(d.hookId, keep);
  }

  /** One pass of the delivery loop: sends what is due, `concurrency` at a time. */
  async function deliverDue(): Promise<number> {
    const now = clock.now();
    const due = await store.projectHooks.due(now, 100);
    const claimed: HookDelivery[] = [];
    // The lease outlives one request, so a second loop (or server) never sends it concurrently.
    for (const d of due) if (await store.projectHooks.claim(d.id, d.attempts, now + timeoutMs + 5_000, now)) claimed.push(d);
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const d = claimed[next++]!;
        await deliver(d).catch((e: unknown) => logger.warn({ err: e, deliveryId: d.id }, 'webhook delivery failed'));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
    return claimed.length;
  }

  return { onEvent, deliverDue, idle: () => chain };
}

const DETAILED_LABEL: Record<string, string> = { success: 'passed', manual: 'blocked', scheduled: 'delayed' };

export type Webhooks = ReturnType<typeof createWebhooks>;
