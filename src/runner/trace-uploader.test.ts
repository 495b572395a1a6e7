import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceResult } from '../protocol/index.js';
import { createTraceUploader } from './trace-uploader.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const enc = (s: string) => new TextEncoder().encode(s);

/** A server log with GitLab's offset rule; each request waits for `gate` when given. */
function fakeServer(options: { gate?: () => Promise<void>; failFirst?: number; status?: string } = {}) {
  let stored = '';
  const requests: Array<{ offset: number; data: string }> = [];
  let failures = options.failFirst ?? 0;
  return {
    requests,
    get stored() { return stored; },
    async send(offset: number, data: Uint8Array): Promise<TraceResult> {
      requests.push({ offset, data: text(data) });
      await options.gate?.();
      if (failures > 0) { failures--; throw new Error('connection reset'); }
      const status = options.status ?? 'running';
      if (offset !== Buffer.byteLength(stored)) return { ok: false, size: Buffer.byteLength(stored), status };
      stored += text(data);
      return { ok: true, size: Buffer.byteLength(stored), status };
    },
  };
}

describe('trace uploader', () => {
  it('holds output briefly and sends it as one request; drained() sends at once', async () => {
    const server = fakeServer();
    const up = createTraceUploader({ send: (o, d) => server.send(o, d), onStatus: () => undefined, onError: () => undefined, flushDelayMs: 20 });
    up.append(enc('one\n'));
    up.append(enc('two\n'));
    assert.equal(server.requests.length, 0, 'held');
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.deepEqual(server.requests.map((r) => r.data), ['one\ntwo\n'], 'sent after the delay, in one request');
    up.append(enc('three\n'));
    const started = Date.now();
    await up.drained();
    assert.ok(Date.now() - started < 20, 'drained() does not wait for the delay');
    assert.equal(server.stored, 'one\ntwo\nthree\n');
    assert.deepEqual(server.requests.map((r) => r.offset), [0, 8]);
  });

  it('sends what arrives during a request right after it, in order, as one request', async () => {
    let release: () => void = () => undefined;
    const server = fakeServer({ gate: () => new Promise<void>((resolve) => { release = resolve; }) });
    const up = createTraceUploader({ send: (o, d) => server.send(o, d), onStatus: () => undefined, onError: () => undefined, flushDelayMs: 60_000 });
    up.append(enc('one\n'));
    const done = up.drained();
    assert.equal(server.requests.length, 1);
    up.append(enc('two\n'));
    up.append(enc('three\n'));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(server.requests.map((r) => r.data), ['one\n', 'two\nthree\n']);
    release();
    await done;
    assert.equal(server.stored, 'one\ntwo\nthree\n');
  });

  it('splits a batch at maxRequestBytes and copies chunks the caller may reuse', async () => {
    const server = fakeServer();
    const up = createTraceUploader({ send: (o, d) => server.send(o, d), onStatus: () => undefined, onError: () => undefined, maxRequestBytes: 4, flushDelayMs: 60_000 });
    const reused = enc('abcdefghij');
    up.append(reused);
    reused.fill(0x2d);
    assert.equal(server.requests.length, 1, 'a full request is not held');
    await up.drained();
    assert.equal(server.stored, 'abcdefghij');
    assert.deepEqual(server.requests.map((r) => r.data), ['abcd', 'efgh', 'ij']);
  });

  it('retries a failed request and reports every status it is told', async () => {
    const server = fakeServer({ failFirst: 2, status: 'canceling' });
    const statuses: string[] = [];
    const errors: unknown[] = [];
    const up = createTraceUploader({ send: (o, d) => server.send(o, d), onStatus: (s) => statuses.push(s), onError: (e) => errors.push(e), retryDelayMs: () => 1 });
    up.append(enc('hello'));
    await up.drained();
    assert.equal(server.stored, 'hello');
    assert.equal(errors.length, 2);
    assert.deepEqual(statuses, ['canceling']);
  });

  it('moves on when the server already holds the bytes, and resumes from the size it holds', async () => {
    const answers: TraceResult[] = [{ ok: false, size: 5, status: 'running' }, { ok: false, size: 2, status: 'running' }, { ok: true, size: 5, status: 'running' }];
    const seen: Array<[number, string]> = [];
    const up = createTraceUploader({ send: async (o, d) => { seen.push([o, text(d)]); return answers.shift()!; }, onStatus: () => undefined, onError: () => undefined });
    up.append(enc('hello'));
    await up.drained();
    up.append(enc('abc'));
    await up.drained();
    assert.deepEqual(seen, [[0, 'hello'], [5, 'abc'], [2, 'abc']]);
  });

  it('takeRest hands over what is held, at the offset after what was sent, once the request in flight is answered', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    const server = fakeServer({ gate: () => gate });
    const up = createTraceUploader({ send: (o, d) => server.send(o, d), onStatus: () => undefined, onError: () => undefined, flushDelayMs: 5 });
    up.append(enc('sent\n'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(server.requests.length, 1, 'the first batch is in flight');
    up.append(enc('held '));
    up.append(enc('too\n'));
    const rest = up.takeRest();
    open();
    const taken = await rest;
    assert.deepEqual(taken && { offset: taken.offset, data: text(taken.data) }, { offset: 5, data: 'held too\n' });
    assert.equal(server.requests.length, 1, 'nothing more was sent');
    assert.equal(await up.takeRest(), null, 'nothing is left');
  });

  it('is drained at once when nothing was written', async () => {
    const up = createTraceUploader({ send: () => { throw new Error('not called'); }, onStatus: () => undefined, onError: () => undefined });
    up.append(new Uint8Array(0));
    await up.drained();
  });
});
