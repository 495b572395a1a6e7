import { AppError, isoTime, type Clock, type Logger } from '../../shared/index.js';
import { compile, type Plan, type PlanJob, type PipelineSource, type ContextVariable } from '../../pipeline/index.js';
import type { Definition, Project, Run, RunVariable, Store, User } from '../store/index.js';
import type { RepositoryAccess } from './ports.js';
import { JOB_WHEN_VARIABLE } from './statuses.js';

const ZERO_SHA = '0000000000000000000000000000000000000000';

/** A run's configuration text, or why there is none (the run is stored failed with this as yaml_errors). */
export type ConfigText = string | { yamlErrors: string };

export interface CreateRunInput {
  project: Project;
  definition?: Definition;
  /** Branch or tag name, or a full refs/heads/… / refs/tags/… ref. */
  ref: string;
  /** The commit; resolved from the ref when absent. */
  sha?: string;
  beforeSha?: string;
  source: PipelineSource;
  user: User | null;
  variables?: RunVariable[];
  comment?: string | null;
  /** Paths changed by the push that made this run; null/absent = unknown. */
  changedPaths?: string[] | null;
  parent?: { runId: number; jobId: number; includes: string[] };
  priority?: number;
  /** Buddy's actions_to_run: only these actions of an actions definition run (null = all). */
  actionsToRun?: number[] | null;
}

export type CreateRunResult =
  | { created: true; run: Run; plan: Plan | null }
  | { created: false; reason: 'filtered_by_workflow_rules' | 'no_jobs' | 'missing_config'; message: string };

export interface RunCreationDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  repos: RepositoryAccess;
  baseUrl(): string;
  /** Project CI/CD variables visible to a run on `ref` (protected ones only on protected refs). */
  projectVariables(project: Project, ref: string, refProtected: boolean, definitionId?: number): Promise<Record<string, ContextVariable>>;
  /** CI config text of a definition whose jobs are not in the repository (source 'actions'). */
  configFor?(definition: Definition, input: CreateRunInput): Promise<ConfigText | null>;
  /** Persists jobs of a compiled plan and starts processing; owned by the engine. */
  persistPlan(run: Run, plan: Plan): Promise<void>;
  /** Marks a run failed with yaml_errors. */
  failRun(run: Run, yamlErrors: string): Promise<void>;
}

export function normaliseRef(ref: string): { name: string; tag: boolean | null } {
  if (ref.startsWith('refs/heads/')) return { name: ref.slice(11), tag: false };
  if (ref.startsWith('refs/tags/')) return { name: ref.slice(10), tag: true };
  return { name: ref, tag: null };
}

/**
 * Creates a run: resolves the commit, reads and compiles the CI file, and stores the run and its
 * jobs. The run row is written first (it needs its id for CI_PIPELINE_ID), compilation happens
 * outside any transaction (it reads git), and the jobs are stored in one transaction. A config
 * with errors still yields a run — failed, with yaml_errors — as GitLab does.
 */
