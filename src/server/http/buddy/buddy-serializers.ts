import { expandExisting } from '../../../pipeline/index.js';
import { actionExecutionStatus, DELAY_VARIABLE, delayUntilOf, effectiveSettings, executionStatus, priorityName, toBuddyStatus, isCompleted } from '../../engine/index.js';
import type { Definition, Job, Project, Run, User, Workspace } from '../../store/index.js';
import { iso, type BuddyContext } from './buddy-context.js';

/**
 * Buddy's JSON objects. Every object carries url and html_url; empty fields are null, never
 * omitted (shared/spec/buddy-api.md §1.4).
 */
type Action = Awaited<ReturnType<BuddyContext['deps']['store']['buddyActions']['forDefinition']>>[number];
type Variable = Awaited<ReturnType<BuddyContext['deps']['store']['buddyVariables']['list']>>[number];

export const urls = {
  workspace: (ctx: BuddyContext, ws: string) => ({ url: `${ctx.api()}/workspaces/${ws}`, html_url: `${ctx.web()}/${ws}` }),
  project: (ctx: BuddyContext, p: Project) => ({ url: `${ctx.api()}/workspaces/${p.workspacePath}/projects/${p.path}`, html_url: `${ctx.web()}/${p.workspacePath}/${p.path}` }),
  pipeline: (ctx: BuddyContext, p: Project, id: number) => ({
    url: `${ctx.api()}/workspaces/${p.workspacePath}/projects/${p.path}/pipelines/${id}`,
    html_url: `${ctx.web()}/${p.workspacePath}/${p.path}/pipelines/pipeline/${id}`,
  }),
};

export function workspaceJson(ctx: BuddyContext, ws: Workspace, detailed: boolean) {
  return {
    ...urls.workspace(ctx, ws.path), id: ws.id, name: ws.name, domain: ws.path,
    ...(detailed && {
      owner_id: ws.ownerUserId, frozen: false, create_date: iso(ws.createdAt), default_pipeline_resource: 'DEFAULT',
      sso_enabled: false, public_pipelines_disabled: false,
    }),
  };
}

export function shortProject(ctx: BuddyContext, p: Project) {
  return { ...urls.project(ctx, p), name: p.path, display_name: p.name, status: 'ACTIVE' };
}

export function projectJson(ctx: BuddyContext, p: Project, creator: User | null) {
  const base = ctx.deps.baseUrl();
  return {
    ...shortProject(ctx, p), create_date: iso(p.createdAt), created_by: creator ? memberJson(ctx, p.workspacePath, creator) : null,
    http_repository: `${base}/${p.workspacePath}/${p.path}.git`, ssh_repository: null, default_branch: p.defaultBranch,
    access: p.visibility === 'public' ? 'PUBLIC' : 'PRIVATE', allow_pull_requests: false, fetch_submodules: false,
    fetch_submodules_env_key: null, update_default_branch_from_external: false, without_repository: false,
  };
}

export function memberJson(ctx: BuddyContext, ws: string, u: User) {
  return {
    url: `${ctx.api()}/workspaces/${ws}/members/${u.id}`, html_url: `${ctx.web()}/${ws}/-/profile/${u.id}`,
    id: u.id, name: u.name, avatar_url: null, email: u.email, admin: u.admin, workspace_owner: false,
  };
}

export function actionUrls(ctx: BuddyContext, p: Project, definitionId: number, actionId: number) {
  const pl = urls.pipeline(ctx, p, definitionId);
  return { url: `${pl.url}/actions/${actionId}`, html_url: `${pl.html_url}/action/${actionId}/edit` };
}

/** Fields every action shows, with Buddy's defaults for the ones never set. */
export const ACTION_DEFAULTS: Readonly<Record<string, unknown>> = {
  trigger_time: 'ON_EVERY_EXECUTION', run_next: 'WAIT_ON_SUCCESS', disabled: false, ignore_errors: false, timeout: null,
  retry_count: 0, retry_interval: 0, run_only_on_first_failure: false, trigger_conditions: [], loop: [], variables: [],
};

