import type { Kysely } from 'kysely';
import { sql } from '../kysely-runtime.js';
import type { MigrationContext } from '../migration-context.js';

/**
 * The GitLab API's own tables (CI/CD variables, trigger tokens, schedules, hooks and their
 * delivery queue) and the runs indexes its listings need.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const id = ctx.idColumn;

  await db.schema.createTable('ci_variables')
    .addColumn('id', id.type, id.build)
    .addColumn('owner_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('owner_id', 'integer', (c) => c.notNull())
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('variable_type', 'varchar(16)', (c) => c.notNull().defaultTo('env_var'))
    .addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('masked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('raw', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('environment_scope', 'varchar(255)', (c) => c.notNull().defaultTo('*'))
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`create unique index ci_variables_key on ci_variables (owner_kind, owner_id, key, environment_scope)`.execute(db);

  await db.schema.createTable('pipeline_triggers')
    .addColumn('id', id.type, id.build)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('token_digest', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('token_hint', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('pipeline_triggers_project').on('pipeline_triggers').column('project_id').execute();

  await db.schema.createTable('pipeline_schedules')
    .addColumn('id', id.type, id.build)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ref', 'varchar(1024)', (c) => c.notNull())
    .addColumn('cron', 'varchar(255)', (c) => c.notNull())
    .addColumn('cron_timezone', 'varchar(255)', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('next_run_at', 'bigint')
    .addColumn('last_run_id', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pipeline_schedules_due').on('pipeline_schedules').columns(['active', 'next_run_at']).execute();
  await db.schema.createIndex('pipeline_schedules_project').on('pipeline_schedules').column('project_id').execute();

  await db.schema.createTable('pipeline_schedule_variables')
    .addColumn('schedule_id', 'integer', (c) => c.notNull().references('pipeline_schedules.id').onDelete('cascade'))
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('variable_type', 'varchar(16)', (c) => c.notNull().defaultTo('env_var'))
    .addPrimaryKeyConstraint('pipeline_schedule_variables_pk', ['schedule_id', 'key'])
    .execute();

  await db.schema.createTable('project_hooks')
    .addColumn('id', id.type, id.build)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('token', 'text')
    .addColumn('name', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('push_events', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('pipeline_events', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('job_events', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enable_ssl_verification', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('project_hooks_project').on('project_hooks').column('project_id').execute();

  await db.schema.createTable('hook_deliveries')
    .addColumn('id', id.type, id.build)
    .addColumn('hook_id', 'integer', (c) => c.notNull().references('project_hooks.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hook_deliveries_due').on('hook_deliveries').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('hook_deliveries_hook').on('hook_deliveries').columns(['hook_id', 'id']).execute();

  // The pipelines list filters on source (child pipelines excluded) and counts: covering indexes.
  await db.schema.createIndex('runs_project_source').on('runs').columns(['project_id', 'source', 'id']).execute();
  await db.schema.createIndex('runs_project_status').on('runs').columns(['project_id', 'status', 'id']).execute();
  await db.schema.createIndex('runs_project_sha').on('runs').columns(['project_id', 'sha']).execute();
}
