import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * Starts the processes of process trees (process-tree.ts) from a small helper process instead of
 * from this one. Why: Node forks to spawn, and a fork copies the page tables of the whole
 * process: about 0.6 ms from a fresh Node process, 2–3 ms from a server or a `runnel run` with its
 * database and modules loaded, all of it blocking the event loop that every other job, log line
 * and API request waits on. The helper stays small (no modules beyond Node's own), so its forks
 * are cheap and happen on another core.
 *
 * Contract of a TreeChild (the same whether the helper or this process started it):
 * - `spawn` (pid) comes first, or `error` if the command could not be started;
 * - `output` chunks (stdout and stderr, in arrival order), then `exit` (code, signal) once the
 *   process has ended, then `close` once its output has ended (after `exit`, or after `error`);
 * - `release()` stops waiting for output held open by a process that escaped the tree: `close`
 *   follows.
 * The process is a session and group leader (detached), its stdin is /dev/null.
 * If the helper dies, its children that are still running are SIGKILLed (by group) and each
 * gets `error` then `close`; the next spawn starts a new helper (after three helpers that died
 * within a second of starting, this process spawns directly). RUNNEL_SPAWN_HELPER=off in this
 * process's environment spawns directly.
 */
export interface TreeChild extends EventEmitter {
  readonly pid: number | undefined;
  release(): void;
}

export interface SpawnRequest {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Standard error as `stderr` events instead of `output` (which then carries stdout alone). */
  separateStderr?: boolean;
}

/** Frame kinds, helper → parent: [kind u8][id u32le][length u32le][payload]; spawn-helper.cjs numbers them alike. */
const SPAWNED = 1;
const OUTPUT = 2;
const EXITED = 4;
const ERR_OUTPUT = 3;
const FAILED = 5;
const CLOSED = 6;
const HEADER = 9;

/**
 * The helper's script, beside this module in the sources and in dist/ (scripts/build-cli.mjs
 * copies it): a file and not `node -e` so that bin/runnel.mjs can start it before the bundle
 * loads. Its requests and frames are described there.
 */
export const SPAWN_HELPER_FILE = fileURLToPath(new URL('./spawn-helper.cjs', import.meta.url));

/** Where bin/runnel.mjs leaves a helper it started ahead of the bundle (`runnel run`). */
const PRESTARTED = Symbol.for('runnel.spawn-helper');

class HelperChild extends EventEmitter implements TreeChild {
  pid: number | undefined;
  constructor(private readonly helper: Helper, readonly id: number) {
    super();
  }
  release(): void {
    this.helper.send({ op: 'release', id: this.id });
  }
}

interface Helper {
  process: ChildProcess;
  send(message: object): void;
}

let helper: (Helper & { ready: boolean }) | null = null;
/** Helpers that ended within a second of starting; after three, trees are spawned directly. */
let earlyDeaths = 0;
const MAX_EARLY_DEATHS = 3;
const active = new Map<number, HelperChild>();
let nextId = 1;

function startHelper(): void {
  // No execArgv: a development run's loaders (tsx) would only make the helper big and slow.
  // Its own process group: a signal to this process's group (a terminal's Ctrl-C, a kill -9 of
  // the group) must leave it alive long enough to see this process gone and stop the jobs.
  // bin/runnel.mjs starts it the same way.
  const prestarted = takePrestarted();
  const child: ChildProcess = prestarted ?? spawn(process.execPath, [SPAWN_HELPER_FILE], {
    stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, detached: true,
  });
  const self: Helper & { ready: boolean } = {
    process: child,
    ready: false,
    send(message) { child.stdin?.write(`${JSON.stringify(message)}\n`); },
  };
  helper = self;
  // A helper started ahead has had the bundle's load to boot: requests go to it at once. A new
  // one takes them once it exists; until then (a fork, not its boot) trees are spawned directly.
  if (prestarted?.pid !== undefined) self.ready = true;
  else child.once('spawn', () => { self.ready = true; });
  let buffered: Buffer = Buffer.alloc(0);
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    let at = 0;
    while (buffered.length - at >= HEADER) {
      const length = buffered.readUInt32LE(at + 5);
      if (buffered.length - at - HEADER < length) break;
      const kind = buffered.readUInt8(at);
      const id = buffered.readUInt32LE(at + 1);
      const payload = buffered.subarray(at + HEADER, at + HEADER + length);
      at += HEADER + length;
      dispatch(kind, id, payload);
    }
    buffered = at === buffered.length ? Buffer.alloc(0) : Buffer.from(buffered.subarray(at));
  });
  const startedAt = Date.now();
  let ended = false;
  const died = () => {
    if (ended) return;
    ended = true;
    if (helper === self) helper = null;
    if (Date.now() - startedAt < 1_000) earlyDeaths++;
    for (const [id, tree] of active) {
      active.delete(id);
      if (tree.pid !== undefined) {
        try { process.kill(-tree.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      tree.emit('error', new Error('the spawn helper ended'));
      tree.emit('close');
    }
    syncRef();
  };
  child.on('exit', died);
  child.on('error', died);
  child.stdin?.on('error', () => undefined);
  if (child.exitCode !== null || child.signalCode !== null) died();
  syncRef();
}

/** The helper bin/runnel.mjs started, once: later helpers (after one died) are started here. */
function takePrestarted(): ChildProcess | null {
  const slot = globalThis as unknown as Record<symbol, ChildProcess | undefined>;
  const child = slot[PRESTARTED];
  delete slot[PRESTARTED];
  return child ?? null;
}

function dispatch(kind: number, id: number, payload: Buffer): void {
  const tree = active.get(id);
  if (!tree) return;
  switch (kind) {
    case SPAWNED:
      tree.pid = Number(payload.toString('utf8'));
      tree.emit('spawn', tree.pid);
      break;
    case OUTPUT:
      // The frame's bytes are a view of the parse buffer, which is reused: hand out a copy.
      tree.emit('output', Buffer.from(payload));
      break;
    case ERR_OUTPUT:
      tree.emit('stderr', Buffer.from(payload));
      break;
    case EXITED: {
      const [code, signal] = JSON.parse(payload.toString('utf8')) as [number | null, NodeJS.Signals | null];
      tree.emit('exit', code, signal);
      break;
    }
    case FAILED:
      tree.emit('error', new Error(payload.toString('utf8')));
      break;
    case CLOSED:
      active.delete(id);
      tree.emit('close');
      syncRef();
      break;
  }
}

/** The helper keeps this process alive only while it runs something for it. */
function syncRef(): void {
  if (!helper) return;
  const p = helper.process;
  const streams = [p.stdin, p.stdout] as unknown as Array<{ ref?: () => void; unref?: () => void } | null>;
  if (active.size > 0) {
    p.ref();
    for (const s of streams) s?.ref?.();
  } else {
    p.unref();
    for (const s of streams) s?.unref?.();
  }
}

function spawnDirect(request: SpawnRequest): TreeChild {
  const tree = new EventEmitter() as EventEmitter & { pid: number | undefined; release(): void };
  let child: ChildProcess;
  try {
    child = spawn(request.command, [...request.args], { cwd: request.cwd, env: request.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    tree.pid = undefined;
    tree.release = () => undefined;
    queueMicrotask(() => { tree.emit('error', error); tree.emit('close'); });
    return tree;
  }
  tree.pid = child.pid;
  tree.release = () => { child.stdout?.destroy(); child.stderr?.destroy(); };
  child.once('spawn', () => tree.emit('spawn', child.pid));
  child.stdout?.on('data', (chunk: Buffer) => tree.emit('output', chunk));
  child.stderr?.on('data', (chunk: Buffer) => tree.emit(request.separateStderr ? 'stderr' : 'output', chunk));
  child.on('error', (error) => tree.emit('error', error));
  child.on('exit', (code, signal) => tree.emit('exit', code, signal));
  child.on('close', () => tree.emit('close'));
  return tree;
}

/**
 * Starts `request` as a new session. Through the helper when it is up; while it starts (the
 * first spawns of a process) and when switched off, directly.
 */
export function spawnTreeLeader(request: SpawnRequest): TreeChild {
  if (process.env.RUNNEL_SPAWN_HELPER === 'off' || earlyDeaths >= MAX_EARLY_DEATHS) return spawnDirect(request);
  if (!helper) startHelper();
  if (!helper?.ready) return spawnDirect(request);
  const tree = new HelperChild(helper, nextId++);
  if (nextId > 0xffff_fff0) nextId = 1;
  active.set(tree.id, tree);
  syncRef();
  helper.send({ op: 'spawn', id: tree.id, command: request.command, args: request.args, cwd: request.cwd, env: request.env, separate: request.separateStderr === true });
  return tree;
}

/**
 * Runs a short command to its end, as execFile does (stdout and stderr apart, exit code; 1 when
 * it died of a signal or could not start, its error in `stderr`), but started by the helper once
 * it is up: for a process that runs many short commands while it is busy (`runnel run` starting).
 */
export function execFileTree(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnTreeLeader({ command, args, cwd: options.cwd, env: options.env, separateStderr: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code = 1;
    child.on('output', (chunk: Buffer) => out.push(chunk));
    child.on('stderr', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: Error) => err.push(Buffer.from(error.message)));
    child.on('exit', (exitCode: number | null) => { code = exitCode ?? 1; });
    child.on('close', () => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/**
 * Starts a process that is to outlive this one (its own session, no output, not waited for),
 * through the helper when it is up, so that it costs this process no fork.
 */
export function spawnOrphan(request: SpawnRequest): void {
  if (helper?.ready && process.env.RUNNEL_SPAWN_HELPER !== 'off') {
    helper.send({ op: 'orphan', command: request.command, args: request.args, cwd: request.cwd, env: request.env });
    return;
  }
  spawn(request.command, [...request.args], { cwd: request.cwd, env: request.env, detached: true, stdio: 'ignore' }).on('error', () => undefined).unref();
}

/**
 * Starts the helper ahead of the first spawn (a runner starting up), so that its first jobs do
 * not fork this process while it boots. Does nothing when it runs or is switched off.
 */
export function startSpawnHelper(): void {
  if (process.env.RUNNEL_SPAWN_HELPER !== 'off' && earlyDeaths < MAX_EARLY_DEATHS && !helper) startHelper();
}

/** The helper's pid while it runs (tests). */
export function spawnHelperPid(): number | undefined {
  return helper?.ready ? helper.process.pid : undefined;
}
