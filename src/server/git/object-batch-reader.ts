import { spawn, type ChildProcess } from 'node:child_process';
import { AppError } from '../../shared/index.js';
import { parseBatchOutput, type BatchObject } from './batch-output.js';
import { gitEnvironment } from './run-git.js';

/**
 * Long-lived `git cat-file --batch` processes, one per repository, for the small reads run
 * creation makes (resolve a ref, the CI file and its commit). Starting a process costs the
 * server a fork of itself — 4-5 ms for a server-sized process, which copies its page tables —
 * and a run made two of them; a request to a running process is a pipe round trip.
 *
 * The answers are git's own, as if a process were started per request: cat-file resolves each
 * name when it reads it (a ref moved by a push is seen at once) and rescans the packs when an
 * object is not found (objects pushed since it started are found).
 *
 * Lifecycle: a process starts on first use and ends after `idleMs` without requests, when more
 * than `maxProcesses` repositories have one (the least recently used goes), on `forget(gitDir)` —
 * which the host calls when a repository is created or removed, since a process could still
 * hold the packs of a removed repository of the same path — and on `close()`. While idle a
 * process does not keep Node running.
 *
 * Failure: if a process dies, answers out of protocol or takes longer than `timeoutMs`, it is
 * killed and the requests it held reject; the next request starts a new one. Callers fall back
 * to a one-off process.
 */
export interface BatchReaderOptions {
  gitBinary: string;
  idleMs?: number;
  maxProcesses?: number;
  timeoutMs?: number;
}

interface Request {
  wanted: number;
  objects: Array<BatchObject | null>;
  resolve(objects: Array<BatchObject | null>): void;
  reject(error: Error): void;
}

interface Channel {
  child: ChildProcess;
  queue: Request[];
  buffered: Buffer;
  idle: NodeJS.Timeout | null;
  deadline: NodeJS.Timeout | null;
  dead: boolean;
}

export function createBatchReader(options: BatchReaderOptions) {
  const idleMs = options.idleMs ?? 30_000;
  const maxProcesses = options.maxProcesses ?? 16;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const channels = new Map<string, Channel>();

  function end(gitDir: string, channel: Channel, error: Error | null): void {
    if (channel.dead) return;
    channel.dead = true;
    if (channels.get(gitDir) === channel) channels.delete(gitDir);
    if (channel.idle) clearTimeout(channel.idle);
    if (channel.deadline) clearTimeout(channel.deadline);
    for (const request of channel.queue.splice(0)) request.reject(error ?? new AppError('git_failed', 'git cat-file stopped'));
    if (error) channel.child.kill('SIGKILL');
    else channel.child.stdin?.end();
  }

  /** Keeps Node running while a request waits, and not otherwise. */
  function setBusy(channel: Channel, busy: boolean): void {
    const handles = [channel.child, channel.child.stdout, channel.child.stdin] as Array<{ ref?(): void; unref?(): void } | null>;
    for (const handle of handles) {
      if (busy) handle?.ref?.(); else handle?.unref?.();
    }
  }

  function open(gitDir: string): Channel {
    const child = spawn(options.gitBinary, ['--git-dir', gitDir, 'cat-file', '--batch'], { env: gitEnvironment(), stdio: ['pipe', 'pipe', 'ignore'] });
    const channel: Channel = { child, queue: [], buffered: Buffer.alloc(0), idle: null, deadline: null, dead: false };
    child.stdout!.on('data', (chunk: Buffer) => {
      channel.buffered = channel.buffered.length === 0 ? chunk : Buffer.concat([channel.buffered, chunk]);
      while (channel.queue.length > 0) {
        const request = channel.queue[0]!;
        const { objects, consumed } = parseBatchOutput(channel.buffered, request.wanted - request.objects.length);
        // Bodies are copied out: the buffer they point into is reused for what follows.
        for (const o of objects) request.objects.push(o && { ...o, body: Buffer.from(o.body) });
        channel.buffered = channel.buffered.subarray(consumed);
        if (request.objects.length < request.wanted) break;
        channel.queue.shift();
        request.resolve(request.objects);
        // Progress: the next request gets its own time.
        if (channel.deadline) { clearTimeout(channel.deadline); channel.deadline = null; }
        if (channel.queue.length > 0) arm(gitDir, channel);
      }
      if (channel.queue.length === 0) {
        if (channel.buffered.length > 0) { end(gitDir, channel, new AppError('git_failed', 'git cat-file answered more than was asked')); return; }
        settle(gitDir, channel);
      }
    });
    child.on('error', (error) => end(gitDir, channel, new AppError('git_failed', `start git: ${error.message}`, { cause: error })));
    child.on('exit', () => end(gitDir, channel, new AppError('git_failed', 'git cat-file exited')));
    child.stdin!.on('error', () => undefined);
    return channel;
  }

  function arm(gitDir: string, channel: Channel): void {
    channel.deadline = setTimeout(() => end(gitDir, channel, new AppError('git_failed', 'git cat-file did not answer in time')), timeoutMs);
  }

  /** Nothing in flight: no deadline, not keeping Node up, and an idle timer. */
  function settle(gitDir: string, channel: Channel): void {
    if (channel.deadline) { clearTimeout(channel.deadline); channel.deadline = null; }
    setBusy(channel, false);
    channel.idle = setTimeout(() => end(gitDir, channel, null), idleMs);
    channel.idle.unref();
  }

  function channelFor(gitDir: string): Channel {
    let channel = channels.get(gitDir);
    if (channel) {
      channels.delete(gitDir);
      channels.set(gitDir, channel);
      return channel;
    }
    channel = open(gitDir);
    channels.set(gitDir, channel);
    if (channels.size > maxProcesses) {
      for (const [dir, other] of channels) {
        if (other.queue.length === 0 && other !== channel) { end(dir, other, null); break; }
      }
    }
    return channel;
  }

  return {
    /** The objects named (`<sha>`, `<rev>^{commit}`, `<sha>:<path>`), null for each one missing. */
    read(gitDir: string, names: string[]): Promise<Array<BatchObject | null>> {
      if (names.length === 0) return Promise.resolve([]);
      if (names.some((n) => /[\n\r\0]/.test(n) || n.length === 0)) return Promise.reject(new AppError('validation_failed', 'object name not usable in a batch'));
      const channel = channelFor(gitDir);
      return new Promise((resolve, reject) => {
        channel.queue.push({ wanted: names.length, objects: [], resolve, reject });
        if (channel.idle) { clearTimeout(channel.idle); channel.idle = null; }
        setBusy(channel, true);
        if (!channel.deadline) arm(gitDir, channel);
        channel.child.stdin!.write(names.map((n) => `${n}\n`).join(''));
      });
    },
    /** Ends the repository's process (it was created, replaced or removed). */
    forget(gitDir: string): void {
      const channel = channels.get(gitDir);
      if (channel) end(gitDir, channel, null);
    },
    close(): void {
      for (const [dir, channel] of [...channels]) end(dir, channel, null);
    },
    /** Repositories with a process now (tests). */
    get open(): number { return channels.size; },
  };
}

export type BatchReader = ReturnType<typeof createBatchReader>;
