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
