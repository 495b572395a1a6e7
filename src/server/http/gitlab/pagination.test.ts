import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readPage, setPageHeaders } from './pagination.js';

function headersFor(url: string, total: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const reply = { header(name: string, value: string) { headers[name] = value; return reply; } };
  const page = readPage(Object.fromEntries(new URL(url, 'http://x').searchParams));
  setPageHeaders({ url } as FastifyRequest, reply as unknown as FastifyReply, page, total, 'https://ci.example.com');
  return headers;
}

describe('setPageHeaders', () => {
  it('writes GitLab\'s pagination headers, the same when asked again', () => {
    const url = '/api/v4/projects/1/pipelines?per_page=2&page=2&ref=main';
    const first = headersFor(url, 7);
    assert.deepEqual(first, {
      'x-per-page': '2', 'x-page': '2', 'x-next-page': '3', 'x-prev-page': '1', 'x-total': '7', 'x-total-pages': '4',
      link: '<https://ci.example.com/api/v4/projects/1/pipelines?page=1&per_page=2&ref=main>; rel="prev", '
        + '<https://ci.example.com/api/v4/projects/1/pipelines?page=3&per_page=2&ref=main>; rel="next", '
        + '<https://ci.example.com/api/v4/projects/1/pipelines?page=1&per_page=2&ref=main>; rel="first", '
        + '<https://ci.example.com/api/v4/projects/1/pipelines?page=4&per_page=2&ref=main>; rel="last"',
    });
    assert.deepEqual(headersFor(url, 7), first);
    // A different total is a different Link (no "last" beyond 10,000 rows).
    assert.doesNotMatch(headersFor(url, 10_001).link!, /rel="last"/);
    assert.match(headersFor(url, 9).link!, /page=5&per_page=2&ref=main>; rel="last"/);
  });

  it('leaves tokens out of the links', () => {
    const link = headersFor('/api/v4/projects/1/pipelines?private_token=secret-1&access_token=secret-2&page=1', 50).link!;
    assert.doesNotMatch(link, /secret/);
    assert.match(link, /\?page=2&per_page=20>; rel="next"/);
  });
});
