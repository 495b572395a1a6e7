
import { AppError, type Logger } from '../shared/index.js';
import { stopRequested, type FinishedJob, type JobPayload, type RunnerConnection } from '../protocol/index.js';
import { createGitObjectReaders, runJob, startSpawnHelper, type CacheStore, type Executor, type GitObjectReaders, type JobResult } from '../executor/index.js';
import { createBuildDirTrash } from './build-dir-trash.js';
import { createTraceUploader } from './trace-uploader.js';

export interface RunnerOptions {
  connection: RunnerConnection;
  /** A fresh executor per job. */
  executorFor(payload: JobPayload): Executor;
  cache: CacheStore;
  buildsRoot: string;
  /** Jobs run at once. */
  concurrency: number;
  logger: Logger;
  /** How long one job request waits for work (long poll). */
  pollWaitMs?: number;
  /** How often a running job renews its lease and asks whether it was canceled. */
  keepAliveMs?: number;
  /** Log cap per job. */
  logLimitBytes?: number;
  /**
   * Leave finished jobs' directories where they are: the caller deletes the builds root itself,
   * as `runnel run` deletes its whole data directory once it has exited. Otherwise each is
   * taken aside when its job is reported and deleted soon after (build-dir-trash.ts).
   */
  leaveBuilds?: boolean;
  /**
   * The pool of object readers the in-process checkout uses (default: a new one). Given, its
   * readers may already be open (`runnel run` opens its repository's while it creates the run);
   * the runner closes it when it stops either way.
   */
  objectReaders?: GitObjectReaders;
  killGraceMs?: number;
}

/**
 * The runner: `concurrency` workers, each polling for a job, running it with an executor,
 * streaming its log, renewing its lease, stopping it when the server says so, and reporting how
 * it ended. The same code runs embedded in `runnel serve` and as `runnel runner` elsewhere.
 * When the connection says where a job's repository is on this disk (embedded), the runner's
 * object readers (one `git cat-file --batch` per repository, shared by all its jobs) serve the
 * in-process checkout; they close when idle and when the runner stops.
 */
export function createRunner(options: RunnerOptions) {
  const stop = new AbortController();
  const running = new Set<AbortController>();
  // Job directories are deleted after their job was reported (stop() waits for them).
  const trash = options.leaveBuilds ? null : createBuildDirTrash(options.buildsRoot, { logger: options.logger });
  let workers: Promise<void>[] = [];
  const log = options.logger;
  let readers: GitObjectReaders | null = options.objectReaders ?? null;
  const objectReaders = () => (readers ??= createGitObjectReaders());

  async function worker(index: number): Promise<void> {
    let backoffMs = 100;
    while (!stop.signal.aborted) {
      let payload: JobPayload | null = null;
      try {
        payload = await options.connection.requestJob({ waitMs: options.pollWaitMs ?? 30_000, signal: stop.signal });
        backoffMs = 100;
      } catch (error) {
        if (stop.signal.aborted) break;
        log.warn({ err: error, worker: index }, 'job request failed');
        await sleep(backoffMs, stop.signal);
        backoffMs = Math.min(backoffMs * 2, 10_000);
        continue;
      }
      if (!payload) continue;
      await execute(payload);
    }
  }

  async function execute(payload: JobPayload): Promise<void> {
    const jobLog = log.child({ jobId: payload.id });
    const controller = new AbortController();
    running.add(controller);
    const conn = options.connection;
    const watch = (status: string) => { if (stopRequested(status)) controller.abort(); };
    const trace = createTraceUploader({
      send: (offset, data) => conn.appendTrace(payload.id, payload.token, offset, data),
      onStatus: watch,
      onError: (error) => jobLog.warn({ err: error }, 'log upload failed'),
    });
    const sink = {
      append(chunk: Uint8Array): number {
        trace.append(chunk);
        return chunk.length;
      },
    };
    const keepAlive = setInterval(() => {
      conn.keepAlive(payload.id, payload.token).then((s) => watch(s.status), (error: unknown) => jobLog.warn({ err: error }, 'keep-alive failed'));
    }, options.keepAliveMs ?? 10_000);
    let result: JobResult | null = null;
    try {
      const gitDir = conn.localRepository?.(payload) ?? null;
      result = await runJob(payload, {
        executor: options.executorFor(payload),
        log: sink,
        artifacts: {
          download: async (dependency) => {
            const stream = await conn.downloadArtifact(dependency.id, payload.token);
            if (!stream) throw new AppError('not_found', `artifacts of job ${dependency.id} not found`);
            return stream;
          },
          upload: (spec, archivePath) => conn.uploadArtifact(payload.id, payload.token, spec, archivePath),
        },
        cache: options.cache,
        logger: jobLog,
        ...(gitDir !== null && { localRepository: { gitDir, readers: objectReaders() } }),
      }, {
        // The job's directory is deleted below, once the job is reported: no job ends later for it.
        buildsRoot: options.buildsRoot, signal: controller.signal, keepBuildDir: true,
        ...(options.logLimitBytes !== undefined && { logLimitBytes: options.logLimitBytes }),
        ...(options.killGraceMs !== undefined && { killGraceMs: options.killGraceMs }),
      });
    } catch (error) {
      jobLog.error({ err: error }, 'job crashed in the runner');
    } finally {
      clearInterval(keepAlive);
      running.delete(controller);
    }
    // The log's last bytes go with the finish where the connection can take both at once.
    const rest = conn.finishJobWithLog ? await trace.takeRest() : (await trace.drained(), null);
    const finish = (outcome: FinishedJob) => (rest && conn.finishJobWithLog
      ? conn.finishJobWithLog(payload.id, payload.token, outcome, rest)
      : conn.finishJob(payload.id, payload.token, outcome));
    try {
      if (!result) {
        await finish({ state: 'failed', failureReason: 'runner_system_failure' });
      } else if (result.status !== 'canceled') {
        await finish({
          state: result.status, ...(result.failureReason && { failureReason: result.failureReason }),
          ...(result.exitCode !== undefined && { exitCode: result.exitCode }),
          ...(result.coverage !== undefined && { coverage: result.coverage }),
          ...(result.dotenv && { dotenv: result.dotenv }),
        });
      } else {
        // Canceled by the server: tell it the job has stopped so `canceling` becomes `canceled`.
        await finish({ state: 'failed', failureReason: stop.signal.aborted ? 'runner_system_failure' : 'unknown_failure' });
      }
    } catch (error) {
      jobLog.error({ err: error }, 'job result could not be reported');
    }
    if (result) trash?.discard(result.buildDir);
  }

  return {
    start(): void {
      if (workers.length) return;
      startSpawnHelper();
      workers = Array.from({ length: options.concurrency }, (_, i) => worker(i));
    },
    /**
     * Stops polling; running jobs are canceled when `cancelRunning`, else awaited. Finished jobs'
     * directories are deleted before it returns (unless the runner leaves them: `leaveBuilds`).
     */
    async stop({ cancelRunning = true }: { cancelRunning?: boolean } = {}): Promise<void> {
      stop.abort();
      if (cancelRunning) for (const c of running) c.abort();
      await Promise.all(workers);
      await trash?.flush();
      workers = [];
      await readers?.close();
    },
    get busy(): number { return running.size; },
  };
}

export type Runner = ReturnType<typeof createRunner>;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

