import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextCronTime, cronProblems, retryDelayMs, variableProblems } from '../../src/server/engine/index.js';
import { groupName, testReport } from '../../src/server/http/gitlab/test-report.js';
import { multipartFields } from '../../src/server/http/gitlab/multipart-fields.js';
import { safeEntryName } from '../../src/server/http/gitlab/zip-entry.js';

const draft = { key: 'K', value: 'abcdefgh', variableType: 'env_var', masked: true, hidden: false, raw: false, environmentScope: '*', description: null };

describe('GitLab API pure rules', () => {
  it('validates masked values with GitLab\'s alphabet and length', () => {
    assert.deepEqual(variableProblems(draft), {});
    assert.deepEqual(variableProblems({ ...draft, value: 'short' }).value, ['is invalid']);
    assert.deepEqual(variableProblems({ ...draft, value: 'has space here' }).value, ['is invalid']);
    assert.deepEqual(variableProblems({ ...draft, value: 'dollar$VARIABLE' }).value, ['is invalid']);
    assert.deepEqual(variableProblems({ ...draft, value: 'dollar$VARIABLE', raw: true }), {}, 'raw masked values may hold any non-space');
    assert.deepEqual(variableProblems({ ...draft, key: 'a-b' }).key, ["can contain only letters, digits and '_'."]);
    assert.deepEqual(variableProblems({ ...draft, masked: false, hidden: true }).masked, ['must be enabled when the variable is hidden']);
  });

  it('computes cron times in a time zone and rejects bad ones', () => {
    const after = Date.UTC(2026, 6, 1, 12, 0); // summer: Berlin is UTC+2
    assert.equal(new Date(nextCronTime('0 3 * * *', 'Europe/Berlin', after)!).toISOString(), '2026-07-02T01:00:00.000Z');
    assert.equal(nextCronTime('nope', 'UTC', after), null);
    assert.deepEqual(cronProblems('* * * * *', 'Nowhere/City'), { cron_timezone: ['is invalid syntax'] });
    assert.deepEqual(cronProblems('61 * * * *', 'UTC'), { cron: ['is invalid syntax'] });
  });

  it('backs off webhook retries exponentially with a cap', () => {
    assert.deepEqual([1, 2, 3, 4].map((a) => retryDelayMs(a, 10_000)), [10_000, 20_000, 40_000, 80_000]);
    assert.equal(retryDelayMs(30, 10_000), 3_600_000);
  });

  it('merges parallel jobs into one test suite and orders cases like GitLab', () => {
    assert.equal(groupName('rspec 1/3'), 'rspec');
    assert.equal(groupName('rspec [linux, x64]'), 'rspec');
    const r = testReport([
      { jobId: 1, jobName: 'rspec 1/2', error: null, testCases: [{ status: 'success', name: 'a', classname: 'c', execution_time: 1 }, { status: 'failed', name: 'b', classname: 'c', execution_time: 0.5 }] },
      { jobId: 2, jobName: 'rspec 2/2', error: null, testCases: [{ status: 'success', name: 'c', classname: 'c', execution_time: 2 }, { status: 'success', name: 'a', classname: 'c', execution_time: 1 }] },
    ]);
    assert.equal(r.test_suites.length, 1);
    assert.equal(r.total_count, 3, 'a duplicate case collapses');
    assert.deepEqual(r.test_suites[0]!.test_cases.map((c) => c.name), ['b', 'c', 'a']);
  });

  it('reads multipart text fields and refuses unsafe archive paths', () => {
    const body = Buffer.from('--XX\r\nContent-Disposition: form-data; name="ref"\r\n\r\nmain\r\n--XX\r\nContent-Disposition: form-data; name="variables[K]"\r\n\r\nv\r\n--XX--\r\n');
    assert.deepEqual(multipartFields(body, 'multipart/form-data; boundary=XX'), [['ref', 'main'], ['variables[K]', 'v']]);
    assert.equal(safeEntryName('out/a.txt'), 'out/a.txt');
    for (const bad of ['../x', 'a/../../b', '/etc/passwd', 'a\\b', '']) assert.equal(safeEntryName(bad), null, bad);
  });
});