export async function createRun(deps: RunCreationDeps, input: CreateRunInput): Promise<CreateRunResult> {
  const { store, clock, repos } = deps;
  const { project } = input;
  const normalised = normaliseRef(input.ref);
  let sha = input.sha;
  let tag = normalised.tag ?? false;
  let refName = normalised.name;
  if (!sha) {
    const resolved = await repos.resolveRef(project, input.ref);
    if (!resolved) throw new AppError('validation_failed', 'Reference not found', { details: { base: ['Reference not found'] } });
    sha = resolved.sha;
    tag = resolved.tag;
    refName = resolved.ref;
  }
  const definition = input.definition ?? await ensureDefaultDefinition(store, project.id, clock.now());
  const configPath = project.ciConfigPath || '.gitlab-ci.yml';
  const configText = input.parent
    ? `include:\n${input.parent.includes.map((p) => `  - local: ${JSON.stringify(p)}`).join('\n')}\n`
    : definition.source === 'actions' && deps.configFor
      ? await deps.configFor(definition, input)
      : await repos.readFile(project, sha, configPath);
  if (configText === null) {
    return { created: false, reason: 'missing_config', message: 'Missing CI config file' };
  }

  const now = clock.now();
  const commit = await repos.commit(project, sha).catch(() => null);
  const iid = await store.projects.nextRunIid(project.id);
  const number = await store.definitions.nextRunNumber(definition.id);
  const run = await store.runs.insert({
    projectId: project.id, definitionId: definition.id, iid, number, status: 'created', source: input.source,
    ref: refName, tag, sha, beforeSha: input.beforeSha ?? ZERO_SHA, userId: input.user?.id ?? null, name: null,
    comment: input.comment ?? null, yamlErrors: null, variables: input.variables ?? [],
    context: { configPath, changedPaths: input.changedPaths ?? null, ...(input.parent && { includes: input.parent.includes }) },
    priority: input.priority ?? definition.priority, parentRunId: input.parent?.runId ?? null, parentJobId: input.parent?.jobId ?? null,
    createdAt: now, committedAt: commit ? Date.parse(commit.timestamp) || null : null,
  });
  if (typeof configText !== 'string') {
    await deps.failRun(run, configText.yamlErrors);
    return { created: true, run: (await store.runs.byId(run.id))!, plan: null };
  }

  return compileRun(deps, input, run, { definition, configText, configPath, sha, tag, refName, commit });
}

/**
 * Finishes a run whose creation the server did not complete (it stopped between writing the run
 * row and storing its jobs): everything needed is in the row, so it is compiled again.
 */
export async function resumeRun(deps: RunCreationDeps, run: Run): Promise<CreateRunResult> {
  const { store, repos } = deps;
  const project = await store.projects.byId(run.projectId);
  const definition = await store.definitions.byId(run.definitionId);
  if (!project || !definition) return { created: false, reason: 'missing_config', message: 'project or pipeline definition is gone' };
  const includes = run.context.includes as string[] | undefined;
  const input: CreateRunInput = {
    project, definition, ref: run.tag ? `refs/tags/${run.ref}` : `refs/heads/${run.ref}`, sha: run.sha, beforeSha: run.beforeSha,
    source: run.source as CreateRunInput['source'], user: run.userId !== null ? await store.users.byId(run.userId) : null,
    variables: run.variables, comment: run.comment, changedPaths: (run.context.changedPaths as string[] | null | undefined) ?? null,
    priority: run.priority,
    ...(includes && run.parentRunId !== null && run.parentJobId !== null && { parent: { runId: run.parentRunId, jobId: run.parentJobId, includes } }),
  };
  const configPath = (run.context.configPath as string | undefined) ?? (project.ciConfigPath || '.gitlab-ci.yml');
  const configText = input.parent
    ? `include:\n${input.parent.includes.map((p) => `  - local: ${JSON.stringify(p)}`).join('\n')}\n`
    : definition.source === 'actions' && deps.configFor
      ? await deps.configFor(definition, input)
      : await repos.readFile(project, run.sha, configPath);
  if (configText === null || typeof configText !== 'string') {
    await deps.failRun(run, configText === null ? 'Missing CI config file' : configText.yamlErrors);
    return { created: true, run: (await store.runs.byId(run.id))!, plan: null };
  }
  const commit = await repos.commit(project, run.sha).catch(() => null);
  return compileRun(deps, input, run, { definition, configText, configPath, sha: run.sha, tag: run.tag, refName: run.ref, commit });
}

interface CompileTarget {
  definition: Definition;
  configText: string;
  configPath: string;
  sha: string;
  tag: boolean;
  refName: string;
  commit: { message: string; author: string; timestamp: string } | null;
}

