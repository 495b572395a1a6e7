import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/index.js';
import type { ProjectAccess } from '../../engine/index.js';
import type { Job, Project, User } from '../../store/index.js';
import { requireScope } from '../caller.js';
import type { HttpDeps } from '../deps.js';
import { HttpReply } from '../http-reply.js';
import { createTtlCache } from './ttl-cache.js';

/**
 * Project resolution (project row + the caller's access) cached for one second per app and
 * caller: the hot read of every CI request. A membership or visibility change therefore takes
 * up to a second to apply to the CI routes (docs/api-compatibility.md).
 */
const PROJECT_CACHE_MS = 1_000;
const projectCaches = new WeakMap<HttpDeps, ReturnType<typeof createTtlCache<{ project: Project; access: ProjectAccess }>>>();

function projectCache(deps: HttpDeps) {
  let cache = projectCaches.get(deps);
  if (!cache) { cache = createTtlCache(PROJECT_CACHE_MS, 5_000); projectCaches.set(deps, cache); }
  return cache;
}

function projectKey(id: string, user: User | null): string {
  return `${user?.id ?? 0}\u0000${user?.admin ? 1 : 0}${user?.state ?? ''}\u0000${id}`;
}

async function findProject(deps: HttpDeps, id: string, user: User | null): Promise<{ project: Project; access: ProjectAccess }> {
  const cache = projectCache(deps);
  const key = projectKey(id, user);
  const hit = cache.get(key);
  if (hit) return hit;
  const found = await deps.projects.find(id, user ? { user } : { user: null });
  cache.set(key, found);
  return found;
}

/** The project a CI route acts on and who acts: the user, and the job when a job token was used. */
export interface ProjectContext {
  project: Project;
  access: ProjectAccess;
  user: User | null;
  job: Job | null;
}

export interface AccessOptions {
  /** The route changes something: authentication and the `api` scope are required. */
  write?: boolean;
  /** The route accepts a CI job token (GitLab's route_setting :authentication, job_token_allowed). */
  jobToken?: boolean;
}

function jobTokenOf(request: FastifyRequest): string | null {
  const header = request.headers['job-token'];
  if (typeof header === 'string' && header) return header;
  const query = request.query as Record<string, unknown>;
  if (typeof query.job_token === 'string' && query.job_token) return query.job_token;
  return null;
}

/**
 * Resolves `:id` for a CI route in GitLab's order: authentication (non-GET needs a user, 401),
 * token scope (read_api only for GET/HEAD, 403 insufficient_scope), then the project (404
 * "Project Not Found" when missing or invisible). Role checks are the route's (`allow`).
 * A job token speaks as the job's user, and only for the job's own project.
 */
export async function projectContext(request: FastifyRequest, deps: HttpDeps, options: AccessOptions = {}): Promise<ProjectContext> {
  const caller = request.caller;
  const id = (request.params as { id?: string }).id ?? '';
  if (!caller.user && options.jobToken) {
    const token = jobTokenOf(request);
    if (token) {
      const job = await deps.engine.jobByToken(token);
      if (!job || (job.status !== 'running' && job.status !== 'canceling')) throw new AppError('token_invalid', 'Unauthorized');
      const user = job.userId !== null ? await deps.store.users.byId(job.userId) : null;
      if (!user) throw new AppError('token_invalid', 'Unauthorized');
      const { project, access } = await deps.projects.find(id, { user });
      if (project.id !== job.projectId) {
        const source = await deps.store.projects.byId(job.projectId);
        throw new AppError('role_insufficient', `Authentication by CI/CD job token not allowed from ${source ? `${source.workspacePath}/${source.path}` : job.projectId} to ${project.workspacePath}/${project.path}.`);
      }
      return { project, access, user, job };
    }
  }
  if (options.write) requireScope(caller, ['api']);
  else if (caller.user) requireScope(caller, ['api', 'read_api']);
  const { project, access } = await findProject(deps, id, caller.user);
  return { project, access, user: caller.user, job: null };
}

/**
 * projectContext's answer when it needs no I/O (no job token to look up, the project resolved
 * for this caller less than a second ago), checked in the same order and failing the same way;
 * undefined means "ask projectContext". The hot GET routes answer without a promise this way.
 */
export function knownProjectContext(request: FastifyRequest, deps: HttpDeps, options: AccessOptions = {}): ProjectContext | undefined {
  const caller = request.caller;
  if (!caller.user && options.jobToken && jobTokenOf(request) !== null) return undefined;
  if (options.write) requireScope(caller, ['api']);
  else if (caller.user) requireScope(caller, ['api', 'read_api']);
  const hit = projectCache(deps).get(projectKey((request.params as { id?: string }).id ?? '', caller.user));
  return hit && { project: hit.project, access: hit.access, user: caller.user, job: null };
}

/** 403 `{"message":"403 Forbidden"}` unless `ok`. */
export function allow(ok: boolean, reason = ''): void {
  if (!ok) throw new AppError('role_insufficient', reason);
}

/** 404 `{"message": message}`; GitLab's record lookups say "404 Not found" (lower-case f). */
export function notFound(message = '404 Not found'): never {
  throw new AppError('not_found', message);
}

/** 400 `{"message": "<message>"}`: GitLab's render_api_error! with a service's own message. */
export function badRequest(message: string): never {
  throw new HttpReply(400, { message });
}
