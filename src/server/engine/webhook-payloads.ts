import type { Job, Project, Run, Runner, User } from '../store/index.js';
import { gitlabWhen } from './statuses.js';

/**
 * GitLab's webhook payloads for pipeline and job events (lib/gitlab/data_builder/pipeline.rb and
 * build.rb, doc/user/project/integrations/webhook_events.md). Pure. Hook timestamps use GitLab's
 * hook format "2016-08-12 15:23:28 UTC", not the API's ISO form.
 */
export function hookTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

const VISIBILITY_LEVEL = { private: 0, internal: 10, public: 20 } as const;

function hookUser(user: User | null) {
  return user ? { id: user.id, name: user.name, username: user.username, avatar_url: null, email: '[REDACTED]' } : null;
}

export function hookProject(project: Project, baseUrl: string) {
  const path = `${project.workspacePath}/${project.path}`;
  const host = new URL(baseUrl).host;
  return {
    id: project.id, name: project.name, description: project.description || null, web_url: `${baseUrl}/${path}`, avatar_url: null,
    git_ssh_url: `git@${host}:${path}.git`, git_http_url: `${baseUrl}/${path}.git`, namespace: project.workspaceName,
    visibility_level: VISIBILITY_LEVEL[project.visibility], path_with_namespace: path, default_branch: project.defaultBranch,
    ci_config_path: project.ciConfigPath || null,
  };
}

function seconds(from: number | null, to: number | null): number | null {
  return from === null || to === null ? null : Math.max(0, (to - from) / 1000);
}

function commitOf(run: Run, project: Project, baseUrl: string) {
  const vars = (run.context.predefined as Record<string, string> | undefined) ?? {};
  const author = /^(.*?)\s*<([^>]*)>$/.exec(vars.CI_COMMIT_AUTHOR ?? '');
  return {
    id: run.sha, message: vars.CI_COMMIT_MESSAGE ?? '', title: vars.CI_COMMIT_TITLE ?? '', timestamp: vars.CI_COMMIT_TIMESTAMP ?? null,
    url: `${baseUrl}/${project.workspacePath}/${project.path}/-/commit/${run.sha}`,
    author: { name: author?.[1] ?? null, email: author?.[2] ?? null },
  };
}

function hookRunner(runner: Runner | undefined | null) {
  return runner ? { id: runner.id, description: runner.description, runner_type: 'instance_type', active: !runner.paused, is_shared: true, tags: runner.tags } : null;
}

export interface PipelineHookInput {
  run: Run;
  project: Project;
  user: User | null;
  jobs: Job[];
  users: Map<number, User>;
  runners: Map<number, Runner>;
  archives: Map<number, { filename: string; size: number }>;
  detailedStatus: string;
  baseUrl: string;
}

/** The "Pipeline Hook" body. */
export function pipelineHookPayload(i: PipelineHookInput) {
  const { run, project, baseUrl } = i;
  const stages = [...new Map(i.jobs.map((j) => [j.stageIdx, j.stage])).entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: run.id, iid: run.iid, name: run.name, ref: run.ref, tag: run.tag, sha: run.sha, before_sha: run.beforeSha, source: run.source,
      status: run.status, detailed_status: i.detailedStatus, stages, created_at: hookTime(run.createdAt), finished_at: hookTime(run.finishedAt),
      duration: run.durationSeconds, queued_duration: run.queuedDurationSeconds || null,
      variables: run.variables.map((v) => ({ key: v.key, value: v.value })),
      url: `${baseUrl}/${project.workspacePath}/${project.path}/-/pipelines/${run.id}`,
    },
    merge_request: null,
    user: hookUser(i.user),
    project: hookProject(project, baseUrl),
    commit: commitOf(run, project, baseUrl),
    builds: i.jobs.filter((j) => j.kind === 'build').map((j) => ({
      id: j.id, stage: j.stage, name: j.name, status: j.status, created_at: hookTime(j.createdAt), started_at: hookTime(j.startedAt),
      finished_at: hookTime(j.finishedAt), duration: seconds(j.startedAt, j.finishedAt), queued_duration: seconds(j.queuedAt, j.startedAt),
      failure_reason: j.status === 'failed' ? (j.failureReason ?? 'unknown_failure') : null, when: gitlabWhen(j.when), manual: j.when === 'manual',
      allow_failure: j.allowFailure, user: hookUser(j.userId !== null ? i.users.get(j.userId) ?? null : null),
      runner: hookRunner(j.runnerId !== null ? i.runners.get(j.runnerId) : null),
      artifacts_file: i.archives.get(j.id) ?? { filename: null, size: null }, environment: null,
    })),
  };
}

export interface JobHookInput {
  job: Job;
  run: Run;
  project: Project;
  user: User | null;
  runner: Runner | null;
  baseUrl: string;
}

/** The "Job Hook" body (object_kind "build"). */
export function jobHookPayload(i: JobHookInput) {
  const { job, run, project, baseUrl } = i;
  const commit = commitOf(run, project, baseUrl);
  const hp = hookProject(project, baseUrl);
  return {
    object_kind: 'build', ref: run.ref, tag: run.tag, before_sha: run.beforeSha, sha: run.sha, retries_count: job.attempt - 1,
    build_id: job.id, build_name: job.name, build_stage: job.stage, build_status: job.status,
    build_created_at: hookTime(job.createdAt), build_started_at: hookTime(job.startedAt), build_finished_at: hookTime(job.finishedAt),
    build_created_at_iso: job.createdAt ? new Date(job.createdAt).toISOString() : null,
    build_started_at_iso: job.startedAt ? new Date(job.startedAt).toISOString() : null,
    build_finished_at_iso: job.finishedAt ? new Date(job.finishedAt).toISOString() : null,
    build_duration: seconds(job.startedAt, job.finishedAt), build_queued_duration: seconds(job.queuedAt, job.startedAt),
    build_allow_failure: job.allowFailure, build_failure_reason: job.failureReason ?? 'unknown_failure',
    pipeline_id: run.id, runner: hookRunner(i.runner), project_id: project.id, project_name: `${project.workspaceName} / ${project.name}`,
    user: hookUser(i.user),
    commit: {
      id: run.id, name: run.name, sha: run.sha, message: commit.message, author_name: commit.author.name, author_email: commit.author.email,
      author_url: null, status: run.status, duration: run.durationSeconds, started_at: hookTime(run.startedAt), finished_at: hookTime(run.finishedAt),
    },
    repository: { name: project.name, url: hp.git_ssh_url, description: hp.description, homepage: hp.web_url, git_http_url: hp.git_http_url, git_ssh_url: hp.git_ssh_url, visibility_level: hp.visibility_level },
    project: hp,
    environment: null,
  };
}
