/**
 * One pipeline definition (Buddy view): summary, "Clear cache", its executions (paged, refreshed
 * every 5 s) and the settings form.
 */
import { useEffect, useState } from 'preact/hooks';
import { buddy } from '../api/buddy-api.ts';
import type { BuddyPipeline } from '../api/buddy-entities.ts';
import { ApiError } from '../api/http-client.ts';
import { announce } from '../components/announcer.tsx';
import { Empty, ErrorBox, Loading, Pager } from '../components/feedback.tsx';
import { StatusBadge } from '../components/status-icon.tsx';
import { SettingsForm } from '../definitions/settings-form.tsx';
import { formatDuration, formatRelative, liveDuration } from '../format/duration.ts';
import { useNow, usePolled } from '../live/use-polled.ts';
import { localPath, paths } from '../router/routes.ts';
import { ProjectHeader } from './project-header.tsx';
import { useTitle } from './use-title.ts';

function Executions({ project, definitionId }: { project: string; definitionId: number }) {
  const [page, setPage] = useState(1);
  const now = useNow(1000);
  const { data, error, loading } = usePolled(() => buddy.executions(project, definitionId, page), [project, definitionId, page], 5000);
  if (error) return <ErrorBox error={error} />;
  if (loading || !data) return <Loading what="executions" />;
  if (data.executions.length === 0 && page === 1) return <Empty>No executions yet.</Empty>;
  return (
    <>
      <table class="table">
        <caption class="visually-hidden">Executions</caption>
        <thead><tr><th scope="col">Status</th><th scope="col">Execution</th><th scope="col">Ref</th><th scope="col">Revision</th><th scope="col">Trigger</th><th scope="col">By</th><th scope="col">Duration</th><th scope="col">Started</th></tr></thead>
        <tbody>
          {data.executions.map((x) => {
            // Runnel's Buddy html_url for an execution (…/pipeline/<id>/execution/<id>) is no UI page;
            // the GitLab run it maps to is.
            const href = x.gitlab_pipeline_id ? paths.run(project, x.gitlab_pipeline_id) : localPath(x.html_url, location.origin);
            return (
              <tr key={x.id}>
                <td><StatusBadge status={x.status} /></td>
                <td>{href ? <a href={href}>#{x.id}</a> : `#${x.id}`}{x.comment && <div class="muted small">{x.comment}</div>}</td>
                <td><code>{x.branch?.name ?? x.tag?.name ?? '—'}</code></td>
                <td><code title={x.to_revision?.revision}>{x.to_revision?.revision?.slice(0, 8) ?? '—'}</code></td>
                <td>{x.triggeredOn ?? '—'}{x.clear_cache ? <span class="tag">cache cleared</span> : null}</td>
                <td>{x.creator?.name ?? '—'}</td>
                <td>{formatDuration(liveDuration(null, x.start_date, x.finish_date, now))}</td>
                <td title={x.start_date ?? ''}>{formatRelative(x.start_date, now)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Pager page={page} totalPages={data.total_page_count ?? null} onPage={setPage} label="Executions pages" />
    </>
  );
}

export function DefinitionPage({ project, definitionId }: { project: string; definitionId: number }) {
  const loaded = usePolled(() => buddy.pipeline(project, definitionId), [project, definitionId], 15000);
  const [override, setOverride] = useState<BuddyPipeline | null>(null);
  const [cacheMessage, setCacheMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // A save or cache clear answers with the new object; the next poll's data supersedes it.
  useEffect(() => setOverride(null), [loaded.data]);
  const pipeline = override ?? loaded.data;
  useTitle(pipeline ? `${pipeline.name} · Definitions · ${project}` : `Definition #${definitionId} · ${project}`);

  const clearCache = async () => {
    setBusy(true);
    setCacheMessage(null);
    try {
      const updated = await buddy.clearCache(project, definitionId);
      if (updated && typeof updated === 'object' && 'id' in updated) setOverride(updated);
      setCacheMessage({ ok: true, text: 'Cache cleared. The next run starts without cached files.' });
      announce('Cache cleared');
    } catch (e) {
      setCacheMessage({ ok: false, text: e instanceof ApiError ? e.messages.join('; ') : (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="definition-page">
      <ProjectHeader project={project} current="definitions" />
      {loaded.error && !pipeline && <ErrorBox error={loaded.error} />}
      {!pipeline && !loaded.error && <Loading what="definition" />}
      {pipeline && (
        <>
          <div class="page-head">
            <h1>{pipeline.name} <span class="muted small">#{pipeline.id}</span></h1>
            <div class="actions">
              <button type="button" class="btn" disabled={busy} onClick={() => void clearCache()}>{busy ? 'Clearing…' : 'Clear cache'}</button>
            </div>
          </div>
          <div role="status" aria-live="polite">
            {cacheMessage && <p class={cacheMessage.ok ? 'ok-text' : 'error-text'}>{cacheMessage.text}</p>}
          </div>
          <dl class="facts">
            <div><dt>Identifier</dt><dd><code>{pipeline.identifier ?? '—'}</code></dd></div>
            <div><dt>Last run</dt><dd>{pipeline.last_execution_status ? <StatusBadge status={pipeline.last_execution_status} /> : '—'}</dd></div>
            <div><dt>Last revision</dt><dd><code>{pipeline.last_execution_revision?.slice(0, 8) ?? '—'}</code></dd></div>
            <div><dt>Created</dt><dd>{pipeline.create_date ? new Date(pipeline.create_date).toLocaleString() : '—'}</dd></div>
            {typeof (pipeline.creator as { name?: string } | undefined)?.name === 'string' && <div><dt>Creator</dt><dd>{(pipeline.creator as { name: string }).name}</dd></div>}
            {pipeline.stale === true && <div><dt>Definition</dt><dd class="error-text">stale</dd></div>}
            {pipeline.waiting_for_push === true && <div><dt>Waiting</dt><dd>for the first push</dd></div>}
          </dl>
          <h2>Executions</h2>
          <Executions project={project} definitionId={definitionId} />
          <SettingsForm project={project} pipeline={pipeline} onSaved={(p) => { setOverride(p); void loaded.reload(); }} />
        </>
      )}
    </section>
  );
}
