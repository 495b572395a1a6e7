import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { isAppError } from '../../../shared/index.js';
import { FAILURE_REASONS, type FailureReason } from '../../../protocol/index.js';
import type { Runners, RunnerService } from '../../engine/index.js';
import type { Store } from '../../store/index.js';

export interface RunnerRouteDeps {
  store: Store;
  runners: Runners;
  runnerService: RunnerService;
  /** Longest a job request is held open waiting for work (GitLab Workhorse's long poll). */
  longPollMs: number;
}

function forbidden(reply: FastifyReply, message = '403 Forbidden') {
  return reply.code(403).send({ message });
}

function jobTokenOf(request: FastifyRequest): string | null {
  const header = request.headers['job-token'];
  if (typeof header === 'string' && header) return header;
  const q = request.query as Record<string, unknown>;
  if (typeof q.token === 'string') return q.token;
  if (typeof q.job_token === 'string') return q.job_token;
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && typeof body.token === 'string') return body.token;
  return null;
}

function tagList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).map((t) => t.trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(',').map((t) => t.trim()).filter(Boolean);
  return [];
}

function bool(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return ['true', '1', 'yes'].includes(value.toLowerCase());
  return fallback;
}

/**
 * GitLab's runner API (shared/spec/gitlab-api.md §9): registration, verification, job requests
 * as a long poll, state updates, incremental traces and artifacts. Status codes and headers are
 * the ones gitlab-runner acts on.
 */
