import { randomToken } from '../../../shared/index.js';
import { AppError } from '../../../shared/index.js';
import { BUDDY_DEFAULTS, identifierFrom, validatePipelineBody, type SecretBox } from '../../engine/index.js';
import type { Definition, Project, User } from '../../store/index.js';
import { invalid, type BuddyContext } from './buddy-context.js';
import { validateAction } from './action-writes.js';

/**
 * Creating and editing pipelines (definitions). Validation is pure (engine); here: uniqueness of
 * identifiers, the embedded `variables` array (pipeline-scoped variables, encrypted at rest) and
 * the inbound webhook token of a pipeline with a WEBHOOK event.
 */
export async function createPipeline(ctx: BuddyContext, project: Project, user: User, body: Record<string, unknown>, extra: { actions?: Array<Record<string, unknown>>; source?: Definition | null } = {}): Promise<Definition> {
  const { store } = ctx.deps;
  const source = extra.source ?? null;
  const { input, problems } = validatePipelineBody(body, { creating: true });
  const actionProblems = (extra.actions ?? []).flatMap((a, i) => validateAction(a, { creating: true }).problems.map((m) => `actions[${i}]: ${m}`));
  problems.push(...actionProblems, ...variableProblems(body.variables));
  if (problems.length) throw invalid(problems);
  const identifier = input.identifier ?? await freeIdentifier(ctx, project.id, identifierFrom(input.name!));
  await ensureIdentifierFree(ctx, project.id, identifier, null);
  const now = Date.now();
  const copied = source ? Object.fromEntries(Object.entries(source.settings).filter(([k]) => !['webhook_token', 'creator_id', 'paused', 'last_execution_revision'].includes(k))) : {};
  const settings: Record<string, unknown> = { ...BUDDY_DEFAULTS, ...copied, ...input.settings, buddy: true, creator_id: user.id };
  await checkRemote(ctx, project, settings, (extra.actions?.length ?? 0) > 0);
  if (!('pause_on_repeated_failures' in input.settings) && !source && (settings.events as Array<{ type?: string }>).some((e) => e.type === 'SCHEDULE')) settings.pause_on_repeated_failures = 100;
  if ((settings.events as Array<{ type?: string }>).some((e) => e.type === 'WEBHOOK')) settings.webhook_token = randomToken('', 18);
  let definition: Definition;
  try {
    definition = await store.definitions.insert({
      projectId: project.id, name: input.name!, identifier, source: 'actions', isDefault: false,
      priority: input.priority ?? source?.priority ?? 0, settings, createdAt: now,
    });
  } catch (error) {
    if (/unique|duplicate/i.test((error as Error).message)) throw new AppError('validation_failed', `identifier '${identifier}' is already used by another pipeline in this project`);
    throw error;
  }
  if (source) {
    for (const a of await store.buddyActions.forDefinition(source.id)) {
      await store.buddyActions.insert({ definitionId: definition.id, position: a.position, name: a.name, type: a.type, settings: a.settings, createdAt: now });
    }
    for (const v of await store.buddyVariables.list({ workspaceId: project.workspaceId, definitionId: source.id })) {
      await store.buddyVariables.insert({ ...v, definitionId: definition.id, createdAt: now });
    }
  }
  let position = 0;
  for (const a of extra.actions ?? []) {
    const { name, type, settings: s } = validateAction(a, { creating: true });
    await store.buddyActions.insert({ definitionId: definition.id, position: ++position, name: name!, type: type!, settings: s, createdAt: now });
  }
  if (Array.isArray(body.variables)) await replacePipelineVariables(ctx, project, definition.id, body.variables as Array<Record<string, unknown>>);
  return definition;
}

export async function updatePipeline(ctx: BuddyContext, project: Project, definition: Definition, body: Record<string, unknown>): Promise<Definition> {
  const { store } = ctx.deps;
  const { input, problems } = validatePipelineBody(body, { creating: false });
  problems.push(...variableProblems(body.variables));
  if (problems.length) throw invalid(problems);
  if (input.identifier !== undefined) await ensureIdentifierFree(ctx, project.id, input.identifier, definition.id);
  const settings: Record<string, unknown> = { ...definition.settings, ...input.settings };
  await checkRemote(ctx, project, settings, false);
  const events = (settings.events as Array<{ type?: string }> | undefined) ?? [];
  if (events.some((e) => e.type === 'WEBHOOK') && typeof settings.webhook_token !== 'string') settings.webhook_token = randomToken('', 18);
  if (events.some((e) => e.type === 'SCHEDULE') && settings.pause_on_repeated_failures === undefined) settings.pause_on_repeated_failures = 100;
  // Un-pausing starts counting failures afresh: nothing to reset, the count is derived from runs.
  await store.definitions.update(definition.id, { name: input.name, identifier: input.identifier, priority: input.priority, settings }, Date.now());
  if (Array.isArray(body.variables)) await replacePipelineVariables(ctx, project, definition.id, body.variables as Array<Record<string, unknown>>);
  return (await store.definitions.byId(definition.id))!;
}

