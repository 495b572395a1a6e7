/**
 * server/store: Kysely over SQLite (embedded default) or PostgreSQL, versioned migrations, and one
 * small repository per aggregate. The only place that knows SQL. Imports shared and pipeline only.
 */
export { openDatabase, type Database, type DatabaseTarget, type DialectName, type SqliteReader } from './database.js';
export { migrateToLatest, knownMigrations } from './migrations.js';
export { openMigratedMemoryDatabase, migratedSqliteImage } from './memory-database.js';
export { createStore, type Store, type Repositories } from './store.js';
export type { ProjectListQuery, Viewer, NewProject } from './projects-repository.js';
export type { NewUser } from './users-repository.js';
export type { NewRun, RunListQuery, RunPatch } from './runs-repository.js';
export type { RunFilter } from './run-filter.js';
export type { NewJob, JobPatch, JobListQuery } from './jobs-repository.js';
export * from './rows.js';
export type { PipelineListFilter, PipelineListRow, PipelineView } from './gitlab-api-repositories.js';
