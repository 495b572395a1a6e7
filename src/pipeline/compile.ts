/**
 * compile(): config text + run context → Plan or diagnostics. The steps follow GitLab's order:
 * load YAML → include:local → extends → !reference → validate globals and jobs → static graph
 * checks → workflow:rules → per job (and per parallel instance): rules or only/except, then
 * defaults, variables and the Plan shape → needs after rules. Never throws: an unexpected fault
 * becomes an error diagnostic.
 */
import type { CompileInput, RepositoryReader, RunContext } from './compile-input.js';
import { hasKey, isMap, isStringArray, newMap, type ConfigMap } from './config-value.js';
import { DiagnosticSink, NO_POSITION, type Diagnostic } from './diagnostic.js';
import { resolveExtends } from './extends.js';
import { FieldReporter } from './field-reporter.js';
import { processIncludes } from './includes.js';
import { normalizeCommon, type CommonFields } from './job-common.js';
import { isJobLike, normalizeJob, type JobDefinition } from './job-definition.js';
import { buildJobs } from './job-instances.js';
import { contextEntries, mergeLayers, predefinedEntries, yamlEntries } from './job-variables.js';
import { LIMITS } from './limits.js';
import { Locations } from './locations.js';
import { checkJobGraph } from './needs-check.js';
import { expandedNames } from './parallel.js';
import type { Plan, PlanVariable, PlanVariableEntry } from './plan.js';
import { pipelineVariables } from './predefined-variables.js';
import { resolveReferences } from './reference-tags.js';
import type { RuleEnvironment } from './rule-environment.js';
import { expandAll, expandExisting } from './variable-expansion.js';
import { evaluateWorkflow, normalizeWorkflow } from './workflow.js';
import { loadYaml } from './yaml-load.js';
import { normalizeVariables } from './yaml-variables.js';

export interface CompileResult {
  /** null when there are errors; a Plan (possibly with workflow.created false) otherwise. */
  plan: Plan | null;
  /** Errors and warnings; warnings may accompany a plan. */
  diagnostics: Diagnostic[];
}

/** Top-level keys that are not jobs. */
export const RESERVED_KEYS = new Set([
  'default', 'include', 'stages', 'types', 'variables', 'workflow', 'spec',
  'before_script', 'after_script', 'image', 'services', 'cache',
]);

export async function compile(input: CompileInput): Promise<CompileResult> {
  try {
    const result = await compileUnsafe(input);
    return { plan: result.plan, diagnostics: sortDiagnostics(result.diagnostics) };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return { plan: null, diagnostics: [{ severity: 'error', message: `internal compiler error: ${message}`, file: input.configPath ?? '.gitlab-ci.yml', line: 0, column: 0, path: '' }] };
  }
}

