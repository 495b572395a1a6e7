import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureAllowed, shouldRetry } from './retry-policy.js';

test('retries up to max attempts on listed reasons and exit codes', () => {
  const r = { max: 2, when: ['always'], exitCodes: [] };
  assert.equal(shouldRetry(r, 1, 'script_failure', 1), true);
  assert.equal(shouldRetry(r, 2, 'script_failure', 1), true);
  assert.equal(shouldRetry(r, 3, 'script_failure', 1), false);
  assert.equal(shouldRetry({ max: 1, when: ['runner_system_failure'], exitCodes: [] }, 1, 'script_failure', 1), false);
  assert.equal(shouldRetry({ max: 1, when: ['runner_system_failure'], exitCodes: [] }, 1, 'runner_system_failure', null), true);
  assert.equal(shouldRetry({ max: 1, when: ['always'], exitCodes: [137] }, 1, 'script_failure', 1), false);
  assert.equal(shouldRetry({ max: 1, when: ['always'], exitCodes: [137] }, 1, 'script_failure', 137), true);
  assert.equal(shouldRetry(undefined, 1, 'script_failure', 1), false);
});

test('allow_failure:exit_codes allows only the listed codes', () => {
  assert.equal(failureAllowed(false, [3], 3), true);
  assert.equal(failureAllowed(true, [3], 4), false);
  assert.equal(failureAllowed(true, [], 4), true);
});
