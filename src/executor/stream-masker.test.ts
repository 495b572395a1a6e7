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

test('holds back only a tail that could still begin a secret, never more than the longest secret minus one byte', () => {
  const masker = createStreamMasker(['12345']);
  // Nothing at the end can begin the secret: all of it is final at once (a live log shows it).
  assert.equal(masker.push(Buffer.from('hello world')).toString(), 'hello world');
  assert.equal(masker.push(Buffer.from('\nwaiting 12')).toString(), '\nwaiting ');
  assert.equal(masker.push(Buffer.from('345!')).toString(), '[MASKED]!');
  const repeated = createStreamMasker(['aaaaa']);
  assert.equal(repeated.push(Buffer.from('xaaaaaaaa')).toString(), 'x[MASKED]');
  assert.equal(repeated.push(Buffer.from('b')).toString(), 'aaab');
  assert.equal(repeated.end().toString(), '');
});

test('any chunking gives what masking the whole text at once gives', () => {
  let seed = 7;
  const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const secrets = ['abcab', 'bca', 'cabcabc'];
  for (let round = 0; round < 300; round++) {
    const text = Array.from({ length: 40 }, () => 'abcx'[random(4)]).join('');
    const whole = run(secrets, [text]);
    const chunks: string[] = [];
    for (let at = 0; at < text.length;) { const n = 1 + random(6); chunks.push(text.slice(at, at + n)); at += n; }
    assert.equal(run(secrets, chunks), whole, `${JSON.stringify(chunks)}`);
  }
});
