import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBatchParser, openCatFileBatch } from './cat-file-batch.js';
import type { GitObject } from './git-objects.js';

const blobId = 'b'.repeat(40);
const treeId = 'c'.repeat(40);
const stream = Buffer.concat([
  Buffer.from(`${blobId} blob 5\nhe\nlo\n`),
  Buffer.from(`refs/tags/nope missing\n`),
  Buffer.from(`${treeId} tree 0\n\n`),
  Buffer.from(`${blobId} blob 3\n\n\n\n\n`),
]);

function parseAll(chunks: Buffer[]): Array<GitObject | null> {
  const out: Array<GitObject | null> = [];
  const parser = createBatchParser((a) => out.push(a.kind === 'object' ? a.object : null));
  for (const chunk of chunks) parser.push(chunk);
  return out;
}

test('parses batch answers however the output is cut into chunks', () => {
  const whole = parseAll([stream]);
  assert.deepEqual(whole.map((o) => o && { ...o, body: o.body.toString('latin1') }), [
    { oid: blobId, type: 'blob', body: 'he\nlo' },
    null,
    { oid: treeId, type: 'tree', body: '' },
    { oid: blobId, type: 'blob', body: '\n\n\n' },
  ]);
  for (let cut = 1; cut < stream.length; cut++) {
    assert.deepEqual(parseAll([stream.subarray(0, cut), stream.subarray(cut)]), whole, `cut at ${cut}`);
  }
  assert.deepEqual(parseAll([...stream].map((b) => Buffer.from([b]))), whole);
});

test('refuses output that is not cat-file\'s', () => {
  assert.throws(() => parseAll([Buffer.from('fatal: not a git repository\n')]), /unexpected answer/);
  assert.throws(() => parseAll([Buffer.from(`${blobId} blob 1\nxy`)]), /missing newline/);
});

test('a real cat-file answers many outstanding reads in order, and fails them all when closed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-catfile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
  execFileSync('git', ['init', '-q', '--bare', dir], { env });
  const ids = Array.from({ length: 50 }, (_, i) => {
    const file = join(dir, `f${i}`);
    writeFileSync(file, `content ${i}\n`.repeat(i * 100));
    return execFileSync('git', ['--git-dir', dir, 'hash-object', '-w', file], { env, encoding: 'utf8' }).trim();
  });
  const reader = openCatFileBatch(dir);
  const answers = await Promise.all([...ids.map((id) => reader.read(id)), reader.read('0'.repeat(40))]);
  answers.slice(0, 50).forEach((object, i) => {
    assert.equal(object?.oid, ids[i]);
    assert.equal(object?.body.toString(), `content ${i}\n`.repeat(i * 100));
  });
  assert.equal(answers[50], null);
  await assert.rejects(reader.read('not a name'), /refusing object name/);
  const late = assert.rejects(reader.read(ids[1]!), /closed/);
  await reader.close();
  await late;
  assert.equal(reader.alive, false);
  await assert.rejects(reader.read(ids[0]!), /closed/);
});
