import { spawn } from 'node:child_process';
import { AppError } from '../../shared/index.js';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

const STDERR_LIMIT = 16 * 1024;

/**
 * The environment every git child gets: the server's own, minus any GIT_* variable. An inherited
 * GIT_DIR, GIT_INDEX_FILE, GIT_CONFIG_PARAMETERS or GIT_ALTERNATE_OBJECT_DIRECTORIES would make git
 * act on something other than the repository we name, so none of them may leak through.
 */
export function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') && value !== undefined) env[key] = value;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  return { ...env, ...extra };
}

/**
 * Runs git with an argument array (never a shell string) and collects its output. Resolves with
 * the exit code whatever it is: callers decide which codes mean "absent" and which mean failure.
 * Rejects with git_failed only when git could not be started at all.
 */
export function runGit(gitBinary: string, args: string[], options: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(gitBinary, args, { cwd: options.cwd, env: gitEnvironment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < STDERR_LIMIT) err += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new AppError('git_failed', `start git: ${error.message}`, { cause: error })));
    child.on('close', (code, signal) => {
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out), stderr: err.slice(0, STDERR_LIMIT) });
    });
    // A child that exits before reading all input raises EPIPE here; its exit code says why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}

/** Like runGit, but any non-zero exit is a git_failed AppError naming the command. */
export async function runGitChecked(gitBinary: string, args: string[], options: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {}): Promise<Buffer> {
  const result = await runGit(gitBinary, args, options);
  if (result.code !== 0) {
    throw new AppError('git_failed', `git ${args[0] ?? ''} failed: ${result.stderr.trim() || `exit ${result.code}`}`, {
      cause: Object.assign(new Error(result.stderr), { exitCode: result.code, args }),
    });
  }
  return result.stdout;
}
