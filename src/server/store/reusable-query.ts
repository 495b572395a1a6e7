import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Tables } from './tables.js';

/**
 * A statement Kysely builds and compiles once per dialect, then runs with new parameter values.
 * Why: building and compiling a query costs the event loop 15–40 µs, more than SQLite takes to
 * answer a lookup by primary key, and the job path makes dozens of those lookups per job.
 *
 * `build` gets one marker per parameter and must use each exactly once (checked at the first
 * compile); the compiled statement is kept per database adapter (one per dialect, shared by a
 * database and its transactions), so SQLite and PostgreSQL each get their own text.
 */
export function reusableQuery<R, P extends readonly unknown[]>(markers: P, build: (db: Kysely<Tables>, ...markers: P) => Compilable<R>) {
  const compiled = new WeakMap<object, { query: CompiledQuery<R>; at: number[] }>();
  return (db: Kysely<Tables>, ...values: P): CompiledQuery<R> => {
    const adapter = db.getExecutor().adapter;
    let entry = compiled.get(adapter);
    if (!entry) {
      const query = build(db, ...markers).compile();
      const at = markers.map((marker) => {
        const first = query.parameters.indexOf(marker);
        if (first < 0 || query.parameters.lastIndexOf(marker) !== first) throw new Error('reusable query: a marker is not used exactly once');
        return first;
      });
      entry = { query, at };
      compiled.set(adapter, entry);
    }
    const parameters = entry.query.parameters.slice();
    entry.at.forEach((position, i) => { parameters[position] = values[i]; });
    return { ...entry.query, parameters };
  };
}

/** Markers unlikely to be real values (ids and counts are not negative, digests are hex). */
export const idMarker = (i: number): number => -7_340_017 - i;
export const ID_MARKER = idMarker(0);
export const textMarker = (i: number): string => `\u0000reusable-query-marker-${i}\u0000`;
export const TEXT_MARKER = textMarker(0);
