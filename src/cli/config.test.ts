import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';

test('flags beat environment, which beats the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-cfg-'));
  writeFileSync(join(dir, 'runnel.yml'), 'port: 9000\nhost: 0.0.0.0\nlog_level: debug\nrunner:\n  concurrency: 3\n');
  const c = loadConfig({ flags: { config: 'runnel.yml', port: '7000' }, env: { RUNNEL_HOST: '127.0.0.2' }, cwd: dir });
  assert.equal(c.port, 7000);
  assert.equal(c.host, '127.0.0.2');
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.runner.concurrency, 3);
  assert.equal(c.dataDir, join(dir, '.runnel'));
  assert.equal(c.runner.logLimitBytes, 4 * 1024 * 1024);
  assert.equal(loadConfig({ flags: { 'log-limit': '2048' }, env: {}, cwd: dir }).runner.logLimitBytes, 2048);
});

test('lists every problem at once with its source and key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-cfg-'));
  writeFileSync(join(dir, 'bad.yml'), 'port: lots\nbogus: 1\nrunner:\n  executor: vm\n');
  try {
    loadConfig({ flags: { config: 'bad.yml' }, env: { RUNNEL_DATABASE_URL: 'mysql://x' }, cwd: dir });
    assert.fail('expected a ConfigError');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    const text = error.problems.map((p) => `${p.key}|${p.source}`).join('\n');
    assert.match(text, /port\|.*bad\.yml: port/);
    assert.match(text, /bogus\|.*bad\.yml/);
    assert.match(text, /executor\|/);
    assert.match(text, /databaseUrl\|RUNNEL_DATABASE_URL/);
    assert.equal(error.problems.length, 4);
  }
});

test('a malformed YAML file is reported with its path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-cfg-'));
  writeFileSync(join(dir, 'broken.yml'), 'port: [1,\n');
  assert.throws(() => loadConfig({ flags: { config: 'broken.yml' }, env: {}, cwd: dir }), (e: unknown) => e instanceof ConfigError && e.problems[0]!.source.endsWith('broken.yml'));
});
