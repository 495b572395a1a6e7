import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createStore, migrateToLatest, openDatabase, type Store } from '../server/store/index.js';
import type { Config } from './config.js';

/**
 * Opens the configured database (SQLite in dataDir unless a PostgreSQL URL is set) and migrates
 * it. Its own module so that the admin and runner commands open the store without loading the
 * server's HTTP layer.
 */
export async function openStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>): Promise<Store> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const database = await openDatabase(config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'sqlite', file: join(config.dataDir, 'runnel.sqlite') });
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return createStore(database);
}
