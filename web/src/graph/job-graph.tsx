/**
 * The run's job graph: stage columns of job nodes (HTML, so they are links and buttons a keyboard
 * reaches) over an SVG of `needs` edges. Layout is memoised on the jobs' structure only; nodes are
 * `pure`, so a status event repaints one node. Hovering or focusing a node highlights its edges.
 */
import { useMemo, useState } from 'preact/hooks';
import type { Job } from '../api/gitlab-entities.ts';
import { pure } from '../components/pure.ts';
import { StatusIcon, statusInfo } from '../components/status-icon.tsx';
import { formatDuration, liveDuration } from '../format/duration.ts';
import { paths } from '../router/routes.ts';
import { DEFAULT_SIZES, layoutGraph, structureKey, type GraphLayout } from './dag-layout.ts';

export type JobAction = 'play' | 'retry' | 'cancel';

/** Which one action a job's node offers, as GitLab does. */
export function jobAction(job: Pick<Job, 'status'>): JobAction | null {
  if (job.status === 'manual') return 'play';
  if (['failed', 'canceled', 'success'].includes(job.status)) return 'retry';
  if (['created', 'pending', 'running', 'waiting_for_resource', 'preparing', 'scheduled'].includes(job.status)) return 'cancel';
  return null;
}

const ACTION_LABEL: Record<JobAction, string> = { play: 'Run', retry: 'Retry', cancel: 'Cancel' };
const ACTION_GLYPH: Record<JobAction, string> = { play: '▶', retry: '↻', cancel: '✕' };

interface NodeProps {
  job: Job;
  project: string;
  x: number;
  y: number;
  /** Only running jobs get a ticking clock; others get 0 so they never re-render for time. */
  now: number;
  busy: boolean;
  onAction: (job: Job, action: JobAction) => void;
  onHover: (id: number | null) => void;
}

const JobNode = pure(function JobNode({ job, project, x, y, now, busy, onAction, onHover }: NodeProps) {
  const action = jobAction(job);
  const { label } = statusInfo(job.status, job.allow_failure);
  const duration = liveDuration(job.duration, job.started_at, job.finished_at, now || Date.now());
  return (
    <li class={`job-node s-${statusInfo(job.status, job.allow_failure).group}`} style={{ left: `${x}px`, top: `${y}px` }}
      data-job-id={job.id} data-status={job.status}
      onMouseEnter={() => onHover(job.id)} onMouseLeave={() => onHover(null)}
      onFocusCapture={() => onHover(job.id)} onBlurCapture={() => onHover(null)}>
      <a href={paths.job(project, job.id)} class="job-link" aria-label={`${job.name}: ${label}${duration !== null ? `, ${formatDuration(duration)}` : ''}`}>
        <StatusIcon status={job.status} allowFailure={job.allow_failure} />
        <span class="job-name">{job.name}</span>
        <span class="job-time" aria-hidden="true">{duration !== null ? formatDuration(duration) : ''}</span>
      </a>
      {action && (
        <button type="button" class="job-action" disabled={busy} title={`${ACTION_LABEL[action]} ${job.name}`}
          aria-label={`${ACTION_LABEL[action]} ${job.name}`} onClick={() => onAction(job, action)}>
          <span aria-hidden="true">{ACTION_GLYPH[action]}</span>
        </button>
      )}
    </li>
  );
});

const Edges = pure(function Edges({ layout, highlight }: { layout: GraphLayout; highlight: number | null }) {
  return (
    <svg class="graph-edges" width={layout.width} height={layout.height} aria-hidden="true" focusable="false">
      {layout.edges.map((e) => (
        <path key={`${e.from}-${e.to}`} d={e.path} data-from={e.from} data-to={e.to}
          class={highlight !== null && (e.from === highlight || e.to === highlight) ? 'edge edge-hi' : 'edge'} />
      ))}
    </svg>
  );
});

export function JobGraph({ jobs, project, now, busyJobs, onAction }: {
  jobs: Job[];
  project: string;
  now: number;
  busyJobs: ReadonlySet<number>;
  onAction: (job: Job, action: JobAction) => void;
}) {
  const key = structureKey(jobs);
  const layout = useMemo(() => layoutGraph(jobs, DEFAULT_SIZES), [key]);
  const [hover, setHover] = useState<number | null>(null);
  const byId = useMemo(() => new Map(jobs.map((j) => [j.id, j])), [jobs]);

  if (jobs.length === 0) return <p class="empty">This run has no jobs.</p>;
  return (
    <div class="graph-scroll" role="region" aria-label="Job graph" tabIndex={0}>
      <div class="graph" style={{ width: `${layout.width}px`, height: `${layout.height + 8}px` }}
        data-edges={layout.edges.length}>
        <Edges layout={layout} highlight={hover} />
        {layout.columns.map((column) => (
          <section key={column.stage} class="stage" aria-label={`Stage ${column.stage}`}>
            <h3 class="stage-name" style={{ left: `${column.x}px`, width: `${DEFAULT_SIZES.nodeWidth}px` }}>{column.stage}</h3>
            <ul class="stage-jobs">
              {column.jobIds.map((id) => {
                const job = byId.get(id);
                const node = layout.nodes.get(id);
                if (!job || !node) return null;
                return (
                  <JobNode key={id} job={job} project={project} x={node.x} y={node.y}
                    now={job.status === 'running' && job.duration === null ? now : 0}
                    busy={busyJobs.has(id)} onAction={onAction} onHover={setHover} />
                );
              })}
            </ul>
          </section>
        ))}
      </div>
      {!layout.hasNeeds && <p class="muted small graph-note">No <code>needs</code> in this run: jobs run stage by stage.</p>}
    </div>
  );
}
