import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { temporaryDir } from './temp.js';

/** One empty HOME for the git client in this test process (git only reads config there). */
let sharedHome: string | null = null;

/** A clean environment for the git client in tests: no user config, no prompts. */
export function gitEnv(home = (sharedHome ??= temporaryDir('runnel-home-'))): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', LANG: 'C',
    GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com',
  };
}

export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = gitEnv()): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A working repository with the given files committed on `branch`; returns its path and sha. */
export function makeWorkingRepo(files: Record<string, string>, branch = 'main'): { dir: string; sha: string; commit(files: Record<string, string>, message?: string): string } {
  const dir = temporaryDir('runnel-work-');
  const env = gitEnv();
  git(dir, ['init', '-q', `--initial-branch=${branch}`], env);
  const commit = (more: Record<string, string>, message = 'change') => {
    for (const [path, content] of Object.entries(more)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    git(dir, ['add', '-A'], env);
    git(dir, ['commit', '-q', '-m', message], env);
    return git(dir, ['rev-parse', 'HEAD'], env);
  };
  const sha = commit(files, 'initial');
  return { dir, sha, commit };
}

/**
 * git without blocking the event loop: required whenever the other end is a server running in
 * this same process (a synchronous push to it would deadlock).
 */
export function gitAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = gitEnv()): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? (error as unknown as { code: number }).code : 1) : 0;
      resolve({ stdout: stdout.trim(), stderr: stderr.trim(), code });
    });
  });
}
