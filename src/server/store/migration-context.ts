import type { ColumnBuilderCallback, ColumnDataType } from 'kysely';
import type { DialectName } from './database.js';

/** What a migration needs to know about the dialect it runs on, and nothing more. */
export interface MigrationContext {
  dialect: DialectName;
  /** An auto-incrementing integer primary key, spelled as each dialect wants it. */
  idColumn: { type: ColumnDataType; build: ColumnBuilderCallback };
}

export function migrationContext(dialect: DialectName): MigrationContext {
  return dialect === 'sqlite'
    ? { dialect, idColumn: { type: 'integer', build: (c) => c.primaryKey().autoIncrement() } }
    : { dialect, idColumn: { type: 'serial', build: (c) => c.primaryKey() } };
}
