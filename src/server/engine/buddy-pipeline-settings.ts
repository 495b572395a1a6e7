import { cronParser } from './cron.js';
import type { Definition } from '../store/index.js';
import { permissionProblems } from './buddy-permissions.js';

/**
 * Buddy's pipeline fields (shared/spec/buddy-api.md §4): validation, Buddy's defaults, and the
 * effective settings the engine acts on. Pure. Every field is kept in the definition's settings
 * under its Buddy name; `name`, `identifier` and `priority` also have columns.
 *
 * Definitions that did not come from the Buddy API (a project's default `.gitlab-ci.yml`
 * definition) keep GitLab's behaviour for the fields they never set: runs are concurrent and
 * never skipped, caches are per project. Buddy-made pipelines store Buddy's defaults explicitly.
 */

/** Queue priority: runs.priority / jobs.priority, claimed highest first. NORMAL = 0 = GitLab's. */

export const PRIORITY_VALUE = { LOW: -1, NORMAL: 0, HIGH: 1 } as const;
export type PriorityName = keyof typeof PRIORITY_VALUE;

export function priorityName(value: number): PriorityName {
  return value > 0 ? 'HIGH' : value < 0 ? 'LOW' : 'NORMAL';
}

const ENUMS = {
  definition_source: ['LOCAL', 'REMOTE'],
  git_config_ref: ['NONE', 'DYNAMIC', 'FIXED'],
  priority: ['LOW', 'NORMAL', 'HIGH'],
  resources: ['DEFAULT', 'NANO', 'SMALL', 'MEDIUM', 'LARGE', 'XLARGE', 'CUSTOM', 'X2LARGE'],
  git_changeset_base: ['LATEST_RUN', 'LATEST_RUN_MATCHING_REF', 'PULL_REQUEST'],
  filesystem_changeset_base: ['DATE_MODIFIED', 'CONTENTS'],
  cpu: ['X64', 'ARM', 'X86'],
  cache_scope: ['PIPELINE', 'PROJECT', 'WORKSPACE'],
} as const;

const BOOLEANS = [
  'disabled', 'paused', 'always_from_scratch', 'ignore_fail_on_project_status', 'strict_context', 'no_skip_to_most_recent',
  'terminate_stale_runs', 'auto_clear_cache', 'fetch_all_refs', 'fail_on_prepare_env_warning', 'concurrent_pipeline_runs',
  'do_not_create_commit_status', 'description_required', 'manage_variables_by_yaml', 'manage_permissions_by_yaml',
] as const;

const STRINGS = [
  'disabled_reason', 'target_site_url', 'execution_message_template', 'folder', 'remote_path', 'remote_ref',
  'remote_project_name', 'last_execution_revision',
] as const;

const STRING_LISTS = ['refs', 'loop', 'tags'] as const;
const OBJECT_LISTS = ['events', 'trigger_conditions', 'remote_parameters', 'environments', 'packages'] as const;

export const EVENT_TYPES = [
  'PUSH', 'CREATE_REF', 'DELETE_REF', 'PULL_REQUEST', 'SCHEDULE', 'WEBHOOK', 'EMAIL',
  'PUBLISH_PACKAGE_VERSION', 'CREATE_PACKAGE_VERSION', 'DELETE_PACKAGE_VERSION',
] as const;

export const CONDITION_TYPES = [
  'ON_CHANGE', 'ON_CHANGE_AT_PATH', 'VAR_IS', 'VAR_IS_NOT', 'VAR_CONTAINS', 'VAR_NOT_CONTAINS', 'VAR_LESS_THAN',
  'VAR_LESS_THAN_OR_EQUAL', 'VAR_GREATER_THAN', 'VAR_GREATER_THAN_OR_EQUAL', 'DATETIME', 'DAY', 'HOUR', 'SUCCESS_PIPELINE',
  'TRIGGERING_USER_IS', 'TRIGGERING_USER_IS_NOT', 'TRIGGERING_USER_IS_IN_GROUP', 'TRIGGERING_USER_IS_NOT_IN_GROUP',
  'OR', 'AND', 'ALWAYS',
] as const;

