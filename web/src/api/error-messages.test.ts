import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorMessages } from './error-messages.ts';

test('reads every error body shape of both APIs', () => {
  assert.deepEqual(errorMessages({ message: '404 Project Not Found' }, 'x'), ['404 Project Not Found']);
  assert.deepEqual(errorMessages({ message: { base: ['Reference not found'], ref: ['is invalid'] } }, 'x'), ['Reference not found', 'ref is invalid']);
  assert.deepEqual(errorMessages({ error: 'ref is missing' }, 'x'), ['ref is missing']);
  assert.deepEqual(errorMessages({ error: 'invalid_token', error_description: 'Token is expired.' }, 'x'), ['Token is expired.']);
  assert.deepEqual(errorMessages({ errors: [{ message: 'Name is required' }, { message: 'bad cpu' }] }, 'x'), ['Name is required', 'bad cpu']);
  assert.deepEqual(errorMessages(null, '500 Internal Server Error'), ['500 Internal Server Error']);
  assert.deepEqual(errorMessages('plain text', 'x'), ['plain text']);
});
