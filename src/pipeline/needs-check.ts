/**
 * Static checks of the job graph, on every job defined (before rules), with GitLab's messages:
 * undefined needs and dependencies, needs on later stages, and cycles.
 */
import type { DiagnosticSink, SourcePosition } from './diagnostic.js';
import type { JobDefinition } from './job-definition.js';
import { expandedNames, matrixJobName } from './parallel.js';

export function checkJobGraph(
  jobs: JobDefinition[], stages: string[], sink: DiagnosticSink, positionOf: (job: string, key: string) => SourcePosition,
): void {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const stageIndex = (job: JobDefinition): number => stages.indexOf(job.stage);
  for (const job of jobs) {
    const allNeeds = [...(job.needs ?? []), ...(job.rules ?? []).flatMap((r) => r.needs ?? [])];
    for (const need of allNeeds) {
      const target = byName.get(need.job);
      if (!target) {
        if (!need.optional) sink.error(`${job.name} job: undefined need: ${need.job}`, positionOf(job.name, 'needs'), [job.name, 'needs']);
        continue;
      }
      if (stageIndex(target) > stageIndex(job)) {
        sink.error(`${job.name} job: need ${need.job} is not defined in current or prior stages`, positionOf(job.name, 'needs'), [job.name, 'needs']);
      }
      if (need.matrix) {
        const names = new Set(expandedNames(target.name, target.parallel));
        for (const combo of need.matrix) {
          const wanted = matrixJobName(need.job, combo);
          if (!names.has(wanted)) sink.error(`${job.name} job: undefined need: ${wanted}`, positionOf(job.name, 'needs'), [job.name, 'needs']);
        }
      }
    }
    for (const dep of job.dependencies ?? []) {
      const target = byName.get(dep);
      if (!target) {
        sink.error(`${job.name} job: undefined dependency: ${dep}`, positionOf(job.name, 'dependencies'), [job.name, 'dependencies']);
      } else if (stageIndex(target) > stageIndex(job)) {
        sink.error(`${job.name} job: dependency ${dep} is not defined in current or prior stages`, positionOf(job.name, 'dependencies'), [job.name, 'dependencies']);
      }
    }
  }
  const cycle = findCycle(jobs);
  if (cycle) sink.error('The pipeline has circular dependencies', positionOf(cycle[0]!, 'needs'), [cycle[0]!, 'needs']);
}

/** A cycle through `needs` (job names), or null. Iterative DFS: configs may have thousands of jobs. */
function findCycle(jobs: JobDefinition[]): string[] | null {
  const edges = new Map<string, string[]>();
  for (const job of jobs) edges.set(job.name, [...new Set([...(job.needs ?? []), ...(job.rules ?? []).flatMap((r) => r.needs ?? [])].map((n) => n.job))]);
  const state = new Map<string, 1 | 2>();
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = edges.get(top.node) ?? [];
      if (top.next >= children.length) { state.set(top.node, 2); stack.pop(); continue; }
      const child = children[top.next++]!;
      if (!edges.has(child)) continue;
      const s = state.get(child);
      if (s === 1) return [...stack.map((f) => f.node).slice(stack.findIndex((f) => f.node === child)), child];
      if (s === undefined) { state.set(child, 1); stack.push({ node: child, next: 0 }); }
    }
  }
  return null;
}
