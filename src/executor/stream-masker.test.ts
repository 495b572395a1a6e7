import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamMasker } from './stream-masker.js';

function run(secrets: string[], chunks: string[]): string {
  const masker = createStreamMasker(secrets);
  const out = chunks.map((c) => masker.push(Buffer.from(c)).toString());
  return out.join('') + masker.end().toString();
}

test('masks a secret inside one chunk', () => {
  assert.equal(run(['s3cr3tValue'], ['before s3cr3tValue after']), 'before [MASKED] after');
});

test('masks a secret split across every possible chunk boundary', () => {
  const secret = 'TopSecret42';
  const text = `x${secret}y${secret}`;
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j++) {
      const out = run([secret], [text.slice(0, i), text.slice(i, j), text.slice(j)]);
      assert.equal(out, 'x[MASKED]y[MASKED]', `split at ${i},${j}`);
    }
  }
});

test('masks a secret arriving one byte at a time', () => {
  const out = run(['abcdefgh'], [...'--abcdefgh--']);
  assert.equal(out, '--[MASKED]--');
});

test('prefers the longer secret when two start at the same byte', () => {
  assert.equal(run(['abc', 'abcdef'], ['xabcdefx', 'abcx']), 'x[MASKED]x[MASKED]x');
});

test('passes text through unchanged without secrets', () => {
  assert.equal(run([], ['a', 'b']), 'ab');
});

test('does not hold back more than the longest secret minus one byte', () => {
  const masker = createStreamMasker(['12345']);
  assert.equal(masker.push(Buffer.from('hello world')).toString(), 'hello w');
  assert.equal(masker.end().toString(), 'orld');
});