/**
 * A REMOTE pipeline (its actions come from a template file in another project of the workspace,
 * engine/buddy-remote-template.ts) needs the project and the file's path; the project must exist.
 * The file itself is read when a run starts, so it may be pushed after the pipeline is made.
 */
async function checkRemote(ctx: BuddyContext, project: Project, settings: Record<string, unknown>, withActions: boolean): Promise<void> {
  if (settings.definition_source !== 'REMOTE') return;
  const problems: string[] = [];
  const name = settings.remote_project_name;
  if (typeof name !== 'string' || !name) problems.push('remote_project_name is required for a REMOTE pipeline');
  if (typeof settings.remote_path !== 'string' || !settings.remote_path) problems.push('remote_path is required for a REMOTE pipeline');
  if (withActions) problems.push('a REMOTE pipeline takes its actions from its template; actions cannot be given');
  const list = settings.remote_parameters;
  if (Array.isArray(list)) {
    list.forEach((p, i) => {
      const item = p as Record<string, unknown>;
      if (typeof item.key !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(item.key)) problems.push(`remote_parameters[${i}].key must be a name of letters, digits and underscores`);
      if (item.value !== undefined && item.value !== null && typeof item.value !== 'string') problems.push(`remote_parameters[${i}].value must be a string`);
    });
  }
  if (problems.length) throw invalid(problems);
  const workspace = await ctx.deps.store.workspaces.byId(project.workspaceId);
  if (!workspace || !(await ctx.deps.store.projects.byFullPath(workspace.path, name as string))) {
    throw invalid([`remote_project_name: project '${String(name)}' not found in this workspace`]);
  }
}

function variableProblems(list: unknown): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return ['variables must be an array'];
  return list.flatMap((v, i) => (v && typeof v === 'object' && typeof (v as { key?: unknown }).key === 'string' && (v as { key: string }).key !== '' ? [] : [`variables[${i}].key is required`]));
}

/** The embedded `variables` array replaces the pipeline's scoped variables (PATCH semantics). */
async function replacePipelineVariables(ctx: BuddyContext, project: Project, definitionId: number, list: Array<Record<string, unknown>>): Promise<void> {
  const { store } = ctx.deps;
  const box: SecretBox = await ctx.hooks.secrets();
  const existing = await store.buddyVariables.list({ workspaceId: project.workspaceId, definitionId });
  for (const v of existing) await store.buddyVariables.delete(v.id);
  const now = Date.now();
  for (const v of list) {
    const encrypted = v.encrypted === true;
    const previous = existing.find((e) => e.key === v.key);
    // An encrypted value sent back as shown (secure!…) keeps the stored secret.
    const value = encrypted && typeof v.value === 'string' && v.value.startsWith('secure!') && previous?.encrypted ? previous.value
      : encrypted ? box.seal(String(v.value ?? '')) : String(v.value ?? '');
    await store.buddyVariables.insert({
      workspaceId: project.workspaceId, projectId: project.id, definitionId, actionId: null, key: String(v.key), value,
      type: typeof v.type === 'string' ? v.type : 'VAR', encrypted, settable: v.settable === true,
      description: typeof v.description === 'string' ? v.description : null, createdAt: now,
    });
  }
}

async function freeIdentifier(ctx: BuddyContext, projectId: number, base: string): Promise<string> {
  const taken = new Set((await ctx.deps.store.definitions.listForProject(projectId)).map((d) => d.identifier));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

async function ensureIdentifierFree(ctx: BuddyContext, projectId: number, identifier: string, self: number | null): Promise<void> {
  const clash = (await ctx.deps.store.definitions.listForProject(projectId)).find((d) => d.identifier === identifier && d.id !== self);
  if (clash) throw new AppError('validation_failed', `identifier '${identifier}' is already used by another pipeline in this project`);
}
