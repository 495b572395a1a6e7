/** The variables a run was started with (GET /pipelines/:id/variables). */
import { gitlab } from '../api/gitlab-api.ts';
import { Empty, ErrorBox, Loading } from '../components/feedback.tsx';
import { usePolled } from '../live/use-polled.ts';

export function RunVariablesView({ project, runId }: { project: string; runId: number }) {
  const { data, error, loading } = usePolled(() => gitlab.pipelineVariables(project, runId), [project, runId], null);
  if (error) return <ErrorBox error={error} />;
  if (loading || !data) return <Loading what="variables" />;
  if (data.length === 0) return <Empty>This run was started without variables.</Empty>;
  return (
    <table class="table">
      <caption class="visually-hidden">Run variables</caption>
      <thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Type</th></tr></thead>
      <tbody>{data.map((v) => <tr key={v.key}><th scope="row"><code>{v.key}</code></th><td><code class="wrap">{v.value}</code></td><td>{v.variable_type === 'file' ? 'file' : 'variable'}</td></tr>)}</tbody>
    </table>
  );
}
