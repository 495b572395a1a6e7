import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';

/** Repositories of the Buddy-specific tables, added to the store. TODO(issue 6). */
export function buddyApiRepositories(_db: Kysely<Tables>) {
  return {};
}
