import type { Generated } from 'kysely';
import type { GitlabApiTables } from './tables-gitlab-api.js';
import type { BuddyApiTables } from './tables-buddy-api.js';

/**
 * The database's tables as Kysely sees them. Conventions that keep SQLite and PostgreSQL alike:
 * times are integer milliseconds since the epoch (`…At`), flags are integers 0/1, structured
 * values are JSON text (`…Json`). Column names are snake_case in SQL and here.
 */
export interface Tables extends GitlabApiTables, BuddyApiTables {
  users: UsersTable;
  access_tokens: AccessTokensTable;
  workspaces: WorkspacesTable;
  workspace_members: MembersTable & { workspace_id: number };
  projects: ProjectsTable;
  project_members: MembersTable & { project_id: number };
  push_events: PushEventsTable;
  pipeline_definitions: DefinitionsTable;
  runs: RunsTable;
  jobs: JobsTable;
  job_needs: JobNeedsTable;
  job_log_chunks: LogChunksTable;
  job_artifacts: ArtifactsTable;
  job_reports: ReportsTable;
  runners: RunnersTable;
  runner_registration_tokens: { id: Generated<number>; digest: string; created_at: number };
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  name: string;
  email: string;
  state: string; // active | blocked
  admin: number;
  password_hash: string | null;
  created_at: number;
}

export interface AccessTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  digest: string;
  scopes_json: string;
  expires_at: number | null;
  revoked: number;
  created_at: number;
  last_used_at: number | null;
}

export interface WorkspacesTable {
  id: Generated<number>;
  path: string;
  name: string;
  kind: string; // user | group
  owner_user_id: number | null;
  description: string;
  created_at: number;
  cache_generation: Generated<number>;
}

export interface MembersTable {
  user_id: number;
  role: string; // guest | reporter | developer | maintainer | owner
  created_at: number;
}

export interface ProjectsTable {
  id: Generated<number>;
  workspace_id: number;
  path: string;
  name: string;
  description: string;
  visibility: string; // private | internal | public
  default_branch: string;
  ci_config_path: string;
  build_timeout_seconds: number;
  creator_id: number | null;
  created_at: number;
  updated_at: number;
  run_counter: Generated<number>;
  cache_generation: Generated<number>;
}

export interface PushEventsTable {
  id: Generated<number>;
  project_id: number;
  user_id: number | null;
  ref: string;
  before_sha: string;
  after_sha: string;
  created_at: number;
  processed_at: number | null;
}

export interface DefinitionsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  identifier: string;
  source: string;
  is_default: number;
  priority: number;
  settings_json: string;
  cache_generation: Generated<number>;
  run_counter: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface RunsTable {
  id: Generated<number>;
  project_id: number;
  definition_id: number;
  iid: number;
  number: number;
  status: string;
  source: string;
  ref: string;
  tag: number;
  sha: string;
  before_sha: string;
  user_id: number | null;
  name: string | null;
  comment: string | null;
  yaml_errors: string | null;
  variables_json: string;
  context_json: string;
  priority: number;
  parent_run_id: number | null;
  parent_job_id: number | null;
  coverage: number | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  committed_at: number | null;
  duration_seconds: number | null;
  queued_duration_seconds: number | null;
}

export interface JobsTable {
  id: Generated<number>;
  run_id: number;
  project_id: number;
  name: string;
  stage: string;
  stage_idx: number;
  position: number;
  kind: string;
  status: string;
  when: string;
  allow_failure: number;
  dag: number;
  spec_json: string;
  tags_json: string;
  resource_group: string | null;
  interruptible: number;
  priority: number;
  attempt: number;
  retried: number;
  user_id: number | null;
  runner_id: number | null;
  runner_session: string | null;
  token_digest: string | null;
  lease_expires_at: number | null;
  scheduled_at: number | null;
  created_at: number;
  queued_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  failure_reason: string | null;
  exit_code: number | null;
  coverage: number | null;
  log_size: number;
  erased_at: number | null;
  dotenv_json: string | null;
}

export interface JobNeedsTable {
  run_id: number;
  job_id: number;
  needed_name: string;
  artifacts: number;
  optional: number;
}

export interface LogChunksTable {
  job_id: number;
  offset: number;
  data: Uint8Array;
}

export interface ArtifactsTable {
  id: Generated<number>;
  job_id: number;
  project_id: number;
  file_type: string;
  file_format: string;
  filename: string;
  size: number;
  storage_path: string;
  expire_at: number | null;
  created_at: number;
}

export interface ReportsTable {
  job_id: number;
  kind: string;
  data_json: string;
}

export interface RunnersTable {
  id: Generated<number>;
  token_digest: string;
  description: string;
  kind: string;
  tags_json: string;
  run_untagged: number;
  paused: number;
  locked: number;
  access_level: string;
  maximum_timeout: number | null;
  info_json: string;
  contacted_at: number | null;
  created_at: number;
}
