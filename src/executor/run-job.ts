import { writeFileSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FailureReason, JobPayload, JobStep } from '../protocol/index.js';
import { systemClock, type Clock, type Logger } from '../shared/index.js';
import type { CacheStore } from './cache-store.js';
import { extractCoverage } from './coverage.js';
import type { Executor, ExecutorJob, ScriptOutcome } from './executor.js';
import { gitCheckout } from './git-checkout.js';
import type { LocalRepository } from './local-checkout.js';
import { downloadDependencies, uploadArtifacts, type ArtifactTransfer } from './job-artifacts.js';
import { restoreCaches, saveCaches } from './job-cache.js';
import { makeJobDirs } from './job-dirs.js';
import { buildEnvironment, DEFAULT_PATH, secretsOf } from './job-environment.js';
import { JobLog, type LogSink } from './job-log.js';
import { errorLine, sectionEnd, sectionStart, successLine, warningLine, type SectionName } from './log-format.js';
import { buildBashScript } from './shell-script.js';
import { expandValue, variableLookup } from './variable-expansion.js';

export interface RunJobDeps {
  /** A fresh executor for this one job (see the Executor contract). */
  executor: Executor;
  log: LogSink;
  artifacts: ArtifactTransfer;
  cache: CacheStore;
  clock?: Clock;
  logger?: Logger;
  /**
   * The job's hosted repository on this machine, readable in-process (embedded runner): the
   * checkout is then written without starting git (see git-checkout.ts). Absent: git clone.
   */
  localRepository?: LocalRepository;
}

export interface RunJobOptions {
  /** Each job gets a fresh directory under this one (created if missing). */
  buildsRoot: string;
  /** Aborting cancels the job: the running script's tree is stopped, nothing else runs. */
  signal?: AbortSignal;
  /** Log size cap in bytes (0 = none). Default 4 MiB, gitlab-runner's output_limit default. */
  logLimitBytes?: number;
  /** after_script's own timeout. Default 5 minutes (gitlab-runner's RUNNER_AFTER_SCRIPT_TIMEOUT). */
  afterScriptTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when stopping a script. Default 10 s. */
  killGraceMs?: number;
  /** PATH inside the job. Default a standard system PATH (never the runner's). */
  path?: string;
  /** LANG inside the job. Default C.UTF-8. */
  lang?: string;
  /**
   * Keep the job directory after the job: for debugging, or for a caller that deletes it itself
   * (result.buildDir) once the job is reported. Default false: it is deleted before returning.
   */
  keepBuildDir?: boolean;
}

/** What a job came to. A failed job is an outcome, not an exception. */
export interface JobResult {
  status: 'success' | 'failed' | 'canceled';
  failureReason?: FailureReason;
  /** The failing script's exit code, when it exited by itself. */
  exitCode?: number;
  /** The job failed with an exit code listed in allow_failure_exit_codes (the engine decides). */
  allowedFailure?: boolean;
  coverage?: number;
  /** Variables from a valid dotenv report. */
  dotenv?: Record<string, string>;
  durationMs: number;
  /** Bytes appended to the log sink, and whether the size cap cut the log. */
  logBytes: number;
  logTruncated: boolean;
  /** The job's directory; already deleted unless keepBuildDir. */
  buildDir: string;
}

const DEFAULT_LOG_LIMIT = 4 * 1024 * 1024;

type Phase = { ok: true } | { ok: false; reason: FailureReason | 'canceled'; exitCode?: number; message: string };

/**
 * Runs one job payload start to finish, the way gitlab-runner orders it:
 *   prepare_executor → get_sources (pre_get_sources_script, git checkout) → restore_cache →
 *   download_artifacts → step_script (before_script + script, one shell) → after_script (own
 *   shell, always, never fails the job) → archive_cache → upload_artifacts_on_success|failure
 * then cleanup (always) and the final status line. The job timeout (runner_info.timeout) covers
 * everything up to the end of the script; after_script has its own timeout. Cancel (the signal)
 * stops whatever runs and skips the rest, except cleanup.
 * Never throws for job failures; throws only when the builds root itself cannot be used.
 */
