/**
 * server/engine: the use cases behind both APIs (accounts, projects, runs, queue, policies) and
 * the pure decision functions beside them. Imports shared, pipeline, protocol and server/store;
 * never http, git or executor — what it needs from them it declares as small interfaces.
 */
export * from './scopes.js';
export * from './roles.js';
export { createAccounts, PERSONAL_TOKEN_PREFIX, type Accounts, type Authenticated, type TokenRejection } from './accounts.js';
export { createProjects, slugify, type Projects, type Actor, type RepositoryLifecycle, type CreateProjectInput } from './projects.js';
