/**
 * Every editable field of Buddy's pipeline object (shared/spec/buddy-api.md §4), as data: the
 * settings form is generated from this list, and the pure functions below convert between the
 * API object and form values and build the PATCH body. Contract: the PATCH carries only fields
 * the user changed (Buddy's PATCH is partial; arrays are replaced whole), after client-side checks
 * that mirror the documented rules; the server's `{"errors":[{"message"}]}` still has the last word.
 */

export type FieldKind = 'text' | 'number' | 'boolean' | 'enum' | 'list' | 'json';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  group: string;
  options?: readonly string[];
  help?: string;
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  patternMessage?: string;
}

const g = {
  general: 'General', triggers: 'Triggers', run: 'Run behaviour', repo: 'Repository and cache',
  reporting: 'Reporting', source: 'Definition source', access: 'Variables and permissions',
};

export const PIPELINE_FIELDS: readonly FieldSpec[] = [
  { key: 'name', label: 'Name', kind: 'text', group: g.general, required: true },
  { key: 'identifier', label: 'Identifier', kind: 'text', group: g.general, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/, patternMessage: 'letters, digits, underscores and hyphens; no hyphen at the start or end' },
  { key: 'folder', label: 'Folder', kind: 'text', group: g.general },
  { key: 'tags', label: 'Worker tags', kind: 'list', group: g.general, help: 'One per line. Runs go only to runners with a matching tag.' },
  { key: 'priority', label: 'Priority', kind: 'enum', group: g.general, options: ['LOW', 'NORMAL', 'HIGH'] },
  { key: 'disabled', label: 'Disabled', kind: 'boolean', group: g.general, help: 'A disabled pipeline cannot be run.' },
  { key: 'disabled_reason', label: 'Reason for disabling', kind: 'text', group: g.general },
  { key: 'paused', label: 'Paused', kind: 'boolean', group: g.general, help: 'Pauses scheduled runs.' },
  { key: 'pause_on_repeated_failures', label: 'Pause after this many failed runs', kind: 'number', group: g.general, min: 0, max: 100 },
  { key: 'description_required', label: 'Require a comment on manual runs', kind: 'boolean', group: g.general },

  { key: 'refs', label: 'Refs', kind: 'list', group: g.triggers, help: 'One per line, e.g. refs/heads/main or refs/heads/*.' },
  { key: 'events', label: 'Events (JSON)', kind: 'json', group: g.triggers, help: 'e.g. [{"type":"PUSH","refs":["refs/heads/main"]}]' },
  { key: 'trigger_conditions', label: 'Trigger conditions (JSON)', kind: 'json', group: g.triggers },
  { key: 'loop', label: 'Loop variables', kind: 'list', group: g.triggers, help: 'One variable key per line; a run fans out per combination.' },

  { key: 'concurrent_pipeline_runs', label: 'Allow concurrent runs', kind: 'boolean', group: g.run },
  { key: 'no_skip_to_most_recent', label: 'Run every queued run (do not skip to the newest)', kind: 'boolean', group: g.run },
  { key: 'terminate_stale_runs', label: 'Terminate runs in progress for the same ref', kind: 'boolean', group: g.run },
  { key: 'always_from_scratch', label: 'Always deploy from scratch', kind: 'boolean', group: g.run },
  { key: 'fail_on_prepare_env_warning', label: 'Fail on environment preparation warnings', kind: 'boolean', group: g.run },
  { key: 'resources', label: 'Resources', kind: 'enum', group: g.run, options: ['DEFAULT', 'NANO', 'SMALL', 'MEDIUM', 'LARGE', 'XLARGE', 'X2LARGE', 'CUSTOM'] },
  { key: 'cpu', label: 'CPU', kind: 'enum', group: g.run, options: ['X64', 'ARM', 'X86'] },
  { key: 'worker', label: 'Worker', kind: 'text', group: g.run },

  { key: 'auto_clear_cache', label: 'Clear cache before every run', kind: 'boolean', group: g.repo },
  { key: 'cache_scope', label: 'Cache scope', kind: 'enum', group: g.repo, options: ['PIPELINE', 'PROJECT', 'WORKSPACE'] },
  { key: 'fetch_all_refs', label: 'Fetch all refs', kind: 'boolean', group: g.repo },
  { key: 'clone_depth', label: 'Clone depth (0 = full)', kind: 'number', group: g.repo, min: 0 },
  { key: 'git_changeset_base', label: 'Git changeset base', kind: 'enum', group: g.repo, options: ['LATEST_RUN', 'LATEST_RUN_MATCHING_REF', 'PULL_REQUEST'] },
  { key: 'filesystem_changeset_base', label: 'Filesystem changeset base', kind: 'enum', group: g.repo, options: ['DATE_MODIFIED', 'CONTENTS'] },
  { key: 'last_execution_revision', label: 'Last deployed revision', kind: 'text', group: g.repo },

  { key: 'target_site_url', label: 'Target site URL', kind: 'text', group: g.reporting },
  { key: 'execution_message_template', label: 'Run title template', kind: 'text', group: g.reporting },
  { key: 'do_not_create_commit_status', label: 'Do not create commit statuses', kind: 'boolean', group: g.reporting },
  { key: 'ignore_fail_on_project_status', label: 'Ignore failures in the project status', kind: 'boolean', group: g.reporting },

  { key: 'definition_source', label: 'Definition source', kind: 'enum', group: g.source, options: ['LOCAL', 'REMOTE'] },
  { key: 'git_config_ref', label: 'YAML definition ref', kind: 'enum', group: g.source, options: ['NONE', 'DYNAMIC', 'FIXED'] },
  { key: 'git_config', label: 'YAML definition location (JSON)', kind: 'json', group: g.source, help: '{"project": "...", "branch": "...", "path": "..."} for FIXED' },
  { key: 'remote_project_name', label: 'Remote project', kind: 'text', group: g.source },
  { key: 'remote_ref', label: 'Remote ref', kind: 'text', group: g.source },
  { key: 'remote_path', label: 'Remote path', kind: 'text', group: g.source },
  { key: 'remote_parameters', label: 'Remote parameters (JSON)', kind: 'json', group: g.source },

  { key: 'variables', label: 'Variables (JSON)', kind: 'json', group: g.access },
  { key: 'environments', label: 'Environments (JSON)', kind: 'json', group: g.access },
  { key: 'packages', label: 'Packages (JSON)', kind: 'json', group: g.access },
  { key: 'permissions', label: 'Permissions (JSON)', kind: 'json', group: g.access },
  { key: 'manage_variables_by_yaml', label: 'Variables are managed by YAML', kind: 'boolean', group: g.access },
  { key: 'manage_permissions_by_yaml', label: 'Permissions are managed by YAML', kind: 'boolean', group: g.access },
];

