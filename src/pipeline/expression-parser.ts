/**
 * Parser for GitLab's variable expressions: a real grammar, never eval.
 *
 *   or   := and ('||' and)*
 *   and  := cmp ('&&' cmp)*
 *   cmp  := atom (('==' | '!=' | '=~' | '!~') atom)*
 *   atom := value | '(' or ')'
 *
 * This is the precedence GitLab's shunting-yard parser uses (comparison 10, && 11, || 12, all
 * left-associative), so both build the same trees.
 */
import { ExpressionSyntaxError, tokenize, type Operator, type Token } from './expression-lexer.js';

export type Expr =
  | { kind: 'variable'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'pattern'; body: string; flags: string }
  | { kind: 'null' }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'binary'; op: Operator; left: Expr; right: Expr };

const COMPARISON = new Set<Operator>(['==', '!=', '=~', '!~']);

export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  if (tokens.length === 0) throw new ExpressionSyntaxError('Empty parse tree');
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];

  const parseOr = (): Expr => {
    let left = parseAnd();
    for (let t = peek(); t?.type === 'operator' && t.op === '||'; t = peek()) {
      pos++;
      left = { kind: 'binary', op: '||', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Expr => {
    let left = parseCmp();
    for (let t = peek(); t?.type === 'operator' && t.op === '&&'; t = peek()) {
      pos++;
      left = { kind: 'binary', op: '&&', left, right: parseCmp() };
    }
    return left;
  };
  const parseCmp = (): Expr => {
    let left = parseAtom();
    for (let t = peek(); t?.type === 'operator' && COMPARISON.has(t.op); t = peek()) {
      pos++;
      left = { kind: 'binary', op: t.op, left, right: parseAtom() };
    }
    return left;
  };
  const parseAtom = (): Expr => {
    const t = tokens[pos++];
    if (!t) throw new ExpressionSyntaxError('Unexpected end of expression');
    switch (t.type) {
      case 'variable': return { kind: 'variable', name: t.name };
      case 'string': return { kind: 'string', value: t.value };
      case 'pattern': return { kind: 'pattern', body: t.body, flags: t.flags };
      case 'null': return { kind: 'null' };
      case 'boolean': return { kind: 'boolean', value: t.value };
      case 'paren_open': {
        const inner = parseOr();
        if (tokens[pos]?.type !== 'paren_close') throw new ExpressionSyntaxError('Unmatched parenthesis');
        pos++;
        return inner;
      }
      default: throw new ExpressionSyntaxError('Unexpected token in expression');
    }
  };

  const tree = parseOr();
  if (pos < tokens.length) {
    throw new ExpressionSyntaxError(tokens[pos]!.type === 'paren_close' ? 'Unmatched parenthesis' : 'Unreachable nodes in parse tree');
  }
  return tree;
}

export { ExpressionSyntaxError };
