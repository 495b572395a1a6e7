/**
 * The job payload: everything a runner needs to run one job, and nothing else. It is the body of
 * a 201 answer to `POST /api/v4/jobs/request`, shaped like GitLab's (lib/api/entities/ci/
 * job_request/response.rb) so that a stock gitlab-runner could take Runnel's jobs, and it is the
 * only input an executor gets: runners and executors never see YAML or the database.
 */

export interface JobVariable {
  key: string;
  value: string;
  /** false for secrets (project/group variables); GitLab sends the flag, runners ignore it. */
  public: boolean;
  /** Replaced by [MASKED] wherever it appears in the job log. */
  masked: boolean;
  /** File-type variable: the value is written to a temp file and the variable holds its path. */
  file?: boolean;
  /** Raw: never expanded (`$` kept literally). */
  raw?: boolean;
}

export type StepWhen = 'on_success' | 'on_failure' | 'always';

export interface JobStep {
  name: 'script' | 'after_script' | 'release';
  script: string[];
  timeout: number; // seconds
  when: StepWhen;
  allow_failure: boolean;
}

export interface JobHook {
  name: 'pre_get_sources_script' | 'post_get_sources_script';
  script: string[];
}

export interface GitInfo {
  /** Clone URL; over HTTP it carries `gitlab-ci-token:<job token>@`; may also be a local path. */
  repo_url: string;
  ref: string;
  sha: string;
  before_sha: string;
  ref_type: 'branch' | 'tag';
  refspecs: string[];
  /** 0 = full clone. */
  depth: number;
  repo_object_format?: 'sha1' | 'sha256';
}

export type ArtifactWhen = 'on_success' | 'on_failure' | 'always';

export interface ArtifactSpec {
  name: string;
  untracked: boolean;
  paths: string[];
  exclude?: string[];
  when: ArtifactWhen;
  /** GitLab duration text ("1 week", "30 mins") or null for the server default. */
  expire_in: string | null;
  /** 'archive' for the browsable zip; report types ('junit', 'dotenv', 'coverage_report'…) otherwise. */
  artifact_type: string;
  artifact_format: 'zip' | 'gzip' | 'raw';
}

export type CachePolicy = 'pull-push' | 'pull' | 'push';

export interface CacheSpec {
  /** The final key, computed by the server (key:files hashed, prefix applied, sanitised). */
  key: string;
  untracked: boolean;
  paths: string[];
  policy: CachePolicy;
  when: 'on_success' | 'on_failure' | 'always';
  fallback_keys: string[];
}

export interface ImageSpec {
  name: string;
  entrypoint?: string[];
  pull_policy?: string[];
}

export interface ServiceSpec extends ImageSpec {
  alias?: string;
  command?: string[];
  variables?: Array<{ key: string; value: string }>;
}

export interface JobDependency {
  id: number;
  name: string;
  token: string;
  artifacts_file?: { filename: string; size: number };
}

export interface JobPayload {
  id: number;
  token: string;
  allow_git_fetch: boolean;
  job_info: {
    id: number;
    name: string;
    stage: string;
    project_id: number;
    project_name: string;
    time_in_queue_seconds: number;
  };
  git_info: GitInfo;
  runner_info: { timeout: number };
  variables: JobVariable[];
  steps: JobStep[];
  hooks: JobHook[];
  image: ImageSpec | null;
  services: ServiceSpec[];
  artifacts: ArtifactSpec[];
  cache: CacheSpec[];
  dependencies: JobDependency[];
  features: { trace_sections: boolean; failure_reasons: FailureReason[] };
  /** Runnel extension (ignored by gitlab-runner): the job's coverage regex, applied to its log. */
  coverage_regex?: string | null;
  /** Runnel extension: exit codes that make a failure "allowed" (allow_failure:exit_codes). */
  allow_failure_exit_codes?: number[];
}

/** GitLab's failure reasons that Runnel produces (app/models/concerns/enums/ci/commit_status.rb). */
export type FailureReason =
  | 'unknown_failure'
  | 'script_failure'
  | 'api_failure'
  | 'stuck_or_timeout_failure'
  | 'runner_system_failure'
  | 'missing_dependency_failure'
  | 'job_execution_timeout'
  | 'archived_failure'
  | 'unmet_prerequisites'
  | 'data_integrity_failure'
  | 'runner_unsupported'
  | 'trace_size_exceeded';

export const FAILURE_REASONS: FailureReason[] = [
  'unknown_failure', 'script_failure', 'api_failure', 'stuck_or_timeout_failure', 'runner_system_failure',
  'missing_dependency_failure', 'job_execution_timeout', 'archived_failure', 'unmet_prerequisites',
  'data_integrity_failure', 'runner_unsupported', 'trace_size_exceeded',
];
