#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: src and tests) with node's test runner
// and tsx. Node 20's --test takes no globs, so the file list is built here.
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
function walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
}
for (const root of roots.length ? roots : ['src', 'web', 'tests']) {
  if (root.endsWith('.ts')) files.push(root); else walk(root);
}
files.sort();
const concurrency = process.env.RUNNEL_TEST_CONCURRENCY ?? '2';
const run = (list, env = process.env) => spawnSync(process.execPath, [
  '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...extra, ...list,
], { stdio: 'inherit', env }).status ?? 1;

let status = run(files);
// The whole suite runs on SQLite; the engine's integration tests run a second time on
// PostgreSQL (several servers may share one), when one answers — and under CI it must.
if (status === 0 && roots.length === 0 && process.env.RUNNEL_TEST_DATABASE !== 'postgres') {
  const probe = spawnSync(process.execPath, ['-e', `
    const pg = require('pg');
    const c = new pg.Client({ connectionString: process.env.RUNNEL_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres', connectionTimeoutMillis: 2000 });
    c.connect().then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });
  `], { encoding: 'utf8' });
  if (probe.status === 0) {
    console.log('\n# engine integration tests again, on PostgreSQL');
    // (crash-recovery drives a separate SQLite server process and is not repeated.)
    const engineFiles = files.filter((f) => f.split(sep).join('/').includes('tests/engine/') && !f.includes('crash-recovery'));
    status = run(engineFiles, { ...process.env, RUNNEL_TEST_DATABASE: 'postgres' });
  } else if (process.env.CI === 'true') {
    console.error(`# PostgreSQL is required under CI and did not answer: ${probe.stderr.trim()}`);
    status = 1;
  } else {
    console.log(`# PostgreSQL pass skipped: no PostgreSQL answered (${probe.stderr.trim()})`);
  }
}
process.exit(status);
