import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJUnit } from './junit-report.js';

const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<!-- generated -->
<testsuites>
  <testcase name="ignored at top level"/>
  <testsuite name="unit">
    <testcase name="adds" classname="Calc" file="calc.rb" time="0.25"/>
    <testcase name="divides" classname="Calc" time="1.5s">
      <failure message="boom">expected 1 &amp; got 2</failure>
      <system-out>log line [[ATTACHMENT|shots/a.png]]</system-out>
      <system-err><![CDATA[<stderr>]]></system-err>
    </testcase>
    <testcase name="errs"><error message="NoMethodError"/></testcase>
    <testcase name="skips"><skipped/></testcase>
    <testcase name="skips with reason"><skipped>not today</skipped></testcase>
    <testcase name="odd child"><foo/></testcase>
    <testsuite name="nested"><testcase name="deep" time="x"/></testsuite>
  </testsuite>
</testsuites>`;

test('maps test cases with GitLab statuses and fields', () => {
  const result = parseJUnit(REPORT);
  assert.equal(result.ok, true);
  const byName = Object.fromEntries(result.testCases.map((c) => [c.name, c]));
  assert.equal(result.testCases.length, 7);
  assert.equal(byName['ignored at top level'], undefined);
  assert.deepEqual(byName.adds, {
    suite_name: 'unit', name: 'adds', classname: 'Calc', file: 'calc.rb', execution_time: 0.25,
    status: 'success', system_output: null, stack_trace: null,
  });
  assert.equal(byName.divides?.status, 'failed');
  assert.equal(byName.divides?.execution_time, 1.5);
  assert.equal(byName.divides?.system_output, 'expected 1 & got 2\n\nSystem Out:\n\nlog line [[ATTACHMENT|shots/a.png]]\n\nSystem Err:\n\n<stderr>');
  assert.equal(byName.divides?.attachment_url, 'shots/a.png');
  assert.equal(byName.errs?.status, 'error');
  assert.equal(byName.errs?.system_output, 'NoMethodError');
  assert.equal(byName.skips?.status, 'skipped');
  assert.equal(byName.skips?.system_output, null);
  assert.equal(byName['skips with reason']?.system_output, 'not today');
  assert.equal(byName['odd child']?.status, 'success');
  assert.equal(byName.deep?.suite_name, 'nested');
  assert.equal(byName.deep?.execution_time, 0);
});

test('malformed XML gives an error result with a position, never a throw', () => {
  for (const bad of ['', '<testsuite>', '<testsuite></testcase>', '<a b=1/>', '<a>&#xFFFFFFF;</a>', '<<<', '<a/><b/>']) {
    const result = parseJUnit(bad);
    assert.equal(result.ok, false, bad);
    assert.match((result as { error: string }).error, /^JUnit XML parsing failed: \d+:\d+: FATAL: /);
    assert.deepEqual(result.testCases, []);
  }
  assert.equal((parseJUnit('') as { error: string }).error, 'JUnit XML parsing failed: 1:1: FATAL: Document is empty');
});

test('enforces the test case limit and the size cap', () => {
  const xml = `<testsuite>${'<testcase name="t"/>'.repeat(5)}</testsuite>`;
  assert.deepEqual(parseJUnit(xml, { maxTestCases: 4 }), { ok: false, error: 'JUnit data parsing failed: number of test cases exceeded the limit of 4', testCases: [] });
  assert.equal(parseJUnit(xml, { maxBytes: 10 }).ok, false);
});

test('a root that is not a test suite gives no cases and no error', () => {
  assert.deepEqual(parseJUnit('<foo><testcase name="x"/></foo>'), { ok: true, testCases: [] });
});

test('deep nesting is refused, not a stack overflow', () => {
  const deep = '<testsuite>'.repeat(5000) + '</testsuite>'.repeat(5000);
  assert.equal(parseJUnit(deep).ok, false);
});
