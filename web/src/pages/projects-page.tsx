/** Projects the signed-in user can see, with search and pages; refreshed every 15 s. */
import { gitlab } from '../api/gitlab-api.ts';
import { Empty, ErrorBox, Loading, Pager } from '../components/feedback.tsx';
import { useNow, usePolled } from '../live/use-polled.ts';
import { formatRelative } from '../format/duration.ts';
import { setQuery, useLocation } from '../router/navigation.ts';
import { paths } from '../router/routes.ts';
import { useTitle } from './use-title.ts';

export function ProjectsPage() {
  useTitle('Projects');
  const { search } = useLocation();
  const page = Math.max(1, Number(search.get('page') ?? '1') || 1);
  const q = search.get('search') ?? '';
  const now = useNow(30000);
  const { data, error, loading } = usePolled(() => gitlab.projects(page, q || undefined), [page, q], 15000);

  return (
    <section>
      <div class="page-head">
        <h1>Projects</h1>
        <form role="search" class="inline-form" onSubmit={(e) => {
          e.preventDefault();
          const value = new FormData(e.currentTarget).get('search');
          setQuery({ search: typeof value === 'string' ? value : '', page: null });
        }}>
          <label for="project-search">Search projects</label>
          <input id="project-search" name="search" type="search" defaultValue={q} />
          <button type="submit" class="btn">Search</button>
        </form>
      </div>
      {error && <ErrorBox error={error} />}
      {loading && !data && <Loading what="projects" />}
      {data && data.items.length === 0 && (
        <Empty>No projects yet. Create one with <code>runnel project create WORKSPACE/NAME</code> or <code>POST /api/v4/projects</code>, then push to it.</Empty>
      )}
      {data && data.items.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">Projects</caption>
          <thead><tr><th scope="col">Project</th><th scope="col">Default branch</th><th scope="col">Visibility</th><th scope="col">Last activity</th></tr></thead>
          <tbody>
            {data.items.map((p) => (
              <tr key={p.id}>
                <td>
                  <a href={paths.project(p.path_with_namespace)} class="strong">{p.name_with_namespace ?? p.path_with_namespace}</a>
                  {p.description && <div class="muted small">{p.description}</div>}
                </td>
                <td><code>{p.default_branch ?? '—'}</code></td>
                <td>{p.visibility ?? '—'}</td>
                <td title={p.last_activity_at}>{formatRelative(p.last_activity_at, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && <Pager page={page} totalPages={data.totalPages} onPage={(n) => setQuery({ page: n })} label="Projects pages" />}
    </section>
  );
}
