import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../support/server.js';
import { gitEnv, makeWorkingRepo } from '../support/git.js';
import { waitFor, TERMINAL } from '../support/wait.js';

export { waitFor, TERMINAL };
const run = promisify(execFile);

export interface ApiServer extends TestServer {
  /** A fresh project of root with `files` pushed to main over HTTP; returns its id and path. */
  project(files: Record<string, string>, options?: { visibility?: string; group?: string }): Promise<{ id: number; path: string; repo: ReturnType<typeof makeWorkingRepo>; push(ref?: string): Promise<void> }>;
  /** A user with a token and the given role on a project (or none). */
  user(name: string, scopes?: string[]): Promise<{ id: number; token: string }>;
  member(projectId: number, userId: number, role: 'guest' | 'reporter' | 'developer' | 'maintainer' | 'owner'): Promise<void>;
  pipeline(projectId: number, id: number): Promise<Record<string, unknown>>;
  finished(projectId: number, id: number, timeoutMs?: number): Promise<Record<string, unknown>>;
  json<T = unknown>(path: string, init?: Parameters<TestServer['api']>[1]): Promise<{ status: number; body: T; headers: Headers }>;
}

let counter = 0;

/** A live server with the embedded runner and the GitLab API's background loops. */
export async function startApiServer(): Promise<ApiServer> {
  const s = await startTestServer({ runnerConcurrency: 2 });
  const stop = s.stop.bind(s);
  const api: ApiServer = {
    ...s,
    async stop() { await stop(); },
    async json(path, init) {
      const response = await s.api(path, init);
      const text = await response.text();
      let body: unknown = text;
      try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      return { status: response.status, body: body as never, headers: response.headers };
    },
    async project(files, options = {}) {
      const name = `proj${++counter}${process.pid}`;
      const created = await api.json<{ id: number; path_with_namespace: string }>('/api/v4/projects', {
        method: 'POST', json: { name, visibility: options.visibility ?? 'private', ...(options.group && { namespace_id: options.group }) },
      });
      if (created.status !== 201) throw new Error(`project create failed: ${created.status} ${JSON.stringify(created.body)}`);
      const repo = makeWorkingRepo(files);
      const url = new URL(s.url);
      // Asynchronously: the server answering the push runs in this very process.
      const push = async (ref = 'refs/heads/main') => {
        await run('git', ['push', '-q', `http://root:${s.rootToken.token}@${url.host}/${created.body.path_with_namespace}.git`, `HEAD:${ref}`], { cwd: repo.dir, env: gitEnv() });
      };
      await push();
      return { id: created.body.id, path: created.body.path_with_namespace, repo, push };
    },
    async user(name, scopes = ['api']) {
      const username = `${name}${++counter}`;
      const u = await api.json<{ id: number }>('/api/v4/users', { method: 'POST', json: { username, name: username, email: `${username}@example.com` } });
      const t = await api.json<{ token: string }>(`/api/v4/users/${u.body.id}/personal_access_tokens`, { method: 'POST', json: { name: 't', scopes } });
      return { id: u.body.id, token: t.body.token };
    },
    async member(projectId, userId, role) {
      const level = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 }[role];
      const r = await api.json(`/api/v4/projects/${projectId}/members`, { method: 'POST', json: { user_id: userId, access_level: level } });
      if (r.status !== 201) throw new Error(`member failed ${r.status}`);
    },
    async pipeline(projectId, id) {
      return (await api.json<Record<string, unknown>>(`/api/v4/projects/${projectId}/pipelines/${id}`)).body;
    },
    async finished(projectId, id, timeoutMs = 60_000) {
      return waitFor(`pipeline ${id}`, async () => {
        const p = await api.pipeline(projectId, id);
        return TERMINAL.has(String(p.status)) ? p : null;
      }, timeoutMs);
    },
  };
  return api;
}

/** Runs a Python script with Debian's python3 (which sees python3-gitlab) and parses its JSON output. */
export async function runPython(script: string, env: Record<string, string>): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-py-'));
  const file = join(dir, 'script.py');
  writeFileSync(file, script);
  const { stdout } = await run('/usr/bin/python3', [file], { env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}
