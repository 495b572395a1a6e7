import type { StageGroup } from '../store/index.js';
import { compositeStatus, type RunStatus, type StatusInput } from './statuses.js';

/**
 * What scheduling and the run's roll-up need to know about a run's current jobs, taken from
 * one grouped read (store: jobs.stageGroups) instead of a count per question. Pure.
 */
export interface RunSummary {
  /** The lowest stage that still has created stage-ordered (non-needs) jobs. */
  lowestCreatedStage: number | null;
  /** Statuses present in the stages before `stage` (compositeStatus's input). */
  statusesBefore(stage: number): StatusInput[];
  /** The run's status: GitLab's composite of its jobs; 'skipped' for a run with none. */
  status: RunStatus;
  /** The earliest start among the jobs. */
  startedAt: number | null;
  /** The average coverage of the jobs that have one (GitLab's run coverage), unrounded. */
  coverage: number | null;
}

export function summarizeRun(groups: readonly StageGroup[]): RunSummary {
  let lowestCreatedStage: number | null = null;
  let startedAt: number | null = null;
  let coverageSum = 0;
  let coverageCount = 0;
  for (const g of groups) {
    if (g.status === 'created' && !g.dag && (lowestCreatedStage === null || g.stageIdx < lowestCreatedStage)) lowestCreatedStage = g.stageIdx;
    if (g.startedAt !== null && (startedAt === null || g.startedAt < startedAt)) startedAt = g.startedAt;
    coverageSum += g.coverageSum;
    coverageCount += g.coverageCount;
  }
  const inputs = (list: readonly StageGroup[]) => list.map((g) => ({ status: g.status, allowFailure: g.allowFailure }));
  return {
    lowestCreatedStage,
    statusesBefore: (stage) => inputs(groups.filter((g) => g.stageIdx < stage)),
    status: compositeStatus(inputs(groups)) ?? 'skipped',
    startedAt,
    coverage: coverageCount === 0 ? null : coverageSum / coverageCount,
  };
}
