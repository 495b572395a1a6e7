/**
 * Status shown as icon + word (colour is never the only signal). Covers GitLab statuses and
 * Buddy execution statuses; unknown values fall back to a neutral badge with the raw word.
 */
import type { JSX } from 'preact';

type Group = 'success' | 'failed' | 'warning' | 'running' | 'pending' | 'created' | 'canceled' | 'skipped' | 'manual' | 'scheduled';

const GITLAB: Record<string, [Group, string]> = {
  success: ['success', 'passed'], failed: ['failed', 'failed'], running: ['running', 'running'],
  pending: ['pending', 'pending'], created: ['created', 'created'], canceled: ['canceled', 'canceled'],
  canceling: ['canceled', 'canceling'], skipped: ['skipped', 'skipped'], manual: ['manual', 'manual'],
  scheduled: ['scheduled', 'delayed'], waiting_for_resource: ['pending', 'waiting'], preparing: ['pending', 'preparing'],
  waiting_for_callback: ['pending', 'waiting'],
  SUCCESSFUL: ['success', 'successful'], FAILED: ['failed', 'failed'], INPROGRESS: ['running', 'in progress'],
  ENQUEUED: ['pending', 'enqueued'], TERMINATED: ['canceled', 'terminated'], TERMINATING: ['canceled', 'terminating'],
  INITIAL: ['created', 'never run'], SKIPPED: ['skipped', 'skipped'], NOT_EXECUTED: ['skipped', 'not executed'],
  WAITING_FOR_APPLY: ['manual', 'waiting for approval'], WAITING_FOR_VARIABLES: ['manual', 'waiting for variables'],
  WAITING_FOR_SETTABLE_VARIABLES: ['manual', 'waiting for variables'], WAITING_FOR_VT_SESSION: ['pending', 'waiting'],
};

export function statusInfo(status: string, allowFailure = false): { group: Group | 'unknown'; label: string } {
  const hit = GITLAB[status];
  if (!hit) return { group: 'unknown', label: status.toLowerCase().replace(/_/g, ' ') };
  if (allowFailure && hit[0] === 'failed') return { group: 'warning', label: 'failed (allowed)' };
  return { group: hit[0], label: hit[1] };
}

const PATHS: Record<string, JSX.Element> = {
  success: <path d="M4.5 8.2l2.3 2.3 4.7-4.9" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />,
  failed: <path d="M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />,
  warning: <path d="M8 4.3v4.4M8 11.2v.2" stroke="currentColor" stroke-width="1.9" stroke-linecap="round" />,
  running: <path d="M8 3.5a4.5 4.5 0 0 1 0 9z" fill="currentColor" />,
  pending: <path d="M6.3 5v6M9.7 5v6" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />,
  created: <circle cx="8" cy="8" r="2.2" fill="currentColor" />,
  canceled: <path d="M5 11L11 5" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />,
  skipped: <path d="M5.5 5l3 3-3 3M8.8 5l3 3-3 3" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />,
  manual: <path d="M6.3 4.8v6.4L11.2 8z" fill="currentColor" />,
  scheduled: <path d="M8 4.8V8l2.2 1.4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />,
  unknown: <circle cx="8" cy="8" r="1.6" fill="currentColor" />,
};

export function StatusIcon({ status, allowFailure, size = 16 }: { status: string; allowFailure?: boolean; size?: number }) {
  const { group } = statusInfo(status, allowFailure);
  return (
    <svg class={`status-icon s-${group}`} width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="7.2" fill="none" stroke="currentColor" stroke-width="1.5" />
      {PATHS[group]}
    </svg>
  );
}

/** Icon plus word: the accessible form used in tables and headers. */
export function StatusBadge({ status, allowFailure }: { status: string; allowFailure?: boolean }) {
  const { group, label } = statusInfo(status, allowFailure);
  return (
    <span class={`status-badge s-${group}`} data-status={status}>
      <StatusIcon status={status} allowFailure={allowFailure} />
      <span>{label}</span>
    </span>
  );
}
