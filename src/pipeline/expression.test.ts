import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { evaluateExpression, validateExpression } from './expression-evaluate.js';
import { tokenize } from './expression-lexer.js';
import { parseExpression } from './expression-parser.js';

const vars: Record<string, string> = { A: '1', B: '2', EMPTY: '', REF: 'feature/x', RE: '/^feat/', BAD_RE: '/(/', TEXT: 'plain' };
const lookup = (name: string): string | undefined => vars[name];
const run = (source: string): boolean => evaluateExpression(source, lookup);

test('tokenizer recognises every lexeme and skips whitespace', () => {
  const types = tokenize(`\t( $A == "x" ) && $B != 'y' || $C =~ /ab/i && $D !~ /cd/ || null`).map((t) => t.type);
  assert.deepEqual(types, ['paren_open', 'variable', 'operator', 'string', 'paren_close', 'operator', 'variable', 'operator', 'string',
    'operator', 'variable', 'operator', 'pattern', 'operator', 'variable', 'operator', 'pattern', 'operator', 'null']);
});

test('tokenizer rejects unknown lexemes and more than 100 tokens', () => {
  assert.throws(() => tokenize('$A = "x"'));
  assert.throws(() => tokenize('${A} == "x"'));
  assert.throws(() => tokenize(Array.from({ length: 101 }, () => '$A').join(' ')));
});

test('&& binds tighter than ||, comparisons tighter than both', () => {
  const tree = parseExpression('$X == "1" || $A == "1" && $B == "3"');
  assert.equal(tree.kind, 'binary');
  assert.equal(tree.kind === 'binary' && tree.op, '||');
  assert.equal(run('$X == "1" || $A == "1" && $B == "2"'), true);
  assert.equal(run('$X == "9" && $A == "1" || $B == "2"'), true);
  assert.equal(run('$X == "9" && ($A == "1" || $B == "2")'), false);
});

test('variable presence: defined and non-empty is true', () => {
  assert.equal(run('$A'), true);
  assert.equal(run('$EMPTY'), false);
  assert.equal(run('$UNDEFINED'), false);
});

test('null and empty string comparisons follow Ruby equality', () => {
  assert.equal(run('$UNDEFINED == null'), true);
  assert.equal(run('$EMPTY == null'), false);
  assert.equal(run('$EMPTY == ""'), true);
  assert.equal(run('$A != null'), true);
});

test('variable-to-variable comparison and quoted strings', () => {
  assert.equal(run('$A == $A'), true);
  assert.equal(run('$A == $B'), false);
  assert.equal(run("$A == '1'"), true);
  assert.equal(run('"1" == $A'), true);
});

test('=~ searches unanchored with flags; a variable holding /re/ is a pattern', () => {
  assert.equal(run('$REF =~ /feature/'), true);
  assert.equal(run('$REF =~ /^FEAT/i'), true);
  assert.equal(run('$REF =~ /^FEAT/'), false);
  assert.equal(run('$REF !~ /^main/'), true);
  assert.equal(run('$REF =~ $RE'), true);
  assert.equal(run('$REF =~ $TEXT'), false, 'a plain string on the right is not a pattern');
  assert.equal(run('$REF =~ $BAD_RE'), false, 'a bad pattern in a variable makes the statement false');
  assert.equal(run('$UNDEFINED =~ /x/'), false);
});

test('escaped slashes inside a pattern', () => {
  assert.equal(run('$REF =~ /^feature\\/x$/'), true);
});

test('&& and || return operands with Ruby truthiness; the result must be present', () => {
  assert.equal(run('$EMPTY && $A'), true, 'empty string is truthy inside &&');
  assert.equal(run('$EMPTY || $A'), false, 'the empty string is returned, and it is not present');
  assert.equal(run('$UNDEFINED || $A'), true);
});

test('validateExpression reports syntax errors and bad literal patterns', () => {
  assert.equal(validateExpression('$A == "x"'), null);
  assert.notEqual(validateExpression('$A =='), null);
  assert.notEqual(validateExpression('($A == "x"'), null);
  assert.notEqual(validateExpression('$A == "x")'), null);
  assert.notEqual(validateExpression('$A $B'), null);
  assert.notEqual(validateExpression(''), null);
  assert.notEqual(validateExpression('$A =~ /(unclosed/'), null);
});

test('catastrophic-backtracking patterns run in linear time on RE2', () => {
  const start = Date.now();
  assert.equal(evaluateExpression('$X =~ /^(a+)+$/', () => `${'a'.repeat(5000)}!`), false);
  assert.ok(Date.now() - start < 1000);
});
