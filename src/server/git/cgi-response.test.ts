import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCgiHeadEnd, parseCgiHead } from './cgi-response.js';

test('finds the end of a CRLF or LF header block', () => {
  const crlf = Buffer.from('Content-Type: a\r\nExpires: x\r\n\r\nBODY');
  assert.equal(crlf.subarray(findCgiHeadEnd(crlf)).toString(), 'BODY');
  const lf = Buffer.from('Content-Type: a\n\nBODY');
  assert.equal(lf.subarray(findCgiHeadEnd(lf)).toString(), 'BODY');
  assert.equal(findCgiHeadEnd(Buffer.from('Content-Type: a\r\n')), -1);
});

test('Status sets the status code and is not forwarded as a header', () => {
  const head = parseCgiHead('Status: 403 Forbidden\r\nContent-Type: text/plain\r\nCache-Control: no-cache\r\n\r\n');
  assert.equal(head.status, 403);
  assert.deepEqual(head.headers, [['Content-Type', 'text/plain'], ['Cache-Control', 'no-cache']]);
});

test('without Status the response is 200', () => {
  assert.equal(parseCgiHead('Content-Type: application/x-git-upload-pack-advertisement\r\n').status, 200);
});