export function shortAction(ctx: BuddyContext, p: Project, definitionId: number, a: Action, last: { status: string | null; revision: string | null }) {
  const s = { ...ACTION_DEFAULTS, ...a.settings };
  return {
    ...actionUrls(ctx, p, definitionId, a.id), id: a.id, name: a.name, type: a.type, trigger_time: s.trigger_time,
    last_execution_status: last.status, current_revision: last.revision, disabled: s.disabled, ignore_errors: s.ignore_errors, run_next: s.run_next,
  };
}

export function actionJson(ctx: BuddyContext, p: Project, definition: Definition, a: Action, last: { status: string | null; revision: string | null }) {
  return {
    ...ACTION_DEFAULTS, ...a.settings, ...shortAction(ctx, p, definition.id, a, last), position: a.position,
    pipeline: { ...urls.pipeline(ctx, p, definition.id), id: definition.id, identifier: definition.identifier, name: definition.name },
  };
}

/** A variable as Buddy shows it: encrypted values never in clear. */
export function variableJson(ctx: BuddyContext, ws: string, v: Variable) {
  return {
    url: `${ctx.api()}/workspaces/${ws}/variables/${v.id}`, html_url: `${ctx.web()}/${ws}/variables`,
    id: v.id, key: v.key, value: v.encrypted ? `secure!${v.value.slice(-24)}` : v.value, type: v.type, encrypted: v.encrypted,
    settable: v.settable, description: v.description, file_path: null, file_chmod: null, file_place: null, public_value: null,
    key_fingerprint: null, checksum: null,
    project: v.projectId !== null ? { id: v.projectId } : null,
    pipeline: v.definitionId !== null ? { id: v.definitionId } : null,
    action: v.actionId !== null ? { id: v.actionId } : null,
    environment: null,
  };
}

/** Embedded in a pipeline: `{key, value, type, encrypted, settable, description}`. */
function embeddedVariable(v: Variable) {
  return { id: v.id, key: v.key, value: v.encrypted ? `secure!${v.value.slice(-24)}` : v.value, type: v.type, encrypted: v.encrypted, settable: v.settable, description: v.description };
}

export async function pipelineJson(ctx: BuddyContext, p: Project, d: Definition) {
  const { store } = ctx.deps;
  const s = effectiveSettings(d);
  const [last] = await store.runs.list({ projectId: p.id, definitionId: d.id, excludeChildren: true, orderBy: 'id', sort: 'desc', offset: 0, limit: 1 });
  const [lastOk] = await store.runs.list({ projectId: p.id, definitionId: d.id, excludeChildren: true, statuses: ['success'], orderBy: 'id', sort: 'desc', offset: 0, limit: 1 });
  const creatorId = typeof d.settings.creator_id === 'number' ? d.settings.creator_id : null;
  const creator = creatorId !== null ? await store.users.byId(creatorId) : null;
  const actions = await store.buddyActions.forDefinition(d.id);
  const variables = await store.buddyVariables.list({ workspaceId: p.workspaceId, definitionId: d.id });
  const lastStatus = last ? toBuddyStatus(last.status) : 'INITIAL';
  const actionLast = await lastActionStatuses(ctx, last ?? null);
  const { creator_id: _c, buddy: _b, webhook_token: _t, ...stored } = s as Record<string, unknown>;
  return {
    ...urls.pipeline(ctx, p, d.id), id: d.id, identifier: d.identifier, name: d.name,
    ...stored,
    priority: priorityName(d.priority),
    last_execution_status: lastStatus,
    last_execution_revision: lastOk?.sha ?? (s.last_execution_revision as string | null) ?? null,
    create_date: iso(d.createdAt),
    stale: false,
    waiting_for_push: d.source === 'ci_file' && !last,
    remote_branch: stored.remote_ref ?? null,
    project: shortProject(ctx, p),
    creator: creator ? memberJson(ctx, p.workspacePath, creator) : null,
    variables: variables.map(embeddedVariable),
    actions: actions.map((a) => shortAction(ctx, p, d.id, a, actionLast(a.id))),
    trigger_url: s.events.some((e) => e.type === 'WEBHOOK') && typeof d.settings.webhook_token === 'string'
      ? `${ctx.api()}/workspaces/${p.workspacePath}/projects/${p.path}/pipelines/${d.id}/trigger?token=${d.settings.webhook_token}` : null,
  };
}

