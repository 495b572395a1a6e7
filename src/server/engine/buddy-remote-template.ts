import { parse } from 'yaml';
import { SUPPORTED_ACTION_TYPES, TRIGGER_TIMES, RUN_NEXT, type ActionInput } from './actions-plan.js';

/**
 * Buddy's REMOTE pipeline definitions (YAML templates): a pipeline whose actions come from a
 * buddy.yml file in another project, read at the commit its `remote_ref` points at when each run
 * is created. Pure: the text in, the actions (or every problem, worded for the run's yaml_errors)
 * out; buddy-run-config.ts reads the file.
 *
 * Parameters are text substitution before the YAML is parsed, as Buddy documents them:
 * `!{name:default}` takes the pipeline's `remote_parameters` value for `name`, else the default;
 * `!name` takes the value and is an error without one. A whole block (an action, a list item)
 * can be a parameter. `!!tag` (a YAML tag) is left alone.
 */
const PARAMETER = /(?<!!)!(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export function fillTemplate(text: string, parameters: Record<string, string>): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const filled = text.replace(PARAMETER, (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (Object.prototype.hasOwnProperty.call(parameters, name)) return parameters[name]!;
    if (fallback !== undefined) return fallback;
    missing.add(name);
    return whole;
  });
  return { text: filled, missing: [...missing] };
}

/** `remote_parameters` ([{key, value}]) as a map; items without a string key are ignored. */
export function parameterMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list as Array<Record<string, unknown>>) {
    if (item && typeof item.key === 'string' && item.key) out[item.key] = item.value === undefined || item.value === null ? '' : String(item.value);
  }
  return out;
}

export type TemplateResult = { ok: true; actions: ActionInput[] } | { ok: false; problems: string[] };

/**
 * The actions of a template. The file holds one pipeline (a list with one item, as buddy.yml
 * writes it, or the item alone); its pipeline-level settings are not applied — the inheriting
 * pipeline keeps its own (events, refs, priority…), the template gives the work. Action ids are
 * positions (1, 2, …): template actions have no stored ids.
 */
export function templateActions(path: string, text: string, parameters: Record<string, string>): TemplateResult {
  const { text: filled, missing } = fillTemplate(text, parameters);
  if (missing.length) return { ok: false, problems: missing.map((m) => `${path}: template parameter '${m}' has no value (set it in remote_parameters or give a default with !{${m}:default})`) };
  let doc: unknown;
  try {
    doc = parse(filled);
  } catch (error) {
    return { ok: false, problems: [`${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const item = Array.isArray(doc) ? doc[0] : doc;
  if (Array.isArray(doc) && doc.length !== 1) return { ok: false, problems: [`${path}: a template holds exactly one pipeline, found ${doc.length}`] };
  if (!item || typeof item !== 'object' || Array.isArray(item)) return { ok: false, problems: [`${path}: expected a pipeline (a mapping with actions)`] };
  const list = (item as Record<string, unknown>).actions;
  if (!Array.isArray(list) || list.length === 0) return { ok: false, problems: [`${path}: the pipeline has no actions`] };
  const problems: string[] = [];
  const actions: ActionInput[] = [];
  list.forEach((raw, i) => {
    const where = `${path}: actions[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) { problems.push(`${where} must be a mapping`); return; }
    const { action: name, type, ...settings } = raw as Record<string, unknown>;
    if (typeof name !== 'string' || !name.trim()) problems.push(`${where}: action (its name) is required`);
    if (typeof type !== 'string' || !(SUPPORTED_ACTION_TYPES as readonly string[]).includes(type)) {
      problems.push(`${where}: type must be one of ${SUPPORTED_ACTION_TYPES.join(', ')}`);
    }
    if (settings.trigger_time !== undefined && !(TRIGGER_TIMES as readonly unknown[]).includes(settings.trigger_time)) problems.push(`${where}: trigger_time must be one of ${TRIGGER_TIMES.join(', ')}`);
    if (settings.run_next !== undefined && !(RUN_NEXT as readonly unknown[]).includes(settings.run_next)) problems.push(`${where}: run_next must be one of ${RUN_NEXT.join(', ')}`);
    if (settings.execute_commands !== undefined && (!Array.isArray(settings.execute_commands) || settings.execute_commands.some((c) => typeof c !== 'string'))) {
      problems.push(`${where}: execute_commands must be a list of strings`);
    }
    actions.push({ id: i + 1, name: typeof name === 'string' ? name.trim() : '', type: String(type), settings });
  });
  const names = actions.map((a) => a.name);
  for (const [i, n] of names.entries()) if (n && names.indexOf(n) !== i) problems.push(`${path}: two actions are named '${n}'`);
  return problems.length ? { ok: false, problems } : { ok: true, actions };
}
