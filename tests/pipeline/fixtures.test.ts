/**
 * One folder per feature under fixtures/: `.gitlab-ci.yml` (+ included files), `context.json`
 * (overrides of the default run context; `changedSince` feeds rules:changes:compare_to) and
 * `expected.json`:
 *   { "valid": true,  "created"?, "reason"?, "stages"?, "jobNames"?, "jobs"?: [{ name, …fields }],
 *     "excluded"?, "resolvedVariables"?: { job: { KEY: value } }, "warnings"?: [message] }
 *   { "valid": false, "diagnostics": [{ message, line?, column?, file?, severity? }] }
 * Job fields given in expected are compared exactly, except `variables` which is a subset of
 * name → value.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compile, expandedJobVariables, jobVariables, type PlanJob } from '../../src/pipeline/index.js';
import { defaultContext, folderReader } from './fixture-reader.js';

const root = join(import.meta.dirname, 'fixtures');

for (const feature of readdirSync(root).sort()) {
  const dir = join(root, feature);
  if (!existsSync(join(dir, 'expected.json'))) continue;
  test(`fixture ${feature}`, async () => {
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    const rawContext = existsSync(join(dir, 'context.json')) ? JSON.parse(readFileSync(join(dir, 'context.json'), 'utf8')) : {};
    const { changedSince, ...overrides } = rawContext;
    const context = defaultContext(overrides);
    const config = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    const result = await compile({ config, context, reader: folderReader(dir, { changedSince }) });
    JSON.parse(JSON.stringify(result));
    const errors = result.diagnostics.filter((d) => d.severity === 'error');

    if (expected.valid === false) {
      assert.equal(result.plan, null, 'an invalid config has no plan');
      for (const want of expected.diagnostics) {
        const found = result.diagnostics.find((d) => (want.message === undefined ? d.line === want.line : d.message === want.message));
        assert.ok(found, `missing diagnostic "${want.message ?? `at line ${want.line}`}"; got:\n${result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`);
        for (const key of ['line', 'column', 'file', 'severity'] as const) {
          if (want[key] !== undefined) assert.equal(found[key], want[key], `${key} of "${want.message}"`);
        }
      }
      return;
    }
    assert.deepEqual(errors, [], 'no errors expected');
    const plan = result.plan!;
    assert.ok(plan);
    if (expected.created !== undefined) assert.equal(plan.workflow.created, expected.created);
    if (expected.reason !== undefined) assert.equal(plan.workflow.reason, expected.reason);
    if (expected.workflowName !== undefined) assert.equal(plan.workflow.name, expected.workflowName);
    if (expected.stages) assert.deepEqual(plan.stages, expected.stages);
    if (expected.jobNames) assert.deepEqual(plan.jobs.map((j) => j.name), expected.jobNames);
    if (expected.excluded) assert.deepEqual(plan.excludedJobs.map((j) => j.name), expected.excluded);
    for (const want of expected.warnings ?? []) {
      assert.ok(result.diagnostics.some((d) => d.severity === 'warning' && d.message === want), `missing warning "${want}"`);
    }
    if (expected.jobs) {
      assert.deepEqual(plan.jobs.map((j) => j.name), expected.jobs.map((j: { name: string }) => j.name), 'job names in stage order');
      for (const want of expected.jobs) {
        const job = plan.jobs.find((j) => j.name === want.name)! as unknown as Record<string, unknown>;
        for (const [key, value] of Object.entries(want)) {
          if (key === 'variables') {
            const vars = job.variables as PlanJob['variables'];
            for (const [name, v] of Object.entries(value as Record<string, string | null>)) {
              assert.equal(vars[name]?.value ?? null, v, `${want.name}: variable ${name}`);
            }
          } else if (key === 'allow_failure') {
            assert.equal(job.allowFailure, value, `${want.name}: allow_failure`);
          } else {
            assert.deepEqual(job[key], value, `${want.name}: ${key}`);
          }
        }
      }
    }
    for (const [jobName, vars] of Object.entries((expected.resolvedVariables ?? {}) as Record<string, Record<string, string>>)) {
      const job = plan.jobs.find((j) => j.name === jobName);
      assert.ok(job, `job ${jobName}`);
      const { values } = expandedJobVariables(jobVariables(plan, job, context));
      for (const [k, v] of Object.entries(vars)) assert.equal(values[k], v, `${jobName}: resolved ${k}`);
    }
  });
}
