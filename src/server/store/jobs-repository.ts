import type { CompiledQuery, Kysely, Selectable } from 'kysely';
import { sql } from './kysely-runtime.js';
import type { DialectName } from './database.js';
import type { JobsTable, Tables } from './tables.js';
import type { DependencyJob, Job, JobProgress, JobState, StageGroup } from './rows.js';
import { ID_MARKER, idMarker, reusableQuery, TEXT_MARKER, textMarker } from './reusable-query.js';

export type NewJob = Pick<Job, 'runId' | 'projectId' | 'name' | 'stage' | 'stageIdx' | 'position' | 'kind' | 'status' | 'when' | 'allowFailure' | 'dag' | 'spec' | 'tags' | 'resourceGroup' | 'interruptible' | 'priority' | 'userId' | 'createdAt'> & {
  attempt?: number;
  needs?: Array<{ name: string; artifacts: boolean; optional: boolean }>;
};

export interface JobPatch {
  status?: string;
  runnerId?: number | null;
  runnerSession?: string | null;
  tokenDigest?: string | null;
  leaseExpiresAt?: number | null;
  scheduledAt?: number | null;
  queuedAt?: number | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  failureReason?: string | null;
  exitCode?: number | null;
  coverage?: number | null;
  logSize?: number;
  erasedAt?: number | null;
  dotenv?: Record<string, string> | null;
  retried?: boolean;
  userId?: number | null;
}

