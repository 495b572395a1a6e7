import type { Generated } from 'kysely';

/**
 * Tables behind the GitLab-specific API: CI/CD variables (project and group), pipeline trigger
 * tokens, pipeline schedules and their variables, project hooks and their delivery queue.
 * Created by migrations/003-gitlab-api.ts. Same conventions as tables.ts (ms times, 0/1 flags).
 */
export interface GitlabApiTables {
  ci_variables: CiVariablesTable;
  pipeline_triggers: PipelineTriggersTable;
  pipeline_schedules: PipelineSchedulesTable;
  pipeline_schedule_variables: PipelineScheduleVariablesTable;
  project_hooks: ProjectHooksTable;
  hook_deliveries: HookDeliveriesTable;
}

export interface CiVariablesTable {
  id: Generated<number>;
  /** 'project' (owner_id = projects.id) or 'group' (owner_id = workspaces.id). */
  owner_kind: string;
  owner_id: number;
  key: string;
  value: string;
  variable_type: string; // env_var | file
  protected: number;
  masked: number;
  hidden: number;
  raw: number;
  environment_scope: string;
  description: string | null;
  created_at: number;
}

export interface PipelineTriggersTable {
  id: Generated<number>;
  project_id: number;
  owner_id: number | null;
  description: string;
  token_digest: string;
  /** The first characters of the token, shown in listings (the token itself is never stored). */
  token_hint: string;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
}

export interface PipelineSchedulesTable {
  id: Generated<number>;
  project_id: number;
  owner_id: number | null;
  description: string;
  ref: string;
  cron: string;
  cron_timezone: string;
  active: number;
  next_run_at: number | null;
  last_run_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface PipelineScheduleVariablesTable {
  schedule_id: number;
  key: string;
  value: string;
  variable_type: string;
}

export interface ProjectHooksTable {
  id: Generated<number>;
  project_id: number;
  url: string;
  token: string | null;
  name: string;
  description: string;
  push_events: number;
  pipeline_events: number;
  job_events: number;
  enable_ssl_verification: number;
  created_at: number;
}

export interface HookDeliveriesTable {
  id: Generated<number>;
  hook_id: number;
  project_id: number;
  /** The X-Gitlab-Event value: 'Pipeline Hook', 'Job Hook', 'Push Hook'. */
  event: string;
  payload_json: string;
  state: string; // pending | delivered | failed
  attempts: number;
  next_attempt_at: number | null;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  duration_ms: number | null;
  created_at: number;
  updated_at: number;
}
