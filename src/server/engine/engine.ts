import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline as pipeStreams } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { AppError, digestToken, randomId, randomToken, type Clock, type Logger } from '../../shared/index.js';
import { ADMIT_ALL, type DefinitionPolicies } from './definition-policies.js';
import { parseDuration, type ContextVariable, type Plan, type PlanJob, type PlanRetry } from '../../pipeline/index.js';
import type { JobPayload } from '../../protocol/index.js';
import type { Artifact, Definition, DependencyJob, Job, Project, Repositories, Run, Runner, Store, User } from '../store/index.js';
import { processRun, readRunSummary, type ProcessOutcome } from './run-processing.js';
import type { RunSummary } from './run-summary.js';
import { resumeRun as resumeRunUseCase, createRun as createRunUseCase, ensureDefaultDefinition, jobColumns, type ConfigText, type CreateRunInput, type CreateRunResult } from './run-creation.js';
import { buildJobPayload } from './job-payload.js';
import { failureAllowed, shouldRetry } from './retry-policy.js';
import { CANCELABLE, COMPLETED, isCompleted } from './statuses.js';
import type { EngineEvents, RepositoryAccess } from './ports.js';

export const JOB_TOKEN_PREFIX = 'rnljob-';
export const RUNNER_TOKEN_PREFIX = 'rnlrt-';

export interface EngineDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  repos: RepositoryAccess;
  events: EngineEvents;
  /** Where artifact files live (<dataDir>/artifacts). */
  artifactsDir: string;
  baseUrl(): string;
  /** Project/group CI/CD variables for a ref; defaults to none. */
  /**
   * Project/group CI/CD variables for a ref (protected ones only on protected refs); with
   * `environment`, those whose environment scope matches the job's environment too.
   */
  projectVariables?(project: Project, ref: string, refProtected: boolean, definitionId?: number, environment?: string | null): Promise<Record<string, ContextVariable>>;
  /** CI config text for definitions whose jobs are Buddy actions (source 'actions'). */
  configFor?(definition: Definition, input: CreateRunInput): Promise<ConfigText | null>;
  /** How long a claimed job stays leased without a renewal. */
  leaseMs?: number;
  /** Default artifact expiry when a job sets none (GitLab: 30 days). */
  defaultArtifactExpireMs?: number;
  /** Definition settings that admit, queue, supersede and follow up runs (default: admit all). */
  policies?: DefinitionPolicies;
}

export interface JobOutcome {
  state: 'success' | 'failed' | 'canceled';
  failureReason?: string | null;
  exitCode?: number | null;
  coverage?: number | null;
  dotenv?: Record<string, string> | null;
  /**
   * The job's last log bytes at `offset`, appended first, in the same transaction, if the job is
   * still running (as an appendTrace would be; a refused offset leaves the log as it is).
   */
  log?: { offset: number; data: Uint8Array };
}

type Notify = Array<() => void>;

/**
 * The engine: every use case that changes runs and jobs, for both APIs, the UI and the runners.
 * Every state change of a run happens in one transaction holding that run's lock, and the
 * notifications it causes are sent after the commit.
 */
