#!/usr/bin/env node
// The `runnel` command. Runs the built CLI, dist/runnel.cjs (one esbuild bundle made by
// `npm run build`, which `npm install` runs through the `prepare` script; see
// scripts/build-cli.mjs); falls back to the TypeScript sources through tsx in a development
// checkout that has not been built.
//
// The bundle is compiled with a V8 code cache kept in ~/.cache/runnel/code-cache (or
// $XDG_CACHE_HOME/runnel/code-cache): compiling it afresh is a fifth of a short `runnel run`.
// One cache file per build (content hash from dist/build.json), Node version and command, written
// when a command that found none (or a stale or damaged one) exits, with a SHA-256 of its bytes;
// RUNNEL_CODE_CACHE=0 turns it off. Long-running commands (serve, runner) do not use it.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const argv = process.argv.slice(2);
const KEEP_CACHE_FILES = 8;

const built = existsSync(join(dist, 'build.json'));
if (argv[0] === 'run' && process.env.RUNNEL_SPAWN_HELPER !== 'off') {
  prestartSpawnHelper(built ? join(dist, 'spawn-helper.cjs') : join(root, 'src', 'executor', 'spawn-helper.cjs'));
}
if (built) {
  process.exitCode = await loadBuilt().main(argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
  process.exitCode = await main(argv);
}

function loadBuilt() {
  const build = JSON.parse(readFileSync(join(dist, 'build.json'), 'utf8'));
  const file = join(dist, build.main);
  const command = /^[a-z]+$/.test(argv[0] ?? '') ? argv[0] : 'other';
  const cacheDir = codeCacheDir(command);
  const cacheFile = cacheDir && join(cacheDir, `${build.hash}-${process.version}-${process.arch}-${command}.bin`);
  const cachedData = cacheFile ? readCodeCache(cacheFile) : undefined;
  // The CommonJS wrapper on the bundle's first line, so its line numbers stay the file's. The
  // bundle is ASCII (scripts/build-cli.mjs makes it so and checks): read as latin1, it needs no
  // UTF-8 decoding (~3 ms of every start for 1.2 MB).
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'latin1')}\n})`, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dist);
  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    // At exit the cache holds every function this command compiled, not only the top level;
    // so not after --help or a usage error (exit 2), which compile little of the command.
    process.once('exit', (code) => {
      if (code !== 2 && !argv.includes('--help') && !argv.includes('-h')) writeCodeCache(script, cacheDir, cacheFile);
    });
  }
  return module.exports;
}

/**
 * `runnel run` starts the helper that will spawn its jobs' processes (src/executor/spawner.ts)
 * before loading the bundle: it boots on the other core during the load (~30 ms) and takes the
 * run's first git commands, which this process would otherwise fork itself (~3 ms each, all of it
 * on the thread that is setting the run up). Same command and options as spawner.ts's
 * startHelper, which adopts it; unreferenced until then, so that a run that never asks for it
 * (a usage error) still exits, and the helper then leaves with its stdin's end.
 */
function prestartSpawnHelper(file) {
  try {
    const child = spawn(process.execPath, [file], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, detached: true });
    child.on('error', () => undefined);
    child.unref();
    child.stdin.unref();
    child.stdout.unref();
    globalThis[Symbol.for('runnel.spawn-helper')] = child;
  } catch {
    // spawner.ts starts one when it needs it.
  }
}

function codeCacheDir(command) {
  if (process.env.RUNNEL_CODE_CACHE === '0' || command === 'serve' || command === 'runner') return null;
  const base = process.env.XDG_CACHE_HOME || (homedir() && join(homedir(), '.cache'));
  return base ? join(base, 'runnel', 'code-cache') : null;
}

/** mkdir -p for the last three levels, by hand: Node's recursive mkdir loops forever where mkdir answers ENOENT for an existing parent (/proc). */
function makeCacheDir(cacheDir) {
  for (const dir of [dirname(dirname(cacheDir)), dirname(cacheDir), cacheDir]) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
}

/**
 * The cached data, checked against the SHA-256 it was written with: V8 checks that a cache fits
 * its version, flags and source length, but not its bytes (in release builds), and a damaged
 * one would crash every start. ≈ 0.7 ms for 1 MB.
 */
function readCodeCache(cacheFile) {
  let file;
  try {
    file = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const data = file.subarray(32);
  return file.length > 32 && createHash('sha256').update(data).digest().equals(file.subarray(0, 32)) ? data : undefined;
}

function writeCodeCache(script, cacheDir, cacheFile) {
  try {
    makeCacheDir(cacheDir);
    const partial = `${cacheFile}.${process.pid}`;
    const data = script.createCachedData();
    writeFileSync(partial, Buffer.concat([createHash('sha256').update(data).digest(), data]));
    renameSync(partial, cacheFile);
    // Keep the newest few (builds, Node versions, commands): a cache file is about 1 MB.
    const files = readdirSync(cacheDir).map((name) => join(cacheDir, name));
    const age = new Map(files.map((f) => [f, statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0]));
    for (const f of files.sort((a, b) => age.get(b) - age.get(a)).slice(KEEP_CACHE_FILES)) rmSync(f, { force: true });
  } catch {
    // A cache that cannot be written only costs the next start its compile time.
  }
}
