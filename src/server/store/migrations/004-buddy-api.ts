import type { Kysely } from 'kysely';
import { sql } from '../kysely-runtime.js';
import type { MigrationContext } from '../migration-context.js';

/** Buddy API tables: actions, scoped variables, workspace webhooks + deliveries, cursors, keys. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const id = ctx.idColumn;

  await db.schema.createTable('buddy_actions')
    .addColumn('id', id.type, id.build)
    .addColumn('definition_id', 'integer', (c) => c.notNull().references('pipeline_definitions.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('settings_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`create index buddy_actions_definition on buddy_actions (definition_id, position)`.execute(db);

  await db.schema.createTable('buddy_variables')
    .addColumn('id', id.type, id.build)
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('definition_id', 'integer', (c) => c.references('pipeline_definitions.id').onDelete('cascade'))
    .addColumn('action_id', 'integer', (c) => c.references('buddy_actions.id').onDelete('cascade'))
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull().defaultTo('VAR'))
    .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('settable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`create index buddy_variables_workspace on buddy_variables (workspace_id)`.execute(db);

  await db.schema.createTable('buddy_webhooks')
    .addColumn('id', id.type, id.build)
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('target_url', 'text', (c) => c.notNull())
    .addColumn('secret_key', 'text')
    .addColumn('events_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('projects_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('buddy_webhook_deliveries')
    .addColumn('id', id.type, id.build)
    .addColumn('webhook_id', 'integer', (c) => c.notNull().references('buddy_webhooks.id').onDelete('cascade'))
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute();
  await sql`create index buddy_webhook_deliveries_due on buddy_webhook_deliveries (state, next_attempt_at)`.execute(db);

  await db.schema.createTable('buddy_cursors')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('buddy_keys')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
