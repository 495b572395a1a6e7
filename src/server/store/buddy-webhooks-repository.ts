import type { Kysely, Selectable } from 'kysely';
import type { Tables } from './tables.js';
import type { BuddyWebhookDeliveriesTable, BuddyWebhooksTable } from './tables-buddy-api.js';
import { idMarker, reusableQuery } from './reusable-query.js';

export interface BuddyWebhookRow {
  id: number;
  workspaceId: number;
  targetUrl: string;
  secretKey: string | null;
  events: string[];
  /** Project names (paths) the webhook is limited to; empty = every project. */
  projects: string[];
  createdAt: number;
}

export interface BuddyDeliveryRow {
  id: number;
  webhookId: number;
  event: string;
  payload: unknown;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  responseStatus: number | null;
  responseBody: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** Workspace webhooks and their delivery queue (the database is the queue, as for jobs). */
const webhooksOf = reusableQuery([idMarker(0)] as [number], (db, workspaceId) => db
  .selectFrom('buddy_webhooks').selectAll().where('workspace_id', '=', workspaceId).orderBy('id'));
const dueDeliveries = reusableQuery([idMarker(0), idMarker(1)] as [number, number], (db, now, limit) => db
  .selectFrom('buddy_webhook_deliveries').selectAll().where('state', '=', 'pending')
  .where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(limit));

export function createBuddyWebhooksRepository(db: Kysely<Tables>) {
  return {
    async insert(w: Omit<BuddyWebhookRow, 'id'>): Promise<BuddyWebhookRow> {
      const row = await db.insertInto('buddy_webhooks').values({
        workspace_id: w.workspaceId, target_url: w.targetUrl, secret_key: w.secretKey,
        events_json: JSON.stringify(w.events), projects_json: JSON.stringify(w.projects), created_at: w.createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toWebhook(row);
    },
    async byId(id: number): Promise<BuddyWebhookRow | null> {
      const row = await db.selectFrom('buddy_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toWebhook(row) : null;
    },
    async forWorkspace(workspaceId: number): Promise<BuddyWebhookRow[]> {
      return (await db.executeQuery(webhooksOf(db, workspaceId))).rows.map(toWebhook);
    },
    async update(id: number, patch: Partial<Pick<BuddyWebhookRow, 'targetUrl' | 'secretKey' | 'events' | 'projects'>>): Promise<void> {
      const set = {
        ...(patch.targetUrl !== undefined && { target_url: patch.targetUrl }),
        ...(patch.secretKey !== undefined && { secret_key: patch.secretKey }),
        ...(patch.events !== undefined && { events_json: JSON.stringify(patch.events) }),
        ...(patch.projects !== undefined && { projects_json: JSON.stringify(patch.projects) }),
      };
      if (Object.keys(set).length) await db.updateTable('buddy_webhooks').set(set).where('id', '=', id).execute();
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('buddy_webhooks').where('id', '=', id).execute();
    },
    async enqueue(d: { webhookId: number; event: string; payload: unknown; at: number }): Promise<void> {
      await db.insertInto('buddy_webhook_deliveries').values({
        webhook_id: d.webhookId, event: d.event, payload_json: JSON.stringify(d.payload), state: 'pending', attempts: 0,
        next_attempt_at: d.at, created_at: d.at,
      }).execute();
    },
    async due(now: number, limit: number): Promise<BuddyDeliveryRow[]> {
      return (await db.executeQuery(dueDeliveries(db, now, limit))).rows.map(toDelivery);
    },
    /**
     * Claims a due delivery for one attempt by pushing its next attempt time forward with a
     * guarded update: two servers never send the same attempt.
     */
    async claim(id: number, attempts: number, until: number): Promise<boolean> {
      const r = await db.updateTable('buddy_webhook_deliveries').set({ next_attempt_at: until, attempts: attempts + 1 })
        .where('id', '=', id).where('attempts', '=', attempts).where('state', '=', 'pending').executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async record(id: number, r: { state: BuddyDeliveryRow['state']; responseStatus: number | null; responseBody: string | null; nextAttemptAt?: number; deliveredAt?: number | null }): Promise<void> {
      await db.updateTable('buddy_webhook_deliveries').set({
        state: r.state, response_status: r.responseStatus, response_body: r.responseBody,
        ...(r.nextAttemptAt !== undefined && { next_attempt_at: r.nextAttemptAt }),
        ...(r.deliveredAt !== undefined && { delivered_at: r.deliveredAt }),
      }).where('id', '=', id).execute();
    },
    async recent(webhookId: number, limit: number): Promise<BuddyDeliveryRow[]> {
      return (await db.selectFrom('buddy_webhook_deliveries').selectAll().where('webhook_id', '=', webhookId)
        .orderBy('id', 'desc').limit(limit).execute()).map(toDelivery);
    },
    /** Keeps only the newest `keep` finished deliveries of a webhook. */
    async prune(webhookId: number, keep: number): Promise<void> {
      const rows = await db.selectFrom('buddy_webhook_deliveries').select('id').where('webhook_id', '=', webhookId)
        .where('state', '!=', 'pending').orderBy('id', 'desc').offset(keep).limit(1000).execute();
      if (rows.length) await db.deleteFrom('buddy_webhook_deliveries').where('id', 'in', rows.map((r) => r.id)).execute();
    },
  };
}

function toWebhook(row: Selectable<BuddyWebhooksTable>): BuddyWebhookRow {
  return {
    id: row.id, workspaceId: row.workspace_id, targetUrl: row.target_url, secretKey: row.secret_key,
    events: JSON.parse(row.events_json) as string[], projects: JSON.parse(row.projects_json) as string[], createdAt: Number(row.created_at),
  };
}

function toDelivery(row: Selectable<BuddyWebhookDeliveriesTable>): BuddyDeliveryRow {
  return {
    id: row.id, webhookId: row.webhook_id, event: row.event, payload: JSON.parse(row.payload_json) as unknown,
    state: row.state as BuddyDeliveryRow['state'], attempts: row.attempts, nextAttemptAt: Number(row.next_attempt_at),
    responseStatus: row.response_status, responseBody: row.response_body, createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
  };
}
