import type { Generated } from 'kysely';

/**
 * Tables behind the Buddy-specific API (actions, scoped variables, workspace webhooks and their
 * deliveries, the push cursor of Buddy's event triggers, the at-rest secret key). Created by
 * migrations/004-buddy-api.ts. Pipelines themselves are pipeline_definitions rows (settings_json
 * holds every Buddy pipeline field); executions are runs.
 */
export interface BuddyApiTables {
  buddy_actions: BuddyActionsTable;
  buddy_variables: BuddyVariablesTable;
  buddy_webhooks: BuddyWebhooksTable;
  buddy_webhook_deliveries: BuddyWebhookDeliveriesTable;
  buddy_cursors: { name: string; value: number };
  buddy_keys: { name: string; value: string; created_at: number };
}

export interface BuddyActionsTable {
  id: Generated<number>;
  definition_id: number;
  position: number;
  name: string;
  type: string;
  /** Every other action field, as Buddy names them. */
  settings_json: string;
  created_at: number;
  updated_at: number;
}

export interface BuddyVariablesTable {
  id: Generated<number>;
  workspace_id: number;
  project_id: number | null;
  definition_id: number | null;
  action_id: number | null;
  key: string;
  /** Clear text, or `enc:v1:<iv>:<tag>:<ciphertext>` (base64) when encrypted. */
  value: string;
  type: string;
  encrypted: number;
  settable: number;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface BuddyWebhooksTable {
  id: Generated<number>;
  workspace_id: number;
  target_url: string;
  secret_key: string | null;
  events_json: string;
  projects_json: string;
  created_at: number;
}

export interface BuddyWebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  event: string;
  payload_json: string;
  /** pending | delivered | failed (gave up) */
  state: string;
  attempts: number;
  next_attempt_at: number;
  response_status: number | null;
  response_body: string | null;
  created_at: number;
  delivered_at: number | null;
}
