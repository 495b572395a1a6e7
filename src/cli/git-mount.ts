import type { FastifyInstance } from 'fastify';
import type { Logger } from '../shared/index.js';
import { scopesAllow, type Accounts, type Engine, type Projects } from '../server/engine/index.js';
import { createGitHttpHandler, registerGitRoutes, type GitAccess, type GitAccessRequest, type GitPush, type RepositoryHost } from '../server/git/index.js';
import type { Store } from '../server/store/index.js';

export interface GitMountDeps {
  host: RepositoryHost;
  store: Store;
  projects: Projects;
  accounts: Accounts;
  engine: Engine;
  logger: Logger;
  /** Called after a push's events are stored (wakes the push-event loop). */
  onPush(): void;
}

/**
 * Git access decisions, GitLab's rules: any username with a token as the password; fetch needs
 * read_repository (or write_repository/api) and reporter rights on private projects (anyone may
 * fetch public ones, any signed-in user internal ones); push needs write_repository (or api) and
 * developer rights. A running job's token may fetch its own project. Projects the caller may not
 * see are "not found", never "forbidden".
 */
export function createGitAuthorizer(deps: Pick<GitMountDeps, 'store' | 'projects' | 'accounts' | 'engine'>) {
  return async function authorize(request: GitAccessRequest): Promise<GitAccess> {
    const fullPath = `${request.workspace}/${request.project}`;
    const push = request.service === 'receive-pack';
    let user = null;
    if (request.token !== null) {
      const job = await deps.engine.jobByToken(request.token);
      if (job) {
        const project = await deps.store.projects.byFullPath(request.workspace, request.project);
        if (!push && project && project.id === job.projectId && (job.status === 'running' || job.status === 'canceling')) {
          return { outcome: 'allow', userId: job.userId };
        }
        return push ? { outcome: 'forbidden', message: 'You are not allowed to push code to this project.' } : { outcome: 'not_found' };
      }
      const auth = await deps.accounts.authenticate(request.token);
      if ('rejected' in auth) return { outcome: 'unauthenticated' };
      const needed = push ? (['write_repository', 'api'] as const) : (['read_repository', 'write_repository', 'api'] as const);
      if (!scopesAllow(auth.scopes, [...needed])) return { outcome: 'forbidden', message: 'Your token does not have the scope needed to access this repository.' };
      user = auth.user;
    }
    let found;
    try {
      found = await deps.projects.find(fullPath, user ? { user } : { user: null });
    } catch {
      // Anonymous callers get a credentials prompt rather than a definite "not found".
      return user ? { outcome: 'not_found' } : { outcome: 'unauthenticated' };
    }
    const { access } = found;
    if (push) {
      if (!user) return { outcome: 'unauthenticated' };
      return access.writeRepository ? { outcome: 'allow', userId: user.id } : { outcome: 'forbidden', message: 'You are not allowed to push code to this project.' };
    }
    if (access.readRepository) return { outcome: 'allow', userId: user?.id ?? null };
    return user ? { outcome: 'forbidden', message: 'You are not allowed to download code from this project.' } : { outcome: 'unauthenticated' };
  };
}

/** Stores a push's ref updates as push events, all or nothing. */
export function createPushRecorder(deps: Pick<GitMountDeps, 'store' | 'logger' | 'onPush'>) {
  return async function recordPush(push: GitPush): Promise<void> {
    const project = await deps.store.projects.byFullPath(push.workspace, push.project);
    if (!project) {
      deps.logger.warn({ workspace: push.workspace, project: push.project }, 'push to a repository without a project');
      return;
    }
    const now = Date.now();
    await deps.store.transaction((tx) => tx.pushEvents.insertMany(push.updates.map((u) => ({
      projectId: project.id, userId: push.userId, ref: u.ref, beforeSha: u.before, afterSha: u.after, createdAt: now,
    }))));
    deps.onPush();
  };
}

export function mountGitHosting(app: FastifyInstance, deps: GitMountDeps): void {
  const handler = createGitHttpHandler({
    host: deps.host, authorize: createGitAuthorizer(deps), onPush: createPushRecorder(deps), logger: deps.logger,
  });
  registerGitRoutes(app, handler);
}
