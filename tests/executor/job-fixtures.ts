import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactSpec, JobPayload, JobVariable } from '../../src/protocol/index.js';
import type { ArtifactTransfer, LogSink } from '../../src/executor/index.js';
import { temporaryDir } from '../support/temp.js';

/** Shared fixtures for the executor tests: payloads, an in-memory log sink and artifact store, git repos. */

export function tempDir(prefix: string): string {
  return temporaryDir(`runnel-${prefix}-`);
}

export function variable(key: string, value: string, extra: Partial<JobVariable> = {}): JobVariable {
  return { key, value, public: true, masked: false, ...extra };
}

let nextId = 1000;

export function makePayload(overrides: Partial<JobPayload> & { script?: string[]; afterScript?: string[] } = {}): JobPayload {
  const { script, afterScript, ...rest } = overrides;
  const id = nextId++;
  const steps: JobPayload['steps'] = [{ name: 'script', script: script ?? ['echo hello'], timeout: 3600, when: 'on_success', allow_failure: false }];
  if (afterScript) steps.push({ name: 'after_script', script: afterScript, timeout: 3600, when: 'always', allow_failure: true });
  return {
    id,
    token: `job-token-${id}-secretvalue`,
    allow_git_fetch: true,
    job_info: { id, name: 'test', stage: 'test', project_id: 1, project_name: 'demo', time_in_queue_seconds: 0 },
    git_info: { repo_url: '', ref: 'main', sha: '', before_sha: '', ref_type: 'branch', refspecs: [], depth: 0 },
    runner_info: { timeout: 3600 },
    variables: [variable('GIT_STRATEGY', 'none')],
    steps,
    hooks: [],
    image: null,
    services: [],
    artifacts: [],
    cache: [],
    dependencies: [],
    features: { trace_sections: true, failure_reasons: [] },
    ...rest,
  };
}

export function memorySink(): LogSink & { text(): string; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  let length = 0;
  return {
    chunks,
    append(chunk) {
      chunks.push(Buffer.from(chunk));
      length += chunk.length;
      return length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

export function memoryArtifacts(downloads: Record<number, string> = {}): ArtifactTransfer & { uploads: Array<{ spec: ArtifactSpec; path: string; copy: string }> } {
  const uploads: Array<{ spec: ArtifactSpec; path: string; copy: string }> = [];
  const keep = tempDir('uploads');
  return {
    uploads,
    async download(dep) {
      return downloads[dep.id] ?? null;
    },
    async upload(spec, path) {
      const copy = join(keep, `${uploads.length}-${spec.artifact_type}`);
      execFileSync('cp', [path, copy]);
      uploads.push({ spec, path, copy });
    },
  };
}

export function archiveSpec(paths: string[], extra: Partial<ArtifactSpec> = {}): ArtifactSpec {
  return { name: 'artifacts', untracked: false, paths, when: 'on_success', expire_in: null, artifact_type: 'archive', artifact_format: 'zip', ...extra };
}

/** A real git repository with two commits on main; returns its path and both shas. */
export function makeGitRepo(): { path: string; first: string; second: string } {
  const path = tempDir('repo');
  const git = (...args: string[]) => execFileSync('git', args, {
    cwd: path,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
  }).toString().trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(path, 'README.md'), 'first\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  const first = git('rev-parse', 'HEAD');
  mkdirSync(join(path, 'src'));
  writeFileSync(join(path, 'src', 'app.txt'), 'second\n');
  writeFileSync(join(path, 'README.md'), 'second\n');
  git('add', '.');
  git('commit', '-q', '-m', 'second');
  const second = git('rev-parse', 'HEAD');
  return { path, first, second };
}

/** Pids of live processes (zombies excluded) whose command line contains `marker`. */
export function processWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes(marker)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state !== 'Z') found.push(Number(pid));
    } catch {
      // gone
    }
  }
  return found;
}
