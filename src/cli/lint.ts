/**
 * `runnel lint [FILE]`: compiles a CI config from the working directory (include:local, rules:exists
 * and cache:key:files read files under `cwd`) and prints its diagnostics and jobs. Exit code 0 when
 * valid, 1 when invalid, 2 on a usage error. `--format json` prints exactly
 * {"valid","diagnostics":[…],"stages":[…],"jobs":[{"name","stage","when","allow_failure","needs","variables","script"}]}
 * with jobs in stage order; `needs` is the list of needed job names, or null without `needs:`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { compile, type PipelineSource, type RepositoryReader, type RunContext } from '../pipeline/index.js';

export interface LintIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
}

const SOURCES: PipelineSource[] = ['push', 'web', 'api', 'trigger', 'schedule', 'pipeline', 'parent_pipeline', 'merge_request_event'];
const MAX_LISTED_FILES = 100_000;

const HELP = `Usage: runnel lint [FILE] [options]

Validates a GitLab CI configuration (default: .gitlab-ci.yml in the current directory) and shows
the jobs a run would get.

Options:
  --ref R             branch or tag name of the simulated run (default: current git branch or main)
  --tag               the ref is a tag
  --source S          pipeline source: ${SOURCES.join(', ')} (default: push)
  --variable K=V      run variable (repeatable)
  --changed PATH      a changed path, for rules:changes (repeatable; none given: changes are true)
  --format F          text (default) or json
  --help              show this help

Exit codes: 0 valid, 1 invalid, 2 usage error.
`;

export async function lintCommand(argv: string[], io: LintIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ref: { type: 'string' },
        tag: { type: 'boolean', default: false },
        source: { type: 'string', default: 'push' },
        variable: { type: 'string', multiple: true, default: [] },
        changed: { type: 'string', multiple: true, default: [] },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (cause) {
    io.stderr.write(`runnel lint: ${(cause as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { io.stdout.write(HELP); return 0; }
  if (positionals.length > 1) return usage(io, 'expected at most one FILE');
  if (values.format !== 'text' && values.format !== 'json') return usage(io, `unknown --format ${values.format} (text or json)`);
  if (!SOURCES.includes(values.source as PipelineSource)) return usage(io, `unknown --source ${values.source}`);
  const variables: Record<string, string> = {};
  for (const pair of values.variable ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return usage(io, `--variable expects KEY=VALUE, got "${pair}"`);
    variables[pair.slice(0, eq)] = pair.slice(eq + 1);
  }

  const root = resolve(io.cwd);
  const file = positionals[0] ?? '.gitlab-ci.yml';
  const absolute = resolve(root, file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (cause) {
    return usage(io, `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
  const configPath = inside(root, absolute) ? toRepoPath(relative(root, absolute)) : file;
  const git = gitHead(root);
  const name = root.split(sep).pop() || 'project';
  const context: RunContext = {
    ref: values.ref ?? git.branch ?? 'main',
    tag: values.tag ?? false,
    sha: git.sha,
    beforeSha: null,
    source: values.source as PipelineSource,
    variables,
    changedPaths: values.changed && values.changed.length > 0 ? values.changed.map(toRepoPath) : null,
    project: { id: 1, path: `local/${name}`, namespace: 'local', name, defaultBranch: git.branch ?? 'main', url: `http://localhost/local/${name}` },
    pipeline: { id: 1, iid: 1 },
    configPath,
  };
  const result = await compile({ config: text, configPath, context, reader: directoryReader(root) });
  const valid = result.plan !== null;
  const plan = result.plan;
  const jobs = (plan?.jobs ?? []).map((job) => ({
    name: job.name,
    stage: job.stage,
    when: job.when,
    allow_failure: job.allowFailure,
    needs: job.needs === null ? null : job.needs.map((n) => n.job),
    variables: Object.fromEntries(Object.entries(job.variables).map(([k, v]) => [k, v.value])),
    script: job.script,
  }));

  if (values.format === 'json') {
    const diagnostics = result.diagnostics.map(({ severity, message, file: f, line, column, path }) => ({ severity, message, file: f, line, column, path }));
    io.stdout.write(`${JSON.stringify({ valid, diagnostics, stages: plan?.stages ?? [], jobs }, null, 2)}\n`);
    return valid ? 0 : 1;
  }
  for (const d of result.diagnostics) {
    const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
    (d.severity === 'error' ? io.stderr : io.stdout).write(`${where}: ${d.severity}: ${d.message}\n`);
  }
  if (!valid || !plan) {
    io.stderr.write(`${configPath} is invalid (${result.diagnostics.filter((d) => d.severity === 'error').length} error(s))\n`);
    return 1;
  }
  io.stdout.write(`${configPath} is valid\n`);
  if (!plan.workflow.created) {
    io.stdout.write(`no run would be created: ${plan.workflow.message}\n`);
    return 0;
  }
  for (const stage of plan.stages) {
    const inStage = jobs.filter((j) => j.stage === stage);
    if (inStage.length === 0) continue;
    io.stdout.write(`${stage}:\n`);
    for (const j of inStage) {
      const notes = [j.when !== 'on_success' ? j.when : '', j.allow_failure ? 'allow_failure' : '', j.needs ? `needs: [${j.needs.join(', ')}]` : '']
        .filter(Boolean).join('; ');
      io.stdout.write(`  ${j.name}${notes ? `  (${notes})` : ''}\n`);
    }
  }
  if (plan.excludedJobs.length > 0) io.stdout.write(`excluded by rules/only/except: ${plan.excludedJobs.map((j) => j.name).join(', ')}\n`);
  return 0;
}

function usage(io: LintIo, message: string): number {
  io.stderr.write(`runnel lint: ${message}\nRun "runnel lint --help" for usage.\n`);
  return 2;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !resolve(root, rel).startsWith('..');
}

function toRepoPath(path: string): string {
  return path.split(sep).join('/').replace(/^\.?\/+/, '');
}

/** Files under `root` (never outside it), the way a reader over a git tree would see them. */
function directoryReader(root: string): RepositoryReader {
  const safe = (path: string): string | null => {
    const absolute = resolve(root, path.replace(/^\/+/, ''));
    return inside(root, absolute) ? absolute : null;
  };
  let listing: string[] | null = null;
  return {
    readFile: (path) => {
      const absolute = safe(path);
      if (!absolute) return null;
      try { return readFileSync(absolute, 'utf8'); } catch { return null; }
    },
    listFiles: () => {
      if (listing) return listing;
      const out: string[] = [];
      const walk = (dir: string): void => {
        let entries: string[];
        try { entries = readdirSync(dir); } catch { return; }
        for (const entry of entries) {
          if (out.length >= MAX_LISTED_FILES) return;
          if (entry === '.git' || entry === 'node_modules') continue;
          const path = join(dir, entry);
          let stats;
          try { stats = statSync(path); } catch { continue; }
          if (stats.isDirectory()) walk(path); else out.push(toRepoPath(relative(root, path)));
        }
      };
      walk(root);
      listing = out.sort();
      return listing;
    },
    hashFiles: (paths) => {
      const hash = createHash('sha256');
      let found = false;
      for (const path of paths) {
        const absolute = safe(path);
        if (!absolute) continue;
        try { hash.update(readFileSync(absolute)); found = true; } catch { /* missing file */ }
      }
      return found ? hash.digest('hex').slice(0, 40) : null;
    },
  };
}

function gitHead(root: string): { branch: string | null; sha: string } {
  const zero = '0'.repeat(40);
  try {
    const head = readFileSync(join(root, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return { branch: null, sha: /^[0-9a-f]{40}$/.test(head) ? head : zero };
    const ref = head.slice(5);
    let sha = zero;
    try { sha = readFileSync(join(root, '.git', ref), 'utf8').trim(); } catch { /* packed or unborn ref */ }
    return { branch: ref.replace(/^refs\/heads\//, ''), sha: /^[0-9a-f]{40}$/.test(sha) ? sha : zero };
  } catch {
    return { branch: null, sha: zero };
  }
}
