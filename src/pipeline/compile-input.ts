/**
 * What `compile` needs from the outside world. Everything is data except the reader, which the
 * caller implements over a git tree (server), the working directory (`runnel lint`) or memory
 * (tests). The reader may be async; it is the only way the compiler sees repository files.
 */

/** Where a run comes from; GitLab's CI_PIPELINE_SOURCE values. */
export type PipelineSource =
  | 'push' | 'web' | 'api' | 'trigger' | 'schedule' | 'pipeline' | 'parent_pipeline' | 'merge_request_event';

/** A variable given to the run (pipeline/trigger/schedule variables) or defined on the project. */
export interface ContextVariable {
  value: string;
  /** File-type: the runner writes the value to a file and the variable holds its path. */
  file?: boolean;
  masked?: boolean;
  protected?: boolean;
  /** Raw: never expanded. */
  raw?: boolean;
}

export interface RunContext {
  /** Branch or tag name, without refs/heads/ or refs/tags/. */
  ref: string;
  /** true when `ref` is a tag. */
  tag: boolean;
  sha: string;
  /** Previous sha of the ref; null/absent means none (GitLab sends 40 zeros). */
  beforeSha?: string | null;
  source: PipelineSource;
  /** Run variables (pipeline, trigger, schedule, manual run): the highest precedence. */
  variables?: Record<string, string | ContextVariable>;
  /** Project (and group/instance) CI/CD variables: below run variables, above YAML variables. */
  projectVariables?: Record<string, string | ContextVariable>;
  /**
   * Paths changed by the push; null when unknown or there is nothing to compare (web/api/schedule
   * runs, a new branch, tags): GitLab then treats rules:changes and only:changes as true.
   */
  changedPaths: string[] | null;
  /** Whether the ref is protected (CI_COMMIT_REF_PROTECTED). */
  refProtected?: boolean;
  project: {
    id: number;
    /** Full path, e.g. "group/sub/project". */
    path: string;
    /** Namespace full path, e.g. "group/sub". */
    namespace: string;
    name?: string;
    title?: string;
    defaultBranch: string;
    /** Web URL of the project, e.g. "https://runnel.example.com/group/project". */
    url: string;
    visibility?: 'private' | 'internal' | 'public';
  };
  /** Server base URL, e.g. "https://runnel.example.com"; derived from project.url when absent. */
  serverUrl?: string;
  pipeline: { id: number; iid: number; createdAt?: string };
  user?: { id: number; login: string; name: string; email?: string };
  commit?: { message?: string; author?: string; timestamp?: string };
  /** Path of the config file in the repository (CI_CONFIG_PATH). */
  configPath?: string;
  /** Merge request pipelines only. */
  mergeRequest?: { iid: number; sourceBranch: string; targetBranch: string; title?: string; labels?: string[] };
}

/**
 * Repository access for include:local, rules:exists, cache:key:files and rules:changes:compare_to.
 * Paths are repository-relative without a leading slash.
 */
export interface RepositoryReader {
  /** File text, or null when the file does not exist. */
  readFile(path: string): Promise<string | null> | string | null;
  /**
   * Paths of files in the tree. `pattern` is a hint the reader may use to narrow the listing; the
   * compiler filters the answer itself with GitLab's glob rules, so returning every file is fine.
   */
  listFiles(pattern?: string): Promise<string[]> | string[];
  /**
   * A digest standing for the contents of `paths` (cache:key:files); null when none exist.
   * Absent → the cache key falls back to GitLab's "default".
   */
  hashFiles?(paths: string[]): Promise<string | null> | string | null;
  /** Paths changed between `ref` and the run's sha (rules:changes:compare_to); null = unknown. */
  changedPathsSince?(ref: string): Promise<string[] | null> | string[] | null;
}

export interface CompileInput {
  /** The root config text (.gitlab-ci.yml). */
  config: string;
  /** Its path in the repository, used in diagnostics; default ".gitlab-ci.yml". */
  configPath?: string;
  context: RunContext;
  reader: RepositoryReader;
}
