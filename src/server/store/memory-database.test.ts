import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from './kysely-runtime.js';
import { openDatabase, type Database } from './database.js';
import { knownMigrations, migrateToLatest } from './migrations.js';
import { migratedSqliteImage, openMigratedMemoryDatabase } from './memory-database.js';
import { createStore } from './store.js';

async function schemaOf(database: Database): Promise<unknown[]> {
  return (await sql`select type, name, tbl_name, sql from sqlite_master order by type, name`.execute(database.db)).rows;
}

// The built CLI opens the image instead of migrating: it must be the migrated database exactly.
test('the migrated image opens as the migrated database: same schema, nothing left to migrate', async () => {
  const image = await migratedSqliteImage();
  const fromImage = await openDatabase({ kind: 'sqlite', file: ':memory:', image });
  const migrated = await openMigratedMemoryDatabase();
  try {
    assert.deepEqual(await schemaOf(fromImage), await schemaOf(migrated));
    const applied = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(fromImage.db)).rows.map((r) => r.name);
    assert.deepEqual(applied, knownMigrations());
    assert.deepEqual((await migrateToLatest(fromImage)).applied, []);
    // Connection settings are not part of the bytes: openDatabase sets them on the image too.
    assert.equal((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(fromImage.db)).rows[0]?.foreign_keys, 1);
    const store = createStore(fromImage);
    const user = await store.users.insert({ username: 'u', name: 'U', email: 'u@example.com', admin: false, createdAt: 1 });
    assert.equal((await store.users.byUsername('u'))?.id, user.id);
  } finally {
    await fromImage.close();
    await migrated.close();
  }
});

test('an image opens in memory only', async () => {
  await assert.rejects(openDatabase({ kind: 'sqlite', file: '/tmp/never-written.db', image: Buffer.alloc(0) }), /in memory only/);
});
