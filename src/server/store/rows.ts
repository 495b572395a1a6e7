/**
 * Rows as the rest of the server sees them: camelCase, booleans as booleans, JSON parsed.
 * Repositories translate between these and the tables; nothing else knows the column names.
 */
export type Role = 'guest' | 'reporter' | 'developer' | 'maintainer' | 'owner';
export type Visibility = 'private' | 'internal' | 'public';
export type UserState = 'active' | 'blocked';

export interface User {
  id: number;
  username: string;
  name: string;
  email: string;
  state: UserState;
  admin: boolean;
  passwordHash: string | null;
  createdAt: number;
}

export interface AccessToken {
  id: number;
  userId: number;
  name: string;
  scopes: string[];
  expiresAt: number | null;
  revoked: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface Workspace {
  id: number;
  path: string;
  name: string;
  kind: 'user' | 'group';
  ownerUserId: number | null;
  description: string;
  createdAt: number;
}

export interface Project {
  id: number;
  workspaceId: number;
  workspacePath: string;
  workspaceName: string;
  workspaceKind: 'user' | 'group';
  path: string;
  name: string;
  description: string;
  visibility: Visibility;
  defaultBranch: string;
  ciConfigPath: string;
  buildTimeoutSeconds: number;
  creatorId: number | null;
  /** Bumped by a cache clear of the project scope: cache keys carry it (engine, cacheNamespace). */
  cacheGeneration: number;
  createdAt: number;
  updatedAt: number;
}

export interface PushEvent {
  id: number;
  projectId: number;
  userId: number | null;
  ref: string;
  beforeSha: string;
  afterSha: string;
  createdAt: number;
  processedAt: number | null;
}

export interface Definition {
  id: number;
  projectId: number;
  name: string;
  identifier: string;
  /** Where the jobs come from: the repository's CI file, or actions kept by the API. */
  source: 'ci_file' | 'actions';
  isDefault: boolean;
  priority: number;
  settings: Record<string, unknown>;
  cacheGeneration: number;
  runCounter: number;
  createdAt: number;
  updatedAt: number;
}

export interface RunVariable {
  key: string;
  value: string;
  variable_type: 'env_var' | 'file';
}

export interface Run {
  id: number;
  projectId: number;
  definitionId: number;
  iid: number;
  number: number;
  status: string;
  source: string;
  ref: string;
  tag: boolean;
  sha: string;
  beforeSha: string;
  userId: number | null;
  name: string | null;
  comment: string | null;
  yamlErrors: string | null;
  variables: RunVariable[];
  /** The compile context and anything else the engine keeps about how the run was made. */
  context: Record<string, unknown>;
  priority: number;
  parentRunId: number | null;
  parentJobId: number | null;
  coverage: number | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  committedAt: number | null;
  durationSeconds: number | null;
  queuedDurationSeconds: number | null;
}

export interface Job {
  id: number;
  runId: number;
  projectId: number;
  name: string;
  stage: string;
  stageIdx: number;
  position: number;
  kind: 'build' | 'bridge';
  status: string;
  when: string;
  allowFailure: boolean;
  dag: boolean;
  /** The compiled job (a PlanJob), as the compiler produced it. */
  spec: Record<string, unknown>;
  tags: string[];
  resourceGroup: string | null;
  interruptible: boolean;
  priority: number;
  attempt: number;
  retried: boolean;
  userId: number | null;
  runnerId: number | null;
  runnerSession: string | null;
  leaseExpiresAt: number | null;
  scheduledAt: number | null;
  createdAt: number;
  queuedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  failureReason: string | null;
  exitCode: number | null;
  coverage: number | null;
  logSize: number;
  erasedAt: number | null;
  dotenv: Record<string, string> | null;
}

/** The few columns scheduling decisions read, for many jobs at once. */
export interface JobState {
  id: number;
  name: string;
  stageIdx: number;
  kind: 'build' | 'bridge';
  status: string;
  when: string;
  allowFailure: boolean;
  dag: boolean;
  resourceGroup: string | null;
}

/**
 * One group of a run's current (not retried) jobs: those of one stage, ordering (needs or
 * stage), status and allow_failure, with how many they are, their earliest start and their
 * coverage figures. A run has few such groups (stages × statuses seen), whatever its size: the
 * engine derives scheduling and the run's roll-up from them (engine/run-summary.ts).
 */
export interface StageGroup {
  stageIdx: number;
  dag: boolean;
  status: string;
  allowFailure: boolean;
  n: number;
  startedAt: number | null;
  coverageSum: number;
  coverageCount: number;
}

/**
 * What a progress view shows of a job: no spec, no log. Reading it for every job of a run costs
 * a fraction of reading the full rows (the spec JSON is most of a row).
 */
export type JobProgress = Pick<Job, 'id' | 'name' | 'stage' | 'stageIdx' | 'status' | 'when' | 'allowFailure' | 'startedAt' | 'finishedAt'>;

/** What a job's payload needs of a job it takes artifacts from: no spec. */
export type DependencyJob = Pick<Job, 'id' | 'name' | 'stageIdx' | 'dotenv'>;

export interface Artifact {
  id: number;
  jobId: number;
  projectId: number;
  fileType: string;
  fileFormat: string;
  filename: string;
  size: number;
  storagePath: string;
  expireAt: number | null;
  createdAt: number;
}

export interface Runner {
  id: number;
  description: string;
  kind: 'embedded' | 'remote';
  tags: string[];
  runUntagged: boolean;
  paused: boolean;
  locked: boolean;
  accessLevel: string;
  maximumTimeout: number | null;
  info: Record<string, unknown>;
  contactedAt: number | null;
  createdAt: number;
}