/** Buddy's defaults for a pipeline created through its API (Go SDK live tests, spec §4). */
export const BUDDY_DEFAULTS: Readonly<Record<string, unknown>> = {
  definition_source: 'LOCAL', git_config_ref: 'NONE', git_config: null, refs: [], events: [], trigger_conditions: [], loop: [],
  priority: 'NORMAL', disabled: false, disabled_reason: null, paused: false, pause_on_repeated_failures: 0,
  always_from_scratch: false, ignore_fail_on_project_status: false, strict_context: false, no_skip_to_most_recent: false,
  terminate_stale_runs: false, auto_clear_cache: false, fetch_all_refs: false, fail_on_prepare_env_warning: true,
  concurrent_pipeline_runs: false, do_not_create_commit_status: false, description_required: false,
  git_changeset_base: 'LATEST_RUN', filesystem_changeset_base: 'DATE_MODIFIED', cpu: 'X64', resources: 'DEFAULT',
  cache_scope: 'PIPELINE', clone_depth: 0, target_site_url: null, execution_message_template: '$BUDDY_EXECUTION_REVISION_SUBJECT',
  folder: null, tags: [], manage_variables_by_yaml: false, manage_permissions_by_yaml: false,
  remote_path: null, remote_ref: null, remote_project_name: null, remote_parameters: [], environments: [], packages: [],
  permissions: { others: 'DEFAULT', users: [], groups: [] }, last_execution_revision: null,
};

/** What a definition made outside the Buddy API behaves like (GitLab's semantics). */
const GITLAB_DEFINITION_DEFAULTS: Readonly<Record<string, unknown>> = {
  ...BUDDY_DEFAULTS, concurrent_pipeline_runs: true, no_skip_to_most_recent: true, cache_scope: 'PROJECT',
};

export interface EffectiveSettings extends Record<string, unknown> {
  disabled: boolean;
  disabled_reason: string | null;
  paused: boolean;
  pause_on_repeated_failures: number;
  concurrent_pipeline_runs: boolean;
  no_skip_to_most_recent: boolean;
  terminate_stale_runs: boolean;
  description_required: boolean;
  auto_clear_cache: boolean;
  always_from_scratch: boolean;
  cache_scope: 'PIPELINE' | 'PROJECT' | 'WORKSPACE';
  clone_depth: number;
  refs: string[];
  events: Array<Record<string, unknown>>;
  trigger_conditions: Array<Record<string, unknown>>;
  tags: string[];
  loop: string[];
}

/** The settings the engine acts on: stored values over the defaults for this kind of definition. */
export function effectiveSettings(definition: Pick<Definition, 'settings' | 'source' | 'isDefault' | 'priority'>): EffectiveSettings {
  const base = definition.source === 'actions' || definition.settings.buddy === true ? BUDDY_DEFAULTS : GITLAB_DEFINITION_DEFAULTS;
  const merged = { ...base, ...definition.settings, priority: priorityName(definition.priority) } as unknown as EffectiveSettings;
  if (merged.pause_on_repeated_failures === 0 && merged.events.some((e) => e.type === 'SCHEDULE') && definition.settings.pause_on_repeated_failures === undefined) {
    merged.pause_on_repeated_failures = 100;
  }
  return merged;
}

export interface PipelineInput {
  name?: string;
  identifier?: string;
  priority?: number;
  /** Settings fields that were sent (validated), to merge over the stored ones. */
  settings: Record<string, unknown>;
}

/**
 * Validates the writable fields of a pipeline body. Every problem is reported at once; fields
 * not sent are left out of the result (PATCH changes only what was sent; arrays are replaced).
 */
