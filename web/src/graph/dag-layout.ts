/**
 * Lays out a run's jobs as GitLab does: one column per stage, jobs stacked in each column, and
 * `needs` drawn as edges between them (the DAG). Pure: the view renders the numbers it returns.
 *
 * Contract: the layout depends only on the jobs' ids, names, stages and needs — never on status —
 * so the view recomputes it only when that structure changes, not on every status event. Stage
 * order is the order stages first appear by job id (the compiler creates jobs stage by stage).
 * A need names a job; it also matches every instance of a parallel job (`test 1/3`, `test: [a]`).
 * Needs naming no job in the run (e.g. optional needs) draw nothing.
 */

export interface GraphJob {
  readonly id: number;
  readonly name: string;
  readonly stage: string;
  readonly needs?: readonly string[] | null;
}

export interface GraphNode { readonly id: number; readonly x: number; readonly y: number; readonly column: number; readonly row: number }
export interface GraphColumn { readonly stage: string; readonly x: number; readonly jobIds: readonly number[] }
export interface GraphEdge { readonly from: number; readonly to: number; readonly path: string }

export interface GraphLayout {
  readonly columns: readonly GraphColumn[];
  readonly nodes: ReadonlyMap<number, GraphNode>;
  readonly edges: readonly GraphEdge[];
  readonly width: number;
  readonly height: number;
  readonly hasNeeds: boolean;
}

export interface LayoutSizes {
  nodeWidth: number;
  nodeHeight: number;
  columnGap: number;
  rowGap: number;
  headerHeight: number;
}

export const DEFAULT_SIZES: LayoutSizes = { nodeWidth: 200, nodeHeight: 40, columnGap: 64, rowGap: 10, headerHeight: 32 };

/** Strips GitLab's parallel suffixes: `rspec 1/3` → `rspec`, `build: [linux, amd64]` → `build`. */
export function groupName(name: string): string {
  return name.replace(/ \d+\/\d+$/, '').replace(/: \[.*\]$/, '');
}

export function stageOrder(jobs: readonly GraphJob[]): string[] {
  const first = new Map<string, number>();
  for (const job of jobs) {
    const seen = first.get(job.stage);
    if (seen === undefined || job.id < seen) first.set(job.stage, job.id);
  }
  return [...first.entries()].sort((a, b) => a[1] - b[1]).map(([stage]) => stage);
}

/** Ids of the jobs a need refers to. */
export function resolveNeed(need: string, byName: ReadonlyMap<string, number[]>, byGroup: ReadonlyMap<string, number[]>): number[] {
  return byName.get(need) ?? byGroup.get(need) ?? [];
}

/** A string that changes exactly when the layout would: use it as the memo key. */
export function structureKey(jobs: readonly GraphJob[]): string {
  return jobs.map((j) => `${j.id}\u0000${j.name}\u0000${j.stage}\u0000${(j.needs ?? []).join('\u0001')}`).join('\u0002');
}

export function layoutGraph(jobs: readonly GraphJob[], sizes: LayoutSizes = DEFAULT_SIZES): GraphLayout {
  const stages = stageOrder(jobs);
  const sorted = [...jobs].sort((a, b) => a.id - b.id);
  const byName = new Map<string, number[]>();
  const byGroup = new Map<string, number[]>();
  for (const job of sorted) {
    byName.set(job.name, [...(byName.get(job.name) ?? []), job.id]);
    const group = groupName(job.name);
    byGroup.set(group, [...(byGroup.get(group) ?? []), job.id]);
  }
  const columns: GraphColumn[] = [];
  const nodes = new Map<number, GraphNode>();
  let maxRows = 0;
  stages.forEach((stage, column) => {
    const x = column * (sizes.nodeWidth + sizes.columnGap);
    const ids = sorted.filter((j) => j.stage === stage).map((j) => j.id);
    ids.forEach((id, row) => {
      nodes.set(id, { id, x, y: sizes.headerHeight + row * (sizes.nodeHeight + sizes.rowGap), column, row });
    });
    maxRows = Math.max(maxRows, ids.length);
    columns.push({ stage, x, jobIds: ids });
  });

  const edges: GraphEdge[] = [];
  let hasNeeds = false;
  for (const job of sorted) {
    if (!job.needs) continue;
    hasNeeds = true;
    const to = nodes.get(job.id);
    if (!to) continue;
    for (const need of job.needs) {
      for (const fromId of resolveNeed(need, byName, byGroup)) {
        const from = nodes.get(fromId);
        if (!from || fromId === job.id) continue;
        edges.push({ from: fromId, to: job.id, path: edgePath(from, to, sizes) });
      }
    }
  }
  const width = Math.max(0, stages.length * (sizes.nodeWidth + sizes.columnGap) - sizes.columnGap);
  const height = sizes.headerHeight + Math.max(0, maxRows * (sizes.nodeHeight + sizes.rowGap) - sizes.rowGap);
  return { columns, nodes, edges, width, height, hasNeeds };
}

/**
 * A cubic Bézier from the right edge of `from` to the left edge of `to`. An edge that skips
 * columns would pass under the nodes between (and read as an edge to them), so it leaves through
 * the gap after `from`, runs along the gutter between two rows (never crossed by a node, as rows
 * line up across columns) and comes down in the gap before `to`. A need on a job in the same or a
 * later column (allowed within a stage) loops out to the left of both instead.
 */
export function edgePath(from: GraphNode, to: GraphNode, sizes: LayoutSizes): string {
  const y1 = from.y + sizes.nodeHeight / 2;
  const y2 = to.y + sizes.nodeHeight / 2;
  if (to.column > from.column + 1) {
    const x1 = from.x + sizes.nodeWidth;
    const x2 = to.x;
    const h = sizes.columnGap / 4;
    const top = Math.min(from.y, to.y);
    const gutter = top + sizes.nodeHeight + sizes.rowGap / 2;
    return `M${x1} ${y1}C${x1 + h} ${y1} ${x1 + h} ${gutter} ${x1 + 2 * h} ${gutter}L${x2 - 2 * h} ${gutter}C${x2 - h} ${gutter} ${x2 - h} ${y2} ${x2} ${y2}`;
  }
  if (to.column > from.column) {
    const x1 = from.x + sizes.nodeWidth;
    const x2 = to.x;
    const dx = Math.max(24, (x2 - x1) / 2);
    return `M${x1} ${y1}C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}`;
  }
  const x1 = from.x;
  const x2 = to.x;
  const bend = Math.min(x1, x2) - Math.min(28, sizes.columnGap / 2 - 4);
  return `M${x1} ${y1}C${bend} ${y1} ${bend} ${y2} ${x2} ${y2}`;
}
