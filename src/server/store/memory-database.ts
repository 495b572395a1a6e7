import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrations.js';

/**
 * In the built CLI (scripts/build-cli.mjs), the name of a file beside the bundle holding
 * `migratedSqliteImage()` as the build made it; not defined when running from the sources.
 */
declare const RUNNEL_MIGRATED_SQLITE_IMAGE: string | undefined;

/**
 * An in-memory SQLite database with every migration applied: the store of `runnel run`.
 * Migrating takes ~13 ms of Kysely schema building and a hundred statements, a tenth of a
 * one-job `runnel run` once its code is cached; so the built CLI opens the migrated database
 * the build saved instead (~0.2 ms). From the sources, or when that file is missing, it migrates.
 */
export async function openMigratedMemoryDatabase(): Promise<Database> {
  const image = builtImage();
  if (image) return openDatabase({ kind: 'sqlite', file: ':memory:', image });
  const database = await openDatabase({ kind: 'sqlite', file: ':memory:' });
  await migrateToLatest(database);
  return database;
}

/** An empty in-memory database with every migration applied, as bytes (what the build saves). */
export async function migratedSqliteImage(): Promise<Buffer> {
  const database = await openDatabase({ kind: 'sqlite', file: ':memory:' });
  try {
    await migrateToLatest(database);
    return database.serialize!();
  } finally {
    await database.close();
  }
}

function builtImage(): Buffer | null {
  if (typeof RUNNEL_MIGRATED_SQLITE_IMAGE !== 'string') return null;
  try {
    return readFileSync(join(dirname(fileURLToPath(import.meta.url)), RUNNEL_MIGRATED_SQLITE_IMAGE));
  } catch {
    return null;
  }
}
