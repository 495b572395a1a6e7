import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SIZES, groupName, layoutGraph, stageOrder, structureKey, type GraphJob } from './dag-layout.ts';

const jobs: GraphJob[] = [
  { id: 1, name: 'build', stage: 'build', needs: [] },
  { id: 2, name: 'lint', stage: 'build' },
  { id: 3, name: 'test 1/2', stage: 'test', needs: ['build'] },
  { id: 4, name: 'test 2/2', stage: 'test', needs: ['build'] },
  { id: 5, name: 'deploy', stage: 'deploy', needs: ['test', 'lint', 'missing'] },
];

test('stages become columns in order of first job id, jobs stack by id', () => {
  const layout = layoutGraph([...jobs].reverse());
  assert.deepEqual(layout.columns.map((c) => c.stage), ['build', 'test', 'deploy']);
  assert.deepEqual(layout.columns.map((c) => c.jobIds), [[1, 2], [3, 4], [5]]);
  const step = DEFAULT_SIZES.nodeWidth + DEFAULT_SIZES.columnGap;
  assert.equal(layout.nodes.get(5)?.x, 2 * step);
  assert.equal(layout.nodes.get(2)?.y, DEFAULT_SIZES.headerHeight + DEFAULT_SIZES.nodeHeight + DEFAULT_SIZES.rowGap);
  assert.equal(layout.width, 3 * step - DEFAULT_SIZES.columnGap);
});

test('needs draw edges, a need on a parallel group reaches every instance, unknown needs draw nothing', () => {
  const layout = layoutGraph(jobs);
  const pairs = layout.edges.map((e) => `${e.from}->${e.to}`).sort();
  assert.deepEqual(pairs, ['1->3', '1->4', '2->5', '3->5', '4->5']);
  assert.equal(layout.hasNeeds, true);
  for (const e of layout.edges) assert.match(e.path, /^M[\d.]+ [\d.]+C/);
});

test('an edge runs from the right side of the needed job to the left side of the needing one', () => {
  const layout = layoutGraph(jobs);
  const edge = layout.edges.find((e) => e.from === 1 && e.to === 3)!;
  const start = edge.path.match(/^M([\d.]+) ([\d.]+)/)!;
  const end = edge.path.match(/ ([\d.]+) ([\d.]+)$/)!;
  assert.equal(Number(start[1]), DEFAULT_SIZES.nodeWidth);
  assert.equal(Number(end[1]), DEFAULT_SIZES.nodeWidth + DEFAULT_SIZES.columnGap);
  assert.equal(Number(start[2]), DEFAULT_SIZES.headerHeight + DEFAULT_SIZES.nodeHeight / 2);
});

test('a need within the same stage loops out to the left instead of crossing the node', () => {
  const layout = layoutGraph([{ id: 1, name: 'a', stage: 's' }, { id: 2, name: 'b', stage: 's', needs: ['a'] }]);
  assert.equal(layout.edges.length, 1);
  const path = layout.edges[0]!.path;
  const control = Number(path.match(/C(-?[\d.]+)/)![1]);
  assert.ok(control < 0, path);
});

test('without needs there are no edges and the view says stages only', () => {
  const layout = layoutGraph([{ id: 1, name: 'a', stage: 'x' }, { id: 2, name: 'b', stage: 'y' }]);
  assert.equal(layout.edges.length, 0);
  assert.equal(layout.hasNeeds, false);
});

test('200 jobs lay out quickly', () => {
  const many: GraphJob[] = [];
  for (let i = 1; i <= 200; i++) many.push({ id: i, name: `job-${i}`, stage: `stage-${i % 5}`, needs: i > 5 ? [`job-${i - 5}`] : [] });
  const started = performance.now();
  const layout = layoutGraph(many);
  assert.equal(layout.nodes.size, 200);
  assert.equal(layout.edges.length, 195);
  assert.ok(performance.now() - started < 100);
});

test('parallel suffixes are stripped for grouping', () => {
  assert.equal(groupName('rspec 3/10'), 'rspec');
  assert.equal(groupName('build: [linux, amd64]'), 'build');
  assert.equal(groupName('plain'), 'plain');
});

test('the structure key ignores status changes but not needs changes', () => {
  const a = structureKey([{ id: 1, name: 'a', stage: 's', status: 'running' } as GraphJob]);
  const b = structureKey([{ id: 1, name: 'a', stage: 's', status: 'success' } as GraphJob]);
  const c = structureKey([{ id: 1, name: 'a', stage: 's', needs: ['x'] }]);
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.deepEqual(stageOrder([]), []);
});

test('an edge skipping a column runs along the gutter between rows, never under a node in between', () => {
  const layout = layoutGraph([
    { id: 1, name: 'build', stage: 'build' }, { id: 2, name: 'lint', stage: 'build' },
    { id: 3, name: 'unit', stage: 'test', needs: ['build'] }, { id: 4, name: 'docs', stage: 'test' },
    { id: 5, name: 'deploy', stage: 'deploy', needs: ['unit', 'lint'] },
  ]);
  const edge = layout.edges.find((e) => e.from === 2 && e.to === 5)!;
  const line = edge.path.match(/L([\d.]+) ([\d.]+)/)!;
  const gutterY = Number(line[2]);
  const middle = layout.columns[1]!;
  for (const id of middle.jobIds) {
    const node = layout.nodes.get(id)!;
    assert.ok(gutterY < node.y || gutterY > node.y + DEFAULT_SIZES.nodeHeight, `gutter ${gutterY} clear of node ${id}`);
  }
  assert.ok(Number(line[1]) >= middle.x + DEFAULT_SIZES.nodeWidth, 'the horizontal run spans the middle column');
  assert.match(edge.path, / ([\d.]+) ([\d.]+)$/);
});
