import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunnerConnection } from '../protocol/index.js';
import type { RunnerService } from '../server/engine/index.js';
import type { Runner } from '../server/store/index.js';

/**
 * The embedded runner's connection: the RunnerConnection verbs as direct calls into the runner
 * service, so the embedded runner obeys exactly the rules a remote one does, minus HTTP.
 */
export function createEmbeddedConnection(service: RunnerService, runner: Runner, session: string): RunnerConnection {
  return {
    requestJob: ({ waitMs, signal }) => service.requestJob(runner, session, waitMs, signal),
    keepAlive: (jobId, token) => service.keepAlive(jobId, token),
    appendTrace: (jobId, token, offset, data) => service.appendTrace(jobId, token, offset, data),
    uploadArtifact: (jobId, token, spec, archivePath) => service.uploadArtifact(jobId, token, {
      artifactType: spec.artifact_type, artifactFormat: spec.artifact_format, filename: spec.name || 'artifacts.zip',
      expireIn: spec.expire_in, body: createReadStream(archivePath),
    }),
    downloadArtifact: (dependencyId, token) => service.downloadArtifact(dependencyId, token),
    finishJob: async (jobId, token, result) => { await service.finishJob(jobId, token, result); },
    finishJobWithLog: async (jobId, token, result, log) => { await service.finishJob(jobId, token, result, log); },
    // The engine gives embedded runners the hosted repository as a file:// URL (see
    // repository-access.ts, cloneUrl): that path is the repository itself, on this disk.
    localRepository: (payload) => payload.git_info.repo_url.startsWith('file:') ? fileURLToPath(payload.git_info.repo_url) : null,
  };
}
