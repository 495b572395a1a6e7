import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * The one root logger. Children carry context fields ({ runId, jobId, runnerId }); messages are
 * short and fixed, values go in fields. Job output never goes here: it is data, kept in job logs.
 */
export function createLogger(options: { level?: LevelWithSilent; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? 'info';
  return options.destination ? pino({ level }, options.destination) : pino({ level });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