export async function registerRunnerRoutes(app: FastifyInstance, deps: RunnerRouteDeps): Promise<void> {
  const { runners, runnerService } = deps;

  // Raw log bytes for PATCH …/trace.
  app.addContentTypeParser(['text/plain', 'application/octet-stream'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: 1024 * 1024 * 1024, files: 1 } });

    scope.post('/api/v4/jobs/:id/artifacts', async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      const token = jobTokenOf(request);
      if (!token) return forbidden(reply);
      const q = request.query as Record<string, string | undefined>;
      const file = await request.file();
      if (!file) return reply.code(400).send({ error: 'file is missing' });
      try {
        await runnerService.uploadArtifact(id, token, {
          artifactType: q.artifact_type ?? 'archive', artifactFormat: q.artifact_format ?? 'zip',
          filename: file.filename || 'artifacts.zip', expireIn: q.expire_in ?? null, body: file.file,
        });
      } catch (error) {
        file.file.resume();
        throw error;
      }
      if (file.file.truncated) return reply.code(413).send({ message: '413 Request Entity Too Large' });
      return reply.code(201).send({ message: '201 Created' });
    });
  });

  app.post('/api/v4/runners', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.token !== 'string' || !body.token) return reply.code(400).send({ error: 'token is missing' });
    const registered = await runners.register(body.token, {
      description: typeof body.description === 'string' ? body.description : '',
      tags: tagList(body.tag_list), runUntagged: bool(body.run_untagged, true), paused: bool(body.paused, false) || body.active === false,
      locked: bool(body.locked, false), accessLevel: typeof body.access_level === 'string' ? body.access_level : undefined,
      maximumTimeout: body.maximum_timeout === undefined || body.maximum_timeout === null ? null : Number(body.maximum_timeout),
    });
    if (!registered) return forbidden(reply);
    return reply.code(201).send({ id: registered.runner.id, token: registered.token, token_expires_at: null });
  });

  app.delete('/api/v4/runners', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const runner = await runners.byToken(typeof body.token === 'string' ? body.token : '');
    if (!runner) return forbidden(reply);
    await deps.store.runners.delete(runner.id);
    return reply.code(204).send();
  });

  app.post('/api/v4/runners/verify', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.token !== 'string' || !body.token) return reply.code(400).send({ error: 'token is missing' });
    const runner = await runners.byToken(body.token);
    if (!runner) return forbidden(reply);
    return reply.code(200).send({ id: runner.id, token: body.token, token_expires_at: null });
  });

  app.post('/api/v4/jobs/request', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.token !== 'string' || !body.token) return reply.code(400).send({ error: 'token is missing' });
    const runner = await runners.byToken(body.token);
    if (!runner) return forbidden(reply);
    const info = body.info && typeof body.info === 'object' ? body.info as Record<string, unknown> : undefined;
    await deps.store.runners.contacted(runner.id, Date.now(), info);
    if (runner.paused) return reply.code(204).header('x-gitlab-last-update', String(Date.now())).send();
    const session = typeof body.system_id === 'string' ? body.system_id : 'remote';
    // Workhorse semantics: a first poll (no last_update) is answered at once; later ones wait.
    const waitMs = typeof body.last_update === 'string' && body.last_update ? deps.longPollMs : 0;
    // The response's close event is the one that fires when the runner goes away mid-poll.
    const abort = new AbortController();
    reply.raw.on('close', () => abort.abort());
    const payload = await runnerService.requestJob(runner, session, waitMs, abort.signal);
    if (!payload) return reply.code(204).header('x-gitlab-last-update', String(Date.now())).send();
    if (abort.signal.aborted || reply.raw.destroyed) {
      // Claimed for a runner that is no longer listening: put the job back in the queue.
      await runnerService.releaseClaim(payload.id, payload.token);
      return reply;
    }
    return reply.code(201).send(payload);
  });

  app.put('/api/v4/jobs/:id', async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token : jobTokenOf(request);
    if (!token) return forbidden(reply);
    const state = body.state;
    try {
      if (state === 'running' || state === undefined) {
        const s = await runnerService.keepAlive(id, token);
        return reply.code(200).header('job-status', s.status).header('x-gitlab-trace-update-interval', '3').send('200');
      }
      if (state !== 'success' && state !== 'failed') return reply.code(400).send({ error: 'state does not have a valid value' });
      const reason = typeof body.failure_reason === 'string' && (FAILURE_REASONS as string[]).includes(body.failure_reason)
        ? body.failure_reason as FailureReason : (state === 'failed' ? 'unknown_failure' : undefined);
      const status = await runnerService.finishJob(id, token, {
        state, ...(reason && { failureReason: reason }),
        ...(typeof body.exit_code === 'number' && { exitCode: body.exit_code }),
        ...(typeof body.coverage === 'number' && { coverage: body.coverage }),
        ...(typeof body.dotenv === 'object' && body.dotenv !== null ? { dotenv: body.dotenv as Record<string, string> } : {}),
      });
      return reply.code(200).header('job-status', status).send('200');
    } catch (error) {
      if (isAppError(error) && error.kind === 'forbidden') return forbidden(reply);
      throw error;
    }
  });

  app.patch('/api/v4/jobs/:id/trace', async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const token = jobTokenOf(request);
    if (!token) return forbidden(reply);
    const range = request.headers['content-range'];
    if (typeof range !== 'string') return reply.code(400).send({ error: '400 Missing header Content-Range' });
    const m = /^(?:bytes\s+)?(\d+)-(\d+)?/.exec(range.trim());
    if (!m) return reply.code(400).send({ error: '400 Invalid header Content-Range' });
    const start = Number(m[1]);
    const data = Buffer.isBuffer(request.body) ? request.body : Buffer.from(typeof request.body === 'string' ? request.body : '');
    try {
      const r = await runnerService.appendTrace(id, token, start, data);
      reply.header('job-status', r.status).header('x-gitlab-trace-update-interval', '3');
      if (!r.ok) return reply.code(416).header('range', `0-${r.size}`).send();
      return reply.code(202).header('range', `0-${r.size}`).send();
    } catch (error) {
      if (isAppError(error) && (error.kind === 'forbidden' || error.kind === 'conflict')) {
        const job = await deps.store.jobs.byId(id);
        if (job) reply.header('job-status', job.status);
        return forbidden(reply, error.kind === 'conflict' ? '403 Forbidden - Job is not processing on runner' : '403 Forbidden');
      }
      throw error;
    }
  });

  app.get('/api/v4/jobs/:id/artifacts', async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const token = jobTokenOf(request);
    if (!token) return reply.code(401).send({ message: '401 Unauthorized' });
    try {
      const stream = await runnerService.downloadArtifact(id, token);
      if (!stream) return reply.code(404).send({ message: '404 Not Found' });
      return reply.type('application/zip').header('content-disposition', 'attachment; filename="artifacts.zip"').send(stream);
    } catch (error) {
      if (isAppError(error) && error.kind === 'forbidden') return forbidden(reply);
      throw error;
    }
  });

}
