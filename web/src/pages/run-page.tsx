/**
 * One run: header with status and facts, retry/cancel, yaml_errors, then tabs (links, so each is
 * a URL): the job graph, the job list, the test report and the run's variables. Live through
 * `useRunLive`; status changes are announced to screen readers.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { gitlab } from '../api/gitlab-api.ts';
import type { Job } from '../api/gitlab-entities.ts';
import { ApiError } from '../api/http-client.ts';
import { announce } from '../components/announcer.tsx';
import { ErrorBox, Loading } from '../components/feedback.tsx';
import { StatusBadge, statusInfo } from '../components/status-icon.tsx';
import { formatDuration, formatRelative, liveDuration } from '../format/duration.ts';
import { JobGraph, jobAction, type JobAction } from '../graph/job-graph.tsx';
import { useNow } from '../live/use-polled.ts';
import { ACTIVE_STATUSES, useRunLive } from '../live/use-run-live.ts';
import { navigate } from '../router/navigation.ts';
import { paths, type RunTab } from '../router/routes.ts';
import { ProjectHeader } from './project-header.tsx';
import { RunVariablesView } from './run-variables-view.tsx';
import { TestReportView } from './test-report-view.tsx';
import { useTitle } from './use-title.ts';
import { YamlErrors } from './yaml-errors.tsx';

const TABS: [RunTab, string][] = [['graph', 'Pipeline'], ['jobs', 'Jobs'], ['tests', 'Tests'], ['variables', 'Variables']];
const RETRYABLE = new Set(['failed', 'canceled']);

function useStatusAnnouncements(runId: number, status: string | undefined, jobs: Job[]): void {
  const lastRun = useRef<string | undefined>(undefined);
  const lastJobs = useRef(new Map<number, string>());
  useEffect(() => {
    if (status && lastRun.current && lastRun.current !== status) announce(`Run ${runId} is ${statusInfo(status).label}`);
    lastRun.current = status;
  }, [runId, status]);
  useEffect(() => {
    const seen = lastJobs.current;
    const changes: string[] = [];
    for (const j of jobs) {
      const before = seen.get(j.id);
      if (before !== undefined && before !== j.status) changes.push(`${j.name} ${statusInfo(j.status, j.allow_failure).label}`);
      seen.set(j.id, j.status);
    }
    if (changes.length > 0 && changes.length <= 5) announce(changes.join('. '));
    else if (changes.length > 5) announce(`${changes.length} jobs changed status`);
  }, [jobs]);
}

export function RunPage({ project, runId, tab }: { project: string; runId: number; tab: RunTab }) {
  useTitle(`Run #${runId} · ${project}`);
  const { pipeline, jobs, error, streaming, refresh } = useRunLive(project, runId);
  const active = pipeline ? ACTIVE_STATUSES.has(pipeline.status) : true;
  const anyRunning = jobs.some((j) => j.status === 'running');
  const now = useNow(1000, active || anyRunning);
  const [busy, setBusy] = useState(false);
  const [busyJobs, setBusyJobs] = useState<ReadonlySet<number>>(new Set());
  const [actionError, setActionError] = useState<string | null>(null);
  useStatusAnnouncements(runId, pipeline?.status, jobs);

  const runAction = async (kind: 'retry' | 'cancel') => {
    setBusy(true);
    setActionError(null);
    try {
      if (kind === 'retry') await gitlab.retryPipeline(project, runId); else await gitlab.cancelPipeline(project, runId);
      announce(kind === 'retry' ? 'Retrying failed jobs' : 'Canceling run');
      await refresh();
    } catch (e) {
      setActionError(e instanceof ApiError ? e.messages.join('; ') : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const onJobAction = useCallback(async (job: Job, action: JobAction) => {
    setBusyJobs((s) => new Set(s).add(job.id));
    setActionError(null);
    try {
      const result = action === 'play' ? await gitlab.playJob(project, job.id)
        : action === 'retry' ? await gitlab.retryJob(project, job.id) : await gitlab.cancelJob(project, job.id);
      announce(`${job.name}: ${action === 'play' ? 'started' : action === 'retry' ? 'retried' : 'canceled'}`);
      await refresh();
      if (action === 'retry' && result?.id && result.id !== job.id) {
        // Focus stays meaningful: the retried job replaced the old node.
        document.querySelector<HTMLElement>(`[data-job-id="${result.id}"] a`)?.focus();
      }
    } catch (e) {
      setActionError(e instanceof ApiError ? e.messages.join('; ') : (e as Error).message);
    } finally {
      setBusyJobs((s) => { const n = new Set(s); n.delete(job.id); return n; });
    }
  }, [project, refresh]);

  if (error && !pipeline) return <section><ProjectHeader project={project} current="runs" /><ErrorBox error={error} /></section>;
  if (!pipeline) return <section><ProjectHeader project={project} current="runs" /><Loading what={`run #${runId}`} /></section>;

  const duration = liveDuration(pipeline.duration, pipeline.started_at, pipeline.finished_at, now);
  const cancelable = ACTIVE_STATUSES.has(pipeline.status) || pipeline.status === 'scheduled';
  const retryable = RETRYABLE.has(pipeline.status) || jobs.some((j) => RETRYABLE.has(j.status));

  return (
    <section class="run-page">
      <ProjectHeader project={project} current="runs" />
      <div class="page-head">
        <h1 class="run-title">
          <StatusBadge status={pipeline.status} /> <span>Run #{pipeline.id}</span>
          {pipeline.name && <span class="muted"> {pipeline.name}</span>}
        </h1>
        <div class="actions">
          {retryable && <button type="button" class="btn" disabled={busy} onClick={() => void runAction('retry')}>Retry</button>}
          {cancelable && <button type="button" class="btn btn-danger" disabled={busy} onClick={() => void runAction('cancel')}>Cancel run</button>}
        </div>
      </div>
      <dl class="facts">
        <div><dt>Ref</dt><dd><code>{pipeline.ref}</code>{pipeline.tag ? ' (tag)' : ''}</dd></div>
        <div><dt>Commit</dt><dd><code title={pipeline.sha}>{pipeline.sha.slice(0, 8)}</code></dd></div>
        <div><dt>Source</dt><dd>{pipeline.source}</dd></div>
        <div><dt>Triggered by</dt><dd>{pipeline.user?.username ?? '—'}</dd></div>
        <div><dt>Created</dt><dd title={pipeline.created_at}>{formatRelative(pipeline.created_at, now)}</dd></div>
        <div><dt>Duration</dt><dd>{formatDuration(duration)}</dd></div>
        {pipeline.coverage !== null && pipeline.coverage !== undefined && <div><dt>Coverage</dt><dd>{pipeline.coverage}%</dd></div>}
        <div><dt>Updates</dt><dd class="muted">{streaming ? 'live' : 'polling'}</dd></div>
      </dl>
      {pipeline.yaml_errors && <YamlErrors text={pipeline.yaml_errors} />}
      {actionError && <div class="error-box" role="alert">{actionError}</div>}
      {error && <p class="muted small" role="status">Could not refresh: {error.message}. Retrying…</p>}
      <nav class="tabs" aria-label="Run views">
        {TABS.map(([id, label]) => (
          <a key={id} href={paths.run(project, runId, id)} aria-current={tab === id ? 'page' : undefined}
            onClick={(e) => { e.preventDefault(); navigate(paths.run(project, runId, id), { replace: true }); }}>
            {label}{id === 'jobs' ? ` (${jobs.length})` : ''}
          </a>
        ))}
      </nav>
      <div class="tab-panel">
        {tab === 'graph' && <JobGraph jobs={jobs} project={project} now={now} busyJobs={busyJobs} onAction={onJobAction} />}
        {tab === 'jobs' && <JobsTable jobs={jobs} project={project} now={now} busyJobs={busyJobs} onAction={onJobAction} />}
        {tab === 'tests' && <TestReportView project={project} runId={runId} active={active} />}
        {tab === 'variables' && <RunVariablesView project={project} runId={runId} />}
      </div>
    </section>
  );
}

function JobsTable({ jobs, project, now, busyJobs, onAction }: { jobs: Job[]; project: string; now: number; busyJobs: ReadonlySet<number>; onAction: (job: Job, action: JobAction) => void }) {
  return (
    <table class="table">
      <caption class="visually-hidden">Jobs</caption>
      <thead><tr><th scope="col">Status</th><th scope="col">Job</th><th scope="col">Stage</th><th scope="col">Needs</th><th scope="col">Duration</th><th scope="col">Started</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        {jobs.map((j) => {
          const action = jobAction(j);
          return (
            <tr key={j.id}>
              <td><StatusBadge status={j.status} allowFailure={j.allow_failure} /></td>
              <td><a href={paths.job(project, j.id)}>{j.name}</a> <span class="muted small">#{j.id}</span></td>
              <td>{j.stage}</td>
              <td class="small">{j.needs?.length ? j.needs.join(', ') : '—'}</td>
              <td>{formatDuration(liveDuration(j.duration, j.started_at, j.finished_at, now))}</td>
              <td title={j.started_at ?? ''}>{formatRelative(j.started_at, now)}</td>
              <td>{action && <button type="button" class="btn btn-small" disabled={busyJobs.has(j.id)} onClick={() => onAction(j, action)}>{action === 'play' ? 'Run' : action === 'retry' ? 'Retry' : 'Cancel'}<span class="visually-hidden"> {j.name}</span></button>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
