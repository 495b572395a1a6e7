import type { Clock, Logger } from '../../shared/index.js';
import type { Store } from '../store/index.js';
import type { Engine } from './engine.js';
import { createBuddyPolicies } from './definition-policies-buddy.js';
import { lazySecretBox } from './buddy-secrets.js';
import { createBuddyVariables } from './buddy-variables.js';
import { createBuddyRunConfig } from './buddy-run-config.js';
import type { RepositoryAccess } from './ports.js';

/**
 * Everything the engine needs from the Buddy side, made once by the composition root and shared
 * with the HTTP façade (so both use one secret key):
 *   const buddy = createBuddyEngineHooks({ store, clock, logger, secretKeyFile });
 *   const engine = createEngine({ …, policies: buddy.policies, configFor: buddy.configFor,
 *     projectVariables: buddy.withVariables(gitlabVariablesSource) });
 *   buddy.attach(engine);
 * `attach` exists because terminate_stale_runs ends other runs through the engine that calls
 * the policies; until attached, stale runs are left running.
 */
export function createBuddyEngineHooks(deps: { store: Store; clock: Clock; logger: Logger; secretKeyFile?: string; repos?: RepositoryAccess }) {
  const { store, clock, logger } = deps;
  let engine: Engine | null = null;
  const secrets = lazySecretBox({ store, keyFile: deps.secretKeyFile, now: () => clock.now() });
  const variables = createBuddyVariables({ store, secrets });
  const policies = createBuddyPolicies({
    store, logger, now: () => clock.now(),
    terminate: async (runId) => { if (engine) await engine.cancelRun(runId, { manual: true }); },
  });
  const configFor = createBuddyRunConfig({ store, variables, ...(deps.repos && { repos: deps.repos }) });
  type Source = (project: Parameters<typeof variables.forRun>[0], ref: string, refProtected: boolean, definitionId?: number, environment?: string | null) => Promise<Record<string, import('../../pipeline/index.js').ContextVariable>>;
  return {
    secrets, variables, policies, configFor,
    /** GitLab (project/group) variables first, then Buddy's workspace < project < pipeline ones. */
    withVariables(gitlab: Source): Source {
      return async (project, ref, refProtected, definitionId, environment) => ({
        ...await gitlab(project, ref, refProtected, definitionId, environment),
        ...await variables.forRun(project, definitionId),
      });
    },
    attach(e: Engine): void { engine = e; },
  };
}

export type BuddyEngineHooks = ReturnType<typeof createBuddyEngineHooks>;