export function validatePipelineBody(body: Record<string, unknown>, options: { creating: boolean }): { input: PipelineInput; problems: string[] } {
  const problems: string[] = [];
  const settings: Record<string, unknown> = {};
  const input: PipelineInput = { settings };
  const has = (k: string) => Object.prototype.hasOwnProperty.call(body, k) && body[k] !== undefined;

  if (has('name')) {
    if (typeof body.name !== 'string' || !body.name.trim()) problems.push('name must be a non-empty string');
    else if (body.name.length > 255) problems.push('name is too long (maximum is 255 characters)');
    else input.name = body.name.trim();
  } else if (options.creating) problems.push('name is required');

  if (has('identifier') && body.identifier !== null) {
    if (typeof body.identifier !== 'string' || !IDENTIFIER.test(body.identifier)) {
      problems.push('identifier may contain only letters, digits, underscores and hyphens, and must start and end with a letter or digit');
    } else input.identifier = body.identifier;
  }

  if (has('priority')) {
    if (!ENUMS.priority.includes(body.priority as never)) problems.push(`priority must be one of ${ENUMS.priority.join(', ')}`);
    else input.priority = PRIORITY_VALUE[body.priority as PriorityName];
  }
  for (const [field, allowed] of Object.entries(ENUMS)) {
    if (field === 'priority' || !has(field)) continue;
    if (!(allowed as readonly string[]).includes(body[field] as string)) problems.push(`${field} must be one of ${allowed.join(', ')}`);
    else settings[field] = body[field];
  }
  for (const field of BOOLEANS) {
    if (!has(field)) continue;
    if (typeof body[field] !== 'boolean') problems.push(`${field} must be a boolean`);
    else settings[field] = body[field];
  }
  for (const field of STRINGS) {
    if (!has(field)) continue;
    if (body[field] !== null && typeof body[field] !== 'string') problems.push(`${field} must be a string`);
    else settings[field] = body[field] === '' ? null : body[field];
  }
  if (has('remote_branch') && !has('remote_ref')) settings.remote_ref = body.remote_branch;
  for (const field of STRING_LISTS) {
    if (!has(field)) continue;
    const list = body[field];
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) problems.push(`${field} must be an array of strings`);
    else if (field !== 'refs' && new Set(list).size !== list.length) problems.push(`${field} must contain unique items`);
    else settings[field] = list;
  }
  for (const field of OBJECT_LISTS) {
    if (!has(field)) continue;
    const list = body[field];
    if (!Array.isArray(list) || list.some((x) => !x || typeof x !== 'object' || Array.isArray(x))) problems.push(`${field} must be an array of objects`);
    else settings[field] = list;
  }
  if (has('pause_on_repeated_failures')) {
    const n = body.pause_on_repeated_failures;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100) problems.push('pause_on_repeated_failures must be an integer from 1 to 100');
    else settings.pause_on_repeated_failures = n;
  }
  if (has('clone_depth')) {
    const n = body.clone_depth;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) problems.push('clone_depth must be a non-negative integer');
    else settings.clone_depth = n;
  }
  if (has('git_config')) {
    if (body.git_config !== null && (typeof body.git_config !== 'object' || Array.isArray(body.git_config))) problems.push('git_config must be an object');
    else settings.git_config = body.git_config;
  }
  if (has('permissions')) {
    const p = body.permissions as Record<string, unknown> | null;
    const wrong = permissionProblems(p);
    if (wrong.length) problems.push(...wrong);
    else settings.permissions = { others: p!.others ?? 'DEFAULT', users: Array.isArray(p!.users) ? p!.users : [], groups: Array.isArray(p!.groups) ? p!.groups : [] };
  }
  if (Array.isArray(settings.events)) problems.push(...eventProblems(settings.events as Array<Record<string, unknown>>));
  if (Array.isArray(settings.trigger_conditions)) problems.push(...conditionProblems(settings.trigger_conditions as Array<Record<string, unknown>>, 'trigger_conditions'));
  return { input, problems };
}

/** Buddy's identifier rule (newest docs): letters, digits, `_`, `-`; no hyphen at either end. */
const IDENTIFIER = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?$/;

/** An identifier from a display name: lowercase, runs of other characters become `_`. */
export function identifierFrom(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 90);
  return base || 'pipeline';
}

