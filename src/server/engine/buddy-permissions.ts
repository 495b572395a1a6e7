/**
 * Buddy's per-pipeline permissions (pure): `permissions: {others, users: [{id, access_level}],
 * groups: [{id, access_level}]}` with levels DEFAULT (the project role decides), DENIED (the
 * pipeline is invisible), READ_ONLY (see it and its runs), RUN_ONLY (also run, retry, cancel,
 * approve) and READ_WRITE (also edit it). The caller's own `users` entry wins over `others`.
 * Runnel has no member groups, so `groups` entries are kept (and returned) but grant nothing.
 * Admins are never restricted. A level can narrow or widen what the project role allows, but
 * never beyond a project the caller cannot see (that is decided before, with a 404).
 */
export const PIPELINE_ACCESS_LEVELS = ['DEFAULT', 'DENIED', 'READ_ONLY', 'RUN_ONLY', 'READ_WRITE'] as const;
export type PipelineAccessLevel = (typeof PIPELINE_ACCESS_LEVELS)[number];

export interface PipelineAccess {
  read: boolean;
  run: boolean;
  manage: boolean;
}

export function pipelineAccess(project: PipelineAccess, permissions: unknown, caller: { id: number; admin: boolean }): PipelineAccess {
  if (caller.admin) return project;
  const p = permissions && typeof permissions === 'object' ? permissions as { others?: unknown; users?: unknown } : {};
  const own = Array.isArray(p.users) ? (p.users as Array<{ id?: unknown; access_level?: unknown }>).find((u) => u && u.id === caller.id) : undefined;
  const level = (own?.access_level ?? p.others ?? 'DEFAULT') as string;
  switch (level) {
    case 'DENIED': return { read: false, run: false, manage: false };
    case 'READ_ONLY': return { read: true, run: false, manage: false };
    case 'RUN_ONLY': return { read: true, run: true, manage: false };
    case 'READ_WRITE': return { read: true, run: true, manage: true };
    default: return project;
  }
}

/** Problems with a `permissions` body (400s), every one at once. */
export function permissionProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return ['permissions must be an object'];
  const p = value as Record<string, unknown>;
  const problems: string[] = [];
  const levels = PIPELINE_ACCESS_LEVELS.join(', ');
  if (p.others !== undefined && !(PIPELINE_ACCESS_LEVELS as readonly unknown[]).includes(p.others)) problems.push(`permissions.others must be one of ${levels}`);
  for (const list of ['users', 'groups'] as const) {
    if (p[list] === undefined) continue;
    if (!Array.isArray(p[list])) { problems.push(`permissions.${list} must be an array`); continue; }
    (p[list] as unknown[]).forEach((entry, i) => {
      const e = entry as Record<string, unknown> | null;
      if (!e || typeof e !== 'object' || !Number.isInteger(e.id)) problems.push(`permissions.${list}[${i}].id must be an integer`);
      else if (!(PIPELINE_ACCESS_LEVELS as readonly unknown[]).includes(e.access_level)) problems.push(`permissions.${list}[${i}].access_level must be one of ${levels}`);
    });
  }
  return problems;
}
