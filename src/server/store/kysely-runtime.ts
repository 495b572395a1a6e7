import { createRequire } from 'node:module';
import type * as KyselyModule from 'kysely';

/**
 * Kysely's runtime values, taken from its CommonJS build. Why: Node 20 loads Kysely's ~280
 * files as ES modules in about twice the time it needs for the same files as CommonJS (here
 * ≈155 ms against ≈85 ms), and that load is paid by every process that opens the store — a
 * tenth of a short `runnel run`. Every value imported from Kysely comes from this module, so
 * only one copy of it is ever loaded; type-only imports may name 'kysely' directly (erased).
 * The built CLI (scripts/build-cli.mjs) replaces the require below with a static import, so
 * there Kysely is bundled instead of loaded file by file.
 */
const kysely = createRequire(import.meta.url)('kysely') as typeof KyselyModule;

export const { sql, Migrator, SqliteDialect, PostgresDialect } = kysely;
export const CompiledQuery = kysely.CompiledQuery;
export type CompiledQuery<R = unknown> = KyselyModule.CompiledQuery<R>;
export const Kysely = kysely.Kysely;
export type Kysely<DB> = KyselyModule.Kysely<DB>;
