import { openAsBlob } from 'node:fs';
import { Readable } from 'node:stream';
import { AppError } from '../shared/index.js';
import type { ArtifactSpec, FinishedJob, JobPayload, RemoteJobState, RunnerConnection, TraceResult } from '../protocol/index.js';

export interface HttpConnectionOptions {
  /** Server base URL, e.g. http://ci.example.com (without /api/v4). */
  url: string;
  /** The runner's authentication token (rnlrt-…). */
  token: string;
  /** Identifies this runner process; jobs it held are failed if a new process takes over. */
  systemId: string;
  version: string;
}

/**
 * RunnerConnection over GitLab's runner API: the wire format a stock gitlab-runner uses, so a
 * Runnel runner could talk to GitLab and the other way round (shared/spec/gitlab-api.md §9).
 */
export function createHttpConnection(options: HttpConnectionOptions): RunnerConnection & { verify(): Promise<{ id: number }> } {
  const base = options.url.replace(/\/+$/, '') + '/api/v4';
  let lastUpdate = '';
  const info = { name: 'runnel-runner', version: options.version, platform: process.platform, architecture: process.arch, executor: 'shell', shell: 'bash', features: { variables: true, artifacts: true, cache: true, upload_multiple_artifacts: true, artifacts_exclude: true, multi_build_steps: true, trace_reset: true, trace_size: true, cancelable: true, return_exit_code: true, masking: true, raw_variables: true, refspecs: true } };

  async function call(path: string, init: RequestInit & { json?: unknown }): Promise<Response> {
    const headers = new Headers(init.headers);
    let body = init.body;
    if (init.json !== undefined) { headers.set('content-type', 'application/json'); body = JSON.stringify(init.json); }
    return fetch(base + path, { ...init, headers, body });
  }

  async function fail(res: Response, what: string): Promise<never> {
    const text = await res.text().catch(() => '');
    const kind = res.status === 403 ? 'role_insufficient' : res.status === 404 ? 'not_found' : 'internal';
    throw new AppError(kind, `${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }

  return {
    async verify() {
      const res = await call('/runners/verify', { method: 'POST', json: { token: options.token, system_id: options.systemId } });
      if (res.status !== 200) return fail(res, 'verify runner');
      return await res.json() as { id: number };
    },
    async requestJob({ signal }): Promise<JobPayload | null> {
      const res = await call('/jobs/request', { method: 'POST', json: { token: options.token, system_id: options.systemId, last_update: lastUpdate || undefined, info }, ...(signal && { signal }) });
      if (res.status === 204) {
        lastUpdate = res.headers.get('x-gitlab-last-update') ?? lastUpdate ?? '1';
        if (!lastUpdate) lastUpdate = '1';
        return null;
      }
      if (res.status === 201) return await res.json() as JobPayload;
      if (res.status === 409) return null;
      return fail(res, 'request job');
    },
    async keepAlive(jobId, token): Promise<RemoteJobState> {
      const res = await call(`/jobs/${jobId}`, { method: 'PUT', json: { token, state: 'running' } });
      if (res.status === 200 || res.status === 403) return { status: res.headers.get('job-status') ?? (res.status === 403 ? 'failed' : 'running') };
      return fail(res, 'update job');
    },
    async appendTrace(jobId, token, offset, data): Promise<TraceResult> {
      const res = await call(`/jobs/${jobId}/trace`, {
        method: 'PATCH', body: data, headers: { 'job-token': token, 'content-type': 'text/plain', 'content-range': `${offset}-${offset + data.length - 1}` },
      });
      const status = res.headers.get('job-status') ?? 'running';
      const size = Number((res.headers.get('range') ?? '0-0').split('-')[1] ?? 0);
      if (res.status === 202) return { ok: true, size, status };
      if (res.status === 416) return { ok: false, size, status };
      if (res.status === 403) return { ok: true, size: offset + data.length, status: status === 'running' ? 'failed' : status };
      return fail(res, 'append trace');
    },
    async uploadArtifact(jobId, token, spec: ArtifactSpec, archivePath): Promise<void> {
      const form = new FormData();
      form.append('file', await openAsBlob(archivePath), spec.name || 'artifacts.zip');
      const q = new URLSearchParams({ artifact_type: spec.artifact_type, artifact_format: spec.artifact_format });
      if (spec.expire_in) q.set('expire_in', spec.expire_in);
      const res = await call(`/jobs/${jobId}/artifacts?${q}`, { method: 'POST', body: form, headers: { 'job-token': token } });
      if (res.status !== 201) await fail(res, 'upload artifacts');
    },
    async downloadArtifact(dependencyId, token) {
      const res = await call(`/jobs/${dependencyId}/artifacts`, { method: 'GET', headers: { 'job-token': token } });
      if (res.status === 404) return null;
      if (res.status !== 200 || !res.body) return fail(res, 'download artifacts');
      return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    },
    async finishJob(jobId, token, result: FinishedJob): Promise<void> {
      const res = await call(`/jobs/${jobId}`, {
        method: 'PUT', json: {
          token, state: result.state, failure_reason: result.failureReason, exit_code: result.exitCode,
          coverage: result.coverage, dotenv: result.dotenv,
        },
      });
      if (res.status !== 200 && res.status !== 403) await fail(res, 'finish job');
    },
  };
}
