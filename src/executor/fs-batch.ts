import { lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Small file-system operations made in batches on a worker thread. Creating a directory or a
 * file on a journaling disk costs 50–100 µs of system call; a job makes about twenty (its
 * directories, the checkout's files and `.git`, its script), and made on the runner's event loop
 * they held it for a millisecond or two per job, or made through libuv's thread pool they cost a
 * round trip each. A batch is one round trip to a thread that makes the calls synchronously, in
 * order, on the other core.
 *
 * Contract: operations run in order; the first that fails stops the batch, which rejects with
 * an Error carrying the system error's `code` (ENOENT, EEXIST…); results come in operation
 * order. `mkdtemp` returns the new directory's path and creates `children` (names relative to it)
 * after it. `lstat` returns the index's stat fields as bigints.
 * If the worker cannot run (or dies), batches are made on the calling thread instead, with the
 * same results and errors. RUNNEL_FS_WORKER=off makes them there always.
 */
export type FsOp =
  | { op: 'mkdir'; path: string; mode?: number; recursive?: boolean }
  | { op: 'mkdtemp'; prefix: string; children?: Array<{ name: string; mode?: number }> }
  | { op: 'write'; path: string; data: string | Uint8Array; mode?: number; exclusive?: boolean }
  | { op: 'symlink'; target: Uint8Array; path: string }
  | { op: 'lstat'; path: string };

export interface FsStat { ctimeNs: bigint; mtimeNs: bigint; dev: bigint; ino: bigint; uid: bigint; gid: bigint; size: bigint }
export type FsResult = string | FsStat | null;

/** The calls, shared by the worker (as source) and the calling-thread fallback. */
function applyOps(ops: readonly FsOp[], fs: { lstatSync: typeof lstatSync; mkdirSync: typeof mkdirSync; mkdtempSync: typeof mkdtempSync; symlinkSync: typeof symlinkSync; writeFileSync: typeof writeFileSync }, pathJoin: typeof join): FsResult[] {
  const results: FsResult[] = [];
  for (const o of ops) {
    if (o.op === 'mkdir') {
      fs.mkdirSync(o.path, { mode: o.mode ?? 0o777, recursive: o.recursive ?? false });
      results.push(null);
    } else if (o.op === 'mkdtemp') {
      const dir = fs.mkdtempSync(o.prefix);
      for (const child of o.children ?? []) fs.mkdirSync(pathJoin(dir, child.name), { mode: child.mode ?? 0o777 });
      results.push(dir);
    } else if (o.op === 'write') {
      fs.writeFileSync(o.path, o.data, { mode: o.mode ?? 0o666, flag: o.exclusive ? 'wx' : 'w' });
      results.push(null);
    } else if (o.op === 'symlink') {
      fs.symlinkSync(Buffer.from(o.target), o.path);
      results.push(null);
    } else {
      const s = fs.lstatSync(o.path, { bigint: true });
      results.push({ ctimeNs: s.ctimeNs, mtimeNs: s.mtimeNs, dev: s.dev, ino: s.ino, uid: s.uid, gid: s.gid, size: s.size });
    }
  }
  return results;
}

const WORKER_SOURCE = `'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { join } = require('node:path');
const applyOps = ${applyOps.toString()};
parentPort.on('message', ({ id, ops }) => {
  try {
    parentPort.postMessage({ id, results: applyOps(ops, fs, join) });
  } catch (e) {
    parentPort.postMessage({ id, error: { message: String((e && e.message) || e), code: e && e.code } });
  }
});
`;

type Pending = { resolve(results: FsResult[]): void; reject(error: Error): void; ops: readonly FsOp[] };

let worker: Worker | null = null;
let failures = 0;
const pending = new Map<number, Pending>();
let nextId = 1;

function startWorker(): Worker | null {
  let w: Worker;
  try {
    w = new Worker(WORKER_SOURCE, { eval: true, env: {}, stdout: false, stderr: false });
  } catch {
    failures++;
    return null;
  }
  w.on('message', (message: { id: number; results?: FsResult[]; error?: { message: string; code?: string } }) => {
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    if (pending.size === 0) w.unref();
    if (message.error) p.reject(Object.assign(new Error(message.error.message), message.error.code ? { code: message.error.code } : {}));
    else p.resolve(message.results!);
  });
  const ended = () => {
    if (worker === w) worker = null;
    failures++;
    // What was sent is made here instead; a batch the worker may have half made then fails on
    // its first existing path (mkdir, exclusive writes), as a repeated batch would anyway.
    for (const [id, p] of pending) {
      pending.delete(id);
      try { p.resolve(applyOps(p.ops, { lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync }, join)); } catch (error) { p.reject(error as Error); }
    }
  };
  w.on('error', ended);
  w.on('exit', ended);
  w.unref();
  return w;
}

/** Makes `ops` in order (see the module comment) and returns their results. */
export function runFsBatch(ops: readonly FsOp[]): Promise<FsResult[]> {
  if (process.env.RUNNEL_FS_WORKER === 'off' || failures >= 3) {
    try {
      return Promise.resolve(applyOps(ops, { lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync }, join));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
  worker ??= startWorker();
  const w = worker;
  if (!w) return runFsBatch(ops);
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, ops });
    w.ref();
    w.postMessage({ id, ops });
  });
}

/** Whether batches currently go to the worker thread (tests). */
export function fsWorkerActive(): boolean {
  return worker !== null;
}
