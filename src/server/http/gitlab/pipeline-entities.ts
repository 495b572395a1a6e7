import { isoTime } from '../../../shared/index.js';
import type { Project, Run, User } from '../../store/index.js';
import { userBasic } from './entities.js';

/** GitLab's detailed status per status (lib/gitlab/ci/status/*, newest wording; §4.6 of the spec). */
const DETAILED: Record<string, { icon: string; text: string; label: string; group: string; favicon: string }> = {
  created: { icon: 'status_created', text: 'Created', label: 'created', group: 'created', favicon: 'favicon_status_created' },
  waiting_for_resource: { icon: 'status_pending', text: 'Waiting', label: 'waiting for resource', group: 'waiting-for-resource', favicon: 'favicon_pending' },
  preparing: { icon: 'status_preparing', text: 'Preparing', label: 'preparing', group: 'preparing', favicon: 'favicon_status_preparing' },
  waiting_for_callback: { icon: 'status_pending', text: 'Waiting', label: 'waiting for callback', group: 'waiting-for-callback', favicon: 'favicon_status_pending' },
  pending: { icon: 'status_pending', text: 'Pending', label: 'pending', group: 'pending', favicon: 'favicon_status_pending' },
  running: { icon: 'status_running', text: 'Running', label: 'running', group: 'running', favicon: 'favicon_status_running' },
  success: { icon: 'status_success', text: 'Passed', label: 'passed', group: 'success', favicon: 'favicon_status_success' },
  failed: { icon: 'status_failed', text: 'Failed', label: 'failed', group: 'failed', favicon: 'favicon_status_failed' },
  canceling: { icon: 'status_canceled', text: 'Canceling', label: 'canceling', group: 'canceling', favicon: 'favicon_status_canceled' },
  canceled: { icon: 'status_canceled', text: 'Canceled', label: 'canceled', group: 'canceled', favicon: 'favicon_status_canceled' },
  skipped: { icon: 'status_skipped', text: 'Skipped', label: 'skipped', group: 'skipped', favicon: 'favicon_status_skipped' },
  manual: { icon: 'status_manual', text: 'Blocked', label: 'waiting for manual action', group: 'manual', favicon: 'favicon_status_manual' },
  scheduled: { icon: 'status_scheduled', text: 'Delayed', label: 'waiting for delayed job', group: 'scheduled', favicon: 'favicon_status_scheduled' },
};

export function projectPath(project: Pick<Project, 'workspacePath' | 'path'>): string {
  return `${project.workspacePath}/${project.path}`;
}

/** `{icon,text,label,group,tooltip,has_details,details_path,illustration,favicon}` (no extra keys). */
export function detailedStatus(status: string, warnings: boolean, detailsPath: string, hasDetails: boolean) {
  const base = DETAILED[status] ?? DETAILED.created!;
  const d = status === 'success' && warnings
    ? { ...base, icon: 'status_warning', text: 'Warning', label: 'passed with warnings', group: 'success-with-warnings' }
    : base;
  return {
    icon: d.icon, text: d.text, label: d.label, group: d.group, tooltip: d.label, has_details: hasDetails,
    details_path: detailsPath, illustration: null, favicon: `/assets/ci_favicons/${d.favicon}.png`,
  };
}

type BasicSource = Pick<Run, 'id' | 'iid' | 'projectId' | 'sha' | 'ref' | 'status' | 'source' | 'createdAt' | 'updatedAt'>;

/** PipelineBasic (lib/api/entities/ci/pipeline_basic.rb), key order as GitLab's. */
export function pipelineBasic(run: BasicSource, project: Pick<Project, 'workspacePath' | 'path'>, baseUrl: string) {
  return {
    id: run.id, iid: run.iid, project_id: run.projectId, sha: run.sha, ref: run.ref, status: run.status, source: run.source,
    created_at: isoTime(run.createdAt), updated_at: isoTime(run.updatedAt),
    web_url: `${baseUrl}/${projectPath(project)}/-/pipelines/${run.id}`,
  };
}

/** PipelineBasicWithMetadata: the list entity. */
export function pipelineListItem(run: BasicSource & { name: string | null }, project: Pick<Project, 'workspacePath' | 'path'>, baseUrl: string) {
  return { ...pipelineBasic(run, project, baseUrl), name: run.name };
}

/** Coverage as GitLab's presenter renders it: a string with two decimals, or null. */
export function coverageText(coverage: number | null): string | null {
  return coverage === null ? null : coverage.toFixed(2);
}

/**
 * The full Pipeline entity (lib/api/entities/ci/pipeline.rb); `withName` gives
 * PipelineWithMetadata (single, latest, metadata). queued_duration is null when zero or unknown.
 */
export function pipelineEntity(run: Run, project: Project, user: User | null, warnings: boolean, baseUrl: string, withName: boolean) {
  const path = projectPath(project);
  return {
    ...pipelineBasic(run, project, baseUrl),
    before_sha: run.beforeSha, tag: run.tag, yaml_errors: run.yamlErrors, user: user ? userBasic(user, baseUrl) : null,
    started_at: isoTime(run.startedAt), finished_at: isoTime(run.finishedAt), committed_at: isoTime(run.committedAt),
    duration: run.durationSeconds, queued_duration: run.queuedDurationSeconds ? run.queuedDurationSeconds : null,
    coverage: coverageText(run.coverage),
    detailed_status: detailedStatus(run.status, warnings, `/${path}/-/pipelines/${run.id}`, true),
    archived: false,
    ...(withName && { name: run.name }),
  };
}
