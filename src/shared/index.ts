/**
 * shared: the error catalogue, ids and secrets, clock and logger factory, git's packed-refs
 * format, where the package's own files are.
 * Imports nothing internal; every other module may import it.
 */
export * from './errors.js';
export * from './clock.js';
export * from './ids.js';
export * from './logger.js';
export * from './packed-refs.js';
export * from './package-root.js';
