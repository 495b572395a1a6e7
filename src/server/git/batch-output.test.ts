import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBatchOutput } from './batch-output.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(64);

describe('cat-file --batch output', () => {
  it('reads objects and missing names in order', () => {
    const out = Buffer.from(`${A} blob 5\nhello\nx:y missing\n${B} commit 0\n\nref ambiguous\n`);
    const { objects, consumed } = parseBatchOutput(out, 4);
    assert.equal(consumed, out.length);
    assert.deepEqual(objects.map((o) => o && { oid: o.oid, type: o.type, body: o.body.toString() }), [
      { oid: A, type: 'blob', body: 'hello' }, null, { oid: B, type: 'commit', body: '' }, null,
    ]);
  });

  it('takes only complete entries, so a stream can be fed in pieces', () => {
    const out = Buffer.from(`${A} blob 11\nline1\nline2\nnope missing\n`);
    for (let cut = 0; cut < out.length; cut++) {
      const first = parseBatchOutput(out.subarray(0, cut), 2);
      const rest = parseBatchOutput(out.subarray(first.consumed), 2 - first.objects.length);
      const all = [...first.objects, ...rest.objects];
      assert.equal(all.length, 2, `cut at ${cut}`);
      assert.equal(all[0]?.body.toString(), 'line1\nline2');
      assert.equal(all[1], null);
    }
  });

  it('stops at the number of entries wanted', () => {
    const out = Buffer.from(`x missing\ny missing\n`);
    assert.deepEqual(parseBatchOutput(out, 1), { objects: [null], consumed: 10 });
  });

  it('does not take a header for a name that merely looks like one', () => {
    const out = Buffer.from(`${A}:a blob 3 missing\n`);
    assert.deepEqual(parseBatchOutput(out, 1).objects, [null]);
  });
});