/** Compiles a stored run's configuration and stores its jobs (or its yaml_errors). */
async function compileRun(deps: RunCreationDeps, input: CreateRunInput, run: Run, target: CompileTarget): Promise<CreateRunResult> {
  const { store, repos } = deps;
  const { project } = input;
  const { definition, configText, configPath, sha, tag, refName, commit } = target;
  const now = run.createdAt;
  const refProtected = !tag && refName === project.defaultBranch;
  const runVariables: Record<string, ContextVariable> = {};
  for (const v of input.variables ?? []) runVariables[v.key] = { value: v.value, file: v.variable_type === 'file' };
  const base = deps.baseUrl();
  const fullPath = `${project.workspacePath}/${project.path}`;
  let result;
  try {
    result = await compile({
      config: configText,
      configPath: input.parent ? '.gitlab-ci.yml' : configPath,
      reader: {
        readFile: (path) => repos.readFile(project, sha!, path),
        listFiles: () => repos.listFiles(project, sha!),
        hashFiles: (paths) => repos.hashFiles(project, sha!, paths),
        changedPathsSince: async (ref) => {
          const target = await repos.resolveRef(project, ref);
          return target ? repos.changedPaths(project, target.sha, sha!) : null;
        },
      },
      context: {
        ref: refName, tag, sha, beforeSha: input.beforeSha ?? null, source: input.source,
        variables: runVariables,
        projectVariables: await deps.projectVariables(project, refName, refProtected, definition.id),
        changedPaths: input.changedPaths ?? null, refProtected,
        project: {
          id: project.id, path: fullPath, namespace: project.workspacePath, name: project.path, title: project.name,
          defaultBranch: project.defaultBranch, url: `${base}/${fullPath}`, visibility: project.visibility,
        },
        serverUrl: base,
        pipeline: { id: run.id, iid: run.iid, createdAt: isoTime(now) ?? undefined },
        user: input.user ? { id: input.user.id, login: input.user.username, name: input.user.name, email: input.user.email } : undefined,
        commit: commit ? { message: commit.message, author: commit.author, timestamp: commit.timestamp } : undefined,
        configPath,
      },
    });
  } catch (error) {
    // The compiler promises never to throw; if it does, the run still ends, with the reason.
    deps.logger.error({ err: error, runId: run.id }, 'compiler threw');
    await deps.failRun(run, `Internal compiler error: ${(error as Error).message}`);
    return { created: true, run: (await store.runs.byId(run.id))!, plan: null };
  }

  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !result.plan) {
    await deps.failRun(run, errors.map((d) => d.message).join(', ') || 'Invalid configuration');
    return { created: true, run: (await store.runs.byId(run.id))!, plan: null };
  }
  const plan = result.plan;
  if (!plan.workflow.created) {
    await store.runs.delete(run.id);
    return {
      created: false, reason: plan.workflow.reason ?? 'no_jobs',
      message: plan.workflow.message ?? (plan.workflow.reason === 'filtered_by_workflow_rules' ? 'Pipeline filtered out by workflow rules.' : 'Pipeline will not run for the selected trigger. The rules configuration prevented any jobs from being added to the pipeline.'),
    };
  }
  await deps.persistPlan(run, plan);
  return { created: true, run: (await store.runs.byId(run.id))!, plan };
}

export async function ensureDefaultDefinition(store: Store, projectId: number, now: number): Promise<Definition> {
  const existing = await store.definitions.defaultFor(projectId);
  if (existing) return existing;
  try {
    return await store.definitions.insert({ projectId, name: 'GitLab CI', identifier: 'gitlab_ci', source: 'ci_file', isDefault: true, priority: 0, settings: {}, createdAt: now });
  } catch (error) {
    const again = await store.definitions.defaultFor(projectId);
    if (again) return again;
    throw error;
  }
}

/** The few facts of a plan job that become columns (the rest stays in spec). */
/** The `when` stored for a job: GitLab's, or Runnel's own when RUNNEL_JOB_WHEN asks (statuses.ts). */
function storedWhen(job: PlanJob): string {
  const asked = job.variables[JOB_WHEN_VARIABLE]?.value;
  if ((asked === 'on_warning' || asked === 'on_cancel') && (job.when === 'on_success' || job.when === 'always')) return asked;
  return job.when;
}

export function jobColumns(job: PlanJob) {
  return {
    name: job.name, stage: job.stage, stageIdx: job.stageIndex, position: job.index, kind: job.kind,
    when: storedWhen(job), allowFailure: job.allowFailure, dag: job.needs !== null, tags: job.tags,
    resourceGroup: job.resourceGroup, interruptible: job.interruptible === true,
  };
}