export function eventProblems(events: Array<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  events.forEach((e, i) => {
    const where = `events[${i}]`;
    if (!EVENT_TYPES.includes(e.type as never)) { problems.push(`${where}.type must be one of ${EVENT_TYPES.join(', ')}`); return; }
    if (e.refs !== undefined && (!Array.isArray(e.refs) || e.refs.some((r) => typeof r !== 'string'))) problems.push(`${where}.refs must be an array of strings`);
    if (['PUSH', 'CREATE_REF', 'DELETE_REF'].includes(e.type as string) && (!Array.isArray(e.refs) || e.refs.length === 0)) problems.push(`${where}.refs is required for ${String(e.type)}`);
    if (e.type === 'SCHEDULE') {
      const hasCron = typeof e.cron === 'string' && e.cron !== '';
      const hasStart = e.start_date !== undefined && e.start_date !== null;
      const hasDelay = e.delay !== undefined && e.delay !== null;
      if (hasCron === (hasStart || hasDelay)) problems.push(`${where} needs either cron or start_date with delay`);
      if (hasCron) {
        try { cronParser().parse(e.cron as string, { tz: (e.timezone as string | undefined) || 'UTC' }); } catch { problems.push(`${where}.cron is not a valid cron expression`); }
      }
      if (hasStart !== hasDelay) problems.push(`${where}.start_date and delay go together`);
      if (hasStart && Number.isNaN(Date.parse(String(e.start_date)))) problems.push(`${where}.start_date is not a date`);
      if (hasDelay && (typeof e.delay !== 'number' || e.delay < 1)) problems.push(`${where}.delay must be a positive number of minutes`);
      if (e.timezone && !validTimezone(String(e.timezone))) problems.push(`${where}.timezone is not an IANA time zone`);
    }
  });
  return problems;
}

export function conditionProblems(conditions: Array<Record<string, unknown>>, where: string): string[] {
  const problems: string[] = [];
  conditions.forEach((c, i) => {
    const at = `${where}[${i}]`;
    const type = c.trigger_condition as string;
    if (!CONDITION_TYPES.includes(type as never)) { problems.push(`${at}.trigger_condition must be one of ${CONDITION_TYPES.join(', ')}`); return; }
    if (type === 'ON_CHANGE_AT_PATH' && (!Array.isArray(c.trigger_condition_paths) || c.trigger_condition_paths.length === 0)) problems.push(`${at}.trigger_condition_paths is required`);
    if (type.startsWith('VAR_') && (typeof c.trigger_variable_key !== 'string' || c.trigger_variable_key === '')) problems.push(`${at}.trigger_variable_key is required`);
    if ((type === 'TRIGGERING_USER_IS' || type === 'TRIGGERING_USER_IS_NOT') && typeof c.trigger_user !== 'string') problems.push(`${at}.trigger_user is required`);
    if (type.includes('_IN_GROUP') && typeof c.trigger_group !== 'string') problems.push(`${at}.trigger_group is required`);
    if (type === 'DATETIME') {
      const hours = c.trigger_hours, days = c.trigger_days;
      if (hours !== undefined && (!Array.isArray(hours) || hours.some((h) => typeof h !== 'number' || h < 0 || h > 23))) problems.push(`${at}.trigger_hours must be hours 0-23`);
      if (days !== undefined && (!Array.isArray(days) || days.some((d) => typeof d !== 'number' || d < 1 || d > 7))) problems.push(`${at}.trigger_days must be ISO weekdays 1-7`);
      if (c.timezone && !validTimezone(String(c.timezone))) problems.push(`${at}.timezone is not an IANA time zone`);
    }
    if (type === 'OR' || type === 'AND') {
      if (!Array.isArray(c.trigger_operands) || c.trigger_operands.length === 0) problems.push(`${at}.trigger_operands is required`);
      else problems.push(...conditionProblems(c.trigger_operands as Array<Record<string, unknown>>, `${at}.trigger_operands`));
    }
  });
  return problems;
}

function validTimezone(tz: string): boolean {
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; }
}
