import { spawnSync } from 'node:child_process';
import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { AppError } from '../shared/index.js';
import type { Executor, ExecutorJob, ScriptOutcome, ScriptRun } from './executor.js';
import { findBinary } from './find-binary.js';
import { runScriptProcess } from './script-process.js';
import { ALWAYS_HIDDEN_PATHS, buildSandboxArgs } from './sandbox-args.js';

export interface SandboxExecutorOptions {
  /**
   * Paths the job must not see (the server's data directory, its database, token files…).
   * Directories are covered by an empty tmpfs, files by /dev/null. Paths that do not exist are
   * ignored; symlinks are resolved first.
   */
  hiddenPaths?: readonly string[];
  /** false cuts the job off the network (--unshare-net). Default true. */
  network?: boolean;
  /** The bwrap binary; default `bwrap` on the runner's PATH. */
  bwrap?: string;
}

/**
 * Probes whether bubblewrap can create a sandbox here (installed, and namespaces allowed).
 * Returns null when it can, or the reason it cannot.
 */
export function sandboxAvailable(bwrap = 'bwrap'): string | null {
  const probe = spawnSync(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--die-with-parent', '--', 'true'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 5000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  if (probe.error) return `bubblewrap not runnable: ${probe.error.message}`;
  if (probe.status !== 0) return `bubblewrap cannot create a sandbox: ${probe.stderr.toString().trim()}`;
  return null;
}

function resolveHidden(paths: readonly string[]): Array<{ path: string; kind: 'dir' | 'file' }> {
  const out = new Map<string, 'dir' | 'file'>();
  for (const raw of [...ALWAYS_HIDDEN_PATHS, ...paths]) {
    if (!isAbsolute(raw)) continue;
    for (const candidate of new Set([raw, safeRealpath(raw)])) {
      if (candidate === null) continue;
      try {
        const stat = lstatSync(candidate);
        if (stat.isSymbolicLink()) continue;
        out.set(candidate, stat.isDirectory() ? 'dir' : 'file');
      } catch {
        // does not exist: nothing to hide
      }
    }
  }
  return [...out].map(([path, kind]) => ({ path, kind }));
}

/** Real paths of the existing directories among `paths` (bwrap needs real, existing sources). */
function resolveReadOnly(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of paths) {
    const real = isAbsolute(raw) ? safeRealpath(raw) : null;
    if (real === null) continue;
    try {
      if (lstatSync(real).isDirectory()) out.add(real);
    } catch {
      // gone: nothing to show
    }
  }
  return [...out];
}

function safeRealpath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * Runs each script with bash inside a bubblewrap sandbox (see sandbox-args.ts for what it
 * guarantees). Stopping kills bwrap's process group; with --unshare-pid and --die-with-parent
 * that takes down every process inside the sandbox, including ones that called setsid.
 */
export function createSandboxExecutor(options: SandboxExecutorOptions = {}): Executor {
  const bwrap = findBinary(options.bwrap ?? 'bwrap');
  let job: ExecutorJob | undefined;
  let hidden: Array<{ path: string; kind: 'dir' | 'file' }> = [];
  let cleaned = false;
  const bash = findBinary('bash');
  return {
    name: 'sandbox',
    async prepare(j) {
      const reason = sandboxAvailable(bwrap);
      if (reason !== null) throw new AppError('internal', `prepare sandbox: ${reason}`);
      hidden = resolveHidden(options.hiddenPaths ?? []);
      // A hidden path that contains the job directory would be fine (the bind comes last), but one
      // inside it would hide the job's own files: refuse, it is a configuration mistake.
      for (const entry of hidden) {
        if (entry.path.startsWith(j.jobDir + '/')) throw new AppError('config_invalid', `prepare sandbox: hidden path ${entry.path} is inside the job directory`);
      }
      job = j;
      j.log(`Using bubblewrap sandbox executor (network ${options.network === false ? 'off' : 'on'})...\n`);
    },
    async runScript(run: ScriptRun): Promise<ScriptOutcome> {
      if (!job || cleaned) throw new AppError('state_conflict', 'run script: executor not prepared or already cleaned up');
      const args = buildSandboxArgs({
        jobDir: job.jobDir,
        cwd: run.cwd,
        hidden,
        readOnly: resolveReadOnly(run.readOnlyPaths ?? []),
        network: options.network !== false,
        asRoot: process.getuid?.() === 0,
        command: [bash, '--noprofile', '--norc', run.scriptPath],
      });
      return runScriptProcess(bwrap, args, run);
    },
    async cleanup() {
      cleaned = true;
    },
  };
}
