import type { GitInfo } from '../protocol/index.js';
import { readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../shared/index.js';
import { localCheckout, type LocalRepository } from './local-checkout.js';
import { runProcessTree } from './process-tree.js';

/**
 * Gets the job's sources into a fresh directory with the result gitlab-runner gives (a repository
 * with `origin`, HEAD detached at the sha, depth N or full history). Usually two processes:
 *   git clone --no-checkout [--depth N] --branch <ref> <url>  →  git checkout -f <sha>
 * and, when the directory is not empty, the ref is unusual or wildcard refspecs are asked for
 * (all branches and tags), gitlab-runner's own sequence:
 *   git init  →  git remote add origin <url>  →  git fetch [--depth N] origin <refspecs…>
 *   →  git checkout -f <sha>
 * When the refspecs cannot be fetched (e.g. the server keeps no refs/pipelines/<id>) or do not
 * bring the commit, the sha itself is fetched. Runs on the host (not inside the executor) with a
 * small, clean environment; git's output goes to the job log, where the credentials in the URL
 * are masked with the job token.
 *
 * When the runner is embedded (`local` is given: the hosted repository is on this disk) and the
 * case is the simple one the clone handles, no process is started at all: local-checkout.ts
 * writes the same result from the runner's long-lived cat-file reader, borrowing the hosted
 * objects. If that fails for any reason, the directory is emptied and the clone runs as usual.
 */
export interface CheckoutInput {
  git: GitInfo;
  projectDir: string;
  env: Record<string, string>;
  log(text: string): void;
  signal: AbortSignal;
  /** Remaining time for the whole checkout. */
  timeoutMs: number;
  killGraceMs: number;
  /** The hosted repository on this machine (embedded runner): enables the in-process checkout. */
  local?: LocalRepository;
  /** For the runner's own log (why the in-process checkout fell back to cloning). */
  logger?: Logger;
  /** The caller made projectDir and nothing wrote to it since: no need to look. */
  projectDirIsNew?: boolean;
}

export type CheckoutOutcome =
  /**
   * `objectDirs`: directories outside the job that the checkout's `.git` reads objects from
   * (alternates). The executor must let the scripts read them, or git in the job breaks.
   */
  | { ok: true; objectDirs?: string[] }
  | { ok: false; reason: 'timeout' | 'canceled' | 'failed'; message: string };

/**
 * The case a single `git clone --branch <ref>` gets right, and the only one the in-process
 * checkout takes: a fresh directory, a plain branch or tag name, SHA-1 objects, no wildcard
 * refspecs (fetch_all_refs / GIT_FETCH_ALL_REFS ask for every branch and tag).
 */
function plainClone(info: GitInfo): boolean {
  return /^[\w./-]+$/.test(info.ref) && info.repo_object_format !== 'sha256' && !info.refspecs.some((r) => r.includes('*'));
}

/** remote.origin.url as the clone stores it. A plain path would make git ignore --depth ("local clone"): keep GIT_DEPTH's meaning. */
function cloneUrl(info: GitInfo): string {
  return info.depth > 0 && info.repo_url.startsWith('/') ? pathToFileURL(info.repo_url).href : info.repo_url;
}

export async function gitCheckout(input: CheckoutInput): Promise<CheckoutOutcome> {
  const started = Date.now();
  const git = async (args: string[], quiet = false): Promise<CheckoutOutcome> => {
    const remaining = input.timeoutMs > 0 ? Math.max(1, input.timeoutMs - (Date.now() - started)) : 0;
    const outcome = await runProcessTree({
      command: 'git',
      args: ['-c', 'advice.detachedHead=false', '-c', 'init.defaultBranch=main', ...args],
      cwd: input.projectDir,
      env: input.env,
      onOutput: quiet ? undefined : (chunk) => input.log(chunk.toString('utf8')),
      timeoutMs: remaining,
      signal: input.signal,
      killGraceMs: input.killGraceMs,
    });
    if (outcome.timedOut) return { ok: false, reason: 'timeout', message: `git ${args[0]} timed out` };
    if (outcome.canceled) return { ok: false, reason: 'canceled', message: `git ${args[0]} canceled` };
    if (outcome.startError !== undefined) return { ok: false, reason: 'failed', message: `cannot run git: ${outcome.startError}` };
    if (outcome.exitCode !== 0) return { ok: false, reason: 'failed', message: `git ${args[0]} exited with ${outcome.exitCode ?? outcome.signal}` };
    return { ok: true };
  };
  const { git: info } = input;
  const depthArgs = info.depth > 0 ? ['--depth', String(info.depth)] : [];
  input.log(info.depth > 0 ? `Fetching changes with git depth set to ${info.depth}...\n` : 'Fetching changes...\n');
  const simple = plainClone(info) && (input.projectDirIsNew === true || isEmptyDir(input.projectDir));
  // Fastest: no process (embedded runner, repository on this disk), see local-checkout.ts.
  if (simple && input.local && /^[0-9a-f]{40}$/.test(info.sha)) {
    const done = await inProcess(input.local);
    if (done) return done;
  }
  // Fast path: one `git clone` (init, origin and the shallow fetch of the job's ref in one
  // process) when the directory is empty and the ref is a plain branch or tag name. Every
  // process started costs the runner's main thread a fork, so 2 beat 5.
  if (simple) {
    const url = cloneUrl(info);
    const cloned = await git(['clone', '--quiet', '--no-checkout', '--no-tags', ...depthArgs, '--branch', info.ref, url, input.projectDir], true);
    if (cloned.ok) {
      input.log('Created fresh repository.\n');
      const out = await git(['checkout', '-f', '-q', info.sha], true);
      if (out.ok) {
        input.log(`Checking out ${info.sha.slice(0, 8)} as detached HEAD (ref is ${info.ref})...\n`);
        input.log('Skipping Git submodules setup\n');
        return { ok: true };
      }
      if (out.reason !== 'failed') return out;
      // The ref moved on since the run was created: fetch the sha itself below.
      const fetched = await git(['fetch', '--quiet', '--no-tags', ...depthArgs, 'origin', info.sha]);
      if (!fetched.ok) return fetched;
      return checkoutSha();
    }
    if (cloned.reason !== 'failed') return cloned;
    await rm(join(input.projectDir, '.git'), { recursive: true, force: true });
  }
  const initArgs = ['init'];
  if (info.repo_object_format === 'sha256') initArgs.push('--object-format=sha256');
  initArgs.push(input.projectDir);
  let step = await git(initArgs);
  if (!step.ok) return step;
  input.log('Created fresh repository.\n');
  step = await git(['remote', 'add', 'origin', info.repo_url]);
  if (!step.ok) return step;
  const fetchBase = ['fetch', '--prune', '--quiet', '--no-tags', ...depthArgs, 'origin'];
  if (info.refspecs.length > 0) {
    step = await git([...fetchBase, ...info.refspecs]);
    if (!step.ok && step.reason !== 'failed') return step;
  }
  const haveCommit = await git(['cat-file', '-e', `${info.sha}^{commit}`], true);
  if (!haveCommit.ok) {
    if (haveCommit.reason !== 'failed') return haveCommit;
    step = await git([...fetchBase, info.sha]);
    if (!step.ok) return step;
  }
  return checkoutSha();

  /** The in-process checkout; null when it could not be done (the directory is empty again). */
  async function inProcess(local: LocalRepository): Promise<CheckoutOutcome | null> {
    try {
      const { objectDirs } = await localCheckout({ git: info, url: cloneUrl(info), local, projectDir: input.projectDir, signal: input.signal });
      input.log('Created fresh repository.\n');
      input.log(`Checking out ${info.sha.slice(0, 8)} as detached HEAD (ref is ${info.ref})...\n`);
      input.log('Skipping Git submodules setup\n');
      return { ok: true, objectDirs };
    } catch (error) {
      // Never leave a half-written directory: empty it before cloning or giving up.
      await rm(input.projectDir, { recursive: true, force: true });
      await mkdir(input.projectDir, { recursive: true });
      if (input.signal.aborted) {
        const timedOut = input.timeoutMs > 0 && Date.now() - started >= input.timeoutMs;
        return { ok: false, reason: timedOut ? 'timeout' : 'canceled', message: timedOut ? 'checkout timed out' : 'checkout canceled' };
      }
      const message = (error as Error).message;
      input.logger?.info({ err: error }, 'in-process checkout not possible; cloning');
      input.log(`Reading the repository in-process was not possible (${message}); cloning instead\n`);
      return null;
    }
  }

  async function checkoutSha(): Promise<CheckoutOutcome> {
    input.log(`Checking out ${info.sha.slice(0, 8)} as detached HEAD (ref is ${info.ref})...\n`);
    const done = await git(['checkout', '-f', '-q', info.sha]);
    if (!done.ok) return done;
    input.log('Skipping Git submodules setup\n');
    return { ok: true };
  }
}

function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}
