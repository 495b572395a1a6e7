import { randomBytes } from 'node:crypto';
import { existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { spawnTreeLeader } from './spawner.js';

/**
 * Runs a command as the leader of its own process group (detached spawn = setsid), so that the
 * whole tree it starts can be signalled at once with kill(-pgid). Stopping sends SIGTERM to the
 * group and to every descendant found in /proc (which catches children that left the group with
 * setsid), then SIGKILL after a grace period. Used by the shell and sandbox executors and for
 * host-side commands (git).
 *
 * What no tree walk finds is a process that left the group and whose parent is gone (setsid and
 * a double fork: it now belongs to init). Every process of a tree inherits a random mark in its
 * environment (RUNNEL_PROCESS_TREE); when the leader exits, or the tree is killed, the processes
 * still carrying that mark are found through /proc/<pid>/environ and killed — after the outcome is
 * reported, so a job's latency does not pay for the scan. A process that scrubs its environment
 * still escapes (the sandbox's own PID namespace does not have this gap).
 */
export const TREE_MARK = 'RUNNEL_PROCESS_TREE';
export interface TreeRunOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  onOutput?: (chunk: Buffer) => void;
  /** Kill the tree when it runs longer than this; 0 = no limit. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs: number;
}

export interface TreeRunOutcome {
  /** Exit code, or null when the leader died of a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  canceled: boolean;
  /** Set when the command could not be started at all. */
  startError?: string;
}

/** Pids of all descendants of `pid`, read from /proc (Linux). Best effort. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const current = queue.shift() as number;
    for (const child of children.get(current) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function parentOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : null;
}

/** True while the process exists and is not a zombie (zombies hold no resources but a pid). */
export function isProcessAlive(pid: number): boolean {
  const fields = statFields(pid);
  if (fields === null) return false;
  return fields[0] !== 'Z' && fields[0] !== 'X';
}

function signalTree(pgid: number, known: readonly number[], signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // group already gone
  }
  for (const pid of known) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Signals the group and its known descendants, then SIGKILLs them after `graceMs` (unless
 * everything is gone by then). Resolves when the SIGKILL round has been sent.
 */
export async function killTree(pgid: number, graceMs: number): Promise<void> {
  const known = descendantsOf(pgid);
  signalTree(pgid, known, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pgid) && known.every((pid) => !isProcessAlive(pid))) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  signalTree(pgid, [...new Set([...known, ...descendantsOf(pgid)])], 'SIGKILL');
}

/** Below this step length the sweep reads only the pids handed out since the step started. */
const RANGE_SWEEP_MAX_MS = 10_000;

/** ns_last_pid, opened once (undefined: not yet; null: not readable here). */
let lastPidFile: number | null | undefined;
const lastPidBytes = Buffer.alloc(24);

/**
 * The last pid the kernel handed out in this pid namespace, or null where it cannot be read.
 * One pread on a descriptor kept open: opening the sysctl file each time cost ~0.1 ms.
 */
