import { processRun, type DefinitionPolicies } from '../../server/engine/index.js';
import type { Job } from '../../server/store/index.js';
import { systemClock } from '../../shared/index.js';

/**
 * `runnel run JOB…` through the engine's admission hook (DefinitionPolicies.admit), which runs
 * inside the run's transaction after its jobs are stored and before anything is scheduled.
 *
 * Semantics (those of `gitlab-ci-local JOB…`): the named jobs run alone, as if everything they
 * wait for — earlier stages and `needs:` — had succeeded; with `--needs` the jobs they need,
 * transitively, run too. Jobs left out are marked success without running and are not shown.
 * Naming a manual job plays it. A name the pipeline does not have holds the run (nothing
 * starts) and is reported as a usage error.
 */
export interface SelectionOptions {
  /** Job names given on the command line; empty = the whole pipeline. */
  jobs: string[];
  withNeeds: boolean;
}

export interface SelectionOutcome {
  /** Names of the run's jobs that will be shown and run (all when no selection). */
  shown: Set<string>;
  /** Named jobs the pipeline does not have. */
  unknown: string[];
  /** Every tag a job of the run carries (the local runner takes them all). */
  tags: string[];
}

export function createSelectionPolicy(options: SelectionOptions): { policies: DefinitionPolicies; outcome(): SelectionOutcome | null } {
  let outcome: SelectionOutcome | null = null;
  const policies: DefinitionPolicies = {
    beforeCreate: async () => undefined,
    next: async () => ({ start: [], skip: [] }),
    async admit(tx, _definition, run) {
      const jobs = await tx.jobs.forRun(run.id);
      const tags = [...new Set(jobs.flatMap((j) => j.tags))];
      const names = new Set(jobs.map((j) => j.name));
      const expanded = options.jobs.flatMap((name) => jobs.filter((j) => j.name === name || isInstanceOf(j.name, name)).map((j) => j.name));
      const unknown = options.jobs.filter((name) => !jobs.some((j) => j.name === name || isInstanceOf(j.name, name)));
      if (unknown.length > 0 || options.jobs.length === 0) {
        outcome = { shown: names, unknown, tags };
        return unknown.length === 0;
      }
      const shown = closure(jobs, expanded, options.withNeeds);
      const now = Date.now();
      const passed: string[] = [];
      for (const job of jobs) {
        if (!shown.has(job.name) && await tx.jobs.transition(job.id, ['created'], { status: 'success', finishedAt: now })) passed.push(job.name);
      }
      // The engine's first pass looks only at jobs without needs; the jobs that need a passed
      // one are released here. The local runner starts after this, so nothing needs waking.
      await processRun(tx, run.id, { changedNames: passed }, systemClock);
      outcome = { shown, unknown: [], tags };
      return true;
    },
  };
  return { policies, outcome: () => outcome };
}

/** `test` names the instances of a parallel job: `test 1/3` and `test: [a, b]`. */
function isInstanceOf(jobName: string, name: string): boolean {
  const rest = jobName.startsWith(name) ? jobName.slice(name.length) : '';
  return /^ \d+\/\d+$/.test(rest) || /^: \[.*\]$/.test(rest);
}

function needsOf(job: Job): string[] {
  const needs = (job.spec as { needs?: Array<{ job: string }> | null }).needs;
  return Array.isArray(needs) ? needs.map((n) => n.job) : [];
}

function closure(jobs: Job[], selected: string[], withNeeds: boolean): Set<string> {
  const result = new Set(selected);
  if (!withNeeds) return result;
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const work = [...selected];
  for (let name = work.pop(); name !== undefined; name = work.pop()) {
    for (const needed of needsOf(byName.get(name)!)) {
      if (!result.has(needed) && byName.has(needed)) { result.add(needed); work.push(needed); }
    }
  }
  return result;
}
