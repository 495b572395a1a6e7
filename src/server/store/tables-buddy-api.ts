/**
 * Tables behind the Buddy-specific API (actions, scoped variables, workspace webhooks and their
 * deliveries). Created by migrations/004-buddy-api.ts.
 * TODO(issue 6): the tables.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BuddyApiTables {}
