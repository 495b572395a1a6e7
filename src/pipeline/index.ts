/**
 * pipeline: the CI configuration compiler. `.gitlab-ci.yml` text + a run context → a Plan (plain,
 * JSON-serialisable data) or diagnostics, with GitLab's semantics. Pure: repository files come
 * through the injected RepositoryReader; this module must not import fs, net, child_process or a
 * database (lint-enforced), and imports only ../shared from inside the project.
 */
export { compile, type CompileResult } from './compile.js';
export { parseYamlAhead } from './yaml-load.js';
export type { CompileInput, RunContext, RepositoryReader, ContextVariable, PipelineSource } from './compile-input.js';
export type { Diagnostic, Severity } from './diagnostic.js';
export type {
  Plan, PlanJob, PlanNeed, PlanVariable, PlanVariableEntry, PlanImage, PlanService, PlanArtifacts, PlanReports, PlanCache,
  PlanRetry, PlanEnvironment, PlanTrigger, PlanParallel, PlanWorkflow, JobWhen,
} from './plan.js';
export { jobVariables, expandedJobVariables } from './job-variables.js';
export { parseDuration } from './duration.js';
export { expandExisting } from './variable-expansion.js';
export { evaluateExpression, validateExpression } from './expression-evaluate.js';
export { compileUserRegex, parseRegexLiteral } from './gitlab-regex.js';
export { slugify } from './slug.js';
export { LIMITS } from './limits.js';
