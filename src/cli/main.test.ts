import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main } from './main.js';
import type { CommandIo } from './io.js';

function capture(): { io: CommandIo; out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => { out += c.toString(); });
  stderr.on('data', (c: Buffer) => { err += c.toString(); });
  return { io: { stdout, stderr, cwd: process.cwd(), env: {} }, out: () => out, err: () => err };
}

const NAMES = ['serve', 'runner', 'runners', 'migrate', 'user', 'token', 'project', 'lint', 'run'];

describe('runnel (command dispatch, commands loaded on use)', () => {
  it('lists every command in the overview', async () => {
    const c = capture();
    assert.equal(await main(['--help'], c.io), 0);
    for (const name of NAMES) assert.match(c.out(), new RegExp(`^  ${name} `, 'm'));
  });

  it('loads each command under the name it answers to', async () => {
    for (const name of NAMES) {
      const c = capture();
      assert.equal(await main([name, '--help'], c.io), 0, `${name}: ${c.err()}`);
      assert.match(c.out(), new RegExp(`^Usage: runnel ${name}\\b`), name);
      const h = capture();
      assert.equal(await main(['help', name], h.io), 0);
      assert.equal(h.out(), c.out());
    }
  });

  it('refuses an unknown command with the overview', async () => {
    const c = capture();
    assert.equal(await main(['nope'], c.io), 2);
    assert.match(c.err(), /unknown command 'nope'[\s\S]*Commands:/);
  });
});
