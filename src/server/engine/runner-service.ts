import type { Readable } from 'node:stream';
import { AppError, type Logger } from '../../shared/index.js';
import type { FinishedJob, JobPayload, TraceResult } from '../../protocol/index.js';
import type { Job, Runner, Store } from '../store/index.js';
import type { Engine } from './engine.js';
import type { Notifier } from './notifier.js';

/** A parsed JUnit report as the engine keeps it (GitLab's test suite mapping). */
export interface TestReportParser {
  (xml: string): { ok: true; testCases: unknown[] } | { ok: false; error: string; testCases: unknown[] };
}

/**
 * The server side of the runner conversation, shared by the HTTP runner API and the embedded
 * runner's direct connection, so both obey the same rules: a job token speaks only for its own
 * job, and only while that job is running (or being canceled).
 */
export function createRunnerService(deps: { store: Store; engine: Engine; notifier: Notifier; logger: Logger; parseJUnit: TestReportParser }) {
  const { store, engine, notifier } = deps;
  // When each runner's contact was last written: a runner asking for work many times a second
  // (the embedded one between short jobs) need not write its runner row each time.
  const contactWritten = new Map<number, number>();
  const CONTACT_PRECISION_MS = 1_000;

  async function jobForToken(jobId: number, token: string, options: { allowFinished?: boolean } = {}): Promise<Job> {
    const job = await engine.jobByToken(token);
    if (!job || job.id !== jobId) throw new AppError('role_insufficient', '');
    if (!options.allowFinished && job.status !== 'running' && job.status !== 'canceling') {
      throw new AppError('state_conflict', 'Job is not processing on runner', { details: undefined });
    }
    return job;
  }

  return {
    jobForToken,
    /**
     * Long poll: claims a job at once if one is queued, else waits until one is queued (or
     * `waitMs` passes) and tries again.
     */
    async requestJob(runner: Runner, session: string, waitMs: number, signal?: AbortSignal): Promise<JobPayload | null> {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const version = notifier.queueVersion;
        const now = Date.now();
        if (now - (contactWritten.get(runner.id) ?? 0) >= CONTACT_PRECISION_MS) {
          contactWritten.set(runner.id, now);
          await store.runners.contacted(runner.id, now);
        }
        const claimed = await engine.requestJob(runner, session);
        if (claimed) return claimed.payload;
        const left = deadline - Date.now();
        if (left <= 0 || signal?.aborted) return null;
        await notifier.waitForQueue(version, left, signal);
      }
    },
    /** Undoes a claim whose payload never reached its runner: the job is pending again. */
    async releaseClaim(jobId: number, token: string): Promise<void> {
      const job = await engine.jobByToken(token);
      if (job && job.id === jobId) await engine.releaseClaim(job);
    },
    async keepAlive(jobId: number, token: string): Promise<{ status: string }> {
      const job = await engine.jobByToken(token);
      if (!job || job.id !== jobId) throw new AppError('role_insufficient', '');
      if (job.status === 'running' || job.status === 'canceling') await engine.renewLease(job);
      return { status: job.status };
    },
    async appendTrace(jobId: number, token: string, offset: number, data: Uint8Array): Promise<TraceResult> {
      // The status as read with the token, microseconds ago: a cancel shows at this append or the next.
      const job = await jobForToken(jobId, token);
      const r = await engine.appendLog(job, offset, data);
      return r.ok ? { ok: true, size: r.size, status: job.status } : { ok: false, size: r.size, status: job.status };
    },
    async uploadArtifact(jobId: number, token: string, input: { artifactType: string; artifactFormat: string; filename: string; expireIn: string | null; body: Readable }): Promise<void> {
      const job = await jobForToken(jobId, token);
      const artifact = await engine.storeArtifact(job, { fileType: input.artifactType, fileFormat: input.artifactFormat, filename: input.filename, expireIn: input.expireIn, body: input.body });
      if (input.artifactType === 'junit') {
        const [{ readFile }, { gunzipSync }] = await Promise.all([import('node:fs/promises'), import('node:zlib')]);
        const raw = await readFile(artifact.storagePath);
        let text: string;
        try { text = input.artifactFormat === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8'); } catch { text = ''; }
        // One gzip member per report file; split the concatenation back into documents.
        const documents = text.split(/(?=<\?xml)/).filter((d) => d.trim());
        const suites = documents.map((doc) => deps.parseJUnit(doc));
        const failure = suites.find((s) => !s.ok);
        await store.artifacts.putReport(job.id, 'junit', {
          testCases: suites.flatMap((s) => s.testCases),
          error: failure && !failure.ok ? failure.error : null,
        });
      }
    },
    /** The archive of job `dependencyId`, if `token`'s job may have it (same run). */
    async downloadArtifact(dependencyId: number, token: string): Promise<Readable | null> {
      const requester = await engine.jobByToken(token);
      const dependency = await store.jobs.byId(dependencyId);
      if (!requester || !dependency || (requester.id !== dependency.id && requester.runId !== dependency.runId && requester.projectId !== dependency.projectId)) {
        throw new AppError('role_insufficient', '');
      }
      const archive = (await store.artifacts.forJob(dependencyId)).find((a) => a.fileType === 'archive');
      return archive ? engine.openArtifact(archive) : null;
    },
    /** `log`: the job's last log bytes, appended in the same transaction (the embedded runner). */
    async finishJob(jobId: number, token: string, result: FinishedJob, log?: { offset: number; data: Uint8Array }): Promise<string> {
      const job = await engine.jobByToken(token);
      if (!job || job.id !== jobId) throw new AppError('role_insufficient', '');
      const done = await engine.finishJob(jobId, {
        state: result.state, failureReason: result.failureReason ?? null, exitCode: result.exitCode ?? null,
        coverage: result.coverage ?? null, dotenv: result.dotenv ?? null, ...(log && { log }),
      }, job.runId);
      return done ?? job.status;
    },
  };
}

export type RunnerService = ReturnType<typeof createRunnerService>;
