/**
 * server/git: hosted bare repositories, one per project, served over git smart HTTP by running
 * `git http-backend` per request; the read-only repository queries the engine needs (CI file at
 * a sha, files, changed paths, refs, cache-key digests); and push events, journaled by a
 * post-receive hook and handed to an injected listener (docs/git-hosting.md).
 *
 * May import only ../../shared/index.js and ../store/index.js. Authorisation and what happens on
 * a push are injected by the composition root, so this module knows nothing of users or runs.
 */
export { createRepositoryHost, type RepositoryHost, type RepositoryHostOptions, type RefEntry } from './repository-host.js';
export {
  createGitHttpHandler, type GitHttpHandler, type GitAuthorizer, type GitAccess, type GitAccessRequest, type HostedRepositories,
} from './git-http-handler.js';
export { registerGitRoutes } from './fastify-git-routes.js';
export { deliverPendingPushes, safeReaddir, type GitPush, type PushListener } from './push-delivery.js';
export { refDrift } from './ref-drift.js';
export { listJournaledPushes } from './push-journal.js';
export type { RefUpdate } from './push-journal.js';
export { parseSmartHttpPath, type SmartHttpTarget, type SmartHttpPathInfo, type GitService } from './smart-http-request.js';
export { isValidSegment } from './repository-path.js';
export { matchesGlob, globToRegExp } from './glob-pattern.js';
export { ZERO_SHA, isSafeRefName, isZeroObjectId } from './object-names.js';
