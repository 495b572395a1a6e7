import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/index.js';
import { effectiveScopes, type Accounts, type Actor, type Authenticated, type Scope } from '../engine/index.js';
import type { User } from '../store/index.js';
import { HttpReply } from './http-reply.js';

/** Who is making a request: a user with the scopes of the token they presented, or nobody. */
export interface Caller {
  user: User | null;
  scopes: string[];
  tokenId: number | null;
}

export const ANONYMOUS: Caller = { user: null, scopes: [], tokenId: null };

export function actorOf(caller: Caller): Actor {
  return caller.user ? { user: caller.user } : { user: null };
}

/**
 * Where a token may come from, in GitLab's order (lib/gitlab/auth/auth_finders.rb): the
 * `private_token` parameter, the PRIVATE-TOKEN header, then `Authorization: Bearer`; Buddy's
 * `access_token` query parameter is accepted everywhere too.
 */
export function presentedToken(request: FastifyRequest): string | null {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
  const fromParam = query.private_token ?? body.private_token ?? query.access_token;
  if (typeof fromParam === 'string' && fromParam) return fromParam;
  const header = request.headers['private-token'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1];
  }
  return null;
}

// The Caller of a remembered token's answer, made once per answer rather than per request.
const callers = new WeakMap<Authenticated, Caller>();

function callerOf(result: Authenticated): Caller {
  let caller = callers.get(result);
  if (!caller) {
    caller = { user: result.user, scopes: result.scopes, tokenId: result.token.id };
    callers.set(result, caller);
  }
  return caller;
}

/** resolveCaller's answer when it needs no I/O (no token, or one accepted less than a second ago); else undefined. */
export function knownCaller(accounts: Accounts, token: string | null): Caller | undefined {
  if (token === null) return ANONYMOUS;
  const result = accounts.remembered(token);
  return result && callerOf(result);
}

export async function resolveCaller(accounts: Accounts, token: string | null): Promise<Caller> {
  if (token === null) return ANONYMOUS;
  const result = await accounts.authenticate(token);
  if ('rejected' in result) {
    switch (result.rejected) {
      case 'expired':
        throw new HttpReply(401, { error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' },
          { 'www-authenticate': 'Bearer realm="Runnel", error="invalid_token", error_description="Token is expired. You can either do re-authorization or token refresh."' });
      case 'revoked':
        throw new HttpReply(401, { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' },
          { 'www-authenticate': 'Bearer realm="Runnel", error="invalid_token", error_description="Token was revoked. You have to re-authorize from the user."' });
      case 'blocked':
        throw new HttpReply(403, { message: '403 Forbidden - Your account has been blocked.' });
      default:
        throw new AppError('token_invalid', 'Unauthorized');
    }
  }
  return callerOf(result);
}

// A remembered token (engine/accounts.ts) hands out the same scopes array for a second, so the
// scopes it amounts to are worked out once per array rather than on every request.
const effectiveByGrant = new WeakMap<readonly string[], ReadonlySet<Scope>>();

/** scopesAllow (engine/scopes.ts) with the effective scopes kept per granted-scopes array. */
function allows(granted: readonly string[], anyOf: readonly Scope[]): boolean {
  let effective = effectiveByGrant.get(granted);
  if (!effective) {
    effective = effectiveScopes(granted);
    effectiveByGrant.set(granted, effective);
  }
  return anyOf.some((s) => effective.has(s));
}

/** Fails unless the caller is a user whose token carries one of `anyOf`. */
export function requireScope(caller: Caller, anyOf: readonly Scope[]): User {
  if (!caller.user) throw new AppError('token_missing', 'Unauthorized');
  if (!allows(caller.scopes, anyOf)) throw new AppError('scope_insufficient', anyOf.join(' '));
  return caller.user;
}
