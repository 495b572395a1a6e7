import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { startApiServer, waitFor, type ApiServer } from './support.js';

const run = promisify(execFile);
const SEED = '/work/shared/seeds/004_9d858ef9eca01b2e.txt';

/** The curl commands of the seed document, as argument lists (quotes removed). */
function seedCurls(): string[][] {
  const text = readFileSync(SEED, 'utf8');
  return text.split('\n').filter((l) => l.startsWith('curl ')).map((line) => {
    const args: string[] = [];
    for (const m of line.slice(5).matchAll(/"([^"]*)"|(\S+)/g)) args.push(m[1] ?? m[2]!);
    return args;
  });
}

type Shape = Record<string, string>;
const USER: Shape = { id: 'number', username: 'string', name: 'string', state: 'string', avatar_url: 'string|null', web_url: 'string' };
const BASIC: Shape = { id: 'number', iid: 'number', project_id: 'number', status: 'string', source: 'string', ref: 'string', sha: 'string', web_url: 'string', created_at: 'string', updated_at: 'string' };
const FULL: Shape = {
  ...BASIC, before_sha: 'string', tag: 'boolean', yaml_errors: 'string|null', user: 'object', started_at: 'string|null', finished_at: 'string|null',
  committed_at: 'string|null', duration: 'number|null', queued_duration: 'number|null', coverage: 'string|null',
};
const SUITE: Shape = { name: 'string', total_time: 'number', total_count: 'number', success_count: 'number', failed_count: 'number', skipped_count: 'number', error_count: 'number', test_cases: 'object' };

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'object' : typeof v;
}
function check(value: Record<string, unknown>, shape: Shape, where: string): void {
  for (const [key, types] of Object.entries(shape)) {
    assert.ok(key in value, `${where}: key ${key} missing`);
    assert.ok(types.split('|').includes(typeOf(value[key])), `${where}: ${key} is ${typeOf(value[key])}, documented ${types}`);
  }
}

describe('every curl example of the seed document', { skip: !existsSync(SEED) && 'seed document not found' }, () => {
  let s: ApiServer;
  let projectId: number;
  let pipelineId: number;
  before(async () => {
    s = await startApiServer();
    const p = await s.project({ '.gitlab-ci.yml': 't:\n  script:\n    - printf \'<testsuite name="s"><testcase classname="c" name="n" time="5"/></testsuite>\' > r.xml\n  artifacts:\n    reports:\n      junit: r.xml\n' });
    projectId = p.id;
    const created = await s.json<{ id: number }>(`/api/v4/projects/${p.id}/pipeline`, { method: 'POST', json: { ref: 'main', variables: [{ key: 'RUN_NIGHTLY_BUILD', value: 'true' }] } });
    pipelineId = created.body.id;
    await s.finished(p.id, pipelineId);
    await waitFor('push pipeline done', async () => (await s.json<Array<{ status: string }>>(`/api/v4/projects/${p.id}/pipelines?scope=running`)).body.length === 0);
  });
  after(async () => { await s?.stop(); });

  it('runs them with real curl and finds the documented keys and types', async () => {
    const curls = seedCurls();
    assert.equal(curls.length, 10, 'the seed has ten curl examples');
    const seen: string[] = [];
    for (const args of curls) {
      // The examples address project 1 and pipeline 46; point them at ours, as a reader would.
      const real = args.map((a) => a.replace('https://gitlab.example.com', s.url).replace('<your_access_token>', s.rootToken.token)
        .replace('/projects/1/', `/projects/${projectId}/`).replace('/pipelines/46', `/pipelines/${pipelineId}`));
      const isDelete = real.includes('DELETE');
      const isRetryOrCancel = real.some((a) => /\/(retry|cancel)$/.test(a));
      const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...real]);
      const status = Number(stdout.slice(stdout.lastIndexOf('\n') + 1));
      const body = stdout.slice(0, stdout.lastIndexOf('\n'));
      const url = real.find((a) => a.startsWith('http'))!;
      const path = new URL(url).pathname.replace(/\/projects\/\d+/, '/projects/:id').replace(/\/pipelines\/\d+/, '/pipelines/:pid');
      seen.push(path);
      if (isDelete) { assert.equal(status, 204, url); assert.equal(body, ''); continue; }
      assert.ok(status === 200 || status === 201, `${url}: ${status} ${body}`);
      const json = JSON.parse(body) as unknown;
      if (path.endsWith('/pipelines')) {
        assert.ok(Array.isArray(json) && json.length >= 1);
        for (const item of json as Array<Record<string, unknown>>) check(item, { ...BASIC, name: 'string|null' }, path);
      } else if (path.endsWith('/variables')) {
        assert.deepEqual((json as Array<Record<string, unknown>>).map((v) => [v.key, v.variable_type, v.value]), [['RUN_NIGHTLY_BUILD', 'env_var', 'true']]);
      } else if (path.endsWith('/test_report')) {
        check(json as Record<string, unknown>, { total_time: 'number', total_count: 'number', success_count: 'number', failed_count: 'number', skipped_count: 'number', error_count: 'number', test_suites: 'object' }, path);
        const suite = (json as { test_suites: Array<Record<string, unknown>> }).test_suites[0]!;
        check(suite, SUITE, path);
        check((suite.test_cases as Array<Record<string, unknown>>)[0]!, { status: 'string', name: 'string', classname: 'string', execution_time: 'number', system_output: 'string|null', stack_trace: 'string|null' }, path);
      } else if (path.endsWith('/test_report_summary')) {
        const j = json as { total: Record<string, unknown>; test_suites: Array<Record<string, unknown>> };
        check(j.total, { time: 'number', count: 'number', success: 'number', failed: 'number', skipped: 'number', error: 'number', suite_error: 'string|null' }, path);
        check(j.test_suites[0]!, { name: 'string', total_time: 'number', total_count: 'number', success_count: 'number', failed_count: 'number', skipped_count: 'number', error_count: 'number', build_ids: 'object', suite_error: 'string|null' }, path);
      } else {
        const p = json as Record<string, unknown>;
        check(p, FULL, path);
        check(p.user as Record<string, unknown>, USER, `${path} user`);
        if (path.endsWith('/latest')) check(p.detailed_status as Record<string, unknown>, { icon: 'string', text: 'string', label: 'string', group: 'string', tooltip: 'string', has_details: 'boolean', details_path: 'string', illustration: 'object|null', favicon: 'string' }, path);
        if (isRetryOrCancel) assert.equal(p.id, pipelineId);
      }
    }
    assert.equal(new Set(seen).size, 9, 'nine paths (GET and DELETE share one)');
  });
});
