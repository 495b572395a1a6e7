import { parseXml, type XmlElement } from './xml-tree.js';

/**
 * JUnit XML → test cases, with GitLab's mapping (lib/gitlab/ci/parsers/test/junit.rb; see
 * §7.1 of shared/spec/gitlab-api.md). Field names are GitLab's (its API serialises them as is):
 * - cases come from every <testsuite>, nested ones included (PHPUnit); a <testcase> directly
 *   under <testsuites> is ignored; a root that is neither gives no cases and no error;
 * - `time` → execution_time (float seconds, leading number as Ruby's to_f, else 0);
 * - <failure> → failed, <error> → error, <skipped> → skipped, anything else → success;
 * - system_output: for failed/error the element's text (its `message` attribute when it has no
 *   text), then "System Out:\n\n…" and "System Err:\n\n…", joined by blank lines; for skipped
 *   the element's text (null for an empty <skipped/>); null for success;
 * - `[[ATTACHMENT|path]]` in <system-out> of a failed/error case → attachment_url (the path);
 * - malformed XML → error "JUnit XML parsing failed: <line>:<col>: FATAL: …"; more cases than
 *   the limit → "JUnit data parsing failed: number of test cases exceeded the limit of N".
 * Never throws. Pure.
 */
export type TestCaseStatus = 'success' | 'failed' | 'error' | 'skipped';

export interface JUnitTestCase {
  suite_name: string | null;
  name: string | null;
  classname: string | null;
  file: string | null;
  execution_time: number;
  status: TestCaseStatus;
  system_output: string | null;
  /** JUnit never has one; kept for the shape of GitLab's test case entity. */
  stack_trace: null;
  attachment_url?: string;
}

export type JUnitResult = { ok: true; testCases: JUnitTestCase[] } | { ok: false; error: string; testCases: [] };

export interface JUnitLimits {
  maxBytes?: number;
  maxTestCases?: number;
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

function rubyToF(value: string | undefined): number {
  if (value === undefined) return 0;
  const match = /^\s*[+-]?(\d+(\.\d+)?([eE][+-]?\d+)?|\.\d+)/.exec(value);
  return match ? Number.parseFloat(match[0]) : 0;
}

function textOrMessage(element: XmlElement | undefined): string | null {
  if (!element) return null;
  if (element.text.trim() !== '') return element.text;
  return element.attributes.message ?? null;
}

function toTestCase(element: XmlElement, suiteName: string | null): JUnitTestCase {
  const failure = child(element, 'failure');
  const error = child(element, 'error');
  const skipped = child(element, 'skipped');
  const systemOut = child(element, 'system-out');
  const systemErr = child(element, 'system-err');
  let status: TestCaseStatus = 'success';
  let systemOutput: string | null = null;
  let attachment: string | undefined;
  if (failure || error) {
    status = failure ? 'failed' : 'error';
    const parts = [
      textOrMessage(failure ?? error),
      systemOut && systemOut.text !== '' ? `System Out:\n\n${systemOut.text}` : null,
      systemErr && systemErr.text !== '' ? `System Err:\n\n${systemErr.text}` : null,
    ].filter((p): p is string => p !== null);
    systemOutput = parts.length ? parts.join('\n\n') : null;
    const match = systemOut ? /\[\[ATTACHMENT\|(.+?)\]\]/.exec(systemOut.text) : null;
    if (match) attachment = match[1];
  } else if (skipped) {
    status = 'skipped';
    systemOutput = skipped.text.trim() !== '' ? skipped.text : null;
  }
  const testCase: JUnitTestCase = {
    suite_name: suiteName,
    name: element.attributes.name ?? null,
    classname: element.attributes.classname ?? null,
    file: element.attributes.file ?? null,
    execution_time: rubyToF(element.attributes.time),
    status,
    system_output: systemOutput,
    stack_trace: null,
  };
  if (attachment !== undefined) testCase.attachment_url = attachment;
  return testCase;
}

class LimitExceeded extends Error {}

export function parseJUnit(xml: string | Uint8Array, limits: JUnitLimits = {}): JUnitResult {
  const text = typeof xml === 'string' ? xml : Buffer.from(xml).toString('utf8');
  const maxBytes = limits.maxBytes ?? 30 * 1024 * 1024;
  const maxTestCases = limits.maxTestCases ?? 0;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    return { ok: false, error: `JUnit data parsing failed: report larger than ${maxBytes} bytes`, testCases: [] };
  }
  const parsed = parseXml(text, { maxBytes });
  if (!parsed.ok) return { ok: false, error: `JUnit XML parsing failed: ${parsed.error}`, testCases: [] };
  const cases: JUnitTestCase[] = [];
  // Iterative walk over <testsuite> levels, so hostile nesting cannot blow the stack.
  const suites: XmlElement[] = [];
  const root = parsed.root;
  if (root.name === 'testsuites') suites.push(...root.children.filter((c) => c.name === 'testsuite'));
  else if (root.name === 'testsuite') suites.push(root);
  try {
    while (suites.length) {
      const suite = suites.shift() as XmlElement;
      const suiteName = suite.attributes.name ?? null;
      for (const c of suite.children) {
        if (c.name === 'testsuite') suites.push(c);
        else if (c.name === 'testcase') {
          cases.push(toTestCase(c, suiteName));
          if (maxTestCases > 0 && cases.length > maxTestCases) throw new LimitExceeded();
        }
      }
    }
  } catch (error) {
    if (error instanceof LimitExceeded) {
      return { ok: false, error: `JUnit data parsing failed: number of test cases exceeded the limit of ${maxTestCases}`, testCases: [] };
    }
    return { ok: false, error: `JUnit data parsing failed: ${String(error)}`, testCases: [] };
  }
  return { ok: true, testCases: cases };
}
