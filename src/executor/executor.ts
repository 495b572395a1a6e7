import type { ImageSpec, ServiceSpec } from '../protocol/index.js';

/**
 * An Executor is the place a job's scripts run: a bash on this machine (`shell`), the same inside
 * a bubblewrap sandbox (`sandbox`), or containers of the job's image (`docker`). Everything else
 * a job needs (checkout, caches, artifacts, log, reports) is done by `runJob`, identically for all
 * executors, on the host side of the job directory.
 *
 * Contract (every implementation passes tests/executor/executor-contract.test.ts):
 *
 * 1. One instance runs one job. Calls come in this order:
 *      prepare(job)  →  runScript(…) zero or more times, one at a time  →  cleanup()
 *    `runScript` is never called before `prepare` resolved, nor after `cleanup`.
 * 2. `prepare` makes the environment ready (image pulled, service containers started, sandbox
 *    probed). It may throw an AppError; the job then fails with runner_system_failure, and
 *    `cleanup` is still called.
 * 3. Each `runScript` runs the given bash script file in a FRESH shell session, with exactly the
 *    given environment (nothing inherited from the runner process), starting in `cwd`. The job
 *    directory (`job.jobDir`) is visible at the same absolute path and writable; output (stdout
 *    and stderr interleaved) is passed to `onOutput` as it arrives, raw and unmasked.
 * 4. A script that ends reports its exit code. A script that exceeds `timeoutMs`, or whose
 *    `signal` aborts, is stopped: SIGTERM to its whole process tree (process group, sandbox or
 *    container), SIGKILL after `killGraceMs`; `runScript` resolves only once the tree is gone,
 *    with `timedOut` or `canceled` set. Processes a script leaves running in the background are
 *    killed when it ends. A failing script is an outcome, never an exception; `runScript` throws
 *    only for infrastructure faults (it could not start anything), as an AppError.
 * 5. `cleanup` releases everything `prepare` and `runScript` created (containers, networks,
 *    leftover processes). It is idempotent, never throws, and is safe after any failure,
 *    including a `prepare` that threw or was never called. It does not delete the job directory
 *    (runJob owns it).
 */
export interface Executor {
  /** 'shell' | 'sandbox' | 'docker', for the log and metrics. */
  readonly name: string;
  prepare(job: ExecutorJob, signal: AbortSignal): Promise<void>;
  runScript(run: ScriptRun): Promise<ScriptOutcome>;
  cleanup(): Promise<void>;
}

export interface ExecutorJob {
  jobId: number;
  /** The job's private directory (project checkout, HOME, temp files); absolute. */
  jobDir: string;
  /** CI_PROJECT_DIR, inside jobDir. */
  projectDir: string;
  image: ImageSpec | null;
  services: readonly ServiceSpec[];
  /** Writes a line to the job log (executor progress such as "Pulling image…"). */
  log(line: string): void;
}

export interface ScriptRun {
  /** What this script is, e.g. 'step_script', 'after_script', 'pre_get_sources_script'. */
  name: string;
  /** Absolute path of the bash script, inside the job directory. */
  scriptPath: string;
  cwd: string;
  env: Record<string, string>;
  /** Stop the script after this long; 0 = no limit. */
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL when stopping. */
  killGraceMs: number;
  signal: AbortSignal;
  onOutput(chunk: Uint8Array): void;
  /**
   * Host directories the script must be able to READ at the same absolute path, even where the
   * executor otherwise hides the host: the hosted repository's object directories when the
   * checkout's `.git` borrows them (objects/info/alternates). Without them `git log` in the job
   * fails. Read-only, and nothing else of a hidden directory comes with them. Empty or absent
   * for clone checkouts.
   */
  readOnlyPaths?: readonly string[];
}

export interface ScriptOutcome {
  /** The script's exit code; null when it was stopped by a signal, a timeout or a cancel. */
  exitCode: number | null;
  timedOut: boolean;
  canceled: boolean;
}
