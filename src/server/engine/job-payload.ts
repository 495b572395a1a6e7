import { isoTime } from '../../shared/index.js';
import type { PlanCache, PlanJob, PlanVariable, ContextVariable } from '../../pipeline/index.js';
import type { ArtifactSpec, CacheSpec, JobDependency, JobPayload, JobVariable } from '../../protocol/index.js';
import { FAILURE_REASONS } from '../../protocol/index.js';
import type { Artifact, DependencyJob, Job, Project, Run, Runner } from '../store/index.js';

export interface PayloadInput {
  job: Job;
  run: Run;
  project: Project;
  runner: Runner;
  jobToken: string;
  repoUrl: string;
  baseUrl: string;
  /** Pipeline-level predefined and global YAML variables kept when the run was compiled. */
  pipelinePredefined: Record<string, string>;
  /** Project/group CI/CD variables for this run's ref. */
  projectVariables: Record<string, ContextVariable>;
  /** Jobs whose artifacts this job receives, with their archives and dotenv variables. */
  dependencies: Array<{ job: DependencyJob; token: string; archive: Artifact | null }>;
  /** The cache key namespace: scope and generation (clearing a cache bumps the generation). */
  cacheNamespace: string;
  now: number;
}

function plainVar(key: string, value: string): JobVariable {
  return { key, value, public: true, masked: false };
}

function yamlVar(key: string, v: PlanVariable): JobVariable {
  return { key, value: v.value, public: true, masked: false, ...(v.expand === false && { raw: true }) };
}

/**
 * Builds the job payload a runner receives (GitLab's job request response). Variables are listed
 * lowest precedence first — the runner lets a later entry win — in GitLab's order: predefined,
 * YAML (global then job, as the compiler merged them), dotenv of dependencies, project/group
 * CI/CD variables, run variables.
 */
