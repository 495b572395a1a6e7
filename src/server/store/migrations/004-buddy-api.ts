import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-context.js';

/** TODO: this API's tables. */
export async function up(_db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  // nothing yet
}
