/**
 * User regular expressions (`/pattern/flags` in rules:if, only/except refs, coverage) run on RE2
 * via re2js: linear time, so a hostile pattern cannot hang the server (GitLab does the same with
 * its UntrustedRegexp). Every use goes through here; a pattern RE2 rejects is reported, never
 * thrown. Compiled patterns are cached per compilation-independent pattern text.
 */
import type { RE2JS } from 're2js';
import { re2 } from './re2.js';

export interface UserRegex {
  /** Unanchored search, like Ruby's `=~` / `scan(...).present?`. */
  test(text: string): boolean;
}

/** `/body/flags` as written in YAML: body with `\/` meaning `/`, flags among i, m, s, U (x ignored). */
export interface RegexLiteral {
  body: string;
  flags: string;
}

const LITERAL = /^\/((?:[^/\\]|\\.)+)\/([a-zA-Z]*)$/s;

/** Splits `/body/flags`; null when the text is not a regex literal. */
export function parseRegexLiteral(text: string): RegexLiteral | null {
  const match = LITERAL.exec(text);
  if (!match) return null;
  return { body: match[1]!.replace(/\\\//g, '/'), flags: match[2]! };
}

const cache = new Map<string, UserRegex | string>();
const CACHE_LIMIT = 5000;

/**
 * Compiles a user pattern on RE2. Returns an error message instead of throwing. Ruby's `m` flag
 * (dot matches newline) maps to RE2's DOTALL; `i` to case-insensitive; `U` (ungreedy) is inlined.
 */
export function compileUserRegex(body: string, flags = ''): UserRegex | { error: string } {
  const cacheKey = `${flags}/${body}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return typeof hit === 'string' ? { error: hit } : hit;
  let result: UserRegex | string;
  try {
    let reFlags = 0;
    if (flags.includes('i')) reFlags |= re2().CASE_INSENSITIVE;
    if (flags.includes('m') || flags.includes('s')) reFlags |= re2().DOTALL;
    const source = flags.includes('U') ? `(?U)${body}` : body;
    const re = re2().compile(source, reFlags);
    result = { test: (text: string) => safeTest(re, text) };
  } catch (cause) {
    result = `invalid regular expression: ${(cause as Error).message ?? String(cause)}`;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(cacheKey, result);
  return typeof result === 'string' ? { error: result } : result;
}

function safeTest(re: RE2JS, text: string): boolean {
  try {
    return re.test(text);
  } catch {
    return false;
  }
}

export function isRegexError(value: UserRegex | { error: string }): value is { error: string } {
  return 'error' in value;
}
