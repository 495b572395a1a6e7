import type { Generated } from 'kysely';

/**
 * The database's tables as Kysely sees them. Conventions that keep SQLite and PostgreSQL alike:
 * times are integer milliseconds since the epoch (`…At`), flags are integers 0/1, structured
 * values are JSON text (`…Json`). Column names are snake_case in SQL and here.
 */
export interface Tables {
  users: UsersTable;
  access_tokens: AccessTokensTable;
  workspaces: WorkspacesTable;
  workspace_members: MembersTable & { workspace_id: number };
  projects: ProjectsTable;
  project_members: MembersTable & { project_id: number };
  push_events: PushEventsTable;
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