export interface JobListQuery {
  projectId?: number;
  runId?: number;
  statuses?: string[];
  kind?: 'build' | 'bridge';
  includeRetried: boolean;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

const STATE_COLUMNS = ['id', 'name', 'stage_idx', 'kind', 'status', 'when', 'allow_failure', 'dag', 'resource_group'] as const;

const statusCountsAll = reusableQuery([idMarker(0)] as [number], (db, runId) => db.selectFrom('jobs')
  .select(['status', 'allow_failure', (eb) => eb.fn.countAll<number>().as('n')])
  .where('run_id', '=', runId).where('retried', '=', 0).groupBy(['status', 'allow_failure']));
const stageGroupsOf = reusableQuery([idMarker(0)] as [number], (db, runId) => db.selectFrom('jobs')
  .select((eb) => ['stage_idx', 'dag', 'status', 'allow_failure', eb.fn.countAll<number>().as('n'), eb.fn.min<number>('started_at').as('started'),
    eb.fn.sum<number>('coverage').as('coverage_sum'), eb.fn.count<number>('coverage').as('coverage_count')])
  .where('run_id', '=', runId).where('retried', '=', 0).groupBy(['stage_idx', 'dag', 'status', 'allow_failure']));
const createdInStageOf = reusableQuery([idMarker(0), idMarker(1)] as [number, number], (db, runId, stageIdx) => db.selectFrom('jobs')
  .select(STATE_COLUMNS).where('run_id', '=', runId).where('retried', '=', 0)
  .where('status', '=', 'created').where('dag', '=', 0).where('stage_idx', '=', stageIdx).orderBy('position'));
// The run's id appears twice (jobs and their needs): one marker each.
const createdDependentsOfQuery = reusableQuery([idMarker(0), idMarker(1), textMarker(0)] as [number, number, string], (db, runId, needsRunId, neededName) => db.selectFrom('jobs')
  .select(STATE_COLUMNS).where('run_id', '=', runId).where('retried', '=', 0).where('status', '=', 'created')
  .where('id', 'in', db.selectFrom('job_needs').select('job_id').where('run_id', '=', needsRunId).where('needed_name', '=', neededName)));
const renewLeaseQuery = reusableQuery([idMarker(0), idMarker(1), idMarker(2)] as [number, number, number], (db, leaseExpiresAt, id, runnerId) => db.updateTable('jobs')
  .set({ lease_expires_at: leaseExpiresAt }).where('id', '=', id).where('runner_id', '=', runnerId).where('status', 'in', ['running', 'canceling']));
const queueHead = reusableQuery([idMarker(0)] as [number], (db, limit) => db.selectFrom('jobs')
  .select(['id', 'tags_json', 'run_id', 'project_id', 'resource_group'])
  .where('status', '=', 'pending').where('kind', '=', 'build').orderBy('priority', 'desc').orderBy('id').limit(limit));
const claimQuery = reusableQuery(
  [idMarker(0), textMarker(0), textMarker(1), idMarker(1), idMarker(2), idMarker(3)] as [number, string, string, number, number, number],
  (db, runnerId, runnerSession, tokenDigest, leaseExpiresAt, startedAt, id) => db.updateTable('jobs').set({
    status: 'running', runner_id: runnerId, runner_session: runnerSession, token_digest: tokenDigest,
    lease_expires_at: leaseExpiresAt, started_at: startedAt,
  }).where('id', '=', id).where('status', '=', 'pending').returningAll());
const dependenciesBefore = reusableQuery([idMarker(0), idMarker(1)] as [number, number], (db, runId, beforeStage) => db.selectFrom('jobs')
  .select(['id', 'name', 'stage_idx', 'dotenv_json']).where('run_id', '=', runId).where('retried', '=', 0).where('kind', '=', 'build')
  .where('stage_idx', '<', beforeStage).orderBy('stage_idx').orderBy('position'));
const growLog = reusableQuery([idMarker(0), idMarker(1), idMarker(2)] as [number, number, number], (db, size, id, offset) => db.updateTable('jobs')
  .set({ log_size: size }).where('id', '=', id).where('log_size', '=', offset));
/** The chunk's bytes: a marker of their own (markers are compared by identity). */
const DATA_MARKER = new Uint8Array(0);
const insertChunk = reusableQuery([idMarker(0), idMarker(1), DATA_MARKER] as [number, number, Uint8Array], (db, jobId, offset, data) => db.insertInto('job_log_chunks')
  .values({ job_id: jobId, offset, data }));

/**
 * A status change guarded by the statuses it may come from, one compiled statement per shape
 * (the columns set and how many statuses): the engine moves jobs with a few shapes only, and
 * building each UPDATE anew cost more than running it.
 */
type TransitionQuery = (db: Kysely<Tables>, ...values: unknown[]) => CompiledQuery<unknown>;
const transitions = new Map<string, TransitionQuery>();
function transitionQuery(columns: readonly string[], fromCount: number): TransitionQuery {
  const shape = `${columns.join(',')}|${fromCount}`;
  let query = transitions.get(shape);
  if (!query) {
    const markers: unknown[] = [...columns.map((_, i) => textMarker(100 + i)), idMarker(0), ...Array.from({ length: fromCount }, (_, i) => textMarker(200 + i))];
    query = reusableQuery(markers, (db, ...values) => db.updateTable('jobs')
      .set(Object.fromEntries(columns.map((column, i) => [column, values[i]])) as Record<string, string>)
      .where('id', '=', values[columns.length] as number).where('status', 'in', values.slice(columns.length + 1) as string[]));
    transitions.set(shape, query);
  }
  return query;
}

const jobById = reusableQuery([ID_MARKER] as [number], (db, id) => db.selectFrom('jobs').selectAll().where('id', '=', id));
const jobByTokenDigest = reusableQuery([TEXT_MARKER] as [string], (db, digest) => db.selectFrom('jobs').selectAll().where('token_digest', '=', digest));

export function createJobsRepository(db: Kysely<Tables>, dialect: DialectName) {
  function toPatch(patch: JobPatch) {
    return {
      ...(patch.status !== undefined && { status: patch.status }),
      ...(patch.runnerId !== undefined && { runner_id: patch.runnerId }),
      ...(patch.runnerSession !== undefined && { runner_session: patch.runnerSession }),
      ...(patch.tokenDigest !== undefined && { token_digest: patch.tokenDigest }),
      ...(patch.leaseExpiresAt !== undefined && { lease_expires_at: patch.leaseExpiresAt }),
      ...(patch.scheduledAt !== undefined && { scheduled_at: patch.scheduledAt }),
      ...(patch.queuedAt !== undefined && { queued_at: patch.queuedAt }),
      ...(patch.startedAt !== undefined && { started_at: patch.startedAt }),
      ...(patch.finishedAt !== undefined && { finished_at: patch.finishedAt }),
      ...(patch.failureReason !== undefined && { failure_reason: patch.failureReason }),
      ...(patch.exitCode !== undefined && { exit_code: patch.exitCode }),
      ...(patch.coverage !== undefined && { coverage: patch.coverage }),
      ...(patch.logSize !== undefined && { log_size: patch.logSize }),
      ...(patch.erasedAt !== undefined && { erased_at: patch.erasedAt }),
      ...(patch.dotenv !== undefined && { dotenv_json: patch.dotenv === null ? null : JSON.stringify(patch.dotenv) }),
      ...(patch.retried !== undefined && { retried: patch.retried ? 1 : 0 }),
      ...(patch.userId !== undefined && { user_id: patch.userId }),
    };
  }

  return {
    async insertMany(jobs: NewJob[]): Promise<Job[]> {
      const out: Job[] = [];
      // Chunked so a 1,000-job run stays under SQLite's bound-parameter limit.
      for (let i = 0; i < jobs.length; i += 100) {
        const slice = jobs.slice(i, i + 100);
        const rows = await db.insertInto('jobs').values(slice.map((j) => ({
          run_id: j.runId, project_id: j.projectId, name: j.name, stage: j.stage, stage_idx: j.stageIdx, position: j.position,
          kind: j.kind, status: j.status, when: j.when, allow_failure: j.allowFailure ? 1 : 0, dag: j.dag ? 1 : 0,
          spec_json: JSON.stringify(j.spec), tags_json: JSON.stringify(j.tags), resource_group: j.resourceGroup,
          interruptible: j.interruptible ? 1 : 0, priority: j.priority, attempt: j.attempt ?? 1, retried: 0, user_id: j.userId,
          created_at: j.createdAt, log_size: 0,
        }))).returningAll().execute();
        const inserted = rows.map(toJob);
        const needs = slice.flatMap((j, k) => (j.needs ?? []).map((n) => ({
          run_id: j.runId, job_id: inserted[k]!.id, needed_name: n.name, artifacts: n.artifacts ? 1 : 0, optional: n.optional ? 1 : 0,
        })));
        for (let n = 0; n < needs.length; n += 150) await db.insertInto('job_needs').values(needs.slice(n, n + 150)).execute();
        out.push(...inserted);
      }
      return out;
    },
    async byId(id: number): Promise<Job | null> {
      const [row] = (await db.executeQuery(jobById(db, id))).rows;
      return row ? toJob(row) : null;
    },
    async byTokenDigest(digest: string): Promise<Job | null> {
      const [row] = (await db.executeQuery(jobByTokenDigest(db, digest))).rows;
      return row ? toJob(row) : null;
    },
    async forRun(runId: number, options: { includeRetried?: boolean } = {}): Promise<Job[]> {
      let q = db.selectFrom('jobs').selectAll().where('run_id', '=', runId);
      if (!options.includeRetried) q = q.where('retried', '=', 0);
      return (await q.orderBy('stage_idx').orderBy('position').orderBy('id').execute()).map(toJob);
    },
    async list(q: JobListQuery): Promise<{ items: Job[]; total: number }> {
      let query = db.selectFrom('jobs');
      if (q.projectId !== undefined) query = query.where('project_id', '=', q.projectId);
      if (q.runId !== undefined) query = query.where('run_id', '=', q.runId);
      if (q.statuses?.length) query = query.where('status', 'in', q.statuses);
      if (q.kind) query = query.where('kind', '=', q.kind);
      if (!q.includeRetried) query = query.where('retried', '=', 0);
      const rows = q.runId !== undefined
        ? await query.selectAll().orderBy('stage_idx', q.order).orderBy('position', q.order).orderBy('id', q.order).offset(q.offset).limit(q.limit).execute()
        : await query.selectAll().orderBy('id', q.order).offset(q.offset).limit(q.limit).execute();
      const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { items: rows.map(toJob), total: Number(count.n) };
    },
    /**
     * Current build jobs of a run by name, or all those in stages before `beforeStage`: the jobs
     * a job may take artifacts from. Only what a payload needs of them (a late job of a big run
     * has many; reading their specs made the queue's cost grow with the square of the run).
     */
    async dependencyCandidates(runId: number, filter: { names: string[] } | { beforeStage: number }): Promise<DependencyJob[]> {
      let rows;
      if ('names' in filter) {
        if (filter.names.length === 0) return [];
        rows = await db.selectFrom('jobs').select(['id', 'name', 'stage_idx', 'dotenv_json']).where('run_id', '=', runId).where('retried', '=', 0).where('kind', '=', 'build')
          .where('name', 'in', filter.names).orderBy('stage_idx').orderBy('position').execute();
      } else rows = (await db.executeQuery(dependenciesBefore(db, runId, filter.beforeStage))).rows;
      return rows.map((r) => ({
        id: r.id, name: r.name, stageIdx: r.stage_idx, dotenv: r.dotenv_json === null ? null : JSON.parse(r.dotenv_json) as Record<string, string>,
      }));
    },
    /** A run's current jobs for a progress view, in forRun's order, without their specs. */
    async progressOfRun(runId: number): Promise<JobProgress[]> {
      const rows = await db.selectFrom('jobs').select(['id', 'name', 'stage', 'stage_idx', 'status', 'when', 'allow_failure', 'started_at', 'finished_at'])
        .where('run_id', '=', runId).where('retried', '=', 0).orderBy('stage_idx').orderBy('position').orderBy('id').execute();
      return rows.map((r) => ({
        id: r.id, name: r.name, stage: r.stage, stageIdx: r.stage_idx, status: r.status, when: r.when,
        allowFailure: r.allow_failure === 1, startedAt: num(r.started_at), finishedAt: num(r.finished_at),
      }));
    },
    /** Latest (non-retried) job of each name in a run with the given name. */
    async latestByName(runId: number, name: string): Promise<Job | null> {
      const row = await db.selectFrom('jobs').selectAll().where('run_id', '=', runId).where('name', '=', name).where('retried', '=', 0).executeTakeFirst();
      return row ? toJob(row) : null;
    },
    // ---- scheduling reads: few columns, many rows ----
    async statesOfRun(runId: number): Promise<JobState[]> {
      return (await db.selectFrom('jobs').select(STATE_COLUMNS).where('run_id', '=', runId).where('retried', '=', 0)
        .orderBy('stage_idx').orderBy('position').execute()).map(toState);
    },
    /** Status counts of a run's current jobs. */
    async statusCounts(runId: number): Promise<Array<{ status: string; allowFailure: boolean; n: number }>> {
      const { rows } = await db.executeQuery(statusCountsAll(db, runId));
      return rows.map((r) => ({ status: r.status, allowFailure: r.allow_failure === 1, n: Number(r.n) }));
    },
    /** A run's current jobs in groups (see StageGroup): one grouped read for every count the engine needs. */
    async stageGroups(runId: number): Promise<StageGroup[]> {
      return (await db.executeQuery(stageGroupsOf(db, runId))).rows.map((r) => ({
        stageIdx: Number(r.stage_idx), dag: r.dag === 1, status: r.status, allowFailure: r.allow_failure === 1, n: Number(r.n),
        startedAt: r.started === null || r.started === undefined ? null : Number(r.started),
        coverageSum: r.coverage_sum === null || r.coverage_sum === undefined ? 0 : Number(r.coverage_sum), coverageCount: Number(r.coverage_count),
      }));
    },
    async createdInStage(runId: number, stageIdx: number): Promise<JobState[]> {
      return (await db.executeQuery(createdInStageOf(db, runId, stageIdx))).rows.map(toState);
    },
    /** Created jobs of a run that name `neededName` in their needs. */
    async createdDependentsOf(runId: number, neededName: string): Promise<JobState[]> {
      return (await db.executeQuery(createdDependentsOfQuery(db, runId, runId, neededName))).rows.map(toState);
    },
    /** Created DAG jobs with no needs at all (`needs: []`): free to go at once. */
    async createdWithoutNeeds(runId: number): Promise<JobState[]> {
      return (await db.selectFrom('jobs').select(STATE_COLUMNS)
        .where('run_id', '=', runId).where('retried', '=', 0).where('status', '=', 'created').where('dag', '=', 1)
        .where('id', 'not in', db.selectFrom('job_needs').select('job_id').where('run_id', '=', runId))
        .execute()).map(toState);
    },
    async needsOf(jobId: number): Promise<Array<{ name: string; artifacts: boolean; optional: boolean }>> {
      const rows = await db.selectFrom('job_needs').select(['needed_name', 'artifacts', 'optional']).where('job_id', '=', jobId).execute();
      return rows.map((r) => ({ name: r.needed_name, artifacts: r.artifacts === 1, optional: r.optional === 1 }));
    },
    async statesByNames(runId: number, names: string[]): Promise<JobState[]> {
      if (names.length === 0) return [];
      return (await db.selectFrom('jobs').select(STATE_COLUMNS).where('run_id', '=', runId).where('retried', '=', 0).where('name', 'in', names).execute()).map(toState);
    },
    /** Guarded transition: applies only when the job is still in one of `from`. */
    async transition(id: number, from: readonly string[], patch: JobPatch): Promise<boolean> {
      const set = toPatch(patch);
      const columns = Object.keys(set);
      const r = await db.executeQuery(transitionQuery(columns, from.length)(db, ...columns.map((c) => set[c as keyof typeof set]), id, ...from));
      return Number(r.numAffectedRows ?? 0) > 0;
    },
    async setAllowFailure(id: number, allowFailure: boolean): Promise<void> {
      await db.updateTable('jobs').set({ allow_failure: allowFailure ? 1 : 0 }).where('id', '=', id).execute();
    },
    async updateSpec(id: number, spec: Record<string, unknown>): Promise<void> {
      await db.updateTable('jobs').set({ spec_json: JSON.stringify(spec) }).where('id', '=', id).execute();
    },
    async update(id: number, patch: JobPatch): Promise<void> {
      await db.updateTable('jobs').set(toPatch(patch)).where('id', '=', id).execute();
    },
    // ---- the queue ----
    /** Pending build jobs in queue order: run/definition priority, then age. */
    async queueCandidates(limit: number, excludeIds: number[] = []): Promise<Array<{ id: number; tags: string[]; runId: number; projectId: number; resourceGroup: string | null }>> {
      let rows;
      if (excludeIds.length === 0) {
        rows = (await db.executeQuery(queueHead(db, limit))).rows;
      } else {
        rows = await db.selectFrom('jobs').select(['id', 'tags_json', 'run_id', 'project_id', 'resource_group'])
          .where('status', '=', 'pending').where('kind', '=', 'build').where('id', 'not in', excludeIds)
          .orderBy('priority', 'desc').orderBy('id').limit(limit).execute();
      }
      return rows.map((r) => ({ id: r.id, tags: JSON.parse(r.tags_json) as string[], runId: r.run_id, projectId: r.project_id, resourceGroup: r.resource_group }));
    },
    /**
     * Claims one pending job for a runner: a guarded UPDATE that succeeds for exactly one
     * claimant, whatever the number of servers and runners racing for it. The winner gets the
     * job as claimed (RETURNING, on SQLite and PostgreSQL alike), the others null.
     */
    async claim(id: number, claim: { runnerId: number; runnerSession: string; tokenDigest: string; leaseExpiresAt: number; startedAt: number }): Promise<Job | null> {
      const [row] = (await db.executeQuery(claimQuery(db, claim.runnerId, claim.runnerSession, claim.tokenDigest, claim.leaseExpiresAt, claim.startedAt, id))).rows;
      return row ? toJob(row) : null;
    },
    async renewLease(id: number, runnerId: number, leaseExpiresAt: number): Promise<boolean> {
      const r = await db.executeQuery(renewLeaseQuery(db, leaseExpiresAt, id, runnerId));
      return Number(r.numAffectedRows ?? 0) > 0;
    },
    async expiredLeases(now: number, limit: number): Promise<Job[]> {
      return (await db.selectFrom('jobs').selectAll().where('status', 'in', ['running', 'canceling'])
        .where('lease_expires_at', '<', now).orderBy('id').limit(limit).execute()).map(toJob);
    },
    async runningOfSession(runnerId: number, exceptSession: string): Promise<Job[]> {
      return (await db.selectFrom('jobs').selectAll().where('runner_id', '=', runnerId).where('status', 'in', ['running', 'canceling'])
        .where((eb) => eb.or([eb('runner_session', '!=', exceptSession), eb('runner_session', 'is', null)])).execute()).map(toJob);
    },
    async runningForRunner(runnerId: number): Promise<Job[]> {
      return (await db.selectFrom('jobs').selectAll().where('runner_id', '=', runnerId).where('status', 'in', ['running', 'canceling']).execute()).map(toJob);
    },
    async dueScheduled(now: number, limit: number): Promise<Job[]> {
      return (await db.selectFrom('jobs').selectAll().where('status', '=', 'scheduled').where('scheduled_at', '<=', now).orderBy('scheduled_at').limit(limit).execute()).map(toJob);
    },
    /** Is another job of this project's resource group holding or about to hold it? */
    async resourceGroupBusy(projectId: number, group: string, exceptJobId: number): Promise<boolean> {
      const row = await db.selectFrom('jobs').select('id').where('project_id', '=', projectId).where('resource_group', '=', group)
        .where('status', 'in', ['pending', 'running', 'canceling', 'preparing']).where('id', '!=', exceptJobId).limit(1).executeTakeFirst();
      return row !== undefined;
    },
    async oldestWaitingForResource(projectId: number, group: string): Promise<Job | null> {
      const row = await db.selectFrom('jobs').selectAll().where('project_id', '=', projectId).where('resource_group', '=', group)
        .where('status', '=', 'waiting_for_resource').orderBy('id').limit(1).executeTakeFirst();
      return row ? toJob(row) : null;
    },
    // ---- logs ----
    async appendLog(jobId: number, offset: number, data: Uint8Array): Promise<boolean> {
      // The guard on log_size makes a duplicate or out-of-order append a no-op instead of a gap.
      // Size and chunk are written in one transaction: a crash between the two would otherwise
      // leave a size that counts a chunk never stored, and the runner's resend refused as stale.
      const append = async (q: typeof db): Promise<boolean> => {
        const r = await q.executeQuery(growLog(q, offset + data.length, jobId, offset));
        if (Number(r.numAffectedRows ?? 0) === 0) return false;
        await q.executeQuery(insertChunk(q, jobId, offset, data));
        return true;
      };
      return db.isTransaction ? append(db) : db.transaction().execute((trx) => append(trx));
    },
    async readLog(jobId: number, from = 0): Promise<Buffer> {
      const rows = await db.selectFrom('job_log_chunks').select(['offset', 'data']).where('job_id', '=', jobId)
        .where(sql<number>`"offset" + ${sql.raw(dialect === 'postgres' ? 'octet_length(data)' : 'length(data)')}`, '>', from)
        .orderBy('offset').execute();
      const buffers = rows.map((r) => Buffer.from(r.data));
      const all = Buffer.concat(buffers);
      const start = rows.length ? Math.max(0, from - Number(rows[0]!.offset)) : 0;
      return all.subarray(start);
    },
    async deleteLog(jobId: number): Promise<void> {
      await db.deleteFrom('job_log_chunks').where('job_id', '=', jobId).execute();
    },
    async deleteForRun(runId: number): Promise<void> {
      await db.deleteFrom('jobs').where('run_id', '=', runId).execute();
    },
  };
}

export type JobsRepository = ReturnType<typeof createJobsRepository>;

function toState(r: { id: number; name: string; stage_idx: number; kind: string; status: string; when: string; allow_failure: number; dag: number; resource_group: string | null }): JobState {
  return {
    id: r.id, name: r.name, stageIdx: r.stage_idx, kind: r.kind === 'bridge' ? 'bridge' : 'build', status: r.status, when: r.when,
    allowFailure: r.allow_failure === 1, dag: r.dag === 1, resourceGroup: r.resource_group,
  };
}

function num(v: number | null): number | null {
  return v === null ? null : Number(v);
}

/**
 * A job row as a Job. The spec (most of a row) is parsed when first read: a job's row is read a
 * few times on its way from claim to finish (its token, its state), and most reads never look
 * at the spec.
 */
export function toJob(row: Selectable<JobsTable>): Job {
  let spec: Record<string, unknown> | undefined;
  return {
    id: row.id, runId: row.run_id, projectId: row.project_id, name: row.name, stage: row.stage, stageIdx: row.stage_idx,
    position: row.position, kind: row.kind === 'bridge' ? 'bridge' : 'build', status: row.status, when: row.when,
    allowFailure: row.allow_failure === 1, dag: row.dag === 1,
    get spec() { return (spec ??= JSON.parse(row.spec_json) as Record<string, unknown>); },
    set spec(value) { spec = value; },
    tags: JSON.parse(row.tags_json) as string[], resourceGroup: row.resource_group, interruptible: row.interruptible === 1,
    priority: row.priority, attempt: row.attempt, retried: row.retried === 1, userId: row.user_id, runnerId: row.runner_id,
    runnerSession: row.runner_session, leaseExpiresAt: num(row.lease_expires_at), scheduledAt: num(row.scheduled_at),
    createdAt: Number(row.created_at), queuedAt: num(row.queued_at), startedAt: num(row.started_at), finishedAt: num(row.finished_at),
    failureReason: row.failure_reason, exitCode: row.exit_code, coverage: row.coverage === null ? null : Number(row.coverage),
    logSize: Number(row.log_size), erasedAt: num(row.erased_at),
    dotenv: row.dotenv_json === null ? null : JSON.parse(row.dotenv_json) as Record<string, string>,
  };
}
