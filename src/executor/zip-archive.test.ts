import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { checkArchivePath, createZip, extractZip } from './zip-archive.js';

const temp = (p: string) => mkdtempSync(join(tmpdir(), `runnel-zip-${p}-`));

async function rawZip(entries: Array<{ name: string; data: string; mode?: number }>): Promise<string> {
  const zip = new yazl.ZipFile();
  // yazl validates names; to build hostile archives, same-length names are patched in afterwards.
  const placeholderOf = (name: string) => name.replace(/[^a-z]/gi, 'z');
  for (const e of entries) zip.addBuffer(Buffer.from(e.data), placeholderOf(e.name), e.mode ? { mode: e.mode } : {});
  zip.end();
  const path = join(temp('raw'), 'a.zip');
  await pipeline(zip.outputStream, createWriteStream(path));
  let bytes = readFileSync(path);
  for (const e of entries) {
    const placeholder = Buffer.from(placeholderOf(e.name));
    const name = Buffer.from(e.name);
    let at = bytes.indexOf(placeholder);
    while (at !== -1) {
      name.copy(bytes, at);
      at = bytes.indexOf(placeholder, at + 1);
    }
  }
  bytes = Buffer.from(bytes);
  writeFileSync(path, bytes);
  return path;
}

test('archive paths: absolute, .. and backslashes are refused', () => {
  assert.equal(checkArchivePath('a/b.txt').ok, true);
  assert.equal(checkArchivePath('/etc/passwd').ok, false);
  assert.equal(checkArchivePath('../x').ok, false);
  assert.equal(checkArchivePath('a/../../x').ok, false);
  assert.equal(checkArchivePath('a\\..\\x').ok, false);
  assert.equal(checkArchivePath('C:/x').ok, false);
});

test('round-trips files and keeps symlinks as links', async () => {
  const src = temp('src');
  mkdirSync(join(src, 'd'));
  writeFileSync(join(src, 'd', 'f.txt'), 'content');
  symlinkSync('f.txt', join(src, 'd', 'link'));
  const zip = join(temp('out'), 'x.zip');
  await createZip(src, ['d/f.txt', 'd/link'], zip);
  const dest = temp('dest');
  assert.equal(await extractZip(zip, dest), 2);
  assert.equal(readFileSync(join(dest, 'd', 'link'), 'utf8'), 'content');
});

test('an entry escaping with .. rejects the archive and writes nothing outside', async () => {
  const zip = await rawZip([{ name: '../escaped-by-zip.txt', data: 'x' }]);
  const dest = join(temp('dest'), 'inner');
  await assert.rejects(extractZip(zip, dest));
  assert.equal(existsSync(join(dest, '..', 'escaped-by-zip.txt')), false);
});

test('a symlink entry pointing outside is rejected', async () => {
  const zip = await rawZip([{ name: 'evil', data: '/etc', mode: 0o120777 }]);
  await assert.rejects(extractZip(zip, temp('dest')), /symlink leads outside/);
});

test('no entry is written through an existing symlink that leads outside', async () => {
  const outside = temp('outside');
  const dest = temp('dest');
  symlinkSync(outside, join(dest, 'link'));
  const zip = await rawZip([{ name: 'link/planted.txt', data: 'x' }]);
  await assert.rejects(extractZip(zip, dest), /leads outside/);
  assert.equal(existsSync(join(outside, 'planted.txt')), false);
});
