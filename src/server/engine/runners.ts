import { AppError, digestToken, randomToken, type Clock } from '../../shared/index.js';
import type { Runner, Store } from '../store/index.js';

export const REGISTRATION_TOKEN_PREFIX = 'rnlreg-';
export const RUNNER_AUTH_PREFIX = 'rnlrt-';

export interface NewRunnerInput {
  description?: string;
  tags?: string[];
  runUntagged?: boolean;
  paused?: boolean;
  locked?: boolean;
  accessLevel?: string;
  maximumTimeout?: number | null;
}

/**
 * Runners and their tokens. A runner authenticates with its own token (stored as a digest);
 * registration tokens let a new remote runner register itself (GitLab's legacy flow); admins can
 * also create runners directly (GitLab's POST /user/runners).
 */
export function createRunners({ store, clock }: { store: Store; clock: Clock }) {
  function validate(input: NewRunnerInput): void {
    const problems: string[] = [];
    for (const t of input.tags ?? []) if (!t.trim() || t.length > 255) problems.push('tag_list is invalid');
    if (input.maximumTimeout != null && (!Number.isInteger(input.maximumTimeout) || input.maximumTimeout < 600)) {
      problems.push('maximum_timeout needs to be at least 10 minutes');
    }
    if (input.accessLevel !== undefined && !['not_protected', 'ref_protected'].includes(input.accessLevel)) problems.push('access_level does not have a valid value');
    if (input.runUntagged === false && (input.tags ?? []).length === 0) problems.push('tags_list can not be empty when runner is not allowed to pick untagged jobs');
    if (problems.length) throw new AppError('validation_failed', problems.join(', '));
  }

  async function create(input: NewRunnerInput, kind: 'embedded' | 'remote' = 'remote'): Promise<{ runner: Runner; token: string }> {
    validate(input);
    const token = randomToken(RUNNER_AUTH_PREFIX, 20);
    const runner = await store.runners.insert({
      tokenDigest: digestToken(token), description: input.description ?? '', kind, tags: (input.tags ?? []).map((t) => t.trim()),
      runUntagged: input.runUntagged ?? true, paused: input.paused ?? false, locked: input.locked ?? false,
      accessLevel: input.accessLevel ?? 'not_protected', maximumTimeout: input.maximumTimeout ?? null, createdAt: clock.now(),
    });
    return { runner, token };
  }

  return {
    create,
    async createRegistrationToken(): Promise<string> {
      const token = randomToken(REGISTRATION_TOKEN_PREFIX, 20);
      await store.runners.addRegistrationToken(digestToken(token), clock.now());
      return token;
    },
    /** Registers a runner with a registration token; null when the token is not one. */
    async register(registrationToken: string, input: NewRunnerInput): Promise<{ runner: Runner; token: string } | null> {
      if (!(await store.runners.registrationTokenExists(digestToken(registrationToken)))) return null;
      return create(input);
    },
    async byToken(token: string): Promise<Runner | null> {
      if (!token) return null;
      return store.runners.byTokenDigest(digestToken(token));
    },
    /** The embedded runner's row (created on first use); its token is never needed. */
    async embedded(tags: string[] = []): Promise<Runner> {
      const existing = await store.runners.embedded();
      if (existing) return existing;
      return (await create({ description: 'embedded runner', tags, runUntagged: true }, 'embedded')).runner;
    },
  };
}

export type Runners = ReturnType<typeof createRunners>;
