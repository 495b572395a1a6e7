import type { Kysely, Selectable } from 'kysely';
import type { ArtifactsTable, Tables } from './tables.js';
import type { Artifact } from './rows.js';
import { ID_MARKER, reusableQuery } from './reusable-query.js';

/** A run's job archives, oldest first: one fixed statement, whatever the number of jobs asking. */
const archivesOfRun = reusableQuery([ID_MARKER] as [number], (db, runId) => db.selectFrom('job_artifacts')
  .innerJoin('jobs', 'jobs.id', 'job_artifacts.job_id').selectAll('job_artifacts')
  .where('jobs.run_id', '=', runId).where('job_artifacts.file_type', '=', 'archive').orderBy('job_artifacts.id'));

/** Artifact metadata; the files themselves live under the data directory (storage_path). */
export function createArtifactsRepository(db: Kysely<Tables>) {
  return {
    async insert(a: Omit<Artifact, 'id'>): Promise<Artifact> {
      const row = await db.insertInto('job_artifacts').values({
        job_id: a.jobId, project_id: a.projectId, file_type: a.fileType, file_format: a.fileFormat, filename: a.filename,
        size: a.size, storage_path: a.storagePath, expire_at: a.expireAt, created_at: a.createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toArtifact(row);
    },
    async forJob(jobId: number): Promise<Artifact[]> {
      return (await db.selectFrom('job_artifacts').selectAll().where('job_id', '=', jobId).orderBy('id').execute()).map(toArtifact);
    },
    async forJobs(jobIds: number[]): Promise<Artifact[]> {
      if (jobIds.length === 0) return [];
      return (await db.selectFrom('job_artifacts').selectAll().where('job_id', 'in', jobIds).orderBy('id').execute()).map(toArtifact);
    },
    /** The archives (file_type archive) of a run's jobs, by id. */
    async archivesOfRun(runId: number): Promise<Artifact[]> {
      return (await db.executeQuery(archivesOfRun(db, runId))).rows.map(toArtifact);
    },
    async expired(now: number, limit: number): Promise<Artifact[]> {
      return (await db.selectFrom('job_artifacts').selectAll().where('expire_at', '<', now).orderBy('expire_at').limit(limit).execute()).map(toArtifact);
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('job_artifacts').where('id', '=', id).execute();
    },
    async deleteForJob(jobId: number): Promise<void> {
      await db.deleteFrom('job_artifacts').where('job_id', '=', jobId).execute();
    },
    // ---- parsed reports (JUnit suites, coverage) kept per job ----
    async putReport(jobId: number, kind: string, data: unknown): Promise<void> {
      await db.insertInto('job_reports').values({ job_id: jobId, kind, data_json: JSON.stringify(data) })
        .onConflict((oc) => oc.columns(['job_id', 'kind']).doUpdateSet({ data_json: JSON.stringify(data) })).execute();
    },
    async reportsFor(jobIds: number[], kind: string): Promise<Array<{ jobId: number; data: unknown }>> {
      if (jobIds.length === 0) return [];
      const rows = await db.selectFrom('job_reports').select(['job_id', 'data_json']).where('job_id', 'in', jobIds).where('kind', '=', kind).execute();
      return rows.map((r) => ({ jobId: r.job_id, data: JSON.parse(r.data_json) as unknown }));
    },
  };
}

export type ArtifactsRepository = ReturnType<typeof createArtifactsRepository>;

function toArtifact(row: Selectable<ArtifactsTable>): Artifact {
  return {
    id: row.id, jobId: row.job_id, projectId: row.project_id, fileType: row.file_type, fileFormat: row.file_format,
    filename: row.filename, size: Number(row.size), storagePath: row.storage_path,
    expireAt: row.expire_at === null ? null : Number(row.expire_at), createdAt: Number(row.created_at),
  };
}
