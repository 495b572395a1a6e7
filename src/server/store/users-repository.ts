import type { Kysely, Selectable } from 'kysely';
import { sql } from './kysely-runtime.js';
import type { Tables, UsersTable } from './tables.js';
import type { User, UserState } from './rows.js';

export interface NewUser {
  username: string;
  name: string;
  email: string;
  admin: boolean;
  passwordHash?: string | null;
  createdAt: number;
}

export function createUsersRepository(db: Kysely<Tables>) {
  return {
    async insert(user: NewUser): Promise<User> {
      const row = await db.insertInto('users').values({
        username: user.username, name: user.name, email: user.email, state: 'active',
        admin: user.admin ? 1 : 0, password_hash: user.passwordHash ?? null, created_at: user.createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toUser(row);
    },
    async byId(id: number): Promise<User | null> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async byUsername(username: string): Promise<User | null> {
      const row = await db.selectFrom('users').selectAll()
        .where(sql<string>`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async list(): Promise<User[]> {
      return (await db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUser);
    },
    async setPasswordHash(id: number, hash: string | null): Promise<void> {
      await db.updateTable('users').set({ password_hash: hash }).where('id', '=', id).execute();
    },
    async setState(id: number, state: UserState): Promise<void> {
      await db.updateTable('users').set({ state }).where('id', '=', id).execute();
    },
    async count(): Promise<number> {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id, username: row.username, name: row.name, email: row.email,
    state: row.state === 'blocked' ? 'blocked' : 'active', admin: row.admin === 1,
    passwordHash: row.password_hash, createdAt: Number(row.created_at),
  };
}
