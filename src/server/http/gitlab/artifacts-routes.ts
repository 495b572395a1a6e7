import { basename } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Artifact, Job, Project } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { allow, notFound, projectContext } from './ci-access.js';
import { Problems, requiredString, ciParams } from './ci-params.js';
import { jobInProject } from './jobs-routes.js';
import { openZipEntry, safeEntryName } from './zip-entry.js';

type Params = { id: string; job_id: string; ref_name: string; '*': string };

/**
 * Job artifacts as GitLab serves them to users and scripts (lib/api/ci/job_artifacts.rb): the
 * archive, one file out of it, and the latest successful job's archive for a ref. A CI job token
 * of the same project may download them too.
 */
export function registerArtifactRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store, engine } = deps;

  async function archiveOf(job: Job): Promise<Artifact | null> {
    return (await store.artifacts.forJob(job.id)).find((a) => a.fileType === 'archive') ?? null;
  }

  function sendArchive(reply: FastifyReply, archive: Artifact) {
    reply.header('content-type', 'application/zip');
    reply.header('content-disposition', `attachment; filename="${archive.filename.replace(/["\\\r\n]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(archive.filename)}`);
    reply.header('content-length', String(archive.size));
    return reply.send(engine.openArtifact(archive));
  }

  async function sendEntry(reply: FastifyReply, archive: Artifact, path: string) {
    const name = safeEntryName(path);
    if (!name) notFound('404 Not Found');
    const entry = await openZipEntry(archive.storagePath, name).catch(() => null);
    if (!entry) notFound('404 Not Found');
    reply.header('content-type', 'application/octet-stream');
    reply.header('content-disposition', `attachment; filename="${basename(name).replace(/["\\\r\n]/g, '_')}"`);
    reply.header('content-length', String(entry.size));
    return reply.send(entry.stream);
  }

  /** The newest successful job called `name` on `ref` that kept an archive. */
  async function latestSuccessful(project: Project, ref: string, name: string): Promise<Artifact> {
    const runs = await store.runs.list({ projectId: project.id, excludeChildren: false, ref, statuses: ['success'], orderBy: 'id', sort: 'desc', offset: 0, limit: 20 });
    for (const run of runs) {
      const job = await store.jobs.latestByName(run.id, name);
      if (job && job.status === 'success') {
        const archive = await archiveOf(job);
        if (archive) return archive;
      }
    }
    notFound('404 Not Found');
  }

  app.get<{ Params: Params }>('/api/v4/projects/:id/jobs/:job_id/artifacts', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { jobToken: true });
    allow(access.readPipelines);
    const job = await jobInProject(deps, project, request.params.job_id);
    const archive = await archiveOf(job);
    if (!archive) notFound('404 Not Found');
    return sendArchive(reply, archive);
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/jobs/:job_id/artifacts/*', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { jobToken: true });
    allow(access.readPipelines);
    const job = await jobInProject(deps, project, request.params.job_id);
    const archive = await archiveOf(job);
    if (!archive) notFound('404 Not Found');
    return sendEntry(reply, archive, request.params['*']);
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/jobs/artifacts/:ref_name/download', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { jobToken: true });
    allow(access.readPipelines);
    const p = new Problems();
    const name = requiredString(ciParams(request), 'job', p);
    p.throwIfAny();
    return sendArchive(reply, await latestSuccessful(project, request.params.ref_name, name));
  });

  app.get<{ Params: Params }>('/api/v4/projects/:id/jobs/artifacts/:ref_name/raw/*', async (request, reply) => {
    const { project, access } = await projectContext(request, deps, { jobToken: true });
    allow(access.readPipelines);
    const p = new Problems();
    const name = requiredString(ciParams(request), 'job', p);
    p.throwIfAny();
    return sendEntry(reply, await latestSuccessful(project, request.params.ref_name, name), request.params['*']);
  });
}
