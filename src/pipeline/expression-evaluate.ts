/**
 * Evaluation of a parsed expression with Ruby's semantics, as GitLab runs it:
 * - an undefined variable is `null`; a defined one is its string value (file variables: content);
 * - `&&` / `||` return one of their operands (Ruby truthiness: only null and false are falsy,
 *   so an empty string is "true" inside `&&`/`||`); the final result must be `present?`
 *   (null, false and "" are false);
 * - `=~` searches (unanchored) with RE2; a string on the right (e.g. from a variable) is turned
 *   into a pattern if it looks like `/…/flags`, otherwise the match is false;
 * - a runtime error (bad regex in a variable) makes the whole statement false.
 */
import { compileUserRegex, isRegexError, parseRegexLiteral, type UserRegex } from './gitlab-regex.js';
import { parseExpression, ExpressionSyntaxError, type Expr } from './expression-parser.js';

type Value = string | null | boolean | RegexValue;

interface RegexValue {
  kind: 'regex';
  source: string;
  regex: UserRegex;
}

class ExpressionRuntimeError extends Error {}

/** Variable lookup: the value, or undefined when the variable does not exist. */
export type VariableLookup = (name: string) => string | undefined;

/** Returns an error message when the expression does not parse (config validation), else null. */
export function validateExpression(source: string): string | null {
  try {
    checkPatterns(parseExpression(source));
    return null;
  } catch (cause) {
    if (cause instanceof ExpressionSyntaxError || cause instanceof ExpressionRuntimeError) return cause.message;
    return 'invalid expression';
  }
}

function checkPatterns(expr: Expr): void {
  if (expr.kind === 'pattern') toRegex(expr.body, expr.flags);
  if (expr.kind === 'binary') { checkPatterns(expr.left); checkPatterns(expr.right); }
}

/** `Statement#truthful?`: false on any syntax or runtime error. */
export function evaluateExpression(source: string, lookup: VariableLookup): boolean {
  try {
    return present(evaluate(parseExpression(source), lookup));
  } catch {
    return false;
  }
}

function evaluate(expr: Expr, lookup: VariableLookup): Value {
  switch (expr.kind) {
    case 'variable': return lookup(expr.name) ?? null;
    case 'string': return expr.value;
    case 'null': return null;
    case 'boolean': return expr.value;
    case 'pattern': return toRegex(expr.body, expr.flags);
    case 'binary': {
      if (expr.op === '&&') {
        const left = evaluate(expr.left, lookup);
        return truthy(left) ? evaluate(expr.right, lookup) : left;
      }
      if (expr.op === '||') {
        const left = evaluate(expr.left, lookup);
        return truthy(left) ? left : evaluate(expr.right, lookup);
      }
      const left = evaluate(expr.left, lookup);
      const right = evaluate(expr.right, lookup);
      switch (expr.op) {
        case '==': return equal(left, right);
        case '!=': return !equal(left, right);
        case '=~': return matches(left, right) ?? false;
        case '!~': { const m = matches(left, right); return m === null ? true : !m; }
      }
    }
  }
  return null;
}

function toRegex(body: string, flags: string): RegexValue {
  const compiled = compileUserRegex(body, flags);
  if (isRegexError(compiled)) throw new ExpressionRuntimeError('Invalid regular expression!');
  return { kind: 'regex', source: `/${body}/${flags}`, regex: compiled };
}

/** null when the right side is not a regular expression (GitLab: not a match). */
function matches(left: Value, right: Value): boolean | null {
  if (right === null || right === false) return null;
  let regex: RegexValue | null = null;
  if (typeof right === 'object') regex = right;
  else if (typeof right === 'string') {
    const literal = parseRegexLiteral(right);
    if (literal && literal.body.length >= 2 && /^[ismU]*$/.test(literal.flags)) regex = toRegex(literal.body, literal.flags);
  }
  if (!regex) return null;
  return regex.regex.test(toText(left));
}

function toText(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'object') return value.source;
  return String(value);
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'object' && a !== null) return typeof b === 'object' && b !== null && a.source === b.source;
  return a === b;
}

function truthy(value: Value): boolean {
  return value !== null && value !== false;
}

function present(value: Value): boolean {
  return value !== null && value !== false && value !== '';
}