export async function runJob(payload: JobPayload, deps: RunJobDeps, options: RunJobOptions): Promise<JobResult> {
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const killGraceMs = options.killGraceMs ?? 10_000;
  const cancelSignal = options.signal ?? new AbortController().signal;
  const executor = deps.executor;
  const log = new JobLog(deps.log, {
    secrets: secretsOf(payload.variables, [payload.token]),
    limitBytes: options.logLimitBytes ?? DEFAULT_LOG_LIMIT,
  });
  const write = (text: string) => log.write(text);
  const unix = () => Math.floor(clock.now() / 1000);
  const section = async <T>(name: SectionName, header: string, body: () => Promise<T>): Promise<T> => {
    write(sectionStart(name, unix(), header));
    try {
      return await body();
    } finally {
      log.ensureNewline();
      write(sectionEnd(name, unix()));
    }
  };

  // The job timeout and cancel both stop the main phases; only cancel stops after_script.
  const timeoutMs = payload.runner_info.timeout > 0 ? payload.runner_info.timeout * 1000 : 0;
  const deadline = timeoutMs > 0 ? startedAt + timeoutMs : Number.POSITIVE_INFINITY;
  const stopMain = new AbortController();
  let timedOut = false;
  const onCancel = () => stopMain.abort();
  cancelSignal.addEventListener('abort', onCancel, { once: true });
  if (cancelSignal.aborted) stopMain.abort();
  const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; stopMain.abort(); }, timeoutMs) : undefined;
  const remainingMs = () => (Number.isFinite(deadline) ? Math.max(1, deadline - clock.now()) : 0);
  const stopped = (): Phase | null => {
    if (timedOut) return { ok: false, reason: 'job_execution_timeout', message: `execution took longer than ${payload.runner_info.timeout} seconds` };
    if (cancelSignal.aborted) return { ok: false, reason: 'canceled', message: 'canceled' };
    return null;
  };

  const { jobDir, projectDir, homeDir, tmpDir } = await makeJobDirs(options.buildsRoot, payload.id);
  const hostPath = process.env.PATH ?? DEFAULT_PATH;
  // git and helpers run on the host, with the runner's PATH but nothing else of its environment.
  const gitEnv: Record<string, string> = {
    PATH: hostPath, HOME: homeDir, LANG: options.lang ?? 'C.UTF-8',
    GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1',
  };

  let phase: Phase = { ok: true };
  let afterStatus: 'success' | 'failed' | 'canceled' = 'success';
  let dotenv: Record<string, string> | undefined;
  let env: Record<string, string> = {};
  let scriptCounter = 0;
  // Set by an in-process checkout: the hosted object directories the job's .git borrows.
  let readOnlyPaths: readonly string[] = [];

  const runScript = async (name: string, commands: readonly string[], scriptEnv: Record<string, string>, limitMs: number, signal: AbortSignal): Promise<ScriptOutcome> => {
    const scriptPath = join(tmpDir, `script-${++scriptCounter}-${name}.sh`);
    writeFileSync(scriptPath, buildBashScript({ commands, cwd: projectDir }), { mode: 0o700 });
    return executor.runScript({
      name, scriptPath, cwd: projectDir, env: scriptEnv, timeoutMs: limitMs, killGraceMs, signal, readOnlyPaths,
      onOutput: (chunk) => log.write(chunk),
    });
  };
  const scriptPhase = (outcome: ScriptOutcome): Phase => {
    const stop = stopped();
    if (stop) return stop;
    if (outcome.timedOut) return { ok: false, reason: 'job_execution_timeout', message: `execution took longer than ${payload.runner_info.timeout} seconds` };
    if (outcome.exitCode === 0) return { ok: true };
    return { ok: false, reason: 'script_failure', exitCode: outcome.exitCode ?? undefined, message: `exit code ${outcome.exitCode ?? 'unknown'}` };
  };
  const guarded = async (body: () => Promise<Phase>): Promise<Phase> => {
    const stop = stopped();
    if (stop) return stop;
    try {
      return await body();
    } catch (error) {
      deps.logger?.error({ jobId: payload.id, err: error }, 'job phase failed');
      return stopped() ?? { ok: false, reason: 'runner_system_failure', message: (error as Error).message };
    }
  };

  try {
    write(`Running with runnel (executor: ${executor.name})\n`);

    phase = await section('prepare_executor', `Preparing the "${executor.name}" executor`, () => guarded(async () => {
      const job: ExecutorJob = {
        jobId: payload.id, jobDir, projectDir, image: payload.image, services: payload.services,
        log: (line) => write(line),
      };
      await executor.prepare(job, stopMain.signal);
      // File-type variables: the value goes to a private file, the variable holds its path.
      const filePaths = new Map<string, string>();
      for (const v of payload.variables) {
        if (!v.file) continue;
        const path = join(tmpDir, v.key.replace(/[^A-Za-z0-9_]/g, '_'));
        await writeFile(path, v.value, { mode: 0o600 });
        await chmod(path, 0o600);
        filePaths.set(v.key, path);
      }
      env = buildEnvironment({
        variables: payload.variables, filePaths, path: options.path ?? DEFAULT_PATH, home: homeDir,
        lang: options.lang ?? 'C.UTF-8', projectDir, buildsDir: jobDir,
      });
      return { ok: true };
    }));

    if (phase.ok) {
      phase = await section('get_sources', 'Getting source from Git repository', () => guarded(async () => {
        const pre = payload.hooks.find((h) => h.name === 'pre_get_sources_script');
        const preRuns = pre !== undefined && pre.script.length > 0;
        if (pre && preRuns) {
          const outcome = await runScript('pre_get_sources_script', pre.script, { ...env, CI_JOB_STATUS: 'running' }, remainingMs(), stopMain.signal);
          const result = scriptPhase(outcome);
          if (!result.ok) return result;
        }
        const strategy = env.GIT_STRATEGY ?? 'fetch';
        if (strategy === 'none' || strategy === 'empty') {
          write(`Skipping Git repository setup (GIT_STRATEGY=${strategy})\n`);
        } else {
          const checkout = await gitCheckout({
            git: payload.git_info, projectDir, env: gitEnv, log: write, signal: stopMain.signal,
            timeoutMs: remainingMs(), killGraceMs, projectDirIsNew: !preRuns,
            ...(deps.localRepository && { local: deps.localRepository }), ...(deps.logger && { logger: deps.logger }),
          });
          if (!checkout.ok) {
            return stopped() ?? (checkout.reason === 'timeout'
              ? { ok: false, reason: 'job_execution_timeout', message: checkout.message }
              : { ok: false, reason: 'runner_system_failure', message: checkout.message });
          }
          readOnlyPaths = checkout.objectDirs ?? [];
        }
        const post = payload.hooks.find((h) => h.name === 'post_get_sources_script');
        if (post && post.script.length > 0) {
          return scriptPhase(await runScript('post_get_sources_script', post.script, { ...env, CI_JOB_STATUS: 'running' }, remainingMs(), stopMain.signal));
        }
        return { ok: true };
      }));
    }

    // Problems preparing the environment that GitLab only warns about (a cache that does not
    // extract, a dependency whose artifacts are gone); with RUNNEL_FAIL_ON_PREPARE_WARNING=true
    // (Buddy's fail_on_prepare_env_warning) they fail the job before its script runs.
    const prepareWarnings: string[] = [];
    const warn = (message: string) => { prepareWarnings.push(message); };
    const cacheCtx = { store: deps.cache, projectDir, tmpDir, gitEnv, log: write, warn };
    if (phase.ok && payload.cache.length > 0) {
      phase = await section('restore_cache', 'Restoring cache', () => guarded(async () => {
        await restoreCaches(payload.cache, env.CACHE_FALLBACK_KEY, cacheCtx);
        return { ok: true };
      }));
    }

    const lookup = () => variableLookup(Object.entries(env).map(([key, value]) => ({ key, value })));
    const artifactCtx = () => ({
      transfer: deps.artifacts, projectDir, tmpDir, gitEnv, log: write, warn,
      expand: (text: string) => expandValue(text, lookup()),
    });
    if (phase.ok && payload.dependencies.some((d) => d.artifacts_file)) {
      phase = await section('download_artifacts', 'Downloading artifacts', () => guarded(async () => {
        const got = await downloadDependencies(payload.dependencies, artifactCtx());
        return got.ok ? { ok: true } : { ok: false, reason: got.reason, message: got.message };
      }));
    }

    if (phase.ok && prepareWarnings.length > 0 && env.RUNNEL_FAIL_ON_PREPARE_WARNING === 'true') {
      phase = { ok: false, reason: 'unmet_prerequisites', message: `the environment was prepared with warnings (${prepareWarnings.join('; ')}) and RUNNEL_FAIL_ON_PREPARE_WARNING is set` };
    }

    for (const step of payload.steps.filter((s) => s.name !== 'after_script')) {
      if (!stepShouldRun(step, phase.ok)) continue;
      const name = `step_${step.name}` as SectionName;
      phase = await section(name, `Executing "${name}" stage of the job script`, () => guarded(async () => {
        const limit = Math.min(...[remainingMs(), step.timeout > 0 ? step.timeout * 1000 : 0].filter((n) => n > 0));
        const outcome = await runScript(name, step.script, { ...env, CI_JOB_STATUS: 'running' }, Number.isFinite(limit) ? limit : 0, stopMain.signal);
        log.flush();
        return scriptPhase(outcome);
      }));
    }
    if (timer) clearTimeout(timer);
    afterStatus = phase.ok ? 'success' : phase.reason === 'canceled' ? 'canceled' : 'failed';

    const after = payload.steps.find((s) => s.name === 'after_script');
    if (after && after.script.length > 0 && !cancelSignal.aborted && Object.keys(env).length > 0) {
      await section('after_script', 'Running after_script', async () => {
        write('Running after script...\n');
        try {
          const outcome = await runScript('after_script', after.script, { ...env, CI_JOB_STATUS: afterStatus }, options.afterScriptTimeoutMs ?? 300_000, cancelSignal);
          log.flush();
          if (outcome.timedOut) write(warningLine('after_script timed out, but job will continue unaffected'));
          else if (outcome.exitCode !== 0 && !outcome.canceled) write(warningLine(`after_script failed, but job will continue unaffected: exit code ${outcome.exitCode ?? 'unknown'}`));
        } catch (error) {
          write(warningLine(`after_script could not run: ${(error as Error).message}`));
        }
      });
    }

    if (!cancelSignal.aborted && payload.cache.length > 0 && (phase.ok || phase.reason !== 'runner_system_failure')) {
      const name: SectionName = phase.ok ? 'archive_cache' : 'archive_cache_on_failure';
      await section(name, 'Saving cache', () => saveCaches(payload.cache, phase.ok, cacheCtx));
    }

    if (!cancelSignal.aborted && payload.artifacts.length > 0) {
      const name: SectionName = phase.ok ? 'upload_artifacts_on_success' : 'upload_artifacts_on_failure';
      const uploaded = await section(name, 'Uploading artifacts for ' + (phase.ok ? 'successful' : 'failed') + ' job', async () => {
        try {
          return await uploadArtifacts(payload.artifacts, phase.ok, artifactCtx());
        } catch (error) {
          return { ok: false, message: (error as Error).message };
        }
      });
      dotenv = uploaded.dotenv;
      if (!uploaded.ok && phase.ok && !cancelSignal.aborted) phase = { ok: false, reason: 'api_failure', message: uploaded.message ?? 'artifact upload failed' };
    }
  } finally {
    if (timer) clearTimeout(timer);
    cancelSignal.removeEventListener('abort', onCancel);
    await executor.cleanup().catch((error: unknown) => deps.logger?.warn({ jobId: payload.id, err: error }, 'executor cleanup failed'));
    if (!options.keepBuildDir) await rm(jobDir, { recursive: true, force: true }).catch(() => undefined);
  }

  if (cancelSignal.aborted && !timedOut) phase = { ok: false, reason: 'canceled', message: 'canceled' };
  log.ensureNewline();
  if (phase.ok) write(successLine('Job succeeded'));
  else write(errorLine(`Job failed: ${phase.message}`));
  await log.close();

  const result: JobResult = {
    status: phase.ok ? 'success' : phase.reason === 'canceled' ? 'canceled' : 'failed',
    durationMs: clock.now() - startedAt,
    logBytes: log.bytes,
    logTruncated: log.truncated,
    buildDir: jobDir,
  };
  if (!phase.ok && phase.reason !== 'canceled') {
    result.failureReason = phase.reason;
    if (phase.exitCode !== undefined) {
      result.exitCode = phase.exitCode;
      result.allowedFailure = (payload.allow_failure_exit_codes ?? []).includes(phase.exitCode);
    }
  }
  const coverage = extractCoverage(log.text(), payload.coverage_regex);
  if (coverage !== null) result.coverage = coverage;
  if (dotenv) result.dotenv = dotenv;
  return result;
}

function stepShouldRun(step: JobStep, succeeded: boolean): boolean {
  if (step.when === 'always') return true;
  return step.when === 'on_failure' ? !succeeded : succeeded;
}
