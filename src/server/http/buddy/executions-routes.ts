import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/index.js';
import { effectiveSettings, isCompleted, isDelayed, parseDelayUntil, refMatches, runDelayedNow, startBuddyRun, type PriorityName } from '../../engine/index.js';
import type { Definition, Project, Run, RunVariable, User } from '../../store/index.js';
import { body, invalid, notFound, paging, resolvePath, type BuddyContext } from './buddy-context.js';
import { actionExecutionJson, actionIdOf, actionTypeOf, executionJson, urls } from './buddy-serializers.js';

const E = '/workspaces/:workspace/projects/:project_name/pipelines/:pipeline_id/executions';

/** Executions (runs): list, run, get (with action executions and logs), operations. */
export function registerExecutionRoutes(app: FastifyInstance, ctx: BuddyContext): void {
  const { store, engine } = ctx.deps;

  async function runOf(definition: Definition, idText: string): Promise<Run> {
    const run = Number.isInteger(Number(idText)) ? await store.runs.byNumber(definition.id, Number(idText)) : null;
    if (!run) throw notFound('Execution');
    return run;
  }

  app.get(E, async (request) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_INFO'], 'read');
    const { page, perPage } = paging(request, 20);
    const q = { projectId: project.id, definitionId: definition!.id, excludeChildren: true, orderBy: 'id' as const, sort: 'desc' as const, offset: (page - 1) * perPage, limit: perPage };
    const [runs, total] = await Promise.all([store.runs.list(q), store.runs.count(q)]);
    const pl = urls.pipeline(ctx, project, definition!.id);
    return {
      url: `${pl.url}/executions`, html_url: pl.html_url, page, page_size: perPage, total_page_count: Math.ceil(total / perPage),
      element_count: runs.length, total_element_count: total,
      executions: await Promise.all(runs.map((r) => executionJson(ctx, project, definition!, r, false))),
    };
  });

  app.post(E, async (request) => {
    const { project, definition, user } = await resolvePath(ctx, request, ['EXECUTION_RUN'], 'run');
    const run = await runFromBody(ctx, project, definition!, user, body(request), 'api');
    return executionJson(ctx, project, definition!, run, true);
  });

  app.get(`${E}/:execution_id`, async (request) => {
    const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_INFO'], 'read');
    const run = await runOf(definition!, (request.params as { execution_id: string }).execution_id);
    return executionJson(ctx, project, definition!, run, true, true);
  });

  // Action execution details with the log, in the old (action/:action_id) and new forms.
  for (const path of [`${E}/:execution_id/action_executions/:id`, `${E}/:execution_id/action/:id`, `${E}/:execution_id/actions/:id`]) {
    app.get(path, async (request) => {
      const { project, definition } = await resolvePath(ctx, request, ['EXECUTION_INFO'], 'read');
      const params = request.params as { execution_id: string; id: string };
      const run = await runOf(definition!, params.execution_id);
      const jobs = await store.jobs.forRun(run.id);
      const job = path.includes('action_executions')
        ? jobs.find((j) => j.id === parseInt(params.id, 16))
        : jobs.find((j) => (actionIdOf(j) ?? j.id) === Number(params.id));
      if (!job) throw notFound('Action execution');
      return actionExecutionJson(ctx, project, definition!, run, job, isCompleted(run.status), (await store.jobs.readLog(job.id)).toString('utf8'));
    });
  }

  app.patch(`${E}/:execution_id`, async (request) => {
    const { project, definition, user } = await resolvePath(ctx, request, ['EXECUTION_RUN'], 'run');
    const run = await runOf(definition!, (request.params as { execution_id: string }).execution_id);
    const b = body(request);
    const jobs = await store.jobs.forRun(run.id);
    switch (b.operation) {
      case 'CANCEL':
        if (isCompleted(run.status)) throw new AppError('validation_failed', `Execution is ${run.status === 'success' ? 'SUCCESSFUL' : 'finished'} and cannot be cancelled`);
        // Buddy terminates a run waiting for approval or variables too (its manual jobs).
        await engine.cancelRun(run.id, { manual: true });
        break;
      case 'RETRY':
        if (run.status !== 'failed' && run.status !== 'canceled') throw new AppError('validation_failed', 'Only a FAILED or TERMINATED execution can be retried');
        await engine.retryRun(run.id, user);
        break;
      case 'APPLY': {
        const waiting = jobs.find((j) => j.status === 'manual' && actionTypeOf(j) !== 'WAIT_FOR_VARIABLES');
        if (!waiting) throw new AppError('validation_failed', 'Execution is not waiting for an approval');
        await engine.playJob(waiting.id, user);
        break;
      }
      case 'APPLY_VARIABLES': {
        const waiting = jobs.find((j) => j.status === 'manual' && actionTypeOf(j) === 'WAIT_FOR_VARIABLES');
        if (!waiting) throw new AppError('validation_failed', 'Execution is not waiting for variables');
        const vars = parseVariables(b.variables);
        // The values reach every action after the waiting one, as Buddy's settable variables do.
        for (const j of jobs.filter((x) => x.status === 'created')) {
          const spec = { ...j.spec } as Record<string, unknown>;
          const own = { ...(spec.variables as Record<string, unknown>) };
          for (const v of vars) own[v.key] = { value: v.value, expand: false };
          spec.variables = own;
          await store.jobs.updateSpec(j.id, spec);
        }
        await engine.playJob(waiting.id, user, vars.map((v) => ({ key: v.key, value: v.value })));
        break;
      }
      case 'RUN_DELAYED': {
        // A delay_until run waiting for its time (buddy-delays.ts); else delayed jobs (GitLab's `when: delayed`).
        if (run.status === 'created' && isDelayed(run, Date.now())) {
          await runDelayedNow({ store, engine, logger: ctx.deps.logger }, run.id);
          break;
        }
        const delayed = jobs.filter((j) => j.status === 'scheduled');
        if (!delayed.length) throw new AppError('validation_failed', 'Execution is not delayed');
        for (const j of delayed) await engine.playJob(j.id, user);
        break;
      }
      default:
        throw invalid(['operation must be one of CANCEL, RETRY, APPLY, APPLY_VARIABLES, RUN_DELAYED']);
    }
    return executionJson(ctx, project, definition!, (await store.runs.byId(run.id))!, true);
  });
}

