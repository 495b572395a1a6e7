/** A job's artifacts: download the archive, or browse its files and download them one by one. */
import { useState } from 'preact/hooks';
import { gitlab } from '../api/gitlab-api.ts';
import type { Job } from '../api/gitlab-entities.ts';
import { downloadFile, fetchBlob, saveBlob } from '../components/download.ts';
import { formatBytes } from '../format/duration.ts';
import { listZip, type ZipEntry } from './zip-directory.ts';

export function ArtifactsPanel({ project, job }: { project: string; job: Job }) {
  const [entries, setEntries] = useState<ZipEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const archive = job.artifacts_file ?? job.artifacts?.find((a) => a.file_type === 'archive') ?? null;
  if (!archive) return <p class="muted small">No artifacts.</p>;
  const name = archive.filename || 'artifacts.zip';

  const browse = async () => {
    setBusy(true);
    setError(null);
    try {
      const blob = await fetchBlob(gitlab.artifactsUrl(project, job.id));
      setEntries(listZip(await blob.arrayBuffer()).filter((e) => !e.directory));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const run = (f: () => Promise<void>) => { setError(null); f().catch((e: Error) => setError(e.message)); };

  return (
    <div class="artifacts">
      <div class="actions">
        <button type="button" class="btn" onClick={() => run(() => downloadFile(gitlab.artifactsUrl(project, job.id), name))}>
          Download artifacts <span class="muted small">({formatBytes(archive.size)})</span>
        </button>
        {entries === null && <button type="button" class="btn btn-quiet" disabled={busy} onClick={() => void browse()}>{busy ? 'Opening…' : 'Browse'}</button>}
      </div>
      {error && <p class="error-text" role="alert">{error}</p>}
      {entries && (
        <ul class="artifact-files" aria-label="Artifact files">
          {entries.length === 0 && <li class="muted">The archive is empty.</li>}
          {entries.map((e) => (
            <li key={e.name}>
              <button type="button" class="link-button" onClick={() => run(async () => saveBlob(await fetchBlob(gitlab.artifactFileUrl(project, job.id, e.name)), e.name.split('/').pop() ?? e.name))}>
                {e.name}
              </button>
              <span class="muted small"> {formatBytes(e.size)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