export type FormValues = Record<string, string | boolean>;

export function toFormValues(pipeline: Record<string, unknown>, fields: readonly FieldSpec[] = PIPELINE_FIELDS): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    const v = pipeline[f.key];
    switch (f.kind) {
      case 'boolean': values[f.key] = v === true; break;
      case 'list': values[f.key] = Array.isArray(v) ? v.map(String).join('\n') : ''; break;
      case 'json': values[f.key] = v === undefined || v === null ? '' : JSON.stringify(v, null, 2); break;
      case 'number': values[f.key] = typeof v === 'number' ? String(v) : ''; break;
      default: values[f.key] = v === undefined || v === null ? '' : String(v);
    }
  }
  return values;
}

function parseValue(f: FieldSpec, raw: string | boolean): { value?: unknown; error?: string } {
  if (f.kind === 'boolean') return { value: raw === true };
  const text = typeof raw === 'string' ? raw : String(raw);
  switch (f.kind) {
    case 'list': return { value: text.split('\n').map((s) => s.trim()).filter(Boolean) };
    case 'json': {
      if (!text.trim()) return { value: null };
      try { return { value: JSON.parse(text) }; } catch (e) { return { error: `is not valid JSON (${(e as Error).message})` }; }
    }
    case 'number': {
      if (!text.trim()) return { value: null };
      const n = Number(text);
      if (!Number.isInteger(n)) return { error: 'must be a whole number' };
      if (f.min !== undefined && n < f.min) return { error: `must be at least ${f.min}` };
      if (f.max !== undefined && n > f.max) return { error: `must be at most ${f.max}` };
      return { value: n };
    }
    default: {
      const value = text.trim();
      if (f.required && !value) return { error: 'is required' };
      if (value && f.pattern && !f.pattern.test(value)) return { error: `must use ${f.patternMessage ?? 'a valid format'}` };
      return { value: value === '' ? null : value };
    }
  }
}

/**
 * The PATCH body for the fields whose form value differs from `initial`, or per-field errors
 * (message without the label; the form prefixes it). No errors and an empty patch = nothing to save.
 */
export function buildPatch(values: FormValues, initial: FormValues, fields: readonly FieldSpec[] = PIPELINE_FIELDS): { patch: Record<string, unknown>; errors: Record<string, string> } {
  const patch: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.key];
    if (raw === undefined || raw === initial[f.key]) continue;
    const { value, error } = parseValue(f, raw);
    if (error) errors[f.key] = error; else patch[f.key] = value;
  }
  return { patch, errors };
}

/** Attaches server messages to the fields they name (by key or label); the rest are general. */
export function assignServerErrors(messages: readonly string[], fields: readonly FieldSpec[] = PIPELINE_FIELDS): { byField: Record<string, string>; general: string[] } {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  const sorted = [...fields].sort((a, b) => b.key.length - a.key.length);
  for (const m of messages) {
    const lower = m.toLowerCase();
    const hit = sorted.find((f) => new RegExp(`(^|[^a-z_])${f.key}([^a-z_]|$)`).test(lower)) ?? sorted.find((f) => lower.includes(f.label.toLowerCase()));
    if (hit && !byField[hit.key]) byField[hit.key] = m; else general.push(m);
  }
  return { byField, general };
}
