import type { JobVariable } from '../protocol/index.js';
import { expandVariables } from './variable-expansion.js';

/**
 * Decides the environment a job's scripts see. A CLEAN environment, never the runner's own
 * process.env (which may hold the server's secrets): PATH, HOME inside the job's directory, LANG,
 * the job's variables (expanded), then the variables the runner owns (CI_PROJECT_DIR,
 * CI_BUILDS_DIR). Pure: file-type variables arrive with the path their content was written to.
 */
export interface EnvironmentInput {
  variables: readonly JobVariable[];
  /** File-type variable key → path of the file holding its value. */
  filePaths: ReadonlyMap<string, string>;
  path: string;
  home: string;
  lang: string;
  projectDir: string;
  buildsDir: string;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function buildEnvironment(input: EnvironmentInput): Record<string, string> {
  // A file variable's value, as seen by the shell and by other variables, is its path.
  const asSeen = input.variables.map((v) => {
    const path = v.file ? input.filePaths.get(v.key) : undefined;
    return path === undefined ? v : { ...v, value: path, raw: true };
  });
  const env: Record<string, string> = {
    PATH: input.path,
    HOME: input.home,
    LANG: input.lang,
  };
  const runnerOwned = {
    CI_PROJECT_DIR: input.projectDir,
    CI_BUILDS_DIR: input.buildsDir,
  };
  for (const v of expandVariables([...asSeen, ...Object.entries(runnerOwned).map(([key, value]) => ({ key, value, raw: true, public: true, masked: false }))])) {
    env[v.key] = v.value;
  }
  return env;
}

/** The values the log must hide: masked variables (and file variables' contents) plus extras. */
export function secretsOf(variables: readonly JobVariable[], extra: readonly string[] = []): string[] {
  const out = variables.filter((v) => v.masked && v.value.length > 0).map((v) => v.value);
  return [...out, ...extra.filter((s) => s.length > 0)];
}
