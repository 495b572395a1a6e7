import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';

/** Repositories of the GitLab-specific tables, added to the store. TODO(issue 5). */
export function gitlabApiRepositories(_db: Kysely<Tables>) {
  return {};
}
