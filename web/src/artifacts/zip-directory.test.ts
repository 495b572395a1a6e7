import { test } from 'node:test';
import assert from 'node:assert/strict';
import yazl from 'yazl';
import { listZip } from './zip-directory.ts';

function makeZip(files: Record<string, string>, dirs: string[] = []): Promise<ArrayBuffer> {
  const zip = new yazl.ZipFile();
  for (const d of dirs) zip.addEmptyDirectory(d);
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => { const b = Buffer.concat(chunks); resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); });
    zip.outputStream.on('error', reject);
  });
}

test('lists names, sizes and directories of a zip', async () => {
  const buffer = await makeZip({ 'dist/app.js': 'console.log(1)', 'report.xml': '<testsuite/>', 'ünïcode.txt': 'x' }, ['empty/']);
  const entries = listZip(buffer);
  assert.deepEqual(entries.map((e) => [e.name, e.size, e.directory]), [
    ['empty/', 0, true], ['dist/app.js', 14, false], ['report.xml', 12, false], ['ünïcode.txt', 1, false],
  ]);
});

test('an empty archive lists nothing; garbage throws', async () => {
  assert.deepEqual(listZip(await makeZip({})), []);
  assert.throws(() => listZip(new TextEncoder().encode('not a zip at all, just text').buffer as ArrayBuffer), /not a zip/);
});
