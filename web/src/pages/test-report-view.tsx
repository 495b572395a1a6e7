/** The run's test report: totals, a row per suite, and every failed or errored case with its output. */
import { gitlab } from '../api/gitlab-api.ts';
import { Empty, ErrorBox, Loading } from '../components/feedback.tsx';
import { StatusBadge } from '../components/status-icon.tsx';
import { usePolled } from '../live/use-polled.ts';

export function TestReportView({ project, runId, active }: { project: string; runId: number; active: boolean }) {
  const { data, error, loading } = usePolled(() => gitlab.testReport(project, runId), [project, runId], active ? 5000 : 30000);
  if (error) return <ErrorBox error={error} />;
  if (loading || !data) return <Loading what="test report" />;
  if (data.total_count === 0 && data.test_suites.length === 0) return <Empty>No test reports. Jobs publish them with <code>artifacts:reports:junit</code>.</Empty>;
  const failed = data.test_suites.flatMap((s) => s.test_cases.filter((c) => c.status === 'failed' || c.status === 'error').map((c) => ({ suite: s.name, c })));
  return (
    <div class="tests">
      <dl class="totals">
        <div><dt>Tests</dt><dd>{data.total_count}</dd></div>
        <div class="s-failed"><dt>Failed</dt><dd>{data.failed_count}</dd></div>
        <div class="s-failed"><dt>Errors</dt><dd>{data.error_count}</dd></div>
        <div class="s-skipped"><dt>Skipped</dt><dd>{data.skipped_count}</dd></div>
        <div class="s-success"><dt>Passed</dt><dd>{data.success_count}</dd></div>
        <div><dt>Time</dt><dd>{data.total_time.toFixed(2)}s</dd></div>
      </dl>
      <table class="table">
        <caption>Suites</caption>
        <thead><tr><th scope="col">Suite</th><th scope="col">Tests</th><th scope="col">Failed</th><th scope="col">Errors</th><th scope="col">Skipped</th><th scope="col">Passed</th><th scope="col">Time</th></tr></thead>
        <tbody>
          {data.test_suites.map((s) => (
            <tr key={s.name}>
              <th scope="row">{s.name}{s.suite_error && <div class="error-text small">{s.suite_error}</div>}</th>
              <td>{s.total_count}</td><td>{s.failed_count}</td><td>{s.error_count}</td><td>{s.skipped_count}</td><td>{s.success_count}</td>
              <td>{s.total_time.toFixed(2)}s</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Failed cases</h3>
      {failed.length === 0 ? <Empty>No failed cases.</Empty> : (
        <ul class="failed-cases">
          {failed.map(({ suite, c }, i) => (
            <li key={i}>
              <details open={failed.length <= 10}>
                <summary><StatusBadge status={c.status === 'error' ? 'failed' : c.status} /> <strong>{c.name}</strong> <span class="muted">{c.classname} · {suite} · {c.execution_time.toFixed(2)}s</span></summary>
                <pre class="case-output">{[c.system_output, c.stack_trace].filter(Boolean).join('\n\n') || '(no output)'}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
