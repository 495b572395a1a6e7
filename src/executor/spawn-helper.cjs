// The spawn helper (see spawner.ts, which starts it and speaks to it; bin/runnel.mjs may start it
// first). A plain script with nothing but Node's own modules: it stays small, so its forks are
// cheap, and it boots in about 20 ms.
//
// Requests: JSON lines on stdin ({op: 'spawn' | 'orphan' | 'release', …}).
// Answers: frames on stdout, [kind u8][id u32le][length u32le][payload], the kinds as spawner.ts
// numbers them: 1 spawned (pid), 2 output, 3 stderr (when asked apart), 4 exited ([code, signal]),
// 5 failed (message), 6 closed.
// When its stdin ends or its stdout breaks (its parent is gone, a crash included) it SIGKILLs
// the process groups it still runs, then leaves. When its stdout is full it pauses every
// child's output until it drains. An `orphan` request starts a process it does not watch,
// report or kill.
'use strict';
const { spawn } = require('node:child_process');

// Frame kinds and header size: the same numbers as in spawner.ts.
const SPAWNED = 1;
const OUTPUT = 2;
const ERR_OUTPUT = 3;
const EXITED = 4;
const FAILED = 5;
const CLOSED = 6;
const HEADER = 9;
const children = new Map();
let paused = false;
function frame(kind, id, payload) {
  const head = Buffer.allocUnsafe(HEADER);
  head.writeUInt8(kind, 0); head.writeUInt32LE(id, 1); head.writeUInt32LE(payload.length, 5);
  process.stdout.write(head);
  if (!process.stdout.write(payload) && !paused) {
    paused = true;
    for (const c of children.values()) { c.stdout.pause(); c.stderr.pause(); }
    process.stdout.once('drain', () => { paused = false; for (const c of children.values()) { c.stdout.resume(); c.stderr.resume(); } });
  }
}
const text = (kind, id, s) => frame(kind, id, Buffer.from(s, 'utf8'));
function start(m) {
  let child;
  try {
    child = spawn(m.command, m.args, { cwd: m.cwd, env: m.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    text(FAILED, m.id, String((e && e.message) || e)); text(CLOSED, m.id, ''); return;
  }
  children.set(m.id, child);
  if (child.pid !== undefined) text(SPAWNED, m.id, String(child.pid));
  if (paused) { child.stdout.pause(); child.stderr.pause(); }
  child.stdout.on('data', (d) => frame(OUTPUT, m.id, d));
  child.stderr.on('data', (d) => frame(m.separate ? ERR_OUTPUT : OUTPUT, m.id, d));
  child.on('error', (e) => text(FAILED, m.id, String((e && e.message) || e)));
  child.on('exit', (code, signal) => text(EXITED, m.id, JSON.stringify([code, signal])));
  child.on('close', () => { children.delete(m.id); text(CLOSED, m.id, ''); });
}
function orphan(m) {
  try {
    spawn(m.command, m.args, { cwd: m.cwd, env: m.env, detached: true, stdio: 'ignore' }).on('error', () => undefined).unref();
  } catch {
    // Not started: nobody waits for it either.
  }
}
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
    const m = JSON.parse(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
    if (m.op === 'spawn') start(m);
    else if (m.op === 'orphan') orphan(m);
    else if (m.op === 'release') { const c = children.get(m.id); if (c) { c.stdout.destroy(); c.stderr.destroy(); } }
  }
});
function leave() {
  for (const c of children.values()) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  process.exit(0);
}
process.stdin.on('end', leave);
// Its parent gone, a frame written before stdin's end is seen fails (EPIPE): the same end, not a
// crash whose stack trace would land on the terminal the parent has just given back.
process.stdout.on('error', leave);
