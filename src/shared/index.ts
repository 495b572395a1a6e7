/**
 * shared: the error catalogue, ids and secrets, clock and logger factory.
 * Imports nothing internal; every other module may import it.
 */
export * from './errors.js';
export * from './clock.js';
export * from './ids.js';
export * from './logger.js';
export * from './package-root.js';
