import { AppError } from '../shared/index.js';
import type { Executor, ExecutorJob, ScriptOutcome, ScriptRun } from './executor.js';
import { findBinary } from './find-binary.js';
import { runScriptProcess } from './script-process.js';

export interface ShellExecutorOptions {
  /** The bash binary; default `bash` found on the runner's PATH. */
  bash?: string;
}

/**
 * Runs scripts with bash directly on this machine, each in its own process group. No isolation
 * beyond the clean environment: a job can read and write whatever the runner's user can. Use the
 * sandbox executor for untrusted code.
 */
export function createShellExecutor(options: ShellExecutorOptions = {}): Executor {
  const bash = findBinary(options.bash ?? 'bash');
  let prepared: ExecutorJob | undefined;
  let cleaned = false;
  return {
    name: 'shell',
    async prepare(job) {
      prepared = job;
      job.log('Using Shell (bash) executor...\n');
    },
    async runScript(run: ScriptRun): Promise<ScriptOutcome> {
      if (!prepared || cleaned) throw new AppError('state_conflict', 'run script: executor not prepared or already cleaned up');
      return runScriptProcess(bash, ['--noprofile', '--norc', run.scriptPath], run);
    },
    async cleanup() {
      cleaned = true;
    },
  };
}