async function lastActionStatuses(ctx: BuddyContext, run: Run | null): Promise<(actionId: number) => { status: string | null; revision: string | null }> {
  if (!run) return () => ({ status: null, revision: null });
  const jobs = await ctx.deps.store.jobs.forRun(run.id);
  const byAction = new Map<number, Job>();
  for (const j of jobs) { const id = actionIdOf(j); if (id !== null) byAction.set(id, j); }
  return (id) => {
    const j = byAction.get(id);
    return j ? { status: actionExecutionStatus({ status: j.status, actionType: actionTypeOf(j) }, isCompleted(run.status)), revision: j.status === 'success' ? run.sha : null } : { status: null, revision: null };
  };
}

export function actionIdOf(job: Job): number | null {
  const v = (job.spec.variables as Record<string, { value: string }> | undefined)?.BUDDY_ACTION_ID?.value;
  return v === undefined ? null : Number(v);
}

export function actionTypeOf(job: Job): string | null {
  return (job.spec.variables as Record<string, { value: string }> | undefined)?.BUDDY_ACTION_TYPE?.value ?? null;
}

const TRIGGERED_ON: Record<string, string> = {
  web: 'CLICK', api: 'API', push: 'PUSH', schedule: 'SCHEDULE', trigger: 'WEBHOOK', pipeline: 'PIPELINE', parent_pipeline: 'PIPELINE',
  merge_request_event: 'PULL_REQUEST',
};

export async function executionJson(ctx: BuddyContext, p: Project, d: Definition, run: Run, withActions: boolean, withLogs = false) {
  const { store } = ctx.deps;
  const pl = urls.pipeline(ctx, p, d.id);
  const jobs = await store.jobs.forRun(run.id);
  const waiting = jobs.find((j) => j.status === 'manual');
  const creator = run.userId !== null ? await store.users.byId(run.userId) : null;
  const finished = isCompleted(run.status);
  const ctxInfo = run.context as { buddy?: { refresh?: boolean; clearCache?: boolean } };
  const out: Record<string, unknown> = {
    url: `${pl.url}/executions/${run.number}`, html_url: `${pl.html_url}/execution/${run.number}`,
    id: run.number, start_date: iso(run.startedAt), finish_date: iso(run.finishedAt),
    triggeredOn: TRIGGERED_ON[run.source] ?? 'API', priority: priorityName(run.priority),
    refresh: ctxInfo.buddy?.refresh ?? false, clear_cache: ctxInfo.buddy?.clearCache ?? false,
    status: executionStatus(run, waiting ? actionTypeOf(waiting) : null, jobs.some((j) => j.when === 'on_cancel' && !isCompleted(j.status) && j.status !== 'created')), comment: run.comment,
    title: executionTitle(d, run),
    branch: run.tag ? null : { url: `${urls.project(ctx, p).url}/repository/branches/${run.ref}`, html_url: `${urls.project(ctx, p).html_url}/repository/branch/${run.ref}`, name: run.ref, default: run.ref === p.defaultBranch },
    tag: run.tag ? { name: run.ref } : null,
    pull_request: null,
    from_revision: /^0+$/.test(run.beforeSha) ? null : { revision: run.beforeSha },
    to_revision: { url: `${urls.project(ctx, p).url}/repository/commits/${run.sha}`, html_url: `${urls.project(ctx, p).html_url}/repository/commit/${run.sha}`, revision: run.sha, message: predefinedOf(run).CI_COMMIT_MESSAGE ?? null },
    creator: creator ? memberJson(ctx, p.workspacePath, creator) : null,
    pipeline: { ...pl, id: d.id, identifier: d.identifier, name: d.name },
    variables: run.variables.filter((v) => v.key !== DELAY_VARIABLE).map((v) => ({ key: v.key, value: v.value, type: 'VAR', encrypted: false })),
    delay_until: iso(delayUntilOf(run)),
    gitlab_pipeline_id: run.id,
  };
  if (withActions) {
    const logs = withLogs ? await Promise.all(jobs.map(async (j) => (await store.jobs.readLog(j.id)).toString('utf8'))) : [];
    out.action_executions = jobs.map((j, i) => actionExecutionJson(ctx, p, d, run, j, finished, withLogs ? logs[i]! : null));
  }
  return out;
}

