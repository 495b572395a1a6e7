import type { Logger } from '../../shared/index.js';
import type { Accounts, Engine, Notifier, Projects, RepositoryAccess, Runners, RunnerService } from '../engine/index.js';
import type { Store } from '../store/index.js';

/** What the HTTP layer needs, assembled by the composition root (cli/serve). */
export interface HttpDeps {
  store: Store;
  accounts: Accounts;
  projects: Projects;
  engine: Engine;
  runners: Runners;
  runnerService: RunnerService;
  notifier: Notifier;
  logger: Logger;
  /** The external base URL (scheme://host:port) used in web_url, Link headers and clone URLs. */
  baseUrl(): string;
  version: string;
  /** Mounts git smart HTTP; optional so API tests can run without repositories. */
  registerGit?(app: import('fastify').FastifyInstance): void;
  /** Where the built web UI lives; default: web/dist in the package. */
  webRoot?: string;
  /** The hosted repositories (commit lookups); optional so API tests can run without them. */
  repos?: RepositoryAccess;
  /** Readiness beyond "the process answers": e.g. the database responds. */
  healthCheck(): Promise<void>;
}
