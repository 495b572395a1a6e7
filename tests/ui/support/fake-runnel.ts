import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { isUiPath } from '../../../src/server/http/web-assets.js';
import { ensureWebBuilt } from './web-dist.js';

/**
 * A scripted stand-in for Runnel's public API, shaped per shared/spec (GitLab v4 + the UI's
 * extensions + Buddy), so the UI's run/job/definition pages can be driven through exact states —
 * a job turning green, a log growing, a validation error — independent of engine timing. The
 * flows against the real server live in real-server.test.ts; this checks the UI's side of the contract.
 * It also serves web/dist for UI paths (by the server's own `isUiPath` rule), so the browser talks
 * to one origin as it does with `runnel serve`.
 */

export interface FakeJob {
  id: number; name: string; stage: string; status: string; needs?: string[]; allow_failure?: boolean;
  started_at: string | null; finished_at: string | null; duration: number | null; log: string;
  artifacts_file?: { filename: string; size: number } | null;
}

export interface FakeRun {
  id: number; status: string; ref: string; sha: string; source: string; yaml_errors: string | null;
  started_at: string | null; finished_at: string | null; duration: number | null; jobs: number[];
}

const TOKEN = 'fake-token-0001';
const PROJECT = { id: 1, name: 'shop', path: 'shop', path_with_namespace: 'acme/shop', name_with_namespace: 'acme / shop', description: 'The web shop', default_branch: 'main', visibility: 'private' };

