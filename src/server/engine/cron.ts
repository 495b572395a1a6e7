import { createRequire } from 'node:module';
import type * as CronParserModule from 'cron-parser';

/**
 * cron-parser (with Luxon under it), loaded on first use: most processes never read a cron
 * expression (a local run, a server without schedules until one is due), and loading them was
 * ~15 ms of every start.
 */
let parser: typeof CronParserModule.CronExpressionParser | undefined;

export function cronParser(): typeof CronParserModule.CronExpressionParser {
  parser ??= (createRequire(import.meta.url)('cron-parser') as typeof CronParserModule).CronExpressionParser;
  return parser;
}
