import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runPython, startApiServer, type ApiServer } from './support.js';

const SCRIPT = String.raw`
import json, os, time, gitlab
gl = gitlab.Gitlab(os.environ["URL"], private_token=os.environ["TOKEN"])
project = gl.projects.get(int(os.environ["PID"]))
out = {}

def wait(pipeline):
    for _ in range(600):
        pipeline = project.pipelines.get(pipeline.id)
        if pipeline.status in ("success", "failed", "canceled", "skipped"):
            return pipeline
        time.sleep(0.05)
    raise Exception("pipeline did not finish")

project.variables.create({"key": "PY_SECRET", "value": "py-masked-value-1", "masked": True})
out["variables"] = sorted(v.key for v in project.variables.list(get_all=True))
out["variable"] = project.variables.get("PY_SECRET").value

created = project.pipelines.create({"ref": "main", "variables": [{"key": "PV", "value": "from-python"}]})
out["created"] = {"status": created.status, "source": created.source, "ref": created.ref}
done = wait(created)
out["done"] = {"status": done.status, "coverage": done.coverage}
out["listed"] = [p.id for p in project.pipelines.list(get_all=True)]
out["list_source_api"] = [p.id for p in project.pipelines.list(source="api", get_all=True)]
out["created_id"] = created.id
out["pipeline_variables"] = [{"key": v.key, "value": v.value} for v in done.variables.list()]
report = done.test_report.get()
out["test_report"] = {"total": report.total_count, "failed": report.failed_count}
jobs = done.jobs.list(get_all=True)
out["jobs"] = sorted(j.name for j in jobs)
job = project.jobs.get(jobs[0].id, lazy=False)
out["trace"] = job.trace().decode("utf-8")
out["job_status"] = job.status

failing = project.pipelines.create({"ref": "main", "variables": [{"key": "FAIL", "value": "1"}]})
failing = wait(failing)
out["failing"] = failing.status
failing.retry()
out["retried"] = project.pipelines.get(failing.id).status

slow = project.pipelines.create({"ref": "main", "variables": [{"key": "SLOW", "value": "1"}]})
for _ in range(400):
    if project.pipelines.get(slow.id).status == "running":
        break
    time.sleep(0.05)
slow.cancel()
out["canceled"] = wait(slow).status
slow.delete()
try:
    project.pipelines.get(slow.id)
    out["deleted"] = False
except gitlab.exceptions.GitlabGetError as e:
    out["deleted"] = e.response_code
project.variables.delete("PY_SECRET")
out["variables_after"] = [v.key for v in project.variables.list(get_all=True)]
try:
    project.pipelines.create({"ref": "no-such-ref"})
except gitlab.exceptions.GitlabCreateError as e:
    out["bad_ref"] = {"code": e.response_code, "message": str(e.error_message)}
print(json.dumps(out))
`;

const CI = `
t:
  coverage: '/cov (\\d+)/'
  script:
    - echo "pv=$PV secret=$PY_SECRET"
    - echo "cov 75"
    - if [ -n "$FAIL" ]; then exit 1; fi
    - if [ -n "$SLOW" ]; then sleep 30; fi
    - printf '<testsuite name="s"><testcase classname="c" name="n"/></testsuite>' > r.xml
  artifacts:
    reports:
      junit: r.xml
`;

describe('python-gitlab (Debian python3-gitlab) against a live server', { skip: !existsSync('/usr/bin/python3') && 'no /usr/bin/python3' }, () => {
  let s: ApiServer;
  before(async () => { s = await startApiServer(); });
  after(async () => { await s?.stop(); });

  it('lists, gets, creates, retries, cancels, deletes pipelines; variables, test report, jobs and trace', async () => {
    const p = await s.project({ '.gitlab-ci.yml': CI });
    const out = await runPython(SCRIPT, { URL: s.url, TOKEN: s.rootToken.token, PID: String(p.id) }) as Record<string, unknown>;
    assert.deepEqual(out.variables, ['PY_SECRET']);
    assert.equal(out.variable, 'py-masked-value-1');
    assert.deepEqual(out.created, { status: (out.created as { status: string }).status, source: 'api', ref: 'main' });
    assert.deepEqual(out.done, { status: 'success', coverage: '75.00' });
    assert.ok((out.listed as number[]).includes(out.created_id as number));
    assert.deepEqual(out.list_source_api, [...(out.list_source_api as number[])].sort((a, b) => b - a), 'newest first');
    assert.deepEqual(out.pipeline_variables, [{ key: 'PV', value: 'from-python' }]);
    assert.deepEqual(out.test_report, { total: 1, failed: 0 });
    assert.deepEqual(out.jobs, ['t']);
    assert.match(String(out.trace), /pv=from-python secret=\[MASKED\]/);
    assert.equal(out.job_status, 'success');
    assert.equal(out.failing, 'failed');
    assert.ok(['created', 'pending', 'running', 'failed'].includes(String(out.retried)));
    assert.equal(out.canceled, 'canceled');
    assert.equal(out.deleted, 404);
    assert.deepEqual(out.variables_after, []);
    assert.equal((out.bad_ref as { code: number }).code, 400);
    assert.match((out.bad_ref as { message: string }).message, /Reference not found/);
  });
});
