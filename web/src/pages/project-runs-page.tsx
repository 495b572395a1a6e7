/**
 * A project's runs: filters (status, ref, source) and page in the URL query, X-Total-Pages paging,
 * a "Run pipeline" form. The list endpoint has no user/duration/started_at (GitLab's
 * PipelineBasic), so each row's details come from GET /pipelines/:id, cached by `updated_at`
 * so a poll only refetches rows that changed.
 */
import { useRef } from 'preact/hooks';
import { gitlab } from '../api/gitlab-api.ts';
import type { Pipeline, PipelineBasic } from '../api/gitlab-entities.ts';
import { Empty, ErrorBox, Loading, Pager } from '../components/feedback.tsx';
import { StatusBadge } from '../components/status-icon.tsx';
import { formatDuration, formatRelative, liveDuration } from '../format/duration.ts';
import { useNow, usePolled } from '../live/use-polled.ts';
import { setQuery, useLocation } from '../router/navigation.ts';
import { paths } from '../router/routes.ts';
import { ProjectHeader } from './project-header.tsx';
import { RunPipelineForm } from './run-pipeline-form.tsx';
import { useTitle } from './use-title.ts';

const STATUSES = ['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'success', 'failed', 'canceling', 'canceled', 'skipped', 'manual', 'scheduled'];
const SOURCES = ['push', 'web', 'api', 'trigger', 'schedule', 'pipeline', 'merge_request_event', 'external', 'chat', 'webide', 'parent_pipeline'];

type Row = PipelineBasic & Partial<Pipeline>;

export function ProjectRunsPage({ project }: { project: string }) {
  useTitle(`Runs · ${project}`);
  const { search } = useLocation();
  const page = Math.max(1, Number(search.get('page') ?? '1') || 1);
  const status = search.get('status') ?? '';
  const ref = search.get('ref') ?? '';
  const source = search.get('source') ?? '';
  const now = useNow(1000);
  const details = useRef(new Map<number, Pipeline>());

  const projectInfo = usePolled(() => gitlab.project(project), [project], 60000);
  const runs = usePolled(async () => {
    const list = await gitlab.pipelines(project, { page, status: status || undefined, ref: ref || undefined, source: source || undefined });
    const stale = list.items.filter((p) => details.current.get(p.id)?.updated_at !== p.updated_at);
    await Promise.all(stale.map(async (p) => {
      try { details.current.set(p.id, await gitlab.pipeline(project, p.id)); } catch { /* row shows what the list had */ }
    }));
    return { ...list, items: list.items.map((p): Row => ({ ...details.current.get(p.id), ...p })) };
  }, [project, page, status, ref, source], 5000);

  const filter = (name: string) => (e: Event) => setQuery({ [name]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value, page: null });

  return (
    <section>
      <ProjectHeader project={project} current="runs" />
      {projectInfo.error && <ErrorBox error={projectInfo.error} />}
      <div class="two-col">
        <div class="grow">
          <h1>Runs</h1>
          <form class="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
            <div>
              <label for="f-status">Status</label>
              <select id="f-status" value={status} onChange={filter('status')}>
                <option value="">Any</option>
                {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
              </select>
            </div>
            <div>
              <label for="f-ref">Ref</label>
              <input id="f-ref" value={ref} placeholder="main" onChange={filter('ref')} />
            </div>
            <div>
              <label for="f-source">Source</label>
              <select id="f-source" value={source} onChange={filter('source')}>
                <option value="">Any</option>
                {SOURCES.map((s) => <option key={s} value={s}>{s}</option>)}
              </select>
            </div>
            {(status || ref || source) && <button type="button" class="btn btn-quiet" onClick={() => setQuery({ status: null, ref: null, source: null, page: null })}>Clear filters</button>}
          </form>
          {runs.error && <ErrorBox error={runs.error} />}
          {runs.loading && !runs.data && <Loading what="runs" />}
          {runs.data && runs.data.items.length === 0 && <Empty>{status || ref || source ? 'No runs match these filters.' : 'No runs yet. Push a commit with a .gitlab-ci.yml, or run a pipeline.'}</Empty>}
          {runs.data && runs.data.items.length > 0 && (
            <table class="table runs-table">
              <caption class="visually-hidden">Runs of {project}</caption>
              <thead><tr>
                <th scope="col">Status</th><th scope="col">Run</th><th scope="col">Ref</th><th scope="col">Commit</th>
                <th scope="col">Source</th><th scope="col">User</th><th scope="col">Duration</th><th scope="col">Started</th>
              </tr></thead>
              <tbody>
                {runs.data.items.map((r) => (
                  <tr key={r.id}>
                    <td><a href={paths.run(project, r.id)} class="plain"><StatusBadge status={r.status} /></a></td>
                    <td><a href={paths.run(project, r.id)}>#{r.id}</a>{r.yaml_errors && <span class="tag tag-danger" title={r.yaml_errors}>yaml invalid</span>}</td>
                    <td><code>{r.ref}</code></td>
                    <td><code title={r.sha}>{r.sha.slice(0, 8)}</code></td>
                    <td>{r.source}</td>
                    <td>{r.user?.username ?? '—'}</td>
                    <td>{formatDuration(liveDuration(r.duration, r.started_at, r.finished_at, now))}</td>
                    <td title={r.started_at ?? r.created_at}>{formatRelative(r.started_at ?? r.created_at, now)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {runs.data && <Pager page={page} totalPages={runs.data.totalPages} onPage={(n) => setQuery({ page: n })} label="Runs pages" />}
        </div>
        <aside class="side">
          <RunPipelineForm key={projectInfo.data?.default_branch ?? ''} project={project} defaultRef={projectInfo.data?.default_branch ?? 'main'} />
          {projectInfo.data?.http_url_to_repo && (
            <div class="card small">
              <h2>Clone</h2>
              <label for="clone-url">HTTP</label>
              <input id="clone-url" readOnly value={projectInfo.data.http_url_to_repo} onFocus={(e) => e.currentTarget.select()} />
            </div>
          )}
        </aside>
      </div>
    </section>
  );
}
