import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JOB_STATUSES, isCompleted } from './statuses.js';
import { BUDDY_TERMINAL, actionExecutionStatus, executionStatus, toBuddyStatus, toGitlabStatus } from './buddy-statuses.js';

describe('status mapping GitLab ⇄ Buddy', () => {
  it('maps every GitLab status to a Buddy status and back to a status with the same Buddy meaning', () => {
    for (const s of JOB_STATUSES) {
      const buddy = toBuddyStatus(s);
      const back = toGitlabStatus(buddy);
      assert.ok(back, `${s} → ${buddy} has no way back`);
      assert.equal(toBuddyStatus(back), buddy, `${s} → ${buddy} → ${back}`);
      assert.equal(BUDDY_TERMINAL.has(buddy), isCompleted(s), `terminality of ${s}`);
    }
  });

  it('maps the documented Buddy statuses to GitLab and back unchanged', () => {
    const pairs: Array<[string, string]> = [
      ['SUCCESSFUL', 'success'], ['FAILED', 'failed'], ['TERMINATED', 'canceled'], ['TERMINATING', 'canceling'],
      ['INPROGRESS', 'running'], ['ENQUEUED', 'pending'], ['SKIPPED', 'skipped'], ['WAITING_FOR_APPLY', 'manual'],
    ];
    for (const [buddy, gitlab] of pairs) {
      assert.equal(toGitlabStatus(buddy), gitlab);
      assert.equal(toBuddyStatus(gitlab), buddy);
    }
    assert.equal(toGitlabStatus('NOT_EXECUTED'), 'skipped');
    assert.equal(toGitlabStatus('WAITING_FOR_VARIABLES'), 'manual');
    assert.equal(toGitlabStatus('NOPE'), null);
  });

  it('shows held-back and delayed runs as ENQUEUED', () => {
    assert.equal(toBuddyStatus('created'), 'ENQUEUED');
    assert.equal(toBuddyStatus('scheduled'), 'ENQUEUED');
  });

  it('marks actions a finished run never reached as NOT_EXECUTED', () => {
    assert.equal(actionExecutionStatus({ status: 'skipped', actionType: 'BUILD' }, true), 'NOT_EXECUTED');
    assert.equal(actionExecutionStatus({ status: 'created', actionType: 'BUILD' }, false), 'ENQUEUED');
    assert.equal(actionExecutionStatus({ status: 'manual', actionType: 'WAIT_FOR_VARIABLES' }, false), 'WAITING_FOR_VARIABLES');
    assert.equal(executionStatus({ status: 'manual' }, 'WAIT_FOR_APPLY'), 'WAITING_FOR_APPLY');
    assert.equal(executionStatus({ status: 'manual' }, 'WAIT_FOR_VARIABLES'), 'WAITING_FOR_VARIABLES');
  });
});
