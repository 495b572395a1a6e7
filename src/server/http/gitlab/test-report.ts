/**
 * GitLab's pipeline test report (lib/gitlab/ci/reports/test_report.rb, test_suite.rb and the
 * serializers; spec §7) from the JUnit test cases each job's report kept. Pure.
 * Suite = the job's group name (a trailing parallel index "1/3" or "[..]" dropped, so parallel
 * jobs merge); duplicate cases (same suite, classname, name, status) collapse; cases are sorted
 * error, failed, success, skipped, then by execution time descending.
 */
export interface StoredTestCase {
  suite_name?: string | null;
  name?: string | null;
  classname?: string | null;
  file?: string | null;
  execution_time?: number;
  status: string;
  system_output?: string | null;
  stack_trace?: string | null;
  attachment_url?: string | null;
}

export interface JobReport { jobId: number; jobName: string; testCases: StoredTestCase[]; error: string | null }

const ORDER = ['error', 'failed', 'success', 'skipped'];

export function groupName(jobName: string): string {
  return jobName.replace(/\s+\d+[/:]\d+$/, '').replace(/\s+\[[^\]]*\]$/, '').trim() || jobName;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

interface Suite { name: string; cases: Map<string, StoredTestCase>; error: string | null; buildIds: number[] }

function suites(reports: JobReport[]): Suite[] {
  const bySuite = new Map<string, Suite>();
  for (const r of reports) {
    const name = groupName(r.jobName);
    let suite = bySuite.get(name);
    if (!suite) { suite = { name, cases: new Map(), error: null, buildIds: [] }; bySuite.set(name, suite); }
    suite.buildIds.push(r.jobId);
    if (r.error) { suite.error ??= r.error; continue; }
    for (const c of r.testCases) suite.cases.set(`${c.status}\u0000${name}_${c.classname ?? ''}_${c.name ?? ''}`, c);
  }
  return [...bySuite.values()];
}

function counts(cases: StoredTestCase[], error: string | null) {
  const list = error ? [] : cases;
  const n = (s: string) => list.filter((c) => c.status === s).length;
  const success = n('success'), failed = n('failed'), skipped = n('skipped'), errored = n('error');
  return { total_time: round(list.reduce((t, c) => t + (c.execution_time ?? 0), 0)), total_count: success + failed + skipped + errored, success_count: success, failed_count: failed, skipped_count: skipped, error_count: errored };
}

export function testReport(reports: JobReport[]) {
  const out = suites(reports).map((s) => {
    const cases = [...s.cases.values()].sort((a, b) => (ORDER.indexOf(a.status) - ORDER.indexOf(b.status)) || ((b.execution_time ?? 0) - (a.execution_time ?? 0)));
    return {
      name: s.name, ...counts(cases, s.error), suite_error: s.error,
      test_cases: s.error ? [] : cases.map((c) => ({
        status: c.status, name: c.name ?? '(No name)', classname: c.classname ?? null, file: c.file ?? null,
        execution_time: c.execution_time ?? 0, system_output: c.system_output ?? null, stack_trace: c.stack_trace ?? null,
        recent_failures: null, ...(c.attachment_url && { attachment_url: c.attachment_url }),
      })),
    };
  });
  const sum = (k: 'total_time' | 'total_count' | 'success_count' | 'failed_count' | 'skipped_count' | 'error_count') => out.reduce((t, s) => t + s[k], 0);
  return {
    total_time: round(sum('total_time')), total_count: sum('total_count'), success_count: sum('success_count'), failed_count: sum('failed_count'),
    skipped_count: sum('skipped_count'), error_count: sum('error_count'), test_suites: out,
  };
}

export function testReportSummary(reports: JobReport[]) {
  const list = suites(reports).map((s) => ({ s, c: counts([...s.cases.values()], s.error) }));
  const sum = (k: 'total_time' | 'total_count' | 'success_count' | 'failed_count' | 'skipped_count' | 'error_count') => list.reduce((t, x) => t + x.c[k], 0);
  return {
    total: {
      time: round(sum('total_time')), count: sum('total_count'), success: sum('success_count'), failed: sum('failed_count'),
      skipped: sum('skipped_count'), error: sum('error_count'), suite_error: list.find((x) => x.s.error)?.s.error ?? null,
    },
    test_suites: list.map(({ s, c }) => ({ name: s.name, ...c, build_ids: s.buildIds, suite_error: s.error })),
  };
}
