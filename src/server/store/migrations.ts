import type { Kysely, Migration, MigrationResultSet } from 'kysely';
import { Migrator } from './kysely-runtime.js';
import { AppError } from '../../shared/index.js';
import type { Database } from './database.js';
import { migrationContext, type MigrationContext } from './migration-context.js';
import * as m001 from './migrations/001-foundation.js';
import * as m002 from './migrations/002-engine.js';
import * as m003 from './migrations/003-gitlab-api.js';
import * as m004 from './migrations/004-buddy-api.js';
import * as m005 from './migrations/005-runs-listing-index.js';

type Step = { up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> };

/**
 * Versioned migrations, in order. Each is applied once, inside a transaction on PostgreSQL, and
 * recorded in kysely_migration; a new version only ever appends to this list.
 */
const STEPS: Array<[string, Step]> = [
  ['001-foundation', m001],
  ['002-engine', m002],
  ['003-gitlab-api', m003],
  ['004-buddy-api', m004],
  ['005-runs-listing-index', m005],
];

export async function migrateToLatest(database: Database): Promise<{ applied: string[] }> {
  const ctx = migrationContext(database.dialect);
  const migrations: Record<string, Migration> = {};
  for (const [name, step] of STEPS) migrations[name] = { up: (db) => step.up(db, ctx) };
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new AppError('storage_failed', `apply migration ${failed?.migrationName ?? '?'}: ${(result.error as Error).message}`, { cause: result.error });
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

export function knownMigrations(): string[] {
  return STEPS.map(([name]) => name);
}
