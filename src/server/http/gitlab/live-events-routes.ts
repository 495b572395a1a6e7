import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EngineEvent } from '../../engine/index.js';
import type { HttpDeps } from '../deps.js';
import { allow, projectContext } from './ci-access.js';
import { jobInProject } from './jobs-routes.js';
import { runInProject } from './pipeline-presenter.js';

type Params = { id: string; pipeline_id: string; job_id: string };

/**
 * Runnel's live views for the web UI (not GitLab API): `text/event-stream` of a pipeline
 * (`event: run` and `event: job`, data `{"id":N,"status":"…"}`) or of a job (`event: job`, and
 * `event: log` with `{"size":N}` as its log grows). Authorised like the GET of the same object;
 * EventSource cannot set headers, so the token may come as `private_token`. A comment line is
 * sent every 15 s so proxies keep the stream open.
 */
export function registerLiveEventRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store, notifier } = deps;

  function open(request: FastifyRequest, reply: FastifyReply, onEvent: (send: (name: string, data: unknown) => void, event: EngineEvent) => void, initial: (send: (name: string, data: unknown) => void) => Promise<void>) {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive',
      'x-accel-buffering': 'no', 'x-content-type-options': 'nosniff',
    });
    const send = (name: string, data: unknown) => { res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`); };
    let queue: Promise<void> = initial(send).catch(() => undefined);
    const unsubscribe = notifier.subscribe((event) => { queue = queue.then(() => onEvent(send, event)).catch(() => undefined); });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    const close = () => { clearInterval(ping); unsubscribe(); };
    request.raw.on('close', close);
    res.on('error', close);
  }

  app.get<{ Params: Params }>('/api/v4/projects/:id/pipelines/:pipeline_id/events', async (request, reply) => {
    const { project, access } = await projectContext(request, deps);
    allow(access.readPipelines);
    const run = await runInProject(deps, project, request.params.pipeline_id);
    const jobIds = new Set((await store.jobs.forRun(run.id, { includeRetried: true })).map((j) => j.id));
    open(request, reply, async (send, event) => {
      if (event.type === 'run' && event.runId === run.id) {
        const r = await store.runs.byId(run.id);
        send('run', { id: run.id, status: r?.status ?? 'deleted' });
      } else if (event.type === 'job' && event.runId === run.id) {
        const j = await store.jobs.byId(event.jobId);
        if (!jobIds.has(event.jobId)) jobIds.add(event.jobId);
        if (j) send('job', { id: j.id, status: j.status });
      }
    }, async (send) => { send('run', { id: run.id, status: run.status }); });
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/jobs/:job_id/events', async (request, reply) => {
    const { project, access } = await projectContext(request, deps);
    allow(access.readPipelines);
    const job = await jobInProject(deps, project, request.params.job_id);
    let last = { status: job.status, size: job.logSize };
    open(request, reply, async (send, event) => {
      if (event.type !== 'job' || event.jobId !== job.id) return;
      const j = await store.jobs.byId(job.id);
      if (!j) return;
      if (j.status !== last.status) send('job', { id: j.id, status: j.status });
      if (j.logSize !== last.size) send('log', { size: j.logSize });
      last = { status: j.status, size: j.logSize };
    }, async (send) => {
      send('job', { id: job.id, status: job.status });
      send('log', { size: job.logSize });
    });
  });
}