export class FakeRunnel {
  url = '';
  token = TOKEN;
  runs = new Map<number, FakeRun>();
  jobs = new Map<number, FakeJob>();
  nextJobId = 100;
  /** Buddy pipeline objects by id. */
  definitions = new Map<number, Record<string, unknown>>();
  patches: Record<string, unknown>[] = [];
  private streams = new Map<string, Set<ServerResponse>>();
  private server = createServer((req, res) => { void this.handle(req, res); });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const set of this.streams.values()) for (const r of set) r.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addRun(run: Omit<FakeRun, 'jobs'>, jobs: Omit<FakeJob, 'id' | 'log' | 'started_at' | 'finished_at' | 'duration'>[]): FakeRun {
    const ids = jobs.map((j) => {
      const id = this.nextJobId++;
      this.jobs.set(id, { started_at: null, finished_at: null, duration: null, log: '', ...j, id });
      return id;
    });
    const full = { ...run, jobs: ids };
    this.runs.set(run.id, full);
    return full;
  }

  jobByName(runId: number, name: string): FakeJob {
    const run = this.runs.get(runId)!;
    const job = run.jobs.map((id) => this.jobs.get(id)!).find((j) => j.name === name);
    if (!job) throw new Error(`no job ${name}`);
    return job;
  }

  /** Changes a job's status and tells run and job streams, as the server's notifier would. */
  setJob(runId: number, jobId: number, status: string): void {
    const job = this.jobs.get(jobId)!;
    job.status = status;
    const now = new Date().toISOString();
    if (status === 'running') { job.started_at = now; job.finished_at = null; job.duration = null; }
    if (['success', 'failed', 'canceled'].includes(status)) { job.finished_at = now; job.duration = job.started_at ? (Date.parse(now) - Date.parse(job.started_at)) / 1000 + 3 : 3; }
    this.emit(`run:${runId}`, 'job', { id: jobId, status });
    this.emit(`job:${jobId}`, 'job', { id: jobId, status });
  }

  setRun(runId: number, status: string): void {
    const run = this.runs.get(runId)!;
    run.status = status;
    const now = new Date().toISOString();
    if (status === 'running' && !run.started_at) run.started_at = now;
    if (['success', 'failed', 'canceled'].includes(status)) { run.finished_at = now; run.duration = 42; }
    this.emit(`run:${runId}`, 'run', { id: runId, status });
  }

  appendLog(jobId: number, text: string): void {
    this.jobs.get(jobId)!.log += text;
    this.emit(`job:${jobId}`, 'log', { id: jobId });
  }

  private emit(key: string, event: string, data: unknown): void {
    for (const res of this.streams.get(key) ?? []) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private jobEntity(job: FakeJob, runId: number) {
    return {
      id: job.id, name: job.name, stage: job.stage, status: job.status, ref: 'main', allow_failure: job.allow_failure ?? false,
      created_at: '2026-01-01T00:00:00.000Z', started_at: job.started_at, finished_at: job.finished_at, duration: job.duration,
      web_url: `${this.url}/acme/shop/-/jobs/${job.id}`, needs: job.needs, pipeline: { id: runId, project_id: 1, ref: 'main', sha: this.runs.get(runId)!.sha, status: this.runs.get(runId)!.status },
      artifacts_file: job.artifacts_file ?? null, failure_reason: job.status === 'failed' ? 'script_failure' : undefined,
    };
  }

  private runEntity(run: FakeRun) {
    return {
      id: run.id, iid: run.id, project_id: 1, sha: run.sha, ref: run.ref, status: run.status, source: run.source,
      created_at: '2026-01-01T00:00:00.000Z', updated_at: `${run.status}-${run.finished_at}`, web_url: `${this.url}/acme/shop/-/pipelines/${run.id}`,
      before_sha: '0'.repeat(40), tag: false, yaml_errors: run.yaml_errors, user: { id: 1, username: 'root', name: 'Administrator' },
      started_at: run.started_at, finished_at: run.finished_at, duration: run.duration, queued_duration: null, coverage: null,
    };
  }

  private runOfJob(jobId: number): number {
    for (const run of this.runs.values()) if (run.jobs.includes(jobId)) return run.id;
    throw new Error('orphan job');
  }

  private dist = ensureWebBuilt();

  /** web/dist as `runnel serve` answers it: /assets/* files, index.html for every UI path. */
  private serveUi(path: string, res: ServerResponse): void {
    if (path.startsWith('/assets/')) {
      const file = normalize(join(this.dist, path));
      if (!file.startsWith(this.dist + sep) || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404).end('Not Found'); return; }
      res.writeHead(200, { 'content-type': extname(file) === '.css' ? 'text/css' : extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream' });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    createReadStream(join(this.dist, 'index.html')).pipe(res);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && isUiPath(path)) return this.serveUi(path, res);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> : {};
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    if (path === '/-/session' && method === 'POST') {
      return body.username === 'root' && body.password === 'secret-pass' ? json(200, { token: TOKEN, expires_at: '2099-01-01T00:00:00Z' }) : json(401, { message: 'Invalid username or password.' });
    }
    const token = req.headers['private-token'] ?? url.searchParams.get('private_token');
    if (token !== TOKEN) return json(401, { message: '401 Unauthorized' });

    let m: RegExpMatchArray | null;
    if (path === '/api/v4/user') return json(200, { id: 1, username: 'root', name: 'Administrator', is_admin: true });
    if (path === '/api/v4/projects') return json(200, [PROJECT], { 'x-total': '1', 'x-total-pages': '1', 'x-page': '1' });
    if (path === '/api/v4/runners/all') {
      const running = [...this.jobs.values()].filter((j) => j.status === 'running').map((j) => ({ id: j.id, name: j.name, project_id: 1 }));
      return json(200, [
        { id: 1, description: 'embedded runner', active: true, paused: false, online: true, status: 'online', tag_list: [], jobs_running: running },
        { id: 2, description: 'arm64 builder', active: true, paused: true, online: false, status: 'offline', tag_list: ['arm64', 'docker'], jobs_running: [] },
      ], { 'x-total-pages': '1' });
    }
    if ((m = path.match(/^\/api\/v4\/projects\/([^/]+)(\/.*)?$/))) {
      const id = decodeURIComponent(m[1]!);
      if (id !== '1' && id !== 'acme/shop') return json(404, { message: '404 Project Not Found' });
      const rest = m[2] ?? '';
      if (rest === '') return json(200, PROJECT);
      if (rest === '/pipelines') {
        const runs = [...this.runs.values()].sort((a, b) => b.id - a.id).filter((r) => !url.searchParams.get('status') || r.status === url.searchParams.get('status'));
        return json(200, runs.map((r) => { const { id, iid, project_id, sha, ref, status, source, created_at, updated_at, web_url } = this.runEntity(r); return { id, iid, project_id, sha, ref, status, source, created_at, updated_at, web_url }; }),
          { 'x-total': String(runs.length), 'x-total-pages': '1', 'x-page': '1' });
      }
      if ((m = rest.match(/^\/pipelines\/(\d+)(\/.*)?$/))) {
        const run = this.runs.get(Number(m[1]));
        if (!run) return json(404, { message: '404 Not found' });
        const sub = m[2] ?? '';
        if (sub === '') return json(200, this.runEntity(run));
        if (sub === '/jobs') {
          const page = Number(url.searchParams.get('page') ?? '1');
          const per = Number(url.searchParams.get('per_page') ?? '20');
          const all = run.jobs.map((j) => this.jobEntity(this.jobs.get(j)!, run.id));
          return json(200, all.slice((page - 1) * per, page * per), { 'x-total': String(all.length), 'x-total-pages': String(Math.max(1, Math.ceil(all.length / per))), 'x-page': String(page) });
        }
        if (sub === '/variables') return json(200, [{ key: 'DEPLOY_ENV', value: 'staging', variable_type: 'env_var' }]);
        if (sub === '/test_report') {
          return json(200, { total_time: 1.5, total_count: 3, success_count: 2, failed_count: 1, skipped_count: 0, error_count: 0, test_suites: [{
            name: 'unit', total_time: 1.5, total_count: 3, success_count: 2, failed_count: 1, skipped_count: 0, error_count: 0, suite_error: null,
            test_cases: [{ status: 'failed', name: 'cart adds items', classname: 'CartTest', execution_time: 0.5, system_output: 'expected 2 items, got 1\n<at cart.test.ts:12>', stack_trace: null },
              { status: 'success', name: 'cart empties', classname: 'CartTest', execution_time: 0.5, system_output: null, stack_trace: null }],
          }] });
        }
        if (sub === '/events') return this.stream(`run:${run.id}`, req, res);
        if (sub === '/retry' && method === 'POST') {
          for (const jid of [...run.jobs]) { const j = this.jobs.get(jid)!; if (j.status === 'failed') this.retryJob(run, j); }
          this.setRun(run.id, 'running');
          return json(201, this.runEntity(run));
        }
        if (sub === '/cancel' && method === 'POST') { this.setRun(run.id, 'canceled'); return json(200, this.runEntity(run)); }
      }
      if ((m = rest.match(/^\/jobs\/(\d+)(\/.*)?$/))) {
        const job = this.jobs.get(Number(m[1]));
        if (!job) return json(404, { message: '404 Not found' });
        const runId = this.runOfJob(job.id);
        const sub = m[2] ?? '';
        if (sub === '') return json(200, this.jobEntity(job, runId));
        if (sub === '/events') return this.stream(`job:${job.id}`, req, res);
        if (sub === '/trace') {
          const bytes = Buffer.from(job.log);
          const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
          if (range) {
            const start = Number(range[1]);
            if (start >= bytes.length) { res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }); res.end(); return; }
            res.writeHead(206, { 'content-type': 'text/plain; charset=utf-8', 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
            res.end(bytes.subarray(start));
            return;
          }
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(bytes);
          return;
        }
        if (sub === '/retry' && method === 'POST') {
          const run = this.runs.get(runId)!;
          const clone = this.retryJob(run, job);
          this.setRun(runId, 'running');
          return json(201, this.jobEntity(clone, runId));
        }
        if (sub === '/play' && method === 'POST') { this.setJob(runId, job.id, 'pending'); return json(200, this.jobEntity(job, runId)); }
        if (sub === '/cancel' && method === 'POST') { this.setJob(runId, job.id, 'canceled'); return json(201, this.jobEntity(job, runId)); }
      }
      return json(404, { error: '404 Not Found' });
    }
    if ((m = path.match(/^\/api\/workspaces\/acme\/projects\/shop\/pipelines(?:\/(\d+))?(\/executions)?$/))) {
      if (!m[1]) return json(200, { url: '', html_url: '', pipelines: [...this.definitions.values()] });
      const def = this.definitions.get(Number(m[1]));
      if (!def) return json(404, { errors: [{ message: 'Pipeline not found' }] });
      if (m[2]) {
        return json(200, { page: 1, page_size: 20, total_page_count: 1, element_count: 2, total_element_count: 2, executions: [
          { id: 2, status: 'INPROGRESS', start_date: new Date(Date.now() - 30000).toISOString(), finish_date: null, triggeredOn: 'PUSH', branch: { name: 'main' }, to_revision: { revision: 'a1b2c3d4e5f6' }, creator: { name: 'Administrator' }, html_url: `${this.url}/acme/shop/-/pipelines/7` },
          { id: 1, status: 'SUCCESSFUL', start_date: '2026-01-01T00:00:00Z', finish_date: '2026-01-01T00:01:05Z', triggeredOn: 'CLICK', branch: { name: 'main' }, to_revision: { revision: '0f9e8d7c6b5a' }, creator: { name: 'Administrator' }, clear_cache: true },
        ] });
      }
      if (method === 'PATCH') {
        this.patches.push(body);
        if (body.clear_cache === true) return json(200, def);
        if (typeof body.clone_depth === 'number' && body.clone_depth > 1000) return json(400, { errors: [{ message: 'clone_depth must be at most 1000' }] });
        Object.assign(def, body);
        return json(200, def);
      }
      return json(200, def);
    }
    return json(404, { error: '404 Not Found' });
  }

  private retryJob(run: FakeRun, job: FakeJob): FakeJob {
    const clone: FakeJob = { ...job, id: this.nextJobId++, status: 'pending', started_at: null, finished_at: null, duration: null, log: '' };
    this.jobs.set(clone.id, clone);
    run.jobs = run.jobs.map((id) => (id === job.id ? clone.id : id));
    this.emit(`run:${run.id}`, 'job', { id: clone.id, status: 'pending' });
    return clone;
  }

  private stream(key: string, req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const set = this.streams.get(key) ?? new Set();
    set.add(res);
    this.streams.set(key, set);
    req.on('close', () => set.delete(res));
  }
}