async function compileUnsafe(input: CompileInput): Promise<CompileResult> {
  const file = input.configPath ?? input.context.configPath ?? '.gitlab-ci.yml';
  const context = input.context;
  const sink = new DiagnosticSink();
  const locations = new Locations();
  const budget = { nodesLeft: LIMITS.maxYamlNodes };
  const fail = (): CompileResult => ({ plan: null, diagnostics: sink.items });

  if (typeof input.config !== 'string' || input.config.trim() === '') {
    sink.error(`Please provide content of ${file}`, { file, line: 0, column: 0 });
    return fail();
  }
  const loaded = loadYaml(input.config, file, locations, budget);
  sink.items.push(...loaded.diagnostics);
  if (loaded.diagnostics.length > 0) return fail();
  if (!isMap(loaded.value)) {
    sink.error('Invalid configuration format', { file, line: 1, column: 1 });
    return fail();
  }

  const predefined = pipelineVariables(context, file);
  const reader = memoizedReader(input.reader);
  const baseLayers = [predefinedEntries(predefined), contextEntries(context.projectVariables), contextEntries(context.variables)];
  const includeEnv = ruleEnvironment(mergeLayers(...baseLayers), context, reader);

  const { config: included, files } = await processIncludes(loaded.value, file, { reader, env: includeEnv, locations, sink, budget });
  const { config: extended, failed: extendsFailed } = resolveExtends(included, RESERVED_KEYS, locations, sink);
  const config = resolveReferences(extended, locations, sink);

  // Globals.
  let declared = ['build', 'test', 'deploy'];
  const stagesValue = hasKey(config, 'stages') ? config.stages : config.types;
  if (stagesValue !== undefined && stagesValue !== null) {
    if (!isStringArray(stagesValue)) sink.error('stages config should be an array of strings', locations.valueOf(config, hasKey(config, 'stages') ? 'stages' : 'types'), ['stages']);
    else declared = stagesValue;
  }
  const stages = ['.pre', ...declared.filter((s) => s !== '.pre' && s !== '.post'), '.post'].filter((s, i, all) => all.indexOf(s) === i);

  const globalVariables = normalizeVariables(config.variables ?? null, new FieldReporter(sink, locations, 'variables', ['variables'], config), [], { global: true });
  const workflow = normalizeWorkflow(config.workflow ?? null, new FieldReporter(sink, locations, 'workflow', ['workflow'], isMap(config.workflow) ? config.workflow : config));
  const defaults = normalizeDefaults(config, sink, locations);

  // Jobs.
  const definitions: JobDefinition[] = [];
  let order = 0;
  for (const name of Object.keys(config)) {
    if (RESERVED_KEYS.has(name) || name.startsWith('.') || extendsFailed.has(name)) continue;
    const value = config[name]!;
    const at = locations.keyOf(config, name);
    if (!isMap(value) || !isJobLike(value)) {
      sink.error(`jobs:${name} config should implement the script:, run:, or trigger: keyword`, at, [name]);
      continue;
    }
    if (name.length > 255) { sink.error(`jobs:${name} name is too long (maximum is 255 characters)`, at, [name]); continue; }
    const report = new FieldReporter(sink, locations, `jobs:${name}`, [name], value);
    const job = normalizeJob(name, order++, value, report, defaults);
    if (!job) continue;
    if (!stages.includes(job.stage)) {
      sink.error(`${name} job: chosen stage does not exist; available stages are ${stages.join(', ')}`, locations.valueOf(value, hasKey(value, 'stage') ? 'stage' : 'type'), [name, 'stage']);
    }
    definitions.push(job);
  }
  if (definitions.length === 0 && !sink.hasErrors) {
    sink.error('jobs config should contain at least one visible job', { file, line: 1, column: 1 });
  }
  const expandedCount = definitions.reduce((n, j) => n + expandedNames(j.name, j.parallel).length, 0);
  if (expandedCount > LIMITS.maxJobs) {
    sink.error(`The pipeline has too many jobs: ${expandedCount} after parallel expansion (maximum is ${LIMITS.maxJobs})`, { file, line: 0, column: 0 });
  }
  checkJobGraph(definitions, stages, sink, (job, key) => {
    const node = config[job];
    return isMap(node) ? locations.keyOf(node, key) : locations.keyOf(config, job);
  });
  if (sink.hasErrors) return fail();

  // Workflow.
  const globalLayer = yamlEntries(globalVariables);
  const workflowEnv = ruleEnvironment(mergeLayers(baseLayers[0]!, globalLayer, baseLayers[1]!, baseLayers[2]!), context, reader);
  const outcome = await evaluateWorkflow(workflow, workflowEnv);
  const variables: Record<string, PlanVariable> = { ...globalVariables, ...outcome.variables };
  const allVariables = mergeLayers(baseLayers[0]!, yamlEntries(variables), baseLayers[1]!, baseLayers[2]!);
  const expanded = expandAll(allVariables.map((e) => ({ key: e.key, value: e.value, expand: !e.raw }))).values;
  const name = workflow.name === null ? null : expandExisting(workflow.name, (k) => expanded.get(k));
  if (name !== null) predefined.CI_PIPELINE_NAME = name;

  const plan: Plan = {
    version: 1,
    stages,
    workflow: { created: outcome.created, reason: null, message: null, name, autoCancel: outcome.autoCancel, variables: outcome.variables },
    variables,
    predefinedVariables: predefined,
    jobs: [],
    excludedJobs: [],
    files,
  };
  if (!outcome.created) {
    plan.workflow.reason = 'filtered_by_workflow_rules';
    plan.workflow.message = 'Pipeline filtered out by workflow rules.';
    return { plan, diagnostics: sink.items };
  }

  const built = await buildJobs({
    definitions, stages, context, reader, sink, predefined, globalVariables: variables,
    hasWorkflowRules: workflow.rules !== null,
    environmentFor: (layers) => ruleEnvironment(layers, context, reader),
    baseLayers: { predefined: baseLayers[0]!, project: baseLayers[1]!, run: baseLayers[2]! },
    positionOf: (job, key) => { const node = config[job]; return isMap(node) ? locations.keyOf(node, key) : NO_POSITION; },
  });
  if (sink.hasErrors) return fail();
  plan.jobs = built.jobs;
  plan.excludedJobs = built.excluded;
  if (plan.jobs.length === 0) {
    plan.workflow.created = false;
    plan.workflow.reason = 'no_jobs';
    plan.workflow.message = 'Pipeline will not run for the selected trigger. The rules configuration prevented any jobs from being added to the pipeline.';
  }
  return { plan, diagnostics: sink.items };
}

