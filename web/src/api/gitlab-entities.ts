/** The GitLab v4 response fields the UI reads (the server sends more; see shared/spec/gitlab-api.md §4). */

export interface UserBasic { id: number; username: string; name: string; avatar_url?: string | null; web_url?: string; is_admin?: boolean }

export interface Project {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  name_with_namespace?: string;
  description: string | null;
  default_branch: string | null;
  visibility?: string;
  web_url: string;
  http_url_to_repo?: string;
  last_activity_at?: string;
  namespace?: { path: string; full_path?: string };
}

export interface PipelineBasic {
  id: number;
  iid: number;
  project_id: number;
  sha: string;
  ref: string;
  status: string;
  source: string;
  created_at: string;
  updated_at: string;
  web_url: string;
  name?: string | null;
}

export interface Pipeline extends PipelineBasic {
  before_sha?: string;
  tag?: boolean;
  yaml_errors: string | null;
  user: UserBasic | null;
  started_at: string | null;
  finished_at: string | null;
  duration: number | null;
  queued_duration?: number | null;
  coverage: string | null;
}

export interface JobArtifact { file_type: string; size: number; filename: string; file_format: string | null }

export interface Job {
  id: number;
  name: string;
  stage: string;
  status: string;
  ref?: string;
  allow_failure: boolean;
  created_at?: string;
  started_at: string | null;
  finished_at: string | null;
  duration: number | null;
  queued_duration?: number | null;
  web_url: string;
  failure_reason?: string;
  coverage?: number | null;
  user?: UserBasic | null;
  pipeline?: { id: number; project_id: number; ref: string; sha: string; status: string };
  artifacts_file?: { filename: string; size: number } | null;
  artifacts?: JobArtifact[];
  artifacts_expire_at?: string | null;
  runner?: { id: number; description: string } | null;
  tag_list?: string[];
  /** Runnel extension: names of the jobs this one needs (absent → stage columns only). */
  needs?: string[] | null;
  when?: string;
}

export interface PipelineVariable { key: string; value: string; variable_type?: string }

export interface TestCase {
  status: string;
  name: string;
  classname: string | null;
  file?: string | null;
  execution_time: number;
  system_output: string | null;
  stack_trace: string | null;
}

export interface TestSuite {
  name: string;
  total_time: number;
  total_count: number;
  success_count: number;
  failed_count: number;
  skipped_count: number;
  error_count: number;
  suite_error?: string | null;
  test_cases: TestCase[];
}

export interface TestReport {
  total_time: number;
  total_count: number;
  success_count: number;
  failed_count: number;
  skipped_count: number;
  error_count: number;
  test_suites: TestSuite[];
}

export interface Runner {
  id: number;
  description: string | null;
  active?: boolean;
  paused?: boolean;
  online: boolean | null;
  status: string;
  tag_list?: string[];
  ip_address?: string | null;
  runner_type?: string;
  /** Runnel extension: what it runs now. */
  jobs_running?: { id: number; name: string; project_id: number }[];
}
