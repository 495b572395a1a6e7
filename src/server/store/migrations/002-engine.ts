import type { Kysely } from 'kysely';
import { sql } from '../kysely-runtime.js';
import type { MigrationContext } from '../migration-context.js';

/** Pipeline definitions, runs, jobs, job needs, log chunks, artifacts, reports and runners. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const id = ctx.idColumn;
  const blob = ctx.dialect === 'postgres' ? 'bytea' : 'blob';

  await db.schema.createTable('pipeline_definitions')
    .addColumn('id', id.type, id.build)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('identifier', 'varchar(255)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull()) // ci_file | actions
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('settings_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('cache_generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_counter', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`create unique index pipeline_definitions_identifier on pipeline_definitions (project_id, identifier)`.execute(db);

  // Per-project counters (run iid, cache generation), bumped with guarded updates.
  await db.schema.alterTable('projects').addColumn('run_counter', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('projects').addColumn('cache_generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('workspaces').addColumn('cache_generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema.createTable('runs')
    .addColumn('id', id.type, id.build)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('definition_id', 'integer', (c) => c.notNull().references('pipeline_definitions.id').onDelete('cascade'))
    .addColumn('iid', 'integer', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('source', 'varchar(32)', (c) => c.notNull())
    .addColumn('ref', 'varchar(1024)', (c) => c.notNull())
    .addColumn('tag', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sha', 'varchar(64)', (c) => c.notNull())
    .addColumn('before_sha', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'varchar(255)')
    .addColumn('comment', 'text')
    .addColumn('yaml_errors', 'text')
    .addColumn('variables_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('context_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parent_run_id', 'integer')
    .addColumn('parent_job_id', 'integer')
    .addColumn('coverage', 'real')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('committed_at', 'bigint')
    .addColumn('duration_seconds', 'integer')
    .addColumn('queued_duration_seconds', 'integer')
    .execute();
  await sql`create unique index runs_project_iid on runs (project_id, iid)`.execute(db);
  await db.schema.createIndex('runs_project_id').on('runs').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('runs_project_ref').on('runs').columns(['project_id', 'ref', 'id']).execute();
  await db.schema.createIndex('runs_definition_number').on('runs').columns(['definition_id', 'number']).execute();
  await db.schema.createIndex('runs_status').on('runs').columns(['status']).execute();

  await db.schema.createTable('jobs')
    .addColumn('id', id.type, id.build)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(512)', (c) => c.notNull())
    .addColumn('stage', 'varchar(255)', (c) => c.notNull())
    .addColumn('stage_idx', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull().defaultTo('build')) // build | bridge
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('when', 'varchar(16)', (c) => c.notNull())
    .addColumn('allow_failure', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dag', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('spec_json', 'text', (c) => c.notNull())
    .addColumn('tags_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('resource_group', 'varchar(255)')
    .addColumn('interruptible', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('retried', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('user_id', 'integer')
    .addColumn('runner_id', 'integer')
    .addColumn('runner_session', 'varchar(64)')
    .addColumn('token_digest', 'varchar(64)')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('scheduled_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('queued_at', 'bigint')
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('failure_reason', 'varchar(64)')
    .addColumn('exit_code', 'integer')
    .addColumn('coverage', 'real')
    .addColumn('log_size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('erased_at', 'bigint')
    .addColumn('dotenv_json', 'text')
    .execute();
  await db.schema.createIndex('jobs_run').on('jobs').columns(['run_id', 'stage_idx', 'position']).execute();
  await db.schema.createIndex('jobs_queue').on('jobs').columns(['status', 'priority', 'id']).execute();
  await db.schema.createIndex('jobs_project').on('jobs').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('jobs_token').on('jobs').column('token_digest').execute();
  await db.schema.createIndex('jobs_resource_group').on('jobs').columns(['project_id', 'resource_group', 'status']).execute();

  await db.schema.createTable('job_needs')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('needed_name', 'varchar(512)', (c) => c.notNull())
    .addColumn('artifacts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('optional', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('job_needs_by_needed').on('job_needs').columns(['run_id', 'needed_name']).execute();
  await db.schema.createIndex('job_needs_by_job').on('job_needs').column('job_id').execute();

  await db.schema.createTable('job_log_chunks')
    .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('offset', 'bigint', (c) => c.notNull())
    .addColumn('data', blob, (c) => c.notNull())
    .addPrimaryKeyConstraint('job_log_chunks_pk', ['job_id', 'offset'])
    .execute();

  await db.schema.createTable('job_artifacts')
    .addColumn('id', id.type, id.build)
    .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('file_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('file_format', 'varchar(16)', (c) => c.notNull())
    .addColumn('filename', 'varchar(255)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('storage_path', 'text', (c) => c.notNull())
    .addColumn('expire_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('job_artifacts_job').on('job_artifacts').column('job_id').execute();
  await db.schema.createIndex('job_artifacts_expire').on('job_artifacts').column('expire_at').execute();

  await db.schema.createTable('job_reports')
    .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('data_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_reports_pk', ['job_id', 'kind'])
    .execute();

  await db.schema.createTable('runners')
    .addColumn('id', id.type, id.build)
    .addColumn('token_digest', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull()) // embedded | remote
    .addColumn('tags_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('run_untagged', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('access_level', 'varchar(32)', (c) => c.notNull().defaultTo('not_protected'))
    .addColumn('maximum_timeout', 'integer')
    .addColumn('info_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('contacted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // Runner registration tokens (GitLab's legacy `POST /runners` flow).
  await db.schema.createTable('runner_registration_tokens')
    .addColumn('id', id.type, id.build)
    .addColumn('digest', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
