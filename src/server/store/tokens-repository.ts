import type { Kysely, Selectable } from 'kysely';
import type { AccessTokensTable, Tables } from './tables.js';
import type { AccessToken } from './rows.js';

/** Personal access tokens. Only the SHA-256 digest of a token is stored; lookups go by digest. */
export function createTokensRepository(db: Kysely<Tables>) {
  return {
    async insert(token: { userId: number; name: string; digest: string; scopes: string[]; expiresAt: number | null; createdAt: number }): Promise<AccessToken> {
      const row = await db.insertInto('access_tokens').values({
        user_id: token.userId, name: token.name, digest: token.digest, scopes_json: JSON.stringify(token.scopes),
        expires_at: token.expiresAt, revoked: 0, created_at: token.createdAt, last_used_at: null,
      }).returningAll().executeTakeFirstOrThrow();
      return toToken(row);
    },
    async byDigest(digest: string): Promise<AccessToken | null> {
      const row = await db.selectFrom('access_tokens').selectAll().where('digest', '=', digest).executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async byId(id: number): Promise<AccessToken | null> {
      const row = await db.selectFrom('access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async listForUser(userId: number): Promise<AccessToken[]> {
      return (await db.selectFrom('access_tokens').selectAll().where('user_id', '=', userId).orderBy('id').execute()).map(toToken);
    },
    async revoke(id: number): Promise<boolean> {
      const result = await db.updateTable('access_tokens').set({ revoked: 1 }).where('id', '=', id).where('revoked', '=', 0).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async touch(id: number, at: number): Promise<void> {
      await db.updateTable('access_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}

export type TokensRepository = ReturnType<typeof createTokensRepository>;

function toToken(row: Selectable<AccessTokensTable>): AccessToken {
  return {
    id: row.id, userId: row.user_id, name: row.name, scopes: JSON.parse(row.scopes_json) as string[],
    expiresAt: row.expires_at === null ? null : Number(row.expires_at), revoked: row.revoked === 1,
    createdAt: Number(row.created_at), lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