function parseVariables(list: unknown): RunVariable[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw invalid(['variables must be an array']);
  const problems: string[] = [];
  const out: RunVariable[] = [];
  list.forEach((v, i) => {
    if (!v || typeof v !== 'object' || typeof (v as { key?: unknown }).key !== 'string' || !(v as { key: string }).key) problems.push(`variables[${i}].key is required`);
    else out.push({ key: (v as { key: string }).key, value: String((v as { value?: unknown }).value ?? ''), variable_type: 'env_var' });
  });
  if (problems.length) throw invalid(problems);
  return out;
}

/** A run request (API body or inbound webhook parameters) → a started execution. */
export async function runFromBody(ctx: BuddyContext, project: Project, definition: Definition, user: User | null, b: Record<string, unknown>, source: 'api' | 'trigger'): Promise<Run> {
  const problems: string[] = [];
  const name = (x: unknown) => (x && typeof x === 'object' ? (x as { name?: unknown }).name : x);
  const branch = name(b.branch);
  const tag = name(b.tag);
  if (branch !== undefined && typeof branch !== 'string') problems.push('branch.name must be a string');
  if (tag !== undefined && typeof tag !== 'string') problems.push('tag.name must be a string');
  const revision = b.to_revision && typeof b.to_revision === 'object' ? (b.to_revision as { revision?: unknown }).revision : b.to_revision;
  if (revision !== undefined && (typeof revision !== 'string' || !/^(HEAD|[0-9a-f]{7,64})$/i.test(revision))) problems.push('to_revision.revision must be HEAD or a commit sha');
  if (b.priority !== undefined && !['LOW', 'NORMAL', 'HIGH'].includes(b.priority as string)) problems.push('priority must be one of LOW, NORMAL, HIGH');
  if (b.comment !== undefined && b.comment !== null && typeof b.comment !== 'string') problems.push('comment must be a string');
  for (const f of ['refresh', 'clear_cache']) if (b[f] !== undefined && typeof b[f] !== 'boolean') problems.push(`${f} must be a boolean`);
  let delayUntil: number | null = null;
  if (b.delay_until !== undefined && b.delay_until !== null) {
    const parsed = parseDelayUntil(b.delay_until, Date.now());
    if ('error' in parsed) problems.push(parsed.error); else delayUntil = parsed.at;
  }
  let actionsToRun: number[] | null = null;
  if (b.actions_to_run !== undefined) {
    const ids = Array.isArray(b.actions_to_run) ? b.actions_to_run.map((x) => (typeof x === 'object' && x ? (x as { id?: unknown }).id : x)) : null;
    const known = new Set((await ctx.deps.store.buddyActions.forDefinition(definition.id)).map((a) => a.id));
    if (!ids || ids.some((id) => typeof id !== 'number' || !known.has(id))) problems.push('actions_to_run must list action ids of this pipeline');
    else actionsToRun = ids as number[];
  }
  const ref = typeof tag === 'string' ? `refs/tags/${tag}` : typeof branch === 'string' ? `refs/heads/${branch}` : null;
  const refs = effectiveSettings(definition).refs.filter((r) => r !== ':context');
  if (ref && refs.length && !refs.some((p) => refMatches(p, ref))) problems.push(`${ref} does not match the pipeline's refs`);
  const variables = (() => { try { return parseVariables(b.variables); } catch (e) { problems.push((e as Error).message); return []; } })();
  if (problems.length) throw invalid(problems);
  return startBuddyRun({ store: ctx.deps.store, engine: ctx.deps.engine }, {
    project, definition, ref, sha: typeof revision === 'string' && revision.toUpperCase() !== 'HEAD' ? revision : undefined,
    source, user, variables, comment: (b.comment as string | undefined) ?? null, priority: (b.priority as PriorityName | undefined) ?? null,
    clearCache: b.clear_cache === true, refresh: b.refresh === true, actionsToRun, delayUntil,
  });
}
