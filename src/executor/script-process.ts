import { AppError } from '../shared/index.js';
import type { ScriptOutcome, ScriptRun } from './executor.js';
import { exitCodeOf, runProcessTree } from './process-tree.js';

/**
 * Runs one script as a process tree (the shell directly, or the shell inside bwrap) with the
 * run's environment, output sink, timeout and cancellation, and reports it the way the Executor
 * contract asks: no exit code when it was stopped. Failing to start is an infrastructure fault.
 */
export async function runScriptProcess(command: string, args: string[], run: ScriptRun): Promise<ScriptOutcome> {
  const outcome = await runProcessTree({
    command, args, cwd: run.cwd, env: run.env, onOutput: run.onOutput,
    timeoutMs: run.timeoutMs, signal: run.signal, killGraceMs: run.killGraceMs,
  });
  if (outcome.startError !== undefined) throw new AppError('internal', `start ${command}: ${outcome.startError}`);
  return {
    exitCode: outcome.timedOut || outcome.canceled ? null : exitCodeOf(outcome),
    timedOut: outcome.timedOut,
    canceled: outcome.canceled,
  };
}