function lastPid(): number | null {
  try {
    lastPidFile ??= openSync('/proc/sys/kernel/ns_last_pid', 'r');
  } catch {
    lastPidFile = null;
  }
  if (lastPidFile === null) return null;
  try {
    const length = readSync(lastPidFile, lastPidBytes, 0, lastPidBytes.length, 0);
    const value = Number(lastPidBytes.toString('latin1', 0, length));
    return Number.isInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

/** Up to this many pids handed out during a step, the sweep reads them by number, not /proc's listing. */
const DIRECT_SWEEP_MAX = 64;

/**
 * Which /proc entries can hold a process of a tree whose leader got `firstPid` and whose last
 * pid was handed out before `lastPidNow`. Pids are allocated upwards and wrap at pid_max, so
 * a descendant's pid lies in [firstPid, lastPidNow] or, after a wrap, outside (lastPidNow,
 * firstPid). Exact unless allocation went all the way round during the step, which is why the
 * caller only asks for short steps (a full cycle of even pid_max = 32768 in 10 s needs 3,000
 * forks a second).
 */
export function sweepCandidates(entries: readonly number[], firstPid: number, lastPidNow: number): number[] {
  return lastPidNow >= firstPid
    ? entries.filter((pid) => pid >= firstPid && pid <= lastPidNow)
    : entries.filter((pid) => pid >= firstPid || pid <= lastPidNow);
}

/**
 * SIGKILLs every process (of this user; others' environments are unreadable) whose environment
 * holds `TREE_MARK=mark`; returns their pids. Reads /proc asynchronously, but for a few pids:
 * a server with many processes does not stall its event loop. With `since` (the leader's pid and when it started,
 * for a step shorter than RANGE_SWEEP_MAX_MS) only pids handed out since then are read: a job's
 * sweep then costs a few reads, not one per process on the machine.
 */
export async function killMarked(mark: string, since?: { firstPid: number; startedAt: number }): Promise<number[]> {
  const needle = Buffer.from(`${TREE_MARK}=${mark}\0`);
  const last = since && Date.now() - since.startedAt < RANGE_SWEEP_MAX_MS ? lastPid() : null;
  let pids: number[];
  let direct = false;
  if (since && last !== null && last >= since.firstPid && last - since.firstPid < DIRECT_SWEEP_MAX) {
    // A short job started few processes (often none but its leader): look those up by number,
    // each with one synchronous read (most are gone: a failed open), not a thread-pool round trip.
    pids = Array.from({ length: last - since.firstPid + 1 }, (_, i) => since.firstPid + i).filter((pid) => pid !== process.pid);
    direct = true;
  } else {
    let entries: string[];
    try {
      entries = await readdir('/proc');
    } catch {
      return [];
    }
    pids = entries.filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => pid !== process.pid);
    if (since && last !== null) pids = sweepCandidates(pids, since.firstPid, last);
  }
  const killed: number[] = [];
  const check = (pid: number, environ: Buffer): void => {
    if (environ.indexOf(needle) === -1) return;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // gone already
    }
  };
  if (direct) {
    for (const pid of pids) {
      // Most of these pids are gone: asked first, a gone one costs no exception (~30 µs each).
      if (!existsSync(`/proc/${pid}`)) continue;
      let environ: Buffer;
      try {
        environ = readFileSync(`/proc/${pid}/environ`);
      } catch {
        continue;
      }
      check(pid, environ);
    }
    return killed;
  }
  await Promise.all(pids.map(async (pid) => {
    let environ: Buffer;
    try {
      environ = await readFile(`/proc/${pid}/environ`);
    } catch {
      return;
    }
    check(pid, environ);
  }));
  return killed;
}

export function runProcessTree(options: TreeRunOptions): Promise<TreeRunOutcome> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, timedOut: false, canceled: true });
      return;
    }
    const mark = randomBytes(9).toString('base64url');
    const startedAt = Date.now();
    const child = spawnTreeLeader({ command: options.command, args: options.args, cwd: options.cwd, env: { ...options.env, [TREE_MARK]: mark } });
    let timedOut = false;
    let canceled = false;
    let stopWanted = false;
    let killing: Promise<void> | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let finished = false;

    // The pid may come after a stop was asked for (the spawn helper answers asynchronously).
    const stop = (): void => {
      stopWanted = true;
      if (killing || child.pid === undefined || exit) return;
      killing = killTree(child.pid, options.killGraceMs);
    };
    const onAbort = (): void => {
      canceled = true;
      stop();
    };
    const timer = options.timeoutMs > 0
      ? setTimeout(() => { timedOut = true; stop(); }, options.timeoutMs)
      : undefined;
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (startError?: string): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const outcome: TreeRunOutcome = {
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        canceled: canceled && !timedOut,
      };
      if (startError !== undefined) outcome.startError = startError;
      const pid = child.pid;
      void (killing ?? Promise.resolve()).then(() => {
        resolve(outcome);
        // Whatever escaped the group and the tree walk: found by its mark, after the outcome.
        if (pid !== undefined) void killMarked(mark, { firstPid: pid, startedAt }).catch(() => undefined);
      });
    };

    child.on('spawn', () => { if (stopWanted) stop(); });
    child.on('output', (chunk: Buffer) => options.onOutput?.(chunk));
    let startError: string | undefined;
    child.on('error', (error: Error) => {
      exit ??= { code: null, signal: null };
      startError ??= error.message;
    });
    child.on('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      exit = { code, signal };
      // Leftover background processes would keep the pipes open forever: the step is over, so
      // what is left of its process group goes too.
      if (child.pid !== undefined && !killing) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // nothing left
        }
      }
      // A process that escaped the group (setsid) may still hold the pipes: stop waiting for them.
      setTimeout(() => child.release(), options.killGraceMs + 500).unref();
    });
    child.on('close', () => finish(startError));
  });
}

/** A shell's view of how a process ended: its exit code, or 128 + the signal that killed it. */
export function exitCodeOf(outcome: TreeRunOutcome): number | null {
  if (outcome.exitCode !== null) return outcome.exitCode;
  if (outcome.signal) return 128 + (constants.signals[outcome.signal] ?? 0);
  return null;
}
