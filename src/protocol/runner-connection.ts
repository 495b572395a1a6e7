import type { Readable } from 'node:stream';
import type { ArtifactSpec, FailureReason, JobPayload } from './job-payload.js';

/**
 * How a runner talks to the server, whatever carries it: GitLab's runner API over HTTP for a
 * remote runner, direct calls for the embedded one. The verb order for one job is:
 *
 *   requestJob → (appendTrace | keepAlive)* → uploadArtifact* → finishJob
 *
 * `keepAlive` and `appendTrace` renew the job's lease and answer with the job's server-side
 * status: `canceling` or `canceled` tells the runner to stop the job. A job whose lease is not
 * renewed for the lease time is failed by the server with runner_system_failure.
 */
export interface RunnerConnection {
  /** Waits up to `waitMs` for a job; null when none came. */
  requestJob(options: { waitMs: number; signal?: AbortSignal }): Promise<JobPayload | null>;
  keepAlive(jobId: number, token: string): Promise<RemoteJobState>;
  /** Appends log bytes at `offset` (the current end of the log as the server holds it). */
  appendTrace(jobId: number, token: string, offset: number, data: Uint8Array): Promise<TraceResult>;
  uploadArtifact(jobId: number, token: string, spec: ArtifactSpec, archivePath: string): Promise<void>;
  /** The artifacts archive of job `dependencyId`, fetched with the depending job's token. */
  downloadArtifact(dependencyId: number, token: string): Promise<Readable | null>;
  finishJob(jobId: number, token: string, result: FinishedJob): Promise<void>;
  /**
   * Only for a runner in the same process as the repository host (the embedded runner): the path
   * of the job's bare repository on this disk, which the runner may then read directly instead of
   * cloning it (no git process per job). Null or absent for everything else: remote runners
   * receive only GitLab's payload and clone `git_info.repo_url`.
   */
  localRepository?(payload: JobPayload): string | null;
  /**
   * Only for the embedded runner: appends the job's last log bytes (at `log.offset`, the end of
   * the log as acknowledged so far) and finishes the job in one step, one transaction, as
   * appendTrace then finishJob would. Absent over HTTP, where GitLab's protocol has the two
   * requests.
   */
  finishJobWithLog?(jobId: number, token: string, result: FinishedJob, log: { offset: number; data: Uint8Array }): Promise<void>;
}

export interface RemoteJobState {
  /** The job's status on the server ('running', 'canceling', 'canceled', 'failed', …). */
  status: string;
}

export type TraceResult =
  | { ok: true; size: number; status: string }
  /** The server holds `size` bytes: resume from there. */
  | { ok: false; size: number; status: string };

export interface FinishedJob {
  state: 'success' | 'failed';
  failureReason?: FailureReason;
  exitCode?: number;
  /** Runnel extensions (GitLab computes these server-side from the log and the reports). */
  coverage?: number;
  dotenv?: Record<string, string>;
}

/** True when the server wants the job stopped. */
export function stopRequested(status: string): boolean {
  return status === 'canceling' || status === 'canceled' || status === 'failed' || status === 'success';
}
