import type { Logger } from '../shared/index.js';
import type { RepositoryLifecycle } from '../server/engine/index.js';

/** The engine's view of git hosting, backed by the repositories under <dataDir>/repositories. */
export function createHostedRepositories(_dataDir: string, _logger: Logger): RepositoryLifecycle {
  // TODO(git hosting): wired to server/git's repository host when it lands.
  return { create: async () => undefined, remove: async () => undefined };
}
