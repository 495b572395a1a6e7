/**
 * The Plan: the compiler's only output, plain JSON-serialisable data. The engine stores it and
 * builds job payloads from it; runners and executors never see YAML. Everything here is already
 * resolved: includes merged, extends and !reference applied, defaults merged into jobs, rules /
 * only / except evaluated, parallel jobs expanded. Values that the *runner* expands at job time
 * (script, cache key, artifact names, image names, job variables) are kept as written.
 */

/** A YAML variable (global `variables:` or a job's). */
export interface PlanVariable {
  value: string;
  /** false for `expand: false`: `$` in the value is kept literally when the job runs. */
  expand: boolean;
  /** `description` of a global variable (shown in the "Run pipeline" form). */
  description?: string;
  /** `options` of a global variable (allowed values in the "Run pipeline" form). */
  options?: string[];
}

/** A fully-described variable as the job receives it (see job-variables.ts for the order). */
export interface PlanVariableEntry {
  key: string;
  value: string;
  /** false for project/run secrets; true for YAML and predefined variables. */
  public: boolean;
  masked: boolean;
  file: boolean;
  raw: boolean;
}

export type JobWhen = 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed';

export interface PlanNeed {
  /** Name of the needed job, after parallel expansion ("build 1/2", "test: [a, b]"). */
  job: string;
  /** Download its artifacts (needs:artifacts, default true). */
  artifacts: boolean;
  /** needs:optional: no error when the job is not in the pipeline. */
  optional: boolean;
}

export interface PlanImage {
  name: string;
  entrypoint: string[] | null;
  pullPolicy: string[] | null;
  /** docker:platform / docker:user. */
  docker: { platform?: string; user?: string } | null;
}

export interface PlanService extends PlanImage {
  alias: string | null;
  command: string[] | null;
  variables: Record<string, string>;
}

export interface PlanArtifacts {
  name: string | null;
  paths: string[];
  exclude: string[];
  untracked: boolean;
  when: 'on_success' | 'on_failure' | 'always';
  /** Duration text as written ("1 week", "never"); null = server default. */
  expireIn: string | null;
  exposeAs: string | null;
  public: boolean;
}

export interface PlanReports {
  junit: string[];
  dotenv: string[];
  coverageReport: { coverageFormat: string; path: string } | null;
  /** Any other report types (codequality, sast, …), kept as written paths. */
  other: Record<string, string[]>;
}

export interface PlanCache {
  /** The key as GitLab computes it server-side: key:files hashed, prefix applied; runner expands $VARS. */
  key: string;
  /** key:files as written, for display. */
  keyFiles: string[] | null;
  paths: string[];
  untracked: boolean;
  policy: string;
  when: 'on_success' | 'on_failure' | 'always';
  fallbackKeys: string[];
  unprotect: boolean;
}

export interface PlanRetry {
  /** 0..2. */
  max: number;
  /** Failure reasons to retry on; ["always"] by default. */
  when: string[];
  exitCodes: number[];
}

export interface PlanEnvironment {
  /** Expanded with the job's variables, like GitLab does server-side. */
  name: string;
  url: string | null;
  action: 'start' | 'prepare' | 'stop' | 'verify' | 'access';
  onStop: string | null;
  autoStopIn: string | null;
  deploymentTier: string | null;
}

/** A bridge job (`trigger:`) starting a child pipeline from local files. */
export interface PlanTrigger {
  /** Repository paths of the child pipeline's config files. */
  include: string[];
  /** "depend": the bridge mirrors the child pipeline's status; null: it succeeds once created. */
  strategy: 'depend' | null;
  forward: { yamlVariables: boolean; pipelineVariables: boolean };
}

export interface PlanParallel {
  /** 1-based CI_NODE_INDEX. */
  index: number;
  /** CI_NODE_TOTAL. */
  total: number;
  /** parallel:matrix values of this instance (also present in `variables`), null for parallel: N. */
  matrix: Record<string, string> | null;
}

export interface PlanJob {
  /** Job name after parallel expansion: "build", "test 1/3", "deploy: [aws, eu]". */
  name: string;
  /** Name of the YAML job it came from. */
  definitionName: string;
  /** Position in definition order (after expansion), 0-based. */
  index: number;
  kind: 'build' | 'bridge';
  stage: string;
  /** Index of `stage` in Plan.stages. */
  stageIndex: number;
  when: JobWhen;
  /** when: delayed: the start_in text and its seconds; null otherwise. */
  startIn: string | null;
  startInSeconds: number | null;
  allowFailure: boolean;
  /** allow_failure:exit_codes; empty when not set. */
  allowFailureExitCodes: number[];
  /** null when the job has no `needs:` (stage ordering); [] for `needs: []` (start at once). */
  needs: PlanNeed[] | null;
  /** null when the job has no `dependencies:` (all artifacts of earlier stages / its needs). */
  dependencies: string[] | null;
  /** Commands, one entry per YAML item (multi-line items kept whole), !reference resolved. */
  script: string[];
  beforeScript: string[];
  afterScript: string[];
  /**
   * The job's YAML variables as GitLab stores them on a build: inherited global variables, then
   * the job's own, then parallel:matrix values, then the matching rule's variables (later wins).
   * Values are as written; the runner expands them.
   */
  variables: Record<string, PlanVariable>;
  /** Job-level predefined variables (CI_JOB_NAME, CI_JOB_STAGE, CI_NODE_INDEX, …). */
  predefinedVariables: Record<string, string>;
  image: PlanImage | null;
  services: PlanService[];
  artifacts: PlanArtifacts | null;
  reports: PlanReports;
  cache: PlanCache[];
  retry: PlanRetry;
  timeoutSeconds: number | null;
  coverageRegex: string | null;
  environment: PlanEnvironment | null;
  resourceGroup: string | null;
  interruptible: boolean | null;
  tags: string[];
  trigger: PlanTrigger | null;
  hooks: { preGetSourcesScript: string[] };
  parallel: PlanParallel | null;
}

export interface PlanWorkflow {
  /** false when workflow:rules stopped the run, or no job was left after rules. */
  created: boolean;
  /** Why not created: "filtered_by_workflow_rules" | "no_jobs"; null when created. */
  reason: 'filtered_by_workflow_rules' | 'no_jobs' | null;
  /** GitLab's message for the reason, null when created. */
  message: string | null;
  /** workflow:name, expanded. */
  name: string | null;
  autoCancel: { onNewCommit: string | null; onJobFailure: string | null } | null;
  /** Variables of the matching workflow rule (already merged into `Plan.variables`). */
  variables: Record<string, PlanVariable>;
}

export interface Plan {
  /** Plan format version, bumped on incompatible changes. */
  version: 1;
  /** Declared stages with .pre first and .post last (GitLab keeps declared stages). */
  stages: string[];
  workflow: PlanWorkflow;
  /** Global YAML variables (after workflow rule variables). */
  variables: Record<string, PlanVariable>;
  /** Pipeline-level predefined variables (CI, CI_COMMIT_SHA, CI_PIPELINE_SOURCE, …). */
  predefinedVariables: Record<string, string>;
  /** Jobs in the pipeline, in stage order then definition order. */
  jobs: PlanJob[];
  /** Jobs that rules / only / except left out. */
  excludedJobs: Array<{ name: string; reason: 'rules' | 'only_except' }>;
  /** Every config file read, root first. */
  files: string[];
}
