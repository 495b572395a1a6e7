import { cpus } from 'node:os';
import { createLogger } from '../shared/index.js';
import { dockerAvailable, sandboxAvailable } from '../executor/index.js';
import type { Command } from './commands.js';
import { EXIT, type CommandIo } from './io.js';
import { runLocalPipeline, type ExecutorKind, type LocalRunResult } from './local-run/local-pipeline.js';
import { createStatusView, durationOf, logTail, stripAnsi } from './local-run/status-view.js';

const EXECUTORS: ExecutorKind[] = ['shell', 'sandbox', 'docker'];

/**
 * `runnel run [JOB…]`: runs the current repository's .gitlab-ci.yml here, without a server, through
 * the same compiler, engine and executors (local-run/local-pipeline.ts). Exit code: 0 when the
 * pipeline succeeds (warnings included) or stops at a manual job, 1 when it fails or is
 * canceled, 2 on a usage or configuration error (diagnostics as file:line:column), 130 on Ctrl-C.
 */
export const runLocalCommand: Command = {
  name: 'run',
  summary: 'Run the current directory\'s .gitlab-ci.yml here, without a server. Uncommitted and untracked (not ignored) files are included; the repository is not touched.',
  usage: 'runnel run [JOB…] [--variable K=V…] [--manual JOB…] [--needs] [--concurrency N] [--executor shell|sandbox|docker]',
  allowPositionals: true,
  options: {
    variable: { type: 'string', multiple: true }, manual: { type: 'string', multiple: true },
    needs: { type: 'boolean' }, concurrency: { type: 'string' }, executor: { type: 'string' },
  },
  optionHelp: [
    ['JOB…', 'run only these jobs, as if what they wait for had succeeded (default: the whole pipeline)'],
    ['--needs', 'with JOB…: also run the jobs they need (needs:), transitively'],
    ['--variable K=V', 'a pipeline variable; repeatable'],
    ['--manual JOB', 'play this manual job when it becomes playable; repeatable (named JOBs are played too)'],
    ['--concurrency N', `jobs at once (default: CPU count, here ${cpus().length})`],
    ['--executor E', 'shell (default), sandbox (bubblewrap) or docker'],
  ],
  run: ({ values, positionals }, io) => runLocal(values, positionals, io),
};

function usage(io: CommandIo, message: string): number {
  io.stderr.write(`runnel run: ${message}\n`);
  return EXIT.usage;
}

async function runLocal(values: Record<string, string | boolean | string[] | undefined>, jobs: string[], io: CommandIo): Promise<number> {
  const variables: Array<{ key: string; value: string }> = [];
  for (const pair of (values.variable as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return usage(io, `--variable expects KEY=VALUE, got "${pair}"`);
    variables.push({ key: pair.slice(0, eq), value: pair.slice(eq + 1) });
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) return usage(io, `--concurrency expects a positive integer, got "${String(values.concurrency)}"`);
  }
  const executor = (values.executor as string | undefined) ?? 'shell';
  if (!EXECUTORS.includes(executor as ExecutorKind)) return usage(io, `unknown --executor ${executor} (shell, sandbox or docker)`);
  const unavailable = executor === 'sandbox' ? sandboxAvailable() : executor === 'docker' ? await dockerAvailable() : null;
  if (unavailable) return usage(io, `--executor ${executor} is not available: ${unavailable}`);

  const out = io.stdout as NodeJS.WritableStream & { isTTY?: boolean; rows?: number };
  const view = createStatusView(out);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  const ownProcess = io.stdout === process.stdout;
  if (ownProcess) process.once('SIGINT', onSigint);
  const started = Date.now();
  const level = io.env.RUNNEL_LOG_LEVEL;
  const session = await runLocalPipeline({
    cwd: io.cwd, jobs, withNeeds: values.needs === true, manual: (values.manual as string[] | undefined) ?? [], variables,
    concurrency, executor: executor as ExecutorKind, signal: abort.signal,
    logger: level ? createLogger({ level: level as 'info', destination: process.stderr }) : undefined,
    onUpdate: (list) => view.update(list),
  });
  try {
    return await report(session.result, io, view, started, abort.signal.aborted);
  } finally {
    if (ownProcess) process.removeListener('SIGINT', onSigint);
    await session.close();
  }
}

async function report(result: LocalRunResult, io: CommandIo, view: ReturnType<typeof createStatusView>, started: number, aborted: boolean): Promise<number> {
  switch (result.kind) {
    case 'config_error': {
      io.stderr.write('runnel run: the CI configuration is invalid:\n');
      if (result.diagnostics.length === 0) io.stderr.write(`  ${result.message}\n`);
      for (const d of result.diagnostics) io.stderr.write(`${d.file}:${d.line}:${d.column}: error: ${d.message}\n`);
      return EXIT.usage;
    }
    case 'unknown_jobs':
      return usage(io, `no job named ${result.names.map((n) => `'${n}'`).join(', ')} in this pipeline (jobs: ${[...result.available].join(', ')})`);
    case 'not_created':
      // A missing config is the user's mistake; a pipeline its rules filter out is not an error.
      if (/missing ci config/i.test(result.message)) return usage(io, `no .gitlab-ci.yml in ${io.cwd} or its repository root`);
      io.stdout.write(`No pipeline: ${result.message}\n`);
      return EXIT.ok;
    case 'finished':
      break;
  }
  const { run, jobs } = result;
  view.finish(jobs);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const failed = jobs.filter((j) => j.status === 'failed' && !j.allowFailure);
  for (const job of failed) {
    const why = [job.failureReason, job.exitCode !== null ? `exit code ${job.exitCode}` : null].filter(Boolean).join(', ');
    io.stdout.write(`\n── ${job.name} failed${why ? ` (${why})` : ''} after ${durationOf(job, Date.now()) || '0s'}; last lines of its log:\n`);
    const tail = logTail(await result.logOf(job.id), 20);
    io.stdout.write(`${(io.stdout as { isTTY?: boolean }).isTTY ? tail : stripAnsi(tail)}\n`);
  }
  const warnings = jobs.some((j) => j.status === 'failed' && j.allowFailure);
  const blocked = run.status === 'manual' ? jobs.filter((j) => j.status === 'manual').map((j) => j.name) : [];
  const summary = run.status === 'success' && warnings ? 'success with warnings' : run.status === 'manual' ? `waiting for manual job ${blocked.join(', ')} (play it with --manual)` : run.status;
  io.stdout.write(`\nPipeline ${summary} in ${seconds}s (${jobs.length} job${jobs.length === 1 ? '' : 's'})\n`);
  if (aborted) return 130;
  return run.status === 'failed' || run.status === 'canceled' ? EXIT.failed : EXIT.ok;
}
