import type { Role, Visibility } from '../store/index.js';

/** Member roles, weakest first; a role grants everything the roles before it grant. */
export const ROLES: readonly Role[] = ['guest', 'reporter', 'developer', 'maintainer', 'owner'];

/** GitLab's numeric access levels, used in API bodies (`access_level`, `permissions`). */
export const ACCESS_LEVEL: Record<Role, number> = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 };

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function roleAtLeast(role: Role | null, minimum: Role): boolean {
  return role !== null && ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

export function strongerRole(a: Role | null, b: Role | null): Role | null {
  if (a === null) return b;
  if (b === null) return a;
  return ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b;
}

/**
 * What a caller may do with a project: decided from visibility, the caller's effective role
 * (the stronger of project and workspace membership) and admin status. Pure; the GitLab and
 * Buddy façades and git hosting all ask this one function.
 */
export interface ProjectAccess {
  /** May know the project exists and read its metadata (else: 404, never 403). */
  read: boolean;
  /** May fetch/clone the repository. */
  readRepository: boolean;
  /** May push. */
  writeRepository: boolean;
  /** May read pipelines, jobs and logs. */
  readPipelines: boolean;
  /** May start, retry, cancel pipelines and play jobs. */
  runPipelines: boolean;
  /** May manage definitions, variables, triggers, schedules, hooks. */
  manage: boolean;
  /** May delete pipelines and the project. */
  own: boolean;
  role: Role | null;
}

export function projectAccess(input: { visibility: Visibility; role: Role | null; authenticated: boolean; admin: boolean; active: boolean }): ProjectAccess {
  const role: Role | null = input.admin && input.active ? 'owner' : input.role;
  const visible = role !== null
    || input.visibility === 'public'
    || (input.visibility === 'internal' && input.authenticated);
  const blocked = input.authenticated && !input.active;
  const read = visible && !blocked;
  // Public and internal projects let any reader fetch code and see pipelines (GitLab's default
  // "public pipelines" on); private ones need reporter. Guests of private projects see metadata only.
  const publicLike = input.visibility !== 'private';
  return {
    read,
    readRepository: read && (publicLike || roleAtLeast(role, 'reporter')),
    writeRepository: !blocked && roleAtLeast(role, 'developer'),
    readPipelines: read && (publicLike || roleAtLeast(role, 'reporter')),
    runPipelines: !blocked && roleAtLeast(role, 'developer'),
    manage: !blocked && roleAtLeast(role, 'maintainer'),
    own: !blocked && roleAtLeast(role, 'owner'),
    role,
  };
}
