/**
 * Registered runners (GET /runners/all, admin): online or not, paused, tags, and the jobs each runs
 * now (Runnel's `jobs_running`), linked to their job pages. Refreshed every 5 s.
 */
import { gitlab } from '../api/gitlab-api.ts';
import type { Runner } from '../api/gitlab-entities.ts';
import { Empty, ErrorBox, Loading } from '../components/feedback.tsx';
import { usePolled } from '../live/use-polled.ts';
import { paths } from '../router/routes.ts';
import { useTitle } from './use-title.ts';

const projectPaths = new Map<number, Promise<string | null>>();
function projectPathOf(id: number): Promise<string | null> {
  let hit = projectPaths.get(id);
  if (!hit) {
    hit = gitlab.project(id).then((p) => p.path_with_namespace, () => null);
    projectPaths.set(id, hit);
  }
  return hit;
}

async function loadRunners(): Promise<{ runners: Runner[]; paths: Record<number, string | null> }> {
  const runners = await gitlab.runners();
  const ids = [...new Set(runners.flatMap((r) => r.jobs_running ?? []).map((j) => j.project_id))];
  const resolved = await Promise.all(ids.map(async (id) => [id, await projectPathOf(id)] as const));
  return { runners, paths: Object.fromEntries(resolved) };
}

function Online({ runner }: { runner: Runner }) {
  const paused = runner.paused === true || runner.active === false;
  const online = runner.online === true || runner.status === 'online';
  return (
    <span class={`status-badge ${online ? 's-success' : 's-skipped'}`}>
      <span class={`dot ${online ? 'dot-on' : 'dot-off'}`} aria-hidden="true" /> {online ? 'online' : runner.status || 'offline'}{paused ? ' · paused' : ''}
    </span>
  );
}

export function RunnersPage() {
  useTitle('Runners');
  const { data, error, loading } = usePolled(loadRunners, [], 5000);
  return (
    <section>
      <h1>Runners</h1>
      {error && <ErrorBox error={error} />}
      {loading && !data && <Loading what="runners" />}
      {data && data.runners.length === 0 && <Empty>No runners registered. <code>runnel serve</code> runs an embedded one unless its concurrency is 0; <code>runnel runner</code> adds more.</Empty>}
      {data && data.runners.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">Runners</caption>
          <thead><tr><th scope="col">Runner</th><th scope="col">Status</th><th scope="col">Tags</th><th scope="col">Running now</th></tr></thead>
          <tbody>
            {data.runners.map((r) => (
              <tr key={r.id}>
                <td><strong>{r.description || `Runner #${r.id}`}</strong> <span class="muted small">#{r.id}{r.runner_type ? ` · ${r.runner_type.replace('_type', '')}` : ''}</span></td>
                <td><Online runner={r} /></td>
                <td>{r.tag_list?.length ? r.tag_list.map((t) => <span key={t} class="tag">{t}</span>) : <span class="muted">untagged</span>}</td>
                <td>
                  {r.jobs_running?.length ? (
                    <ul class="plain-list">
                      {r.jobs_running.map((j) => {
                        const p = data.paths[j.project_id];
                        return <li key={j.id}>{p ? <a href={paths.job(p, j.id)}>{j.name} #{j.id}</a> : `${j.name} #${j.id}`}{p && <span class="muted small"> in {p}</span>}</li>;
                      })}
                    </ul>
                  ) : <span class="muted">idle</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
