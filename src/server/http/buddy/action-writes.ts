import { RUN_NEXT, SUPPORTED_ACTION_TYPES, TRIGGER_TIMES } from '../../engine/index.js';


/**
 * Validation of an action body (pure). Returns the name, the type and every other field to
 * store; problems are all listed at once.
 */
export function validateAction(body: Record<string, unknown>, options: { creating: boolean; existingType?: string }): { name?: string; type?: string; settings: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const { name: rawName, action: yamlName, type, id: _id, url: _u, html_url: _h, after_action_id: _a, pipeline: _p, ...rest } = body;
  const name = (rawName ?? yamlName) as unknown;
  if (name !== undefined && (typeof name !== 'string' || !name.trim())) problems.push('name must be a non-empty string');
  else if (name === undefined && options.creating) problems.push('name is required');
  if (type !== undefined) {
    if (options.existingType !== undefined && type !== options.existingType) problems.push('type of an action cannot be changed; remove the action and add it again');
    else if (!SUPPORTED_ACTION_TYPES.includes(type as never)) problems.push(`type must be one of ${SUPPORTED_ACTION_TYPES.join(', ')}`);
  } else if (options.creating) problems.push('type is required');
  if (rest.trigger_time !== undefined && !TRIGGER_TIMES.includes(rest.trigger_time as never)) problems.push(`trigger_time must be one of ${TRIGGER_TIMES.join(', ')}`);
  if (rest.run_next !== undefined && !RUN_NEXT.includes(rest.run_next as never)) problems.push(`run_next must be one of ${RUN_NEXT.join(', ')}`);
  for (const f of ['execute_commands', 'setup_commands', 'cached_dirs']) {
    if (rest[f] !== undefined && (!Array.isArray(rest[f]) || (rest[f] as unknown[]).some((x) => typeof x !== 'string'))) problems.push(`${f} must be an array of strings`);
  }
  if (options.creating && type === 'BUILD' && !(Array.isArray(rest.execute_commands) && rest.execute_commands.length)) problems.push('execute_commands is required for BUILD');
  for (const f of ['timeout', 'retry_count', 'retry_interval', 'sleep_in_sec']) {
    if (rest[f] !== undefined && rest[f] !== null && (typeof rest[f] !== 'number' || (rest[f] as number) < 0)) problems.push(`${f} must be a non-negative number`);
  }
  if (type === 'SLEEP' && typeof rest.sleep_in_sec === 'number' && rest.sleep_in_sec > 1200) problems.push('sleep_in_sec must be at most 1200');
  for (const f of ['disabled', 'ignore_errors', 'run_only_on_first_failure']) {
    if (rest[f] !== undefined && typeof rest[f] !== 'boolean') problems.push(`${f} must be a boolean`);
  }
  if (rest.run_only_on_first_failure === true && rest.trigger_time !== 'ON_FAILURE') problems.push('run_only_on_first_failure is only valid with trigger_time ON_FAILURE');
  if (rest.variables !== undefined && !Array.isArray(rest.variables)) problems.push('variables must be an array');
  return { name: typeof name === 'string' ? name.trim() : undefined, type: type as string | undefined, settings: rest, problems };
}
