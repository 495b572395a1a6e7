/** The project's pipeline definitions through the Buddy API: what each is, how it last ended. */
import { buddy } from '../api/buddy-api.ts';
import { Empty, ErrorBox, Loading } from '../components/feedback.tsx';
import { StatusBadge } from '../components/status-icon.tsx';
import { usePolled } from '../live/use-polled.ts';
import { paths } from '../router/routes.ts';
import { ProjectHeader } from './project-header.tsx';
import { useTitle } from './use-title.ts';

export function DefinitionsPage({ project }: { project: string }) {
  useTitle(`Definitions · ${project}`);
  const { data, error, loading } = usePolled(() => buddy.pipelines(project), [project], 10000);
  return (
    <section>
      <ProjectHeader project={project} current="definitions" />
      <h1>Pipeline definitions</h1>
      {error && <ErrorBox error={error} />}
      {loading && !data && <Loading what="definitions" />}
      {data && data.length === 0 && <Empty>No definitions. A project's .gitlab-ci.yml gives it a default one; more can be created through the Buddy API.</Empty>}
      {data && data.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">Pipeline definitions</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Identifier</th><th scope="col">Last run</th><th scope="col">Refs</th><th scope="col">Triggers</th><th scope="col">State</th></tr></thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.id}>
                <td><a href={paths.definition(project, d.id)} class="strong">{d.name}</a></td>
                <td><code>{d.identifier ?? '—'}</code></td>
                <td>{d.last_execution_status ? <StatusBadge status={d.last_execution_status} /> : '—'}</td>
                <td class="small">{d.refs?.length ? d.refs.join(', ') : '—'}</td>
                <td class="small">{d.events?.length ? d.events.map((e) => e.type).join(', ') : 'manual'}</td>
                <td>{d.disabled ? <span class="tag tag-danger">disabled</span> : d.paused ? <span class="tag">paused</span> : <span class="muted">active</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
