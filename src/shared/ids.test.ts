import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { digestToken } from './ids.js';

describe('digestToken', () => {
  it('is the hex SHA-256 of the token as UTF-8', () => {
    for (const token of ['', 'root-token-for-tests-0001', 'glpat-ÄÖü-€-😀', 'x'.repeat(1000)]) {
      assert.equal(digestToken(token), createHash('sha256').update(Buffer.from(token, 'utf8')).digest('hex'));
    }
    assert.equal(digestToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
