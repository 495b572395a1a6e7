import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { GitObject, GitObjectType } from './git-objects.js';

/**
 * One long-lived `git cat-file --batch` over one repository: object names go in on stdin, one per
 * line, and come back in the same order as `<oid> <type> <size>\n<content>\n` (or
 * `<name> missing\n`). Because answers keep the order of requests, any number of reads may be
 * outstanding at once, from any number of jobs: each read is matched to the next answer.
 *
 * The process is started once and reused; it sees objects pushed after it started (git rescans
 * the packs when an object is not found). If it dies, every outstanding read fails and the
 * reader refuses further reads: the owner (git-object-readers.ts) then starts a new one.
 */
export interface CatFileBatch {
  /**
   * Reads one object by id or by a revision such as `refs/tags/v1` (no whitespace); null when
   * git answers that the name is missing or ambiguous.
   */
  read(name: string): Promise<GitObject | null>;
  /** Reads outstanding. */
  readonly pending: number;
  /** False once the process ended or `close` was called. */
  readonly alive: boolean;
  /** Ends the process (outstanding reads fail); resolves when it has exited. */
  close(): Promise<void>;
}

export interface CatFileBatchOptions {
  gitBinary?: string;
  /** git's environment; default a minimal one with no system or global configuration. */
  env?: Record<string, string>;
}

type Answer = { kind: 'object'; object: GitObject } | { kind: 'missing' };

/**
 * The incremental parser of cat-file's batch output: feed chunks as they come, answers are
 * emitted whole and in order. Pure; large objects are assembled in one buffer of their size.
 */
export function createBatchParser(onAnswer: (answer: Answer) => void): { push(chunk: Buffer): void } {
  let header: Buffer = Buffer.alloc(0);
  let body: Buffer | null = null;
  let filled = 0;
  let meta: { oid: string; type: GitObjectType } | null = null;
  // After a body, git writes one LF that belongs to no answer.
  let skipNewline = false;
  return {
    push(chunk: Buffer) {
      let at = 0;
      while (at < chunk.length) {
        if (skipNewline) {
          if (chunk[at] !== 0x0a) throw new Error('cat-file: missing newline after object');
          skipNewline = false;
          at++;
          continue;
        }
        if (body && meta) {
          const take = Math.min(body.length - filled, chunk.length - at);
          chunk.copy(body, filled, at, at + take);
          filled += take;
          at += take;
          if (filled === body.length) {
            onAnswer({ kind: 'object', object: { ...meta, body } });
            body = null;
            meta = null;
            skipNewline = true;
          }
          continue;
        }
        const nl = chunk.indexOf(0x0a, at);
        if (nl < 0) {
          header = Buffer.concat([header, chunk.subarray(at)]);
          return;
        }
        const line = Buffer.concat([header, chunk.subarray(at, nl)]).toString('utf8');
        header = Buffer.alloc(0);
        at = nl + 1;
        const parts = line.split(' ');
        if (parts.length === 2 && (parts[1] === 'missing' || parts[1] === 'ambiguous')) {
          onAnswer({ kind: 'missing' });
          continue;
        }
        const [oid, type, sizeText] = parts;
        if (parts.length !== 3 || !/^[0-9a-f]{40,64}$/.test(oid!) || !/^(commit|tree|blob|tag)$/.test(type!) || !/^\d+$/.test(sizeText!)) {
          throw new Error(`cat-file: unexpected answer ${JSON.stringify(line.slice(0, 100))}`);
        }
        meta = { oid: oid!, type: type as GitObjectType };
        body = Buffer.allocUnsafe(Number(sizeText));
        filled = 0;
        if (body.length === 0) {
          onAnswer({ kind: 'object', object: { ...meta, body } });
          body = null;
          meta = null;
          skipNewline = true;
        }
      }
    },
  };
}

const NAME = /^[0-9a-f]{40}$|^refs\/[A-Za-z0-9._/-]+$/;

export function openCatFileBatch(gitDir: string, options: CatFileBatchOptions = {}): CatFileBatch {
  const env = options.env ?? {
    PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const child: ChildProcessWithoutNullStreams = spawn(options.gitBinary ?? 'git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
    stdio: ['pipe', 'pipe', 'pipe'], env,
  });
  const waiting: Array<{ resolve(object: GitObject | null): void; reject(error: Error): void }> = [];
  let alive = true;
  let failure: Error | null = null;
  let stderr = '';
  let ended = false;
  const exited = new Promise<void>((resolve) => {
    const end = () => { ended = true; resolve(); };
    child.once('close', end);
    child.once('error', end);
  });
  // An idle reader must not keep the runner's process alive; a busy one must.
  const hold = (busy: boolean) => {
    for (const handle of [child, child.stdout, child.stdin, child.stderr] as Array<{ ref(): void; unref(): void }>) {
      if (busy) handle.ref(); else handle.unref();
    }
  };
  hold(false);
  // Set by close(): answers to reads already sent are then dropped, and the handles stay
  // referenced until the exit that close() waits for.
  let closing = false;
  const fail = (error: Error) => {
    if (!failure) failure = error;
    alive = false;
    for (const w of waiting.splice(0)) w.reject(failure);
    if (!closing) hold(false);
  };
  const parser = createBatchParser((answer) => {
    if (closing) return;
    const next = waiting.shift();
    if (!next) return fail(new Error('cat-file: answer without a request'));
    next.resolve(answer.kind === 'object' ? answer.object : null);
    if (waiting.length === 0) hold(false);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    try {
      parser.push(chunk);
    } catch (error) {
      fail(error as Error);
      child.kill('SIGKILL');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => { if (stderr.length < 2000) stderr += chunk.toString('utf8'); });
  child.on('error', (error) => fail(new Error(`cat-file: ${error.message}`)));
  child.on('close', (code, signal) => fail(new Error(`cat-file exited (${code ?? signal})${stderr ? `: ${stderr.trim()}` : ''}`)));
  child.stdin.on('error', (error) => fail(new Error(`cat-file: ${error.message}`)));

  return {
    read(name) {
      if (!alive) return Promise.reject(failure ?? new Error('cat-file: closed'));
      if (!NAME.test(name)) return Promise.reject(new Error(`cat-file: refusing object name ${JSON.stringify(name)}`));
      return new Promise<GitObject | null>((resolve, reject) => {
        if (waiting.length === 0) hold(true);
        waiting.push({ resolve, reject });
        child.stdin.write(`${name}\n`);
      });
    },
    get pending() { return waiting.length; },
    get alive() { return alive; },
    async close() {
      if (alive) {
        closing = true;
        hold(true);
        fail(new Error('cat-file: closed'));
        child.stdin.end();
        // git exits at end of input; a stuck one is not waited for long.
        const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
        timer.unref();
        exited.then(() => clearTimeout(timer), () => undefined);
      }
      if (ended) return;
      // Whoever closes waits for the exit: keep the runner's process alive until then.
      closing = true;
      hold(true);
      await exited;
    },
  };
}
