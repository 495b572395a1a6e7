import { AppError } from '../shared/index.js';
import type { Executor, ExecutorJob, ScriptOutcome, ScriptRun } from './executor.js';
import { findBinary } from './find-binary.js';
import { exitCodeOf, runProcessTree } from './process-tree.js';

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
      const outcome = await runProcessTree({
        command: bash,
        args: ['--noprofile', '--norc', run.scriptPath],
        cwd: run.cwd,
        env: run.env,
        onOutput: run.onOutput,
        timeoutMs: run.timeoutMs,
        signal: run.signal,
        killGraceMs: run.killGraceMs,
      });
      if (outcome.startError !== undefined) throw new AppError('internal', `start bash: ${outcome.startError}`);
      return {
        exitCode: outcome.timedOut || outcome.canceled ? null : exitCodeOf(outcome),
        timedOut: outcome.timedOut,
        canceled: outcome.canceled,
      };
    },
    async cleanup() {
      cleaned = true;
    },
  };
}
