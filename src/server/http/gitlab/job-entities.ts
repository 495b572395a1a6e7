import { isoTime } from '../../../shared/index.js';
import { gitlabWhen } from '../../engine/index.js';
import type { PlanJob } from '../../../pipeline/index.js';
import type { Artifact, Job, Project, Run, Runner, Store, User } from '../../store/index.js';
import { userBasic } from './entities.js';
import { detailedStatus, pipelineBasic, projectPath } from './pipeline-entities.js';

/** Everything a page of jobs refers to, loaded once per page rather than once per job. */
export interface JobLookups {
  runs: Map<number, Run>;
  users: Map<number, User>;
  runners: Map<number, Runner>;
  artifacts: Map<number, Artifact[]>;
  children: Map<number, Run>;
}

export async function loadJobLookups(store: Store, jobs: Job[], options: { bridges?: boolean } = {}): Promise<JobLookups> {
  const runs = new Map<number, Run>();
  for (const id of new Set(jobs.map((j) => j.runId))) { const r = await store.runs.byId(id); if (r) runs.set(id, r); }
  const userIds = new Set<number>();
  for (const j of jobs) if (j.userId !== null) userIds.add(j.userId);
  for (const r of runs.values()) if (r.userId !== null) userIds.add(r.userId);
  const users = new Map<number, User>();
  for (const id of userIds) { const u = await store.users.byId(id); if (u) users.set(id, u); }
  const runners = new Map<number, Runner>();
  for (const id of new Set(jobs.map((j) => j.runnerId).filter((x): x is number => x !== null))) { const r = await store.runners.byId(id); if (r) runners.set(id, r); }
  const artifacts = new Map<number, Artifact[]>();
  for (const a of await store.artifacts.forJobs(jobs.map((j) => j.id))) artifacts.set(a.jobId, [...(artifacts.get(a.jobId) ?? []), a]);
  const children = new Map<number, Run>();
  if (options.bridges) {
    for (const run of runs.values()) for (const child of await store.runs.childrenOf(run.id)) if (child.parentJobId !== null) children.set(child.parentJobId, child);
  }
  return { runs, users, runners, artifacts, children };
}

function seconds(from: number | null, to: number | null): number | null {
  return from === null || to === null ? null : Math.max(0, (to - from) / 1000);
}

/** GitLab's Commit entity from what the run recorded of its commit (CI_COMMIT_* at compile time). */
export function commitEntity(run: Run, project: Project, baseUrl: string) {
  const vars = (run.context.predefined as Record<string, string> | undefined) ?? {};
  const author = /^(.*?)\s*<([^>]*)>$/.exec(vars.CI_COMMIT_AUTHOR ?? '');
  const when = vars.CI_COMMIT_TIMESTAMP ?? isoTime(run.committedAt) ?? null;
  const message = vars.CI_COMMIT_MESSAGE ?? '';
  return {
    id: run.sha, short_id: run.sha.slice(0, 8), created_at: when, parent_ids: [] as string[],
    title: vars.CI_COMMIT_TITLE ?? message.split('\n')[0] ?? '', message,
    author_name: author?.[1] ?? null, author_email: author?.[2] ?? null, authored_date: when,
    committer_name: author?.[1] ?? null, committer_email: author?.[2] ?? null, committed_date: when,
    trailers: {}, extended_trailers: {}, web_url: `${baseUrl}/${projectPath(project)}/-/commit/${run.sha}`,
  };
}

export function runnerBasic(runner: Runner) {
  return {
    id: runner.id, description: runner.description, ip_address: null, active: !runner.paused, paused: runner.paused,
    is_shared: true, runner_type: 'instance_type', name: runner.kind === 'embedded' ? 'runnel-embedded' : 'gitlab-runner',
    online: runner.contactedAt !== null && Date.now() - runner.contactedAt < 120_000,
    status: runnerStatus(runner),
  };
}

export function runnerStatus(runner: Runner): string {
  if (runner.paused) return 'paused';
  if (runner.contactedAt === null) return 'never_contacted';
  if (Date.now() - runner.contactedAt < 120_000) return 'online';
  if (Date.now() - runner.contactedAt > 7 * 86_400_000) return 'stale';
  return 'offline';
}

function common(job: Job, project: Project, lookups: JobLookups, baseUrl: string) {
  const run = lookups.runs.get(job.runId)!;
  const user = job.userId !== null ? lookups.users.get(job.userId) : run.userId !== null ? lookups.users.get(run.userId) : undefined;
  return {
    id: job.id, status: job.status, stage: job.stage, name: job.name, ref: run.ref, tag: run.tag, coverage: job.coverage,
    allow_failure: job.allowFailure, created_at: isoTime(job.createdAt), started_at: isoTime(job.startedAt),
    finished_at: isoTime(job.finishedAt), erased_at: isoTime(job.erasedAt),
    duration: job.startedAt === null ? null : seconds(job.startedAt, job.finishedAt ?? Date.now()),
    queued_duration: job.queuedAt === null ? null : seconds(job.queuedAt, job.startedAt ?? Date.now()),
    user: user ? { ...userBasic(user, baseUrl), created_at: isoTime(user.createdAt), bio: '', location: '', public_email: null, linkedin: '', twitter: '', discord: '', website_url: '', organization: '', job_title: '', pronouns: null, bot: false, work_information: null, followers: 0, following: 0, local_time: null } : null,
    commit: commitEntity(run, project, baseUrl),
    pipeline: pipelineBasic(run, project, baseUrl),
    ...(job.status === 'failed' && { failure_reason: job.failureReason ?? 'unknown_failure' }),
    web_url: `${baseUrl}/${projectPath(project)}/-/jobs/${job.id}`,
    project: { ci_job_token_scope_enabled: false },
  };
}

/**
 * GitLab's Job entity (lib/api/entities/ci/job.rb) plus Runnel's `needs`: the names of the jobs
 * this one needs, null when it runs by stage order (the web UI draws the DAG from it).
 */
export function jobEntity(job: Job, project: Project, lookups: JobLookups, baseUrl: string) {
  const artifacts = (lookups.artifacts.get(job.id) ?? []);
  const archive = artifacts.find((a) => a.fileType === 'archive');
  const runner = job.runnerId !== null ? lookups.runners.get(job.runnerId) : undefined;
  const spec = job.spec as unknown as Partial<PlanJob>;
  const expireAt = archive?.expireAt ?? null;
  return {
    ...common(job, project, lookups, baseUrl),
    ...(archive && { artifacts_file: { filename: archive.filename, size: archive.size } }),
    artifacts: artifacts.map((a) => ({ file_type: a.fileType, size: a.size, filename: a.filename, file_format: a.fileFormat })),
    runner: runner ? runnerBasic(runner) : null,
    runner_manager: null,
    artifacts_expire_at: isoTime(expireAt),
    archived: false,
    tag_list: [...job.tags].sort(),
    needs: Array.isArray(spec.needs) ? spec.needs.map((n) => n.job) : null,
    when: gitlabWhen(job.when),
  };
}

/** GitLab's Bridge entity: a trigger job and the child pipeline it started. */
export function bridgeEntity(job: Job, project: Project, lookups: JobLookups, baseUrl: string) {
  const child = lookups.children.get(job.id);
  return {
    ...common(job, project, lookups, baseUrl),
    downstream_pipeline: child ? pipelineBasic(child, project, baseUrl) : null,
  };
}

export function jobDetailedStatus(job: Job, project: Project) {
  return detailedStatus(job.status, job.allowFailure && job.status === 'failed', `/${projectPath(project)}/-/jobs/${job.id}`, true);
}
