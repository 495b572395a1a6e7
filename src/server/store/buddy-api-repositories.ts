import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';
import { createBuddyActionsRepository } from './buddy-actions-repository.js';
import { createBuddyVariablesRepository } from './buddy-variables-repository.js';
import { createBuddyWebhooksRepository } from './buddy-webhooks-repository.js';
import { createBuddyStateRepository } from './buddy-state-repository.js';

export type { BuddyActionRow } from './buddy-actions-repository.js';
export type { BuddyVariableRow, NewBuddyVariable } from './buddy-variables-repository.js';
export type { BuddyWebhookRow, BuddyDeliveryRow } from './buddy-webhooks-repository.js';

/** Repositories of the Buddy-specific tables, added to the store. */
export function buddyApiRepositories(db: Kysely<Tables>) {
  return {
    buddyActions: createBuddyActionsRepository(db),
    buddyVariables: createBuddyVariablesRepository(db),
    buddyWebhooks: createBuddyWebhooksRepository(db),
    buddyState: createBuddyStateRepository(db),
  };
}
