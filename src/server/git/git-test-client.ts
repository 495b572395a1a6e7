import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test support only: a real git client isolated from the machine's configuration (own HOME, no
 * system config, no prompts, fixed identities and dates) so tests see what a fresh user sees.
 */
export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function createGitClient(root = mkdtempSync(join(tmpdir(), 'runnel-git-client-'))) {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_') && value !== undefined) env[key] = value;
  Object.assign(env, {
    HOME: root, XDG_CONFIG_HOME: join(root, '.config'), GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '',
    GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com',
    GIT_AUTHOR_DATE: '1700000000 +0000', GIT_COMMITTER_DATE: '1700000000 +0000',
  });

  function git(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<GitRun> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, { cwd: options.cwd ?? root, env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    });
  }

  async function gitOk(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<string> {
    const run = await git(args, options);
    if (run.code !== 0) throw new Error(`git ${args.join(' ')} failed (${run.code}): ${run.stderr}`);
    return run.stdout;
  }

  /** A working repository with commits made by `git commit` on the files given. */
  async function workRepo(name: string, branch = 'main'): Promise<{ dir: string; commit(files: Record<string, string>, message: string): Promise<string> }> {
    const dir = join(root, name);
    await gitOk(['init', '--quiet', `--initial-branch=${branch}`, dir]);
    return {
      dir,
      async commit(files, message) {
        const { writeFile, mkdir, rm } = await import('node:fs/promises');
        const { dirname } = await import('node:path');
        for (const [path, content] of Object.entries(files)) {
          if (content === '') {
            await rm(join(dir, path), { force: true });
          } else {
            await mkdir(dirname(join(dir, path)), { recursive: true });
            await writeFile(join(dir, path), content);
          }
        }
        await gitOk(['add', '-A'], { cwd: dir });
        await gitOk(['commit', '--quiet', '--allow-empty', '-m', message], { cwd: dir });
        return (await gitOk(['rev-parse', 'HEAD'], { cwd: dir })).trim();
      },
    };
  }

  return { root, git, gitOk, workRepo };
}