export function buildJobPayload(input: PayloadInput): JobPayload {
  const { job, run, project, runner } = input;
  const spec = job.spec as unknown as PlanJob;
  const fullPath = `${project.workspacePath}/${project.path}`;
  const jobUrl = `${input.baseUrl}/${fullPath}/-/jobs/${job.id}`;
  const variables: JobVariable[] = [];
  for (const [k, v] of Object.entries(input.pipelinePredefined)) variables.push(plainVar(k, v));
  for (const [k, v] of Object.entries(spec.predefinedVariables ?? {})) variables.push(plainVar(k, v));
  const jobSpecific: Record<string, string> = {
    CI_JOB_ID: String(job.id), CI_JOB_URL: jobUrl, CI_JOB_STARTED_AT: isoTime(job.startedAt ?? input.now)!,
    CI_JOB_STATUS: 'running', CI_RUNNER_ID: String(runner.id), CI_RUNNER_DESCRIPTION: runner.description,
    CI_RUNNER_TAGS: JSON.stringify(runner.tags), CI_SERVER: 'yes', CI_REGISTRY: '', CI_JOB_TIMEOUT: String(timeoutOf(spec, project, runner)),
    CI_PIPELINE_CREATED_AT: isoTime(run.createdAt)!, CI_PROJECT_ID: String(project.id),
  };
  for (const [k, v] of Object.entries(jobSpecific)) variables.push(plainVar(k, v));
  variables.push({ key: 'CI_JOB_TOKEN', value: input.jobToken, public: false, masked: true });
  for (const [k, v] of Object.entries(spec.variables ?? {})) variables.push(yamlVar(k, v));
  for (const dep of input.dependencies) {
    for (const [k, v] of Object.entries(dep.job.dotenv ?? {})) variables.push(plainVar(k, v));
  }
  for (const [k, v] of Object.entries(input.projectVariables)) {
    variables.push({ key: k, value: v.value, public: false, masked: v.masked ?? false, ...(v.file && { file: true }), ...(v.raw && { raw: true }) });
  }
  for (const v of run.variables) {
    variables.push({ key: v.key, value: v.value, public: false, masked: false, ...(v.variable_type === 'file' && { file: true }) });
  }

  const timeout = timeoutOf(spec, project, runner);
  const depth = Number(lastValue(variables, 'GIT_DEPTH') ?? 20);
  // GitLab sends every branch and tag for a full clone (depth 0); Runnel does when asked with
  // GIT_FETCH_ALL_REFS=true (Buddy's fetch_all_refs), and otherwise only the run's own ref.
  const refspecs = lastValue(variables, 'GIT_FETCH_ALL_REFS') === 'true'
    ? ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']
    : run.tag
      ? [`+refs/tags/${run.ref}:refs/tags/${run.ref}`]
      : [`+refs/heads/${run.ref}:refs/remotes/origin/${run.ref}`];
  const artifacts: ArtifactSpec[] = [];
  if (spec.artifacts && (spec.artifacts.paths.length > 0 || spec.artifacts.untracked)) {
    artifacts.push({
      name: spec.artifacts.name ?? 'artifacts', untracked: spec.artifacts.untracked, paths: spec.artifacts.paths,
      exclude: spec.artifacts.exclude, when: spec.artifacts.when, expire_in: spec.artifacts.expireIn,
      artifact_type: 'archive', artifact_format: 'zip',
    });
  }
  const reportWhen = 'always' as const;
  if (spec.reports?.junit?.length) {
    artifacts.push({ name: 'junit.xml.gz', untracked: false, paths: spec.reports.junit, when: reportWhen, expire_in: spec.artifacts?.expireIn ?? null, artifact_type: 'junit', artifact_format: 'gzip' });
  }
  if (spec.reports?.dotenv?.length) {
    artifacts.push({ name: '.env.gz', untracked: false, paths: spec.reports.dotenv, when: reportWhen, expire_in: spec.artifacts?.expireIn ?? null, artifact_type: 'dotenv', artifact_format: 'gzip' });
  }
  if (spec.reports?.coverageReport) {
    artifacts.push({ name: 'coverage.xml.gz', untracked: false, paths: [spec.reports.coverageReport.path], when: reportWhen, expire_in: spec.artifacts?.expireIn ?? null, artifact_type: spec.reports.coverageReport.coverageFormat || 'cobertura', artifact_format: 'gzip' });
  }
  const cache: CacheSpec[] = (spec.cache ?? []).map((c: PlanCache) => ({
    key: `${input.cacheNamespace}-${c.key}`, untracked: c.untracked, paths: c.paths,
    policy: (c.policy === 'pull' || c.policy === 'push' ? c.policy : 'pull-push'), when: c.when,
    fallback_keys: c.fallbackKeys.map((k) => `${input.cacheNamespace}-${k}`),
  }));
  const dependencies: JobDependency[] = input.dependencies.map((d) => ({
    id: d.job.id, name: d.job.name, token: d.token,
    ...(d.archive && { artifacts_file: { filename: d.archive.filename, size: d.archive.size } }),
  }));
  const script = [...(spec.beforeScript ?? []), ...(spec.script ?? [])];
  return {
    id: job.id, token: input.jobToken, allow_git_fetch: true,
    job_info: {
      id: job.id, name: job.name, stage: job.stage, project_id: project.id, project_name: project.name,
      time_in_queue_seconds: job.queuedAt ? Math.max(0, Math.round((input.now - job.queuedAt) / 1000)) : 0,
    },
    git_info: {
      repo_url: input.repoUrl, ref: run.ref, sha: run.sha, before_sha: run.beforeSha, ref_type: run.tag ? 'tag' : 'branch',
      refspecs, depth: Number.isFinite(depth) && depth >= 0 ? depth : 20, repo_object_format: 'sha1',
    },
    runner_info: { timeout },
    variables,
    steps: [
      { name: 'script', script, timeout, when: 'on_success', allow_failure: job.allowFailure },
      ...(spec.afterScript?.length ? [{ name: 'after_script' as const, script: spec.afterScript, timeout: 300, when: 'always' as const, allow_failure: true }] : []),
    ],
    hooks: spec.hooks?.preGetSourcesScript?.length ? [{ name: 'pre_get_sources_script', script: spec.hooks.preGetSourcesScript }] : [],
    image: spec.image ? { name: spec.image.name, ...(spec.image.entrypoint && { entrypoint: spec.image.entrypoint }), ...(spec.image.pullPolicy && { pull_policy: spec.image.pullPolicy }) } : null,
    services: (spec.services ?? []).map((s) => ({
      name: s.name, ...(s.entrypoint && { entrypoint: s.entrypoint }), ...(s.alias && { alias: s.alias }), ...(s.command && { command: s.command }),
      variables: Object.entries(s.variables ?? {}).map(([key, value]) => ({ key, value })),
    })),
    artifacts, cache, dependencies,
    features: { trace_sections: true, failure_reasons: FAILURE_REASONS },
    coverage_regex: spec.coverageRegex ?? null,
    allow_failure_exit_codes: spec.allowFailureExitCodes ?? [],
  };
}

function lastValue(vars: JobVariable[], key: string): string | undefined {
  for (let i = vars.length - 1; i >= 0; i--) if (vars[i]!.key === key) return vars[i]!.value;
  return undefined;
}

/** Job timeout: the job's own, else the project's; lowered (never raised) by the runner's maximum. */
export function timeoutOf(spec: Pick<PlanJob, 'timeoutSeconds'>, project: Pick<Project, 'buildTimeoutSeconds'>, runner: Pick<Runner, 'maximumTimeout'>): number {
  const own = spec.timeoutSeconds ?? project.buildTimeoutSeconds;
  return runner.maximumTimeout ? Math.min(own, runner.maximumTimeout) : own;
}
