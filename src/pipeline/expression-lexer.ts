/**
 * Tokenizer for GitLab's CI/CD variable expressions (`rules:if`, `only:variables`). Mirrors
 * lib/gitlab/ci/pipeline/expression/lexer.rb: whitespace is skipped, lexemes are tried in a fixed
 * order at the current position, anything else is "Unknown lexeme found!", and more than 100
 * tokens is "Too many tokens!".
 */
import { LIMITS } from './limits.js';

export type Token =
  | { type: 'paren_open'; offset: number }
  | { type: 'paren_close'; offset: number }
  | { type: 'variable'; name: string; offset: number }
  | { type: 'string'; value: string; offset: number }
  | { type: 'pattern'; body: string; flags: string; offset: number }
  | { type: 'null'; offset: number }
  | { type: 'boolean'; value: boolean; offset: number }
  | { type: 'operator'; op: Operator; offset: number };

export type Operator = '==' | '!=' | '=~' | '!~' | '&&' | '||';

export class ExpressionSyntaxError extends Error {}

const WORD = /[A-Za-z0-9_]/;
const OPERATORS: Operator[] = ['==', '=~', '!=', '!~', '&&', '||'];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (true) {
    while (i < n && /\s/.test(source[i]!)) i++;
    if (i >= n) return tokens;
    if (tokens.length >= LIMITS.maxExpressionTokens) throw new ExpressionSyntaxError('Too many tokens!');
    const c = source[i]!;
    const start = i;
    if (c === '(') { tokens.push({ type: 'paren_open', offset: start }); i++; continue; }
    if (c === ')') { tokens.push({ type: 'paren_close', offset: start }); i++; continue; }
    if (c === '$') {
      if (source.startsWith('$[[', i)) throw new ExpressionSyntaxError('Unknown lexeme found!');
      let j = i + 1;
      while (j < n && WORD.test(source[j]!)) j++;
      if (j > i + 1) { tokens.push({ type: 'variable', name: source.slice(i + 1, j), offset: start }); i = j; continue; }
      throw new ExpressionSyntaxError('Unknown lexeme found!');
    }
    if (c === '"' || c === "'") {
      const close = source.indexOf(c, i + 1);
      if (close < 0) throw new ExpressionSyntaxError('Unknown lexeme found!');
      tokens.push({ type: 'string', value: source.slice(i + 1, close), offset: start });
      i = close + 1;
      continue;
    }
    if (c === '/') {
      const pattern = scanPattern(source, i);
      if (pattern) { tokens.push({ ...pattern.token, offset: start }); i = pattern.end; continue; }
      throw new ExpressionSyntaxError('Unknown lexeme found!');
    }
    if (source.startsWith('null', i)) { tokens.push({ type: 'null', offset: start }); i += 4; continue; }
    if (source.startsWith('true', i)) { tokens.push({ type: 'boolean', value: true, offset: start }); i += 4; continue; }
    if (source.startsWith('false', i)) { tokens.push({ type: 'boolean', value: false, offset: start }); i += 5; continue; }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) { tokens.push({ type: 'operator', op, offset: start }); i += 2; continue; }
    throw new ExpressionSyntaxError('Unknown lexeme found!');
  }
}

/**
 * GitLab's pattern lexeme is `/([^/]|\\/)+[^\\]/[ismU]*`: at least two characters between the
 * slashes, `\/` for a literal slash, the last body character not a backslash.
 */
function scanPattern(source: string, start: number): { token: { type: 'pattern'; body: string; flags: string }; end: number } | null {
  let j = start + 1;
  let raw = '';
  while (j < source.length) {
    const ch = source[j]!;
    if (ch === '\\' && source[j + 1] === '/') { raw += '\\/'; j += 2; continue; }
    if (ch === '/') break;
    raw += ch;
    j++;
  }
  if (j >= source.length || raw.length < 2 || raw.endsWith('\\')) return null;
  j++;
  let flags = '';
  while (j < source.length && 'ismU'.includes(source[j]!)) flags += source[j++];
  return { token: { type: 'pattern', body: raw.replace(/\\\//g, '/'), flags }, end: j };
}