export function createEngine(deps: EngineDeps) {
  const { store, clock, logger, events } = deps;
  const leaseMs = deps.leaseMs ?? 60_000;
  const projectVariables = deps.projectVariables ?? (async () => ({}));
  const policies = deps.policies ?? ADMIT_ALL;

  async function inRun<T>(runId: number, fn: (tx: Repositories, notify: Notify) => Promise<T>): Promise<T> {
    const notify: Notify = [];
    const result = await store.transaction(async (tx) => {
      await tx.runs.lock(runId);
      return fn(tx, notify);
    });
    for (const n of notify) {
      try { n(); } catch (error) { logger.warn({ err: error }, 'notification failed'); }
    }
    return result;
  }

  /**
   * Recomputes a run's status and timestamps from its jobs; returns the status. `known`: the
   * run's row as read in this transaction; `read`: its jobs as read after the last change
   * (processRun's summary), else one grouped read. Only a finished run reads its jobs (duration).
   */
  async function rollUp(tx: Repositories, runId: number, notify: Notify, known?: Run, read?: RunSummary | null): Promise<string> {
    const run = known ?? await tx.runs.byId(runId);
    if (!run) return 'skipped';
    const summary = read ?? await readRunSummary(tx, runId);
    const status = summary.status;
    const now = clock.now();
    const startedAt = run.startedAt ?? summary.startedAt ?? (status === 'running' ? now : null);
    const finished = COMPLETED.has(status);
    const coverage = summary.coverage === null ? null : Math.round(summary.coverage * 100) / 100;
    const durationSeconds = finished || status === 'manual' ? busySeconds(await tx.jobs.forRun(runId)) : null;
    const patch = {
      status, updatedAt: now, coverage,
      startedAt,
      finishedAt: finished ? (run.finishedAt ?? now) : null,
      durationSeconds,
      queuedDurationSeconds: startedAt !== null ? Math.max(0, Math.round((startedAt - run.createdAt) / 1000)) : null,
    };
    if (run.status !== status || run.coverage !== coverage || run.startedAt !== startedAt || (finished && run.finishedAt === null)) {
      await tx.runs.update(runId, patch);
      notify.push(() => events.runChanged(runId, run.projectId));
      if (finished && run.status !== status) {
        const definition = await tx.definitions.byId(run.definitionId);
        if (definition) {
          const follow = await policies.next(tx, definition, { ...run, status });
          for (const id of follow.skip) notify.push(() => { void skipQueuedRun(id).catch((error: unknown) => logger.error({ err: error, runId: id }, 'skip queued run failed')); });
          for (const id of follow.start) notify.push(() => { void startQueuedRun(id).catch((error: unknown) => logger.error({ err: error, runId: id }, 'start queued run failed')); });
        }
      }
      if (finished && run.parentJobId !== null && run.status !== status) {
        const parentJobId = run.parentJobId;
        notify.push(() => { void mirrorChild(parentJobId, status).catch((error: unknown) => logger.error({ err: error }, 'mirror child status failed')); });
      }
    }
    return status;
  }

  /** After processing: start bridges (they never reach a runner) and wake runners. */
  async function afterProcessing(tx: Repositories, run: Run, outcome: Pick<ProcessOutcome, 'queued' | 'bridges'>, notify: Notify): Promise<void> {
    for (const id of outcome.bridges) {
      const job = await tx.jobs.byId(id);
      if (!job) continue;
      await tx.jobs.transition(job.id, ['pending'], { status: 'running', startedAt: clock.now() });
      const trigger = (job.spec as unknown as PlanJob).trigger;
      notify.push(() => { void startChild(run, job, trigger?.include ?? []).catch((error: unknown) => logger.error({ err: error, jobId: job.id }, 'child pipeline failed to start')); });
    }
    if (outcome.queued.length > outcome.bridges.length) notify.push(() => events.jobQueued());
  }

  async function persistPlan(run: Run, plan: Plan): Promise<void> {
    const now = clock.now();
    await inRun(run.id, async (tx, notify) => {
      await tx.runs.update(run.id, {
        name: plan.workflow.name, updatedAt: now,
        context: {
          ...run.context, predefined: plan.predefinedVariables, stages: plan.stages, autoCancel: plan.workflow.autoCancel,
          // No job needs another (stages only): scheduling need not look for a finished job's dependents.
          needs: plan.jobs.some((job) => (job.needs?.length ?? 0) > 0),
        },
      });
      await tx.jobs.insertMany(plan.jobs.map((job) => ({
        ...jobColumns(job), runId: run.id, projectId: run.projectId, status: 'created', spec: job as unknown as Record<string, unknown>,
        priority: run.priority, userId: run.userId, createdAt: now,
        needs: (job.needs ?? []).map((n) => ({ name: n.job, artifacts: n.artifacts, optional: n.optional })),
      })));
      const definition = await tx.definitions.byId(run.definitionId);
      if (definition && !(await policies.admit(tx, definition, run))) return;
      const outcome = await processRun(tx, run.id, { initial: true }, clock);
      await rollUp(tx, run.id, notify, undefined, outcome.summary);
      await afterProcessing(tx, run, outcome, notify);
    });
  }

  /** Starts processing a run that its definition's policies held back. */
  async function startQueuedRun(runId: number): Promise<void> {
    await inRun(runId, async (tx, notify) => {
      const run = await tx.runs.byId(runId);
      if (!run || run.status !== 'created') return;
      const outcome = await processRun(tx, runId, { initial: true }, clock);
      await rollUp(tx, runId, notify, undefined, outcome.summary);
      await afterProcessing(tx, run, outcome, notify);
    });
  }

  /** Ends a queued run without running it (superseded): its jobs and the run become skipped. */
  async function skipQueuedRun(runId: number): Promise<void> {
    await inRun(runId, async (tx, notify) => {
      const jobs = await tx.jobs.forRun(runId);
      for (const j of jobs) if (j.status === 'created') await tx.jobs.transition(j.id, ['created'], { status: 'skipped', finishedAt: clock.now() });
      await rollUp(tx, runId, notify);
    });
  }

  async function failRun(run: Run, yamlErrors: string): Promise<void> {
    const now = clock.now();
    await store.runs.update(run.id, { status: 'failed', yamlErrors, finishedAt: now, durationSeconds: null, updatedAt: now });
    events.runChanged(run.id, run.projectId);
  }

  function creationDeps() {
    return {
      store, clock, logger, repos: deps.repos, baseUrl: deps.baseUrl, persistPlan, failRun, configFor: deps.configFor,
      projectVariables: (project: Project, ref: string, isProtected: boolean, definitionId?: number) => projectVariables(project, ref, isProtected, definitionId),
    };
  }

  async function createRun(input: CreateRunInput): Promise<CreateRunResult> {
    const definition = input.definition ?? await ensureDefaultDefinition(store, input.project.id, clock.now());
    await policies.beforeCreate(definition, { comment: input.comment ?? null, ref: input.ref, source: input.source });
    input = { ...input, definition };
    const result = await createRunUseCase(creationDeps(), input);
    if (result.created && (input.source === 'push' || input.source === 'web' || input.source === 'api' || input.source === 'schedule' || input.source === 'trigger')) {
      await autoCancelRedundant(result.run).catch((error: unknown) => logger.warn({ err: error }, 'auto-cancel failed'));
    }
    return result;
  }

  /**
   * GitLab's "auto-cancel redundant pipelines" (on_new_commit, default conservative): an older
   * unfinished run on the same ref is canceled when it has not started a non-interruptible job;
   * with `interruptible` only its interruptible jobs are canceled; `none` leaves it alone.
   */
  async function autoCancelRedundant(newRun: Run): Promise<void> {
    const mode = (newRun.context.autoCancel as { onNewCommit?: string | null } | null | undefined)?.onNewCommit ?? 'conservative';
    if (mode === 'none') return;
    const older = (await store.runs.unfinishedOnRef(newRun.projectId, newRun.ref, newRun.definitionId)).filter((r) => r.id < newRun.id && r.source !== 'parent_pipeline');
    for (const run of older) {
      const jobs = await store.jobs.forRun(run.id);
      if (mode === 'interruptible') {
        await cancelJobs(run.id, jobs.filter((j) => j.interruptible).map((j) => j.id));
        continue;
      }
      const startedNonInterruptible = jobs.some((j) => !j.interruptible && (j.status === 'running' || j.status === 'success' || j.status === 'failed' || j.startedAt !== null));
      if (!startedNonInterruptible) await cancelRun(run.id);
    }
  }

  // ---------------- the queue ----------------

  function tagsMatch(jobTags: string[], runner: Runner): boolean {
    if (jobTags.length === 0) return runner.runUntagged;
    return jobTags.every((t) => runner.tags.includes(t));
  }

  /**
   * Claims the next job this runner may take: queue order (priority, then age), tags matched.
   * Candidates are read in small batches and claimed with a guarded UPDATE, so two runners
   * racing for one job cannot both win; the loser moves on to the next candidate.
   */
  async function requestJob(runner: Runner, session: string): Promise<{ job: Job; payload: JobPayload } | null> {
    if (runner.paused) return null;
    const skipped: number[] = [];
    for (let round = 0; round < 20; round++) {
      const candidates = await store.jobs.queueCandidates(50, skipped);
      if (candidates.length === 0) return null;
      for (const c of candidates) {
        if (!tagsMatch(c.tags, runner)) { skipped.push(c.id); continue; }
        const token = randomToken(JOB_TOKEN_PREFIX, 20);
        const now = clock.now();
        const job = await store.jobs.claim(c.id, { runnerId: runner.id, runnerSession: session, tokenDigest: digestToken(token), leaseExpiresAt: now + leaseMs, startedAt: now });
        if (!job) { skipped.push(c.id); continue; }
        // With a job running the run's composite status is `running`, and a claim changes no
        // coverage: once the run is running and has its start time, a roll-up would write
        // nothing, and it costs two scans of the run's jobs per claim. That is known from the
        // run as read after the claim, without taking the run's lock; otherwise the roll-up
        // happens under it.
        let run = await store.runs.byId(job.runId);
        if (run && run.status === 'running' && run.startedAt !== null) {
          events.jobChanged(job.id, job.runId);
        } else {
          run = await inRun(job.runId, async (tx, notify) => {
            notify.push(() => events.jobChanged(job.id, job.runId));
            const locked = await tx.runs.byId(job.runId);
            if (locked && !(locked.status === 'running' && locked.startedAt !== null)) await rollUp(tx, job.runId, notify, locked);
            return locked;
          });
        }
        try {
          return { job, payload: await payloadFor(job, runner, token, run ?? undefined) };
        } catch (error) {
          logger.error({ err: error, jobId: job.id }, 'payload build failed');
          await finishJob(job.id, { state: 'failed', failureReason: 'runner_system_failure' });
          throw error;
        }
      }
    }
    return null;
  }

  async function dependenciesOf(job: Job): Promise<Array<{ job: DependencyJob; archive: Artifact | null }>> {
    const spec = job.spec as unknown as PlanJob;
    let chosen: DependencyJob[];
    if (spec.dependencies !== null && spec.dependencies !== undefined) {
      chosen = await store.jobs.dependencyCandidates(job.runId, { names: spec.dependencies });
    } else if (spec.needs !== null && spec.needs !== undefined) {
      chosen = await store.jobs.dependencyCandidates(job.runId, { names: spec.needs.filter((n) => n.artifacts).map((n) => n.job) });
    } else {
      chosen = await store.jobs.dependencyCandidates(job.runId, { beforeStage: job.stageIdx });
    }
    if (chosen.length === 0) return [];
    // The run's archives (usually few) rather than an IN list of every chosen job, whose length,
    // and so whose statement, changes from job to job.
    const archives = new Map<number, Artifact>();
    for (const a of await store.artifacts.archivesOfRun(job.runId)) if (!archives.has(a.jobId)) archives.set(a.jobId, a);
    return chosen.map((j) => ({ job: j, archive: archives.get(j.id) ?? null }));
  }

  /** `known`: the job's run as just read (after the claim), to save reading it again. */
  async function payloadFor(job: Job, runner: Runner, token: string, known?: Run): Promise<JobPayload> {
    const run = known ?? (await store.runs.byId(job.runId))!;
    const project = (await store.projects.byId(job.projectId))!;
    const refProtected = !run.tag && run.ref === project.defaultBranch;
    const deps2 = await dependenciesOf(job);
    return buildJobPayload({
      job, run, project, runner, jobToken: token,
      repoUrl: deps.repos.cloneUrl(project, token, runner.kind),
      baseUrl: deps.baseUrl(),
      pipelinePredefined: (run.context.predefined as Record<string, string> | undefined) ?? {},
      projectVariables: await projectVariables(project, run.ref, refProtected, run.definitionId, (job.spec as unknown as PlanJob).environment?.name ?? null),
      // A dependency's artifacts are fetched with the depending job's own token (checked server-side).
      dependencies: deps2.map((d) => ({ job: d.job, token, archive: d.archive })),
      cacheNamespace: await cacheNamespace(project, run),
      now: clock.now(),
    });
  }

  /**
   * Cache keys live in the definition's cache scope; clearing bumps that scope's generation.
   * `project` as just read (payloadFor): its generation is current.
   */
  async function cacheNamespace(project: Project, run: Run): Promise<string> {
    const definition = await store.definitions.byId(run.definitionId);
    const scope = (definition?.settings.cache_scope as string | undefined) ?? 'PROJECT';
    if (scope === 'PIPELINE' && definition) return `d${definition.id}g${definition.cacheGeneration}`;
    if (scope === 'WORKSPACE') {
      return `w${project.workspaceId}g${await store.buddyState.workspaceCacheGeneration(project.workspaceId)}`;
    }
    return `p${project.id}g${project.cacheGeneration}`;
  }

  /** The job a job token belongs to, if it is still allowed to talk to the server. */
  async function jobByToken(token: string): Promise<Job | null> {
    if (!token.startsWith(JOB_TOKEN_PREFIX)) return null;
    return store.jobs.byTokenDigest(digestToken(token));
  }

  async function releaseClaim(job: Job): Promise<void> {
    await inRun(job.runId, async (tx, notify) => {
      const ok = await tx.jobs.transition(job.id, ['running'], { status: 'pending', runnerId: null, runnerSession: null, tokenDigest: null, leaseExpiresAt: null, startedAt: null });
      if (ok) {
        notify.push(() => events.jobQueued());
        await rollUp(tx, job.runId, notify);
      }
    });
  }

  async function renewLease(job: Job): Promise<boolean> {
    if (job.runnerId === null) return false;
    return store.jobs.renewLease(job.id, job.runnerId, clock.now() + leaseMs);
  }

  /**
   * Renews the lease of `job` (as just read) unless it was renewed within the last tenth of the
   * lease time: a job printing many lines appends often, and each renewal is a write.
   */
  async function renewLeaseSoon(job: Job): Promise<void> {
    if (job.leaseExpiresAt !== null && job.leaseExpiresAt - clock.now() > leaseMs * 0.9) return;
    await renewLease(job);
  }

  /** Appends to the job log at `offset`; false when the offset is not the current end. */
  async function appendLog(job: Job, offset: number, data: Uint8Array): Promise<{ ok: boolean; size: number }> {
    const ok = await store.jobs.appendLog(job.id, offset, data);
    const current = ok ? offset + data.length : ((await store.jobs.byId(job.id))?.logSize ?? 0);
    if (ok) {
      await renewLeaseSoon(job);
      events.jobChanged(job.id, job.runId, true);
    }
    return { ok, size: current };
  }

  /**
   * A job has ended on its runner. Records the outcome, retries it when its retry rules say so,
   * and moves the run on. Idempotent: a second report for a finished job changes nothing.
   * `runId`, when the caller has just read the job, saves reading it twice (the job is read
   * again inside the run's lock either way). Returns the job's status afterwards (null: no
   * such job).
   */
  async function finishJob(jobId: number, outcome: JobOutcome, runId?: number): Promise<string | null> {
    const lockRun = runId ?? (await store.jobs.byId(jobId))?.runId;
    if (lockRun === undefined) return null;
    return inRun(lockRun, async (tx, notify) => {
      const current = await tx.jobs.byId(jobId);
      if (!current || current.runId !== lockRun) return null;
      if (outcome.log && (current.status === 'running' || current.status === 'canceling')) {
        if (!(await tx.jobs.appendLog(jobId, outcome.log.offset, outcome.log.data))) logger.warn({ jobId, offset: outcome.log.offset }, 'last log bytes refused: the offset is not the end of the log');
      }
      if (isCompleted(current.status)) return current.status;
      const spec = current.spec as unknown as PlanJob;
      const now = clock.now();
      let state: string = outcome.state;
      // A job canceled while running reports "failed" from its killed script: it stays canceled.
      if (current.status === 'canceling') state = 'canceled';
      const exitCode = outcome.exitCode ?? null;
      let allowFailure = current.allowFailure;
      if (state === 'failed' && spec.allowFailureExitCodes?.length) allowFailure = failureAllowed(current.allowFailure, spec.allowFailureExitCodes, exitCode);
      const failureReason = state === 'failed' ? (outcome.failureReason ?? 'script_failure') : null;
      const moved = await tx.jobs.transition(jobId, ['running', 'canceling', 'pending'], {
        status: state, finishedAt: now, exitCode, failureReason, leaseExpiresAt: null,
        coverage: outcome.coverage ?? null, dotenv: outcome.dotenv ?? null,
      });
      if (!moved) return current.status;
      if (allowFailure !== current.allowFailure) await tx.jobs.setAllowFailure(jobId, allowFailure);
      notify.push(() => events.jobChanged(jobId, current.runId));
      if (current.resourceGroup) await releaseResource(tx, current, notify);
      const run = (await tx.runs.byId(current.runId))!;
      let summary: RunSummary | null = null;
      if (state === 'failed' && shouldRetry(spec.retry as PlanRetry | undefined, current.attempt, failureReason, exitCode)) {
        // A job may ask for a pause before its retry (Runnel's RUNNEL_RETRY_DELAY_SECONDS; Buddy's
        // retry_interval): the attempt is then scheduled and the scheduled-jobs loop queues it.
        const delaySeconds = Number(spec.variables?.RUNNEL_RETRY_DELAY_SECONDS?.value ?? 0);
        const delayed = Number.isFinite(delaySeconds) && delaySeconds > 0;
        const [fresh] = await cloneForRetry(tx, current, current.userId, delayed ? 'scheduled' : 'pending');
        if (fresh && delayed) await tx.jobs.update(fresh.id, { scheduledAt: now + Math.min(delaySeconds, 86_400) * 1000, queuedAt: null });
        else notify.push(() => events.jobQueued());
        logger.info({ jobId, retryJobId: fresh?.id, attempt: current.attempt + 1 }, 'job retried automatically');
      } else {
        const outcome2 = await processRun(tx, current.runId, { changedNames: [current.name] }, clock, { needs: run.context.needs !== false });
        await afterProcessing(tx, run, outcome2, notify);
        // Bridges that started moved after the summary was read.
        if (outcome2.bridges.length === 0) summary = outcome2.summary;
      }
      // Nothing above writes the run's row (jobs only): the roll-up can start from `run`.
      await rollUp(tx, current.runId, notify, run, summary);
      // Under the run's lock nothing else moved this job since the transition (a retry is a new row).
      return state;
    });
  }

  async function releaseResource(tx: Repositories, job: Job, notify: Notify): Promise<void> {
    const next = await tx.jobs.oldestWaitingForResource(job.projectId, job.resourceGroup!);
    if (!next) return;
    if (await tx.jobs.transition(next.id, ['waiting_for_resource'], { status: 'pending', queuedAt: clock.now() })) {
      notify.push(() => events.jobQueued());
      notify.push(() => events.jobChanged(next.id, next.runId));
      if (next.runId !== job.runId) notify.push(() => { void inRun(next.runId, (tx2, n2) => rollUp(tx2, next.runId, n2)); });
    }
  }

  /** A new attempt of a job: the old row is kept as `retried`, the copy starts at `status`. */
  async function cloneForRetry(tx: Repositories, job: Job, userId: number | null, status: string): Promise<Job[]> {
    await tx.jobs.update(job.id, { retried: true });
    const needs = await tx.jobs.needsOf(job.id);
    const now = clock.now();
    return tx.jobs.insertMany([{
      runId: job.runId, projectId: job.projectId, name: job.name, stage: job.stage, stageIdx: job.stageIdx, position: job.position,
      kind: job.kind, status, when: job.when, allowFailure: (job.spec as unknown as PlanJob).allowFailure ?? job.allowFailure,
      dag: job.dag, spec: job.spec, tags: job.tags, resourceGroup: job.resourceGroup, interruptible: job.interruptible,
      priority: job.priority, userId, createdAt: now, attempt: job.attempt + 1, needs,
    }]).then(async (rows) => {
      if (status === 'pending') for (const r of rows) await tx.jobs.update(r.id, { queuedAt: now });
      return rows;
    });
  }

  // ---------------- operations (both APIs and the UI call these) ----------------

  /** Cancels `jobIds` and, in the same transaction, queues `react` (created on_cancel jobs). */
  async function cancelJobs(runId: number, jobIds: number[], react: number[] = [], alsoManual = false): Promise<void> {
    if (jobIds.length === 0 && react.length === 0) return;
    await inRun(runId, async (tx, notify) => {
      const now = clock.now();
      for (const id of react) {
        if (await tx.jobs.transition(id, ['created'], { status: 'pending', queuedAt: now })) {
          notify.push(() => events.jobChanged(id, runId));
        }
      }
      if (react.length) notify.push(() => events.jobQueued());
      for (const id of jobIds) {
        const job = await tx.jobs.byId(id);
        if (!job || !(CANCELABLE.has(job.status) || (alsoManual && job.status === 'manual'))) continue;
        if (job.status === 'running') {
          // The runner learns it from Job-Status / its next lease renewal and stops the job.
          await tx.jobs.transition(id, ['running'], { status: 'canceling' });
        } else {
          await tx.jobs.transition(id, [job.status], { status: 'canceled', finishedAt: now });
          if (job.resourceGroup) await releaseResource(tx, job, notify);
        }
        notify.push(() => events.jobChanged(id, runId));
      }
      await rollUp(tx, runId, notify);
    });
  }

  /**
   * Cancels a run's unfinished jobs (and its children's). Jobs with when: on_cancel (Buddy's
   * ON_TERMINATE actions) are queued instead, once: the run stays running while they run and
   * ends canceled after them, so "run finished" side effects happen once. Canceling again
   * cancels them too. `reactions: false` (deleting a run) cancels without queuing them; a run
   * its definition's policies still hold back never started, so nothing reacts to it.
   * `manual: true` also cancels jobs waiting to be played (Buddy terminates a run waiting for
   * approval; GitLab's cancel leaves manual jobs alone).
   */
  async function cancelRun(runId: number, options: { reactions?: boolean; manual?: boolean } = {}): Promise<void> {
    const jobs = await store.jobs.forRun(runId);
    const run = await store.runs.byId(runId);
    const react = options.reactions !== false && run !== null && run.status !== 'created'
      ? jobs.filter((j) => j.status === 'created' && j.when === 'on_cancel').map((j) => j.id)
      : [];
    const cancelable = (status: string) => CANCELABLE.has(status) || (options.manual === true && status === 'manual');
    await cancelJobs(runId, jobs.filter((j) => cancelable(j.status) && !react.includes(j.id)).map((j) => j.id), react, options.manual === true);
    for (const child of await store.runs.childrenOf(runId)) if (!COMPLETED.has(child.status)) await cancelRun(child.id, options);
  }

  /** Retries every failed or canceled job of a run (GitLab's pipeline retry); manual jobs stay. */
  async function retryRun(runId: number, user: User | null): Promise<void> {
    await inRun(runId, async (tx, notify) => {
      const jobs = await tx.jobs.forRun(runId);
      const retryable = jobs.filter((j) => j.status === 'failed' || j.status === 'canceled');
      const names: string[] = [];
      for (const job of retryable) {
        await cloneForRetry(tx, job, user?.id ?? null, 'created');
        names.push(job.name);
        // A retried job with needs is decided when one of its needs is (re)considered.
        for (const need of await tx.jobs.needsOf(job.id)) names.push(need.name);
      }
      // Jobs skipped because of those failures go back to created so they can run this time.
      for (const job of jobs.filter((j) => j.status === 'skipped')) {
        await tx.jobs.transition(job.id, ['skipped'], { status: 'created', finishedAt: null });
      }
      const run = (await tx.runs.byId(runId))!;
      await tx.runs.update(runId, { finishedAt: null, updatedAt: clock.now() });
      const outcome = await processRun(tx, runId, { initial: true }, clock);
      const outcome2 = await processRun(tx, runId, { changedNames: names }, clock);
      await afterProcessing(tx, run, { queued: [...outcome.queued, ...outcome2.queued], bridges: [...outcome.bridges, ...outcome2.bridges] }, notify);
      await rollUp(tx, runId, notify);
    });
  }

  async function retryJob(jobId: number, user: User | null): Promise<Job> {
    const job = await store.jobs.byId(jobId);
    if (!job) throw new AppError('not_found', '404 Not found');
    if (!['success', 'failed', 'canceled'].includes(job.status) || job.retried || job.kind === 'bridge') {
      throw new AppError('role_insufficient', 'Job is not retryable');
    }
    return inRun(job.runId, async (tx, notify) => {
      const [fresh] = await cloneForRetry(tx, job, user?.id ?? null, 'pending');
      await tx.runs.update(job.runId, { finishedAt: null, updatedAt: clock.now() });
      notify.push(() => events.jobQueued());
      await rollUp(tx, job.runId, notify);
      return fresh!;
    });
  }

  async function cancelJob(jobId: number): Promise<Job> {
    const job = await store.jobs.byId(jobId);
    if (!job) throw new AppError('not_found', '404 Not found');
    if (!CANCELABLE.has(job.status)) throw new AppError('role_insufficient', 'Job is not cancelable');
    await cancelJobs(job.runId, [job.id]);
    return (await store.jobs.byId(jobId))!;
  }

  /** Plays a manual job (or starts a scheduled one now), optionally with extra variables. */
  async function playJob(jobId: number, user: User | null, variables: Array<{ key: string; value: string }> = []): Promise<Job> {
    const job = await store.jobs.byId(jobId);
    if (!job) throw new AppError('not_found', '404 Not found');
    if (job.status !== 'manual' && job.status !== 'scheduled') {
      if (['success', 'failed', 'canceled'].includes(job.status) && job.when === 'manual') return retryJob(jobId, user);
      throw new AppError('role_insufficient', 'Unplayable Job');
    }
    return inRun(job.runId, async (tx, notify) => {
      if (variables.length) {
        const spec = { ...job.spec } as Record<string, unknown>;
        const vars = { ...(spec.variables as Record<string, unknown>) };
        for (const v of variables) vars[v.key] = { value: v.value, expand: true };
        spec.variables = vars;
        await tx.jobs.updateSpec(job.id, spec);
      }
      const ok = await tx.jobs.transition(job.id, [job.status], { status: 'pending', queuedAt: clock.now(), userId: user?.id ?? job.userId });
      if (ok) {
        notify.push(() => events.jobQueued());
        notify.push(() => events.jobChanged(job.id, job.runId));
      }
      await rollUp(tx, job.runId, notify);
      return (await tx.jobs.byId(job.id))!;
    });
  }

  /** Deletes a run with its jobs, logs and artifacts (and its children). */
  async function deleteRun(runId: number): Promise<void> {
    for (const child of await store.runs.childrenOf(runId)) await deleteRun(child.id);
    await cancelRun(runId, { reactions: false }).catch(() => undefined);
    const jobs = await store.jobs.forRun(runId, { includeRetried: true });
    const artifacts = await store.artifacts.forJobs(jobs.map((j) => j.id));
    const run = await store.runs.byId(runId);
    await store.transaction(async (tx) => {
      await tx.runs.delete(runId);
    });
    for (const a of artifacts) rmSync(a.storagePath, { force: true });
    if (run) events.runChanged(runId, run.projectId);
  }

  // ---------------- artifacts ----------------

  async function storeArtifact(job: Job, input: { fileType: string; fileFormat: string; filename: string; expireIn: string | null; body: Readable }): Promise<Artifact> {
    const dir = join(deps.artifactsDir, String(job.projectId), String(job.id));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${input.fileType}-${randomId(4)}.${input.fileFormat === 'gzip' ? 'gz' : input.fileFormat}`);
    await pipeStreams(input.body, createWriteStream(path));
    const size = statSync(path).size;
    const now = clock.now();
    const spec = job.spec as unknown as PlanJob;
    const expireText = input.expireIn ?? spec.artifacts?.expireIn ?? null;
    let expireAt: number | null = now + (deps.defaultArtifactExpireMs ?? 30 * 86_400_000);
    if (expireText) {
      const parsed = expireText.trim().toLowerCase() === 'never' ? 'never' : parseDuration(expireText);
      expireAt = parsed === 'never' ? null : parsed === null ? expireAt : now + parsed * 1000;
    }
    return store.artifacts.insert({
      jobId: job.id, projectId: job.projectId, fileType: input.fileType, fileFormat: input.fileFormat,
      filename: input.filename, size, storagePath: path, expireAt, createdAt: now,
    });
  }

  function openArtifact(artifact: Artifact): Readable {
    return createReadStream(artifact.storagePath);
  }

  // ---------------- background sweeps ----------------

  /** Fails jobs whose runner stopped renewing its lease (retried when retry:when allows). */
  async function expireLeases(): Promise<number> {
    const expired = await store.jobs.expiredLeases(clock.now(), 100);
    for (const job of expired) {
      logger.warn({ jobId: job.id, runnerId: job.runnerId }, 'job lease expired');
      await finishJob(job.id, { state: 'failed', failureReason: 'runner_system_failure' });
    }
    return expired.length;
  }

  /** Jobs a previous process of this runner left running can never finish: fail them now. */
  async function failOrphans(runner: Runner, session: string): Promise<number> {
    const orphans = await store.jobs.runningOfSession(runner.id, session);
    for (const job of orphans) await finishJob(job.id, { state: 'failed', failureReason: 'runner_system_failure' });
    return orphans.length;
  }

  async function releaseScheduled(): Promise<number> {
    const due = await store.jobs.dueScheduled(clock.now(), 100);
    for (const job of due) {
      await inRun(job.runId, async (tx, notify) => {
        if (await tx.jobs.transition(job.id, ['scheduled'], { status: 'pending', queuedAt: clock.now() })) {
          notify.push(() => events.jobQueued());
          await rollUp(tx, job.runId, notify);
        }
      });
    }
    return due.length;
  }

  async function expireArtifacts(): Promise<number> {
    const expired = await store.artifacts.expired(clock.now(), 500);
    for (const a of expired) {
      rmSync(a.storagePath, { force: true });
      await store.artifacts.delete(a.id);
    }
    return expired.length;
  }

  /**
   * Start-up recovery: runs that have jobs are processed again (a decision may have been lost
   * with the process); runs without jobs are left to resumeInterrupted.
   */
  async function recoverUnfinished(): Promise<void> {
    for (const run of await store.runs.unfinished()) {
      const [first] = await store.jobs.statusCounts(run.id);
      if (!first) continue;
      await inRun(run.id, async (tx, notify) => {
        const outcome = await processRun(tx, run.id, { initial: true }, clock);
        await afterProcessing(tx, run, outcome, notify);
        await rollUp(tx, run.id, notify);
      });
    }
    await resumeInterrupted(0);
  }

  /**
   * Runs whose creation stopped between the run row and its jobs (the server died while
   * compiling) are compiled again from the row. A run is claimed first, so of several servers
   * only one resumes it; `minAgeMs` leaves alone runs another server may still be creating.
   */
  async function resumeInterrupted(minAgeMs = 30_000): Promise<number> {
    let resumed = 0;
    for (const run of await store.runs.staleCreated(clock.now() - minAgeMs)) {
      if (run.status !== 'created' || run.yamlErrors !== null || clock.now() - run.updatedAt < minAgeMs) continue;
      if ((await store.jobs.statusCounts(run.id)).length > 0) continue;
      if (!(await store.runs.claimForRecovery(run.id, run.updatedAt, clock.now()))) continue;
      logger.warn({ runId: run.id }, 'resuming an interrupted run creation');
      await resumeRunUseCase(creationDeps(), run);
      resumed++;
    }
    return resumed;
  }

  // ---------------- child pipelines ----------------

  async function startChild(parent: Run, bridge: Job, includes: string[]): Promise<void> {
    const project = (await store.projects.byId(parent.projectId))!;
    const user = parent.userId !== null ? await store.users.byId(parent.userId) : null;
    const definition = (await store.definitions.byId(parent.definitionId)) ?? undefined;
    const result = await createRun({
      project, definition, ref: parent.tag ? `refs/tags/${parent.ref}` : `refs/heads/${parent.ref}`, sha: parent.sha, beforeSha: parent.beforeSha,
      source: 'parent_pipeline', user, variables: parent.variables, parent: { runId: parent.id, jobId: bridge.id, includes },
    });
    const spec = bridge.spec as unknown as PlanJob;
    if (!result.created) {
      await finishJob(bridge.id, { state: 'failed', failureReason: 'unknown_failure' });
      return;
    }
    if (COMPLETED.has(result.run.status)) await mirrorChild(bridge.id, result.run.status);
    else if (spec.trigger?.strategy !== 'depend') await finishJob(bridge.id, { state: 'success' });
  }

  async function mirrorChild(bridgeJobId: number, childStatus: string): Promise<void> {
    const bridge = await store.jobs.byId(bridgeJobId);
    if (!bridge || isCompleted(bridge.status)) return;
    const spec = bridge.spec as unknown as PlanJob;
    if (spec.trigger?.strategy !== 'depend' && childStatus !== 'failed') {
      await finishJob(bridgeJobId, { state: 'success' });
      return;
    }
    const state = childStatus === 'success' ? 'success' : childStatus === 'canceled' ? 'canceled' : 'failed';
    await finishJob(bridgeJobId, { state, failureReason: state === 'failed' ? 'unknown_failure' : null });
  }

  return {
    createRun, ensureDefaultDefinition: (projectId: number) => ensureDefaultDefinition(store, projectId, clock.now()),
    /** Paths changed between two commits of a project (null: nothing to compare). */
    changedPaths: (project: Project, before: string, after: string) => deps.repos.changedPaths(project, before, after),
    requestJob, releaseClaim, jobByToken, renewLease, appendLog, finishJob, payloadFor,
    cancelRun, retryRun, cancelJob, retryJob, playJob, deleteRun, startQueuedRun, skipQueuedRun, rollUpRun: (runId: number) => inRun(runId, (tx, n) => rollUp(tx, runId, n)),
    storeArtifact, openArtifact, dependenciesOf,
    /** A branch or tag → the commit it points at (GitLab API: pipelines/latest, scope=branches). */
    resolveRef: (project: Project, ref: string) => deps.repos.resolveRef(project, ref),
    expireLeases, failOrphans, releaseScheduled, expireArtifacts, recoverUnfinished, resumeInterrupted,
  };
}

export type Engine = ReturnType<typeof createEngine>;

/** Wall time during which at least one job of the run was running (GitLab's pipeline duration). */
function busySeconds(jobs: Job[]): number | null {
  const periods = jobs.filter((j) => j.startedAt !== null).map((j) => [j.startedAt!, j.finishedAt ?? j.startedAt!] as const).sort((a, b) => a[0] - b[0]);
  if (periods.length === 0) return null;
  let total = 0;
  let [start, end] = periods[0]!;
  for (const [s, e] of periods.slice(1)) {
    if (s > end) { total += end - start; start = s; end = e; } else end = Math.max(end, e);
  }
  total += end - start;
  return Math.round(total / 1000);
}
