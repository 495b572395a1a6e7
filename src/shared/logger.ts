import { createRequire } from 'node:module';
import type { Logger, LevelWithSilent } from 'pino';

export type { Logger };

// pino is loaded when a logger is first made, not at start: a local run that logs nothing
// (noopLogger) never loads it.
const load = () => (createRequire(import.meta.url)('pino') as typeof import('pino')).pino;

/**
 * The one root logger. Children carry context fields ({ runId, jobId, runnerId }); messages are
 * short and fixed, values go in fields. Job output never goes here: it is data, kept in job logs.
 */
export function createLogger(options: { level?: LevelWithSilent; destination?: NodeJS.WritableStream } = {}): Logger {
  const pino = load();
  const level = options.level ?? 'info';
  return options.destination ? pino({ level }, options.destination) : pino({ level });
}

export function silentLogger(): Logger {
  return load()({ level: 'silent' });
}

/**
 * A logger that drops everything, without loading pino: for the parts of a process that never
 * log (a local run without RUNNEL_LOG_LEVEL). It has the methods Runnel's code calls — the level
 * methods and child() — not pino's whole API: give Fastify a silentLogger() instead.
 */
export function noopLogger(): Logger {
  const drop = () => undefined;
  const logger = { level: 'silent', fatal: drop, error: drop, warn: drop, info: drop, debug: drop, trace: drop, silent: drop, child: () => logger };
  return logger as unknown as Logger;
}
