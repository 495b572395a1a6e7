/**
 * One job: status and facts, retry/cancel/run, the live log, raw log, artifacts. A retry creates
 * a new job; the page moves to it so the user watches the new attempt.
 */
import { useState } from 'preact/hooks';
import { gitlab } from '../api/gitlab-api.ts';
import { ApiError } from '../api/http-client.ts';
import { ArtifactsPanel } from '../artifacts/artifacts-panel.tsx';
import { announce } from '../components/announcer.tsx';
import { downloadFile, openRaw } from '../components/download.ts';
import { ErrorBox, Loading } from '../components/feedback.tsx';
import { StatusBadge, statusInfo } from '../components/status-icon.tsx';
import { formatDuration, formatRelative, liveDuration } from '../format/duration.ts';
import { jobAction } from '../graph/job-graph.tsx';
import { useNow } from '../live/use-polled.ts';
import { ACTIVE_STATUSES } from '../live/use-run-live.ts';
import { useJobLive } from '../live/use-job-live.ts';
import { LogView } from '../log/log-view.tsx';
import { navigate } from '../router/navigation.ts';
import { paths } from '../router/routes.ts';
import { ProjectHeader } from './project-header.tsx';
import { useTitle } from './use-title.ts';

export function JobPage({ project, jobId }: { project: string; jobId: number }) {
  const { job, log, logVersion, error, streaming, refresh } = useJobLive(project, jobId);
  useTitle(job ? `${job.name} (#${jobId}) · ${project}` : `Job #${jobId} · ${project}`);
  const active = job ? ACTIVE_STATUSES.has(job.status) : true;
  const now = useNow(1000, active);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  if (error && !job) return <section><ProjectHeader project={project} current={null} /><ErrorBox error={error} /></section>;
  if (!job) return <section><ProjectHeader project={project} current={null} /><Loading what={`job #${jobId}`} /></section>;

  const act = async (kind: 'retry' | 'cancel' | 'play') => {
    setBusy(true);
    setActionError(null);
    try {
      if (kind === 'retry') {
        const next = await gitlab.retryJob(project, job.id);
        announce(`${job.name} retried`);
        if (next?.id && next.id !== job.id) navigate(paths.job(project, next.id));
      } else {
        await (kind === 'cancel' ? gitlab.cancelJob(project, job.id) : gitlab.playJob(project, job.id));
        announce(`${job.name} ${kind === 'cancel' ? 'canceled' : 'started'}`);
        await refresh();
      }
    } catch (e) {
      setActionError(e instanceof ApiError ? e.messages.join('; ') : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const action = jobAction(job);
  const retryable = ['failed', 'canceled', 'success'].includes(job.status);
  const cancelable = action === 'cancel';
  const runId = job.pipeline?.id;
  const traceUrl = gitlab.traceUrl(project, job.id);
  const download = (f: () => Promise<void>) => { setActionError(null); f().catch((e: Error) => setActionError(e.message)); };

  return (
    <section class="job-page">
      <ProjectHeader project={project} current={null} />
      <div class="page-head">
        <h1 class="run-title"><StatusBadge status={job.status} allowFailure={job.allow_failure} /> <span>{job.name}</span> <span class="muted">#{job.id}</span></h1>
        <div class="actions">
          {job.status === 'manual' && <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void act('play')}>Run job</button>}
          {retryable && <button type="button" class="btn" disabled={busy} onClick={() => void act('retry')}>Retry</button>}
          {cancelable && <button type="button" class="btn btn-danger" disabled={busy} onClick={() => void act('cancel')}>Cancel</button>}
        </div>
      </div>
      <div aria-live="polite" class="visually-hidden">Job {statusInfo(job.status, job.allow_failure).label}</div>
      <dl class="facts">
        {runId !== undefined && <div><dt>Run</dt><dd><a href={paths.run(project, runId)}>#{runId}</a></dd></div>}
        <div><dt>Stage</dt><dd>{job.stage}</dd></div>
        {job.ref && <div><dt>Ref</dt><dd><code>{job.ref}</code></dd></div>}
        <div><dt>Duration</dt><dd>{formatDuration(liveDuration(job.duration, job.started_at, job.finished_at, now))}</dd></div>
        <div><dt>Started</dt><dd title={job.started_at ?? ''}>{formatRelative(job.started_at, now)}</dd></div>
        {job.runner && <div><dt>Runner</dt><dd>{job.runner.description || `#${job.runner.id}`}</dd></div>}
        {job.failure_reason && job.status === 'failed' && <div><dt>Failure</dt><dd class="error-text">{job.failure_reason.replace(/_/g, ' ')}</dd></div>}
        {job.coverage !== null && job.coverage !== undefined && <div><dt>Coverage</dt><dd>{job.coverage}%</dd></div>}
        <div><dt>Updates</dt><dd class="muted">{streaming ? 'live' : 'polling'}</dd></div>
      </dl>
      {actionError && <div class="error-box" role="alert">{actionError}</div>}
      <div class="job-body">
        <div class="grow">
          <div class="log-links">
            <button type="button" class="btn btn-small" onClick={() => download(() => openRaw(traceUrl))}>View raw</button>
            <button type="button" class="btn btn-small" onClick={() => download(() => downloadFile(traceUrl, `job-${job.id}.log`))}>Download log</button>
          </div>
          <LogView log={log} version={logVersion} running={active} />
        </div>
        <aside class="side">
          <div class="card">
            <h2>Artifacts</h2>
            <ArtifactsPanel project={project} job={job} />
          </div>
        </aside>
      </div>
    </section>
  );
}
