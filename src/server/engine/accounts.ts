import { AppError, digestToken, randomToken, type Clock, type Logger } from '../../shared/index.js';
import type { AccessToken, Store, User } from '../store/index.js';
import { scopeProblems } from './scopes.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** Prefix of personal access tokens; recognisable in leaks and by secret scanners. */
export const PERSONAL_TOKEN_PREFIX = 'rnlpat-';

/** GitLab's username rule (app/models/namespace.rb path format), minus reserved names. */
const USERNAME = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]{0,254}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export type TokenRejection = 'unknown' | 'expired' | 'revoked' | 'blocked';

export interface Authenticated {
  user: User;
  token: AccessToken;
  scopes: string[];
}

export interface AccountsDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
}

export function createAccounts({ store, clock, logger }: AccountsDeps) {
  async function createUser(input: { username: string; name?: string; email?: string; admin?: boolean; password?: string }): Promise<User> {
    const problems: Record<string, string[]> = {};
    if (!USERNAME.test(input.username) || input.username.endsWith('.git') || input.username.endsWith('.atom')) {
      problems.username = ['can contain only letters, digits, \'_\', \'-\' and \'.\'. Cannot start with \'-\' or end in \'.git\' or \'.atom\'.'];
    }
    const email = input.email ?? `${input.username}@runnel.local`;
    if (!EMAIL.test(email)) problems.email = ['is invalid'];
    if (input.password !== undefined && input.password.length < 8) problems.password = ['is too short (minimum is 8 characters)'];
    if (Object.keys(problems).length > 0) throw new AppError('validation_failed', 'invalid user', { details: problems });
    if (await store.users.byUsername(input.username) || await store.workspaces.byPath(input.username)) {
      throw new AppError('name_taken', 'Username has already been taken', { details: { username: ['has already been taken'] } });
    }
    const now = clock.now();
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    return store.transaction(async (tx) => {
      const user = await tx.users.insert({
        username: input.username, name: input.name ?? input.username, email, admin: input.admin ?? false, passwordHash, createdAt: now,
      });
      // Every user owns a personal workspace named after them, as in GitLab's user namespaces.
      const ws = await tx.workspaces.insert({ path: user.username, name: user.name, kind: 'user', ownerUserId: user.id, createdAt: now });
      await tx.workspaces.setMember(ws.id, user.id, 'owner', now);
      return user;
    });
  }

  /** Creates a token and returns its plain value: the only time anyone sees it. */
  async function createToken(input: { userId: number; name: string; scopes: string[]; expiresAt?: number | null; value?: string }): Promise<{ token: string; record: AccessToken }> {
    const problems = scopeProblems(input.scopes);
    if (!input.name.trim()) problems.push('name is missing');
    if (input.expiresAt != null && input.expiresAt <= clock.now()) problems.push('expires_at must be in the future');
    if (input.value !== undefined && input.value.length < 8) problems.push('token value must be at least 8 characters');
    if (problems.length > 0) throw new AppError('validation_failed', problems.join(', '));
    if (!(await store.users.byId(input.userId))) throw new AppError('user_not_found', `user ${input.userId} not found`);
    const token = input.value ?? randomToken(PERSONAL_TOKEN_PREFIX, 20);
    const record = await store.tokens.insert({
      userId: input.userId, name: input.name, digest: digestToken(token), scopes: input.scopes,
      expiresAt: input.expiresAt ?? null, createdAt: clock.now(),
    });
    return { token, record };
  }

  /** Resolves a presented token, or says precisely why it is refused (each reason has its own body). */
  /**
   * Accepted tokens are remembered for one second: every API request authenticates, and two
   * indexed reads per request were a third of the cost of a cached list call. Revocation and
   * blocking therefore take effect within a second (at once for revocations made here).
   */
  const recent = new Map<string, { result: Authenticated; until: number }>();
  const RECENT_MS = 1_000;

  function rememberedByDigest(digest: string, now: number): Authenticated | undefined {
    const hit = recent.get(digest);
    if (hit && hit.until > now && (hit.result.token.expiresAt === null || hit.result.token.expiresAt > now)) return hit.result;
    return undefined;
  }

  /**
   * authenticate's answer when the token was accepted less than a second ago (no I/O, so no
   * promise): the hot path of every API request. Undefined means "ask authenticate".
   */
  function remembered(token: string): Authenticated | undefined {
    return recent.size === 0 ? undefined : rememberedByDigest(digestToken(token), clock.now());
  }

  async function authenticate(token: string): Promise<Authenticated | { rejected: TokenRejection }> {
    const digest = digestToken(token);
    const now = clock.now();
    const hit = rememberedByDigest(digest, now);
    if (hit) return hit;
    const result = await lookUp(digest);
    if ('user' in result) {
      if (recent.size > 10_000) recent.clear();
      recent.set(digest, { result, until: now + RECENT_MS });
    } else recent.delete(digest);
    return result;
  }

  async function lookUp(digest: string): Promise<Authenticated | { rejected: TokenRejection }> {
    const record = await store.tokens.byDigest(digest);
    if (!record) return { rejected: 'unknown' };
    if (record.revoked) return { rejected: 'revoked' };
    if (record.expiresAt !== null && record.expiresAt <= clock.now()) return { rejected: 'expired' };
    const user = await store.users.byId(record.userId);
    if (!user) return { rejected: 'unknown' };
    if (user.state !== 'active') return { rejected: 'blocked' };
    // last_used_at is advisory: refresh it at most once a minute so reads don't become writes.
    if (record.lastUsedAt === null || clock.now() - record.lastUsedAt > 60_000) {
      store.tokens.touch(record.id, clock.now()).catch((error: unknown) => logger.warn({ err: error }, 'token touch failed'));
    }
    return { user, token: record, scopes: record.scopes };
  }

  async function signIn(username: string, password: string): Promise<User | null> {
    const user = await store.users.byUsername(username);
    if (!user || user.state !== 'active') return null;
    return (await verifyPassword(password, user.passwordHash)) ? user : null;
  }

  /**
   * First start: make sure the admin `root` exists. Its first token is `initialToken` when given
   * (RUNNEL_INITIAL_ROOT_TOKEN), else a random one that the caller prints once. Later starts do
   * nothing and return null.
   */
  async function ensureRoot(options: { initialToken?: string; initialPassword?: string }): Promise<{ user: User; token: string; generated: boolean } | null> {
    if (await store.users.byUsername('root')) return null;
    const user = await createUser({ username: 'root', name: 'Administrator', email: 'root@runnel.local', admin: true, password: options.initialPassword });
    const { token } = await createToken({ userId: user.id, name: 'initial root token', scopes: ['api'], value: options.initialToken });
    logger.info({ userId: user.id }, 'root user created');
    return { user, token, generated: options.initialToken === undefined };
  }

  async function setPassword(userId: number, password: string): Promise<void> {
    if (password.length < 8) throw new AppError('validation_failed', 'password is too short (minimum is 8 characters)');
    await store.users.setPasswordHash(userId, await hashPassword(password));
  }

  return {
    createUser, createToken, authenticate, remembered, signIn, ensureRoot, setPassword,
    revokeToken: async (id: number) => { recent.clear(); return store.tokens.revoke(id); },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
