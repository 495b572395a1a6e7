import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PipelineView, Run, User } from '../../store/index.js';
import { pipelineEntity, pipelineListItem } from './pipeline-entities.js';
import { pipelineBody, pipelineJson, pipelineListBody, pipelineListJson } from './pipeline-json.js';

// The text builders must give exactly JSON.stringify of the reference entities, for any data.
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('main', 'feat/ü"x\\y', 'tab\there', '\u2028', '\ud800', '😀', ''));
const time = fc.oneof(fc.integer({ min: -70_000_000_000_000, max: 260_000_000_000_000 }), fc.constantFrom(0, Date.UTC(2026, 10, 24, 10)));
const status = fc.oneof(fc.constantFrom('created', 'waiting_for_resource', 'preparing', 'waiting_for_callback', 'pending', 'running', 'success',
  'failed', 'canceling', 'canceled', 'skipped', 'manual', 'scheduled', 'constructor', '__proto__', 'toString', 'weird'), fc.string());
const id = fc.integer({ min: 1, max: 2 ** 31 });
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const project = fc.record({ workspacePath: fc.constantFrom('root', 'group/sub', 'ü"'), path: fc.constantFrom('bench', 'a.b-c', '\\x') });
const baseUrl = fc.constantFrom('http://127.0.0.1:3000', 'https://ci.example.com', 'http://h/"q"');
const view: fc.Arbitrary<PipelineView> = fc.record({
  id, iid: id, projectId: id, sha: text, ref: text, status, source: text, name: nullable(text), createdAt: time, updatedAt: time,
  beforeSha: text, tag: fc.boolean(), yamlErrors: nullable(text), userId: nullable(id), startedAt: nullable(time), finishedAt: nullable(time),
  committedAt: nullable(time), durationSeconds: nullable(fc.oneof(fc.integer(), fc.double())), queuedDurationSeconds: nullable(fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double())),
  coverage: nullable(fc.oneof(fc.double(), fc.constantFrom(0, 12.345, 99.999, 100, 0.005, 33.333333))),
  user: nullable(fc.record({ id, username: text, name: text, state: fc.constantFrom('active', 'blocked') as fc.Arbitrary<'active' | 'blocked'> })),
  warnings: fc.boolean(),
});

test('the list text is JSON.stringify of PipelineBasicWithMetadata items', () => {
  fc.assert(fc.property(fc.array(view, { maxLength: 6 }), project, baseUrl, (rows, p, base) => {
    assert.equal(pipelineListJson(rows, p, base), JSON.stringify(rows.map((r) => pipelineListItem(r, p, base))));
  }), { numRuns: 2_000 });
});

test('the Pipeline text is JSON.stringify of the Pipeline entity, with and without name', () => {
  fc.assert(fc.property(view, project, baseUrl, fc.boolean(), (v, p, base, withName) => {
    const run = { ...v, definitionId: 1, number: v.iid, comment: null, variables: [], context: {}, priority: 0, parentRunId: null, parentJobId: null } as Run;
    const user = v.user && ({ ...v.user, email: 'e@x', admin: false, passwordHash: null, createdAt: 0 } as User);
    const fullProject = { ...p, id: 1 } as Parameters<typeof pipelineEntity>[1];
    assert.equal(pipelineJson(v, p, base, withName), JSON.stringify(pipelineEntity(run, fullProject, user, v.warnings, base, withName)));
  }), { numRuns: 5_000 });
});

test('frozen (shared) data keeps its text per project path and base URL; other data is written afresh', () => {
  fc.assert(fc.property(fc.array(view, { minLength: 1, maxLength: 3 }), project, project, baseUrl, baseUrl, (rows, p1, p2, b1, b2) => {
    const frozen = Object.freeze(rows.map((r) => Object.freeze({ ...r })));
    for (const [p, b] of [[p1, b1], [p2, b2], [p1, b1], [p1, b2]] as const) {
      const expected = JSON.stringify(frozen.map((r) => pipelineListItem(r, p, b)));
      assert.equal(pipelineListJson(frozen, p, b), expected);
      assert.deepEqual(pipelineListBody(frozen, p, b), Buffer.from(expected, 'utf8'));
      for (const withName of [true, false]) {
        const v = frozen[0]!;
        const run = { ...v, definitionId: 1, number: v.iid, comment: null, variables: [], context: {}, priority: 0, parentRunId: null, parentJobId: null } as Run;
        const user = v.user && ({ ...v.user, email: 'e@x', admin: false, passwordHash: null, createdAt: 0 } as User);
        const entity = JSON.stringify(pipelineEntity(run, { ...p, id: 1 } as Parameters<typeof pipelineEntity>[1], user, v.warnings, b, withName));
        assert.equal(pipelineJson(v, p, b, withName), entity);
        assert.deepEqual(pipelineBody(v, p, b, withName), Buffer.from(entity, 'utf8'));
      }
    }
    const mutable = rows.map((r) => ({ ...r }));
    assert.equal(typeof pipelineListBody(mutable, p1, b1), 'string');
    const first = pipelineListJson(mutable, p1, b1);
    mutable[0]!.status = `${mutable[0]!.status}x`;
    assert.notEqual(pipelineListJson(mutable, p1, b1), first);
  }), { numRuns: 300 });
});