export function actionExecutionJson(ctx: BuddyContext, p: Project, d: Definition, run: Run, j: Job, runFinished: boolean, log: string | null) {
  const pl = urls.pipeline(ctx, p, d.id);
  const status = actionExecutionStatus({ status: j.status, actionType: actionTypeOf(j) }, runFinished);
  const actionId = actionIdOf(j) ?? j.id;
  const id = j.id.toString(16).padStart(24, '0');
  return {
    url: `${pl.url}/executions/${run.number}/action_executions/${id}`, html_url: `${pl.html_url}/execution/${run.number}/action/${actionId}`,
    action_execution_id: id, status, progress: status === 'SUCCESSFUL' || status === 'FAILED' || status === 'TERMINATED' ? 100 : status === 'INPROGRESS' ? 50 : 0,
    start_date: iso(j.startedAt), finish_date: iso(j.finishedAt),
    error_message: j.failureReason, terminator_id: null, termination_date: j.status === 'canceled' ? iso(j.finishedAt) : null,
    approver_id: null, approval_date: null, passed_variables: [], outputted_variables: [],
    action: { ...actionUrls(ctx, p, d.id, actionId), id: actionId, name: j.name, type: actionTypeOf(j) ?? 'BUILD', trigger_time: 'ON_EVERY_EXECUTION' },
    gitlab_job_id: j.id,
    ...(log !== null && { log: log.split('\n') }),
  };
}

function predefinedOf(run: Run): Record<string, string> {
  return (run.context.predefined as Record<string, string> | undefined) ?? {};
}

/**
 * The execution's title: the pipeline's execution_message_template expanded with the run's
 * variables and Buddy's execution variables (default: the commit's subject line).
 */
export function executionTitle(d: Definition, run: Run): string {
  const template = typeof d.settings.execution_message_template === 'string' ? d.settings.execution_message_template : '$BUDDY_EXECUTION_REVISION_SUBJECT';
  const predefined = predefinedOf(run);
  const values: Record<string, string> = {
    BUDDY_EXECUTION_REVISION_SUBJECT: predefined.CI_COMMIT_TITLE ?? '',
    BUDDY_RUN_COMMIT_SUBJECT: predefined.CI_COMMIT_TITLE ?? '',
    BUDDY_EXECUTION_REVISION_MESSAGE: predefined.CI_COMMIT_MESSAGE ?? '',
    BUDDY_EXECUTION_REVISION: run.sha, BUDDY_EXECUTION_BRANCH: run.tag ? '' : run.ref, BUDDY_EXECUTION_TAG: run.tag ? run.ref : '',
    BUDDY_EXECUTION_ID: String(run.number), BUDDY_EXECUTION_COMMENT: run.comment ?? '', BUDDY_PIPELINE_NAME: d.name,
    BUDDY_PIPELINE_ID: String(d.id),
    ...Object.fromEntries(run.variables.map((v) => [v.key, v.value])),
  };
  return expandExisting(template, (name) => values[name]).replace(/\$\$/g, '$');
}
