import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

// RE2JS's CommonJS build (the one the compiler loads too), on first use: most jobs have no
// coverage regex.
let re2js: typeof RE2JS | undefined;
const re2 = () => (re2js ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS);

/**
 * Extracts a job's coverage from its log with GitLab's semantics
 * (lib/gitlab/ci/trace/stream.rb extract_coverage):
 * - the log is scanned line by line from the LAST line backwards;
 * - in a line, all matches are collected (Ruby `scan`); the last one is taken, and from it the
 *   last capture group when the regex has groups, else the whole match;
 * - the first number (`\d+(\.\d+)?`) in that text is the coverage; a line whose match holds no
 *   number is skipped and the scan goes on upwards;
 * - a bad regex, or a last group that did not participate, yields no coverage (GitLab rescues
 *   the error and returns nil).
 * The regex is user input, so it runs on RE2 (linear time, as GitLab's UntrustedRegexp). It may
 * be given as `/…/` (the YAML form) or bare. Pure.
 */
export function extractCoverage(log: string, regex: string | null | undefined): number | null {
  if (!regex) return null;
  let source = regex;
  const slashed = /^\/(.*)\/([a-z]*)$/s.exec(regex);
  let flags = 0;
  if (slashed) {
    source = slashed[1] as string;
    if ((slashed[2] ?? '').includes('i')) flags |= re2().CASE_INSENSITIVE;
  }
  let pattern: RE2JS;
  try {
    pattern = re2().compile(source, flags);
  } catch {
    return null;
  }
  const groups = pattern.groupCount();
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    const matcher = pattern.matcher(line);
    let last: string | null | undefined;
    while (matcher.find()) last = groups > 0 ? matcher.group(groups) : matcher.group(0);
    if (last === undefined) continue;
    if (last === null) return null;
    const number = /\d+(\.\d+)?/.exec(last);
    if (number) return Number.parseFloat(number[0]);
  }
  return null;
}