/** Diagnostics in reading order: file (as first seen), then line and column; stable otherwise. */
function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const fileOrder = new Map<string, number>();
  for (const d of diagnostics) if (!fileOrder.has(d.file)) fileOrder.set(d.file, fileOrder.size);
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => fileOrder.get(a.d.file)! - fileOrder.get(b.d.file)! || a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
    .map(({ d }) => d);
}

function normalizeDefaults(config: ConfigMap, sink: DiagnosticSink, locations: Locations): CommonFields {
  // Legacy top-level keywords act as defaults; `default:` wins over them.
  const legacy = newMap();
  for (const key of ['before_script', 'after_script', 'image', 'services', 'cache']) {
    if (hasKey(config, key)) { legacy[key] = config[key]!; locations.copyEntry(config, key, legacy); }
  }
  const fromLegacy = normalizeCommon(legacy, new FieldReporter(sink, locations, 'root', [], legacy));
  const value = config.default ?? null;
  if (value === null) return fromLegacy;
  if (!isMap(value)) {
    sink.error('default config should be a hash', locations.valueOf(config, 'default'), ['default']);
    return fromLegacy;
  }
  const report = new FieldReporter(sink, locations, 'default', ['default'], value);
  const allowed = ['after_script', 'artifacts', 'before_script', 'cache', 'hooks', 'id_tokens', 'image', 'interruptible', 'retry', 'services', 'tags', 'timeout'];
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) sink.error(`default config contains unknown keys: ${unknown.join(', ')}`, locations.keyOf(value, unknown[0]!), ['default']);
  return { ...fromLegacy, ...normalizeCommon(value, report) };
}

/** Reader calls cached for the compilation (files listed once, hashes once per key). */
function memoizedReader(reader: RepositoryReader): RepositoryReader {
  let listing: Promise<string[]> | null = null;
  const texts = new Map<string, Promise<string | null>>();
  return {
    readFile: (path) => {
      let hit = texts.get(path);
      if (!hit) { hit = Promise.resolve(reader.readFile(path)).then((t) => (typeof t === 'string' ? t : null), () => null); texts.set(path, hit); }
      return hit;
    },
    listFiles: () => {
      listing ??= Promise.resolve(reader.listFiles()).then((l) => (Array.isArray(l) ? l.map((p) => p.replace(/^\/+/, '')) : []), () => []);
      return listing;
    },
    hashFiles: reader.hashFiles ? (paths) => Promise.resolve(reader.hashFiles!(paths)).catch(() => null) : undefined,
    changedPathsSince: reader.changedPathsSince ? (ref) => Promise.resolve(reader.changedPathsSince!(ref)).catch(() => null) : undefined,
  };
}

/**
 * What rules and only/except see. `variables` may be given as a function: a job whose rules never
 * look at a variable (most jobs: no rules, the default only) then costs no merge of its layers.
 */
export function ruleEnvironment(variables: PlanVariableEntry[] | (() => PlanVariableEntry[]), context: RunContext, reader: RepositoryReader): RuleEnvironment {
  let entries: PlanVariableEntry[] | null = typeof variables === 'function' ? null : variables;
  const list = () => (entries ??= (variables as () => PlanVariableEntry[])());
  let raw: Map<string, string> | null = null;
  let expanded: Map<string, string> | null = null;
  return {
    lookup: (name) => (raw ??= new Map(list().map((e) => [e.key, e.value]))).get(name),
    expandedLookup: (name) => {
      expanded ??= expandAll(list().map((e) => ({ key: e.key, value: e.value, expand: !e.raw }))).values;
      return expanded.get(name);
    },
    changedPaths: context.changedPaths ?? null,
    changedPathsSince: async (ref) => (reader.changedPathsSince ? (await reader.changedPathsSince(ref)) ?? null : null),
    worktreeFiles: async () => await reader.listFiles(),
  };
}
