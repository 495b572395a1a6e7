import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMigratedMemoryDatabase } from './memory-database.js';
import { ID_MARKER, reusableQuery } from './reusable-query.js';
import { createStore } from './store.js';

test('a reusable query runs with each call\'s values, inside and outside transactions', async () => {
  const database = await openMigratedMemoryDatabase();
  const store = createStore(database);
  try {
    const a = await store.users.insert({ username: 'a', name: 'A', email: 'a@example.com', admin: false, createdAt: 1 });
    const b = await store.users.insert({ username: 'b', name: 'B', email: 'b@example.com', admin: false, createdAt: 1 });
    const userName = reusableQuery([ID_MARKER] as [number], (db, id) => db.selectFrom('users').select('username').where('id', '=', id));
    assert.deepEqual((await database.db.executeQuery(userName(database.db, a.id))).rows, [{ username: 'a' }]);
    assert.deepEqual((await database.db.executeQuery(userName(database.db, b.id))).rows, [{ username: 'b' }]);
    await database.db.transaction().execute(async (trx) => {
      assert.deepEqual((await trx.executeQuery(userName(trx, b.id))).rows, [{ username: 'b' }]);
    });
    assert.deepEqual((await database.db.executeQuery(userName(database.db, 999_999))).rows, []);
  } finally {
    await database.close();
  }
});

test('a marker used twice, or not at all, is refused at the first compile', async () => {
  const database = await openMigratedMemoryDatabase();
  try {
    const twice = reusableQuery([ID_MARKER] as [number], (db, id) => db.selectFrom('users').select('id').where('id', '=', id).where('id', '>=', id));
    assert.throws(() => twice(database.db, 1), /exactly once/);
    const unused = reusableQuery([ID_MARKER] as [number], (db, _id) => db.selectFrom('users').select('id'));
    assert.throws(() => unused(database.db, 1), /exactly once/);
  } finally {
    await database.close();
  }
});
