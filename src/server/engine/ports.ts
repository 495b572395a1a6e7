import type { Project } from '../store/index.js';

/**
 * What the engine needs from git hosting, declared here (the consumer) and implemented by the
 * composition root over server/git. Every method takes the project so the implementation can
 * find its repository.
 */
export interface RepositoryAccess {
  /** A branch or tag name (or full ref, or sha) → the commit it points at; null when unknown. */
  resolveRef(project: Project, ref: string): Promise<{ sha: string; tag: boolean; ref: string } | null>;
  readFile(project: Project, sha: string, path: string): Promise<string | null>;
  listFiles(project: Project, sha: string): Promise<string[]>;
  hashFiles(project: Project, sha: string, paths: string[]): Promise<string | null>;
  /** Paths changed between two commits; null when there is nothing to compare. */
  changedPaths(project: Project, before: string, after: string): Promise<string[] | null>;
  commit(project: Project, sha: string): Promise<{ message: string; author: string; timestamp: string } | null>;
  /** How a runner fetches the repository for a job (URL with the job token, or a local path). */
  cloneUrl(project: Project, jobToken: string, runnerKind: 'embedded' | 'remote'): string;
}

/** Change notifications: wake long-polling runners and update live views. In-process fan-out. */
export interface EngineEvents {
  jobQueued(): void;
  runChanged(runId: number, projectId: number): void;
  /** `logOnly`: only the job's log grew (its status and other fields are as they were). */
  jobChanged(jobId: number, runId: number, logOnly?: boolean): void;
}

export const NO_EVENTS: EngineEvents = { jobQueued: () => undefined, runChanged: () => undefined, jobChanged: () => undefined };
