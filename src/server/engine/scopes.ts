/**
 * Token scopes in both vocabularies Runnel serves, and what each implies. A token is checked
 * against the scope a route needs with `scopesAllow`; implication is transitive.
 *
 * GitLab (doc/user/profile/personal_access_tokens.md): `api` is full read/write API and
 * repository access; `read_api` is read-only API; repository scopes are for git over HTTP.
 * Buddy (shared/spec/buddy-api.md §2): EXECUTION_MANAGE ⊇ EXECUTION_RUN ⊇ EXECUTION_INFO and
 * the other *_MANAGE ⊇ *_ADD ⊇ *_INFO ladders; PIPELINE_* and VARIABLE_READ/WRITE are the newer
 * names for the same rights.
 *
 * Runnel's own decision: `api` also implies every Buddy scope and `read_api` every Buddy read
 * scope, because both APIs reach the same objects and a GitLab "full access" token that could not
 * read a Buddy execution would surprise. Buddy scopes never open GitLab routes.
 */
export const GITLAB_SCOPES = [
  'api', 'read_api', 'read_user', 'read_repository', 'write_repository', 'create_runner', 'manage_runner', 'sudo', 'admin_mode',
] as const;

export const BUDDY_SCOPES = [
  'WORKSPACE', 'WORKSPACES_MANAGE', 'PROJECT_DELETE', 'REPOSITORY_READ', 'REPOSITORY_WRITE',
  'EXECUTION_INFO', 'EXECUTION_RUN', 'EXECUTION_MANAGE', 'PIPELINE_READ', 'PIPELINE_RUN', 'PIPELINE_WRITE',
  'ENVIRONMENT_INFO', 'ENVIRONMENT_ADD', 'ENVIRONMENT_MANAGE', 'ZONE_READ', 'ZONE_WRITE', 'ZONE_MANAGE',
  'TARGET_INFO', 'TARGET_ADD', 'TARGET_MANAGE', 'USER_INFO', 'USER_KEY', 'USER_EMAIL', 'MANAGE_EMAILS',
  'INTEGRATION_INFO', 'INTEGRATION_ADD', 'INTEGRATION_MANAGE', 'MEMBER_EMAIL',
  'WEBHOOK_INFO', 'WEBHOOK_ADD', 'WEBHOOK_MANAGE', 'VARIABLE_INFO', 'VARIABLE_ADD', 'VARIABLE_MANAGE',
  'VARIABLE_READ', 'VARIABLE_WRITE', 'TOKEN_INFO', 'TOKEN_MANAGE',
] as const;

export type Scope = (typeof GITLAB_SCOPES)[number] | (typeof BUDDY_SCOPES)[number];

const ALL_SCOPES: ReadonlySet<string> = new Set<string>([...GITLAB_SCOPES, ...BUDDY_SCOPES]);

const BUDDY_READ_SCOPES: Scope[] = [
  'WORKSPACE', 'REPOSITORY_READ', 'EXECUTION_INFO', 'ENVIRONMENT_INFO', 'ZONE_READ', 'TARGET_INFO', 'USER_INFO',
  'INTEGRATION_INFO', 'WEBHOOK_INFO', 'VARIABLE_INFO', 'TOKEN_INFO',
];

/** Direct implications: holding the key grants each listed scope (and, transitively, theirs). */
const IMPLIES: Partial<Record<Scope, Scope[]>> = {
  api: ['read_api', 'read_user', 'read_repository', 'write_repository', ...BUDDY_SCOPES.filter((s) => s !== 'WORKSPACES_MANAGE')],
  read_api: ['read_user', ...BUDDY_READ_SCOPES],
  write_repository: ['read_repository'],
  EXECUTION_MANAGE: ['EXECUTION_RUN', 'PIPELINE_WRITE'],
  EXECUTION_RUN: ['EXECUTION_INFO', 'PIPELINE_RUN'],
  EXECUTION_INFO: ['PIPELINE_READ'],
  PIPELINE_WRITE: ['EXECUTION_MANAGE'],
  PIPELINE_RUN: ['EXECUTION_RUN'],
  PIPELINE_READ: ['EXECUTION_INFO'],
  REPOSITORY_WRITE: ['REPOSITORY_READ'],
  ENVIRONMENT_MANAGE: ['ENVIRONMENT_ADD'], ENVIRONMENT_ADD: ['ENVIRONMENT_INFO'],
  ZONE_MANAGE: ['ZONE_WRITE'], ZONE_WRITE: ['ZONE_READ'],
  TARGET_MANAGE: ['TARGET_ADD'], TARGET_ADD: ['TARGET_INFO'],
  INTEGRATION_MANAGE: ['INTEGRATION_ADD'], INTEGRATION_ADD: ['INTEGRATION_INFO'],
  WEBHOOK_MANAGE: ['WEBHOOK_ADD'], WEBHOOK_ADD: ['WEBHOOK_INFO'],
  VARIABLE_MANAGE: ['VARIABLE_ADD', 'VARIABLE_WRITE'], VARIABLE_ADD: ['VARIABLE_INFO', 'VARIABLE_WRITE'],
  VARIABLE_WRITE: ['VARIABLE_ADD'], VARIABLE_INFO: ['VARIABLE_READ'], VARIABLE_READ: ['VARIABLE_INFO'],
  USER_KEY: ['USER_INFO'], USER_EMAIL: ['USER_INFO'], MANAGE_EMAILS: ['USER_INFO'],
  TOKEN_MANAGE: ['TOKEN_INFO'],
};

export function isKnownScope(value: string): value is Scope {
  return ALL_SCOPES.has(value);
}

/** Every scope a set of granted scopes amounts to, implications followed. */
export function effectiveScopes(granted: readonly string[]): Set<Scope> {
  const out = new Set<Scope>();
  const stack = granted.filter(isKnownScope);
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (out.has(s)) continue;
    out.add(s);
    for (const next of IMPLIES[s] ?? []) if (!out.has(next)) stack.push(next);
  }
  return out;
}

/** True when the granted scopes cover at least one of `anyOf`. */
export function scopesAllow(granted: readonly string[], anyOf: readonly Scope[]): boolean {
  const effective = effectiveScopes(granted);
  return anyOf.some((s) => effective.has(s));
}

/** Problems with a requested scope list, all at once; empty when valid. */
export function scopeProblems(requested: readonly string[]): string[] {
  if (requested.length === 0) return ['at least one scope is required'];
  return requested.filter((s) => !isKnownScope(s)).map((s) => `unknown scope '${s}'`);
}
