/**
 * From job definitions to Plan jobs: each definition is expanded into its parallel instances,
 * each instance is kept or left out by rules (or only/except), and the kept ones get their final
 * when / allow_failure / needs / variables. Needs are then resolved against the jobs actually in
 * the pipeline: a non-optional need on a job that rules left out is GitLab's error
 * "'test' job needs 'build' job, but 'build' is not in any previous stage".
 */
import { resolveCacheKeys } from './cache-field.js';
import type { RepositoryReader, RunContext } from './compile-input.js';
import type { DiagnosticSink, SourcePosition } from './diagnostic.js';
import { parseDuration } from './duration.js';
import { defaultRetry, emptyReports } from './job-fields.js';
import type { JobDefinition } from './job-definition.js';
import { mergeLayers, predefinedEntries, yamlEntries } from './job-variables.js';
import type { NeedSpec } from './needs-field.js';
import { DEFAULT_ONLY, onlyExceptKeep } from './only-except.js';
import { countJobName, matrixJobName } from './parallel.js';
import type { JobWhen, PlanJob, PlanNeed, PlanParallel, PlanVariable, PlanVariableEntry } from './plan.js';
import { jobPredefinedVariables } from './predefined-variables.js';
import type { RuleEnvironment } from './rule-environment.js';
import { firstMatchingRule, type RuleSpec } from './rules.js';
import { expandAll, expandExisting } from './variable-expansion.js';

export interface BuildJobsInput {
  definitions: JobDefinition[];
  stages: string[];
  context: RunContext;
  reader: RepositoryReader;
  sink: DiagnosticSink;
  predefined: Record<string, string>;
  globalVariables: Record<string, PlanVariable>;
  hasWorkflowRules: boolean;
  environmentFor(layers: () => PlanVariableEntry[]): RuleEnvironment;
  baseLayers: { predefined: PlanVariableEntry[]; project: PlanVariableEntry[]; run: PlanVariableEntry[] };
  positionOf(job: string, key: string): SourcePosition;
}

interface Instance {
  definition: JobDefinition;
  name: string;
  parallel: PlanParallel | null;
}

interface Kept {
  instance: Instance;
  rule: RuleSpec | null;
  variables: Record<string, PlanVariable>;
  needs: NeedSpec[] | null;
  order: number;
}

export async function buildJobs(input: BuildJobsInput): Promise<{ jobs: PlanJob[]; excluded: Array<{ name: string; reason: 'rules' | 'only_except' }> }> {
  const { context, sink } = input;
  const facts = {
    ref: context.ref, tag: context.tag, branch: !context.tag && context.source !== 'merge_request_event',
    source: context.source, projectPath: context.project.path,
  };
  const kept: Kept[] = [];
  const excluded: Array<{ name: string; reason: 'rules' | 'only_except' }> = [];
  const instancesByDefinition = new Map<string, string[]>();
  let order = 0;

  for (const definition of input.definitions) {
    const instances = expand(definition);
    instancesByDefinition.set(definition.name, instances.map((i) => i.name));
    for (const instance of instances) {
      const position = order++;
      const inherited = inheritedGlobals(input.globalVariables, definition.inheritVariables);
      const matrix: Record<string, PlanVariable> = {};
      for (const [k, v] of Object.entries(instance.parallel?.matrix ?? {})) matrix[k] = { value: v, expand: true };
      const yamlVariables = { ...inherited, ...definition.variables, ...matrix };
      const jobPredefined = jobPredefinedVariables(instance.name, definition.stage, definition.when ?? 'on_success', instance.parallel);
      const env = input.environmentFor(() => mergeLayers(
        input.baseLayers.predefined, predefinedEntries(jobPredefined), yamlEntries(yamlVariables), input.baseLayers.project, input.baseLayers.run,
      ));
      let rule: RuleSpec | null = null;
      if (definition.rules) {
        rule = await firstMatchingRule(definition.rules, env);
        if (!rule || rule.when === 'never') { excluded.push({ name: instance.name, reason: 'rules' }); continue; }
      } else {
        // GitLab drops the default `only: [branches, tags]` when workflow:rules exist.
        const only = definition.only ?? (input.hasWorkflowRules ? null : DEFAULT_ONLY);
        if (!(await onlyExceptKeep(only, definition.except, facts, env))) { excluded.push({ name: instance.name, reason: 'only_except' }); continue; }
      }
      kept.push({ instance, rule, variables: { ...yamlVariables, ...(rule?.variables ?? {}) }, needs: rule?.needs ?? definition.needs, order: position });
    }
  }

  const present = new Set(kept.map((k) => k.instance.name));
  const hash = input.reader.hashFiles ? (paths: string[]) => Promise.resolve(input.reader.hashFiles!(paths)) : null;
  const jobs: PlanJob[] = [];
  for (const item of kept) {
    const { instance, rule } = item;
    const d = instance.definition;
    const when: JobWhen = (rule?.when as JobWhen | null) ?? d.when ?? 'on_success';
    let startIn: string | null = null;
    if (when === 'delayed') {
      startIn = rule?.startIn ?? d.startIn;
      const seconds = parseDuration(startIn);
      if (startIn === null || seconds === null || seconds > 7 * 86400) {
        sink.error(`jobs:${d.name} start in should be a duration of at most 1 week`, input.positionOf(d.name, 'rules'), [d.name, 'start_in']);
      }
    }
    const allowFailure = rule?.allowFailure ?? d.allowFailure ?? d.when === 'manual';
    const exitCodes = rule?.allowFailureExitCodes ?? d.allowFailureExitCodes;
    const needs = resolveNeeds(item.needs, d.name, instance.name, instancesByDefinition, present, sink, input.positionOf(d.name, 'needs'));
    const dependencies = d.dependencies === null ? null : d.dependencies.flatMap((dep) => (instancesByDefinition.get(dep) ?? [dep]).filter((n) => present.has(n)));
    const predefinedVariables = jobPredefinedVariables(instance.name, d.stage, when, instance.parallel);
    // The job's variables, expanded once a field refers to one (most jobs' fields do not).
    let expanded: Map<string, string> | null = null;
    const jobValues = () => (expanded ??= expandAll(mergeLayers(
      input.baseLayers.predefined, predefinedEntries(predefinedVariables), yamlEntries(item.variables), input.baseLayers.project, input.baseLayers.run,
    ).map((e) => ({ key: e.key, value: e.value, expand: !e.raw }))).values);
    const expand = (text: string): string => expandExisting(text, (k) => jobValues().get(k));
    const c = d.kind === 'build' ? d.common : {};
    jobs.push({
      name: instance.name,
      definitionName: d.name,
      index: item.order,
      kind: d.kind,
      stage: d.stage,
      stageIndex: input.stages.indexOf(d.stage),
      when,
      startIn,
      startInSeconds: startIn === null ? null : parseDuration(startIn),
      allowFailure,
      allowFailureExitCodes: exitCodes,
      needs,
      dependencies,
      script: d.script,
      beforeScript: c.before_script ?? [],
      afterScript: c.after_script ?? [],
      variables: item.variables,
      predefinedVariables,
      image: c.image ?? null,
      services: c.services ?? [],
      artifacts: c.artifacts?.artifacts ?? null,
      reports: c.artifacts?.reports ?? emptyReports(),
      cache: await resolveCacheKeys(c.cache ?? [], hash),
      retry: c.retry ?? defaultRetry(),
      timeoutSeconds: c.timeout ?? null,
      coverageRegex: d.coverage,
      environment: d.environment ? { ...d.environment, name: expand(d.environment.name), url: d.environment.url === null ? null : expand(d.environment.url) } : null,
      resourceGroup: d.resourceGroup === null ? null : expand(d.resourceGroup),
      interruptible: rule?.interruptible ?? c.interruptible ?? null,
      tags: (c.tags ?? []).map(expand),
      trigger: d.trigger ? { ...d.trigger, include: d.trigger.include.map(expand) } : null,
      hooks: c.hooks ?? { preGetSourcesScript: [] },
      parallel: instance.parallel,
    });
  }
  jobs.sort((a, b) => a.stageIndex - b.stageIndex || a.index - b.index);
  return { jobs, excluded };
}

function expand(definition: JobDefinition): Instance[] {
  const p = definition.parallel;
  if (!p) return [{ definition, name: definition.name, parallel: null }];
  if (p.kind === 'count') {
    return Array.from({ length: p.total }, (_, i) => ({
      definition, name: countJobName(definition.name, i + 1, p.total), parallel: { index: i + 1, total: p.total, matrix: null },
    }));
  }
  return p.combinations.map((combo, i) => ({
    definition, name: matrixJobName(definition.name, combo), parallel: { index: i + 1, total: p.combinations.length, matrix: combo },
  }));
}

function inheritedGlobals(globals: Record<string, PlanVariable>, inherit: boolean | string[]): Record<string, PlanVariable> {
  if (inherit === true) return { ...globals };
  if (inherit === false) return {};
  const out: Record<string, PlanVariable> = {};
  for (const key of inherit) if (globals[key]) out[key] = globals[key]!;
  return out;
}

function resolveNeeds(
  needs: NeedSpec[] | null, definitionName: string, jobName: string, instances: Map<string, string[]>, present: Set<string>,
  sink: DiagnosticSink, at: SourcePosition,
): PlanNeed[] | null {
  if (needs === null) return null;
  const out: PlanNeed[] = [];
  for (const need of needs) {
    const names = need.matrix ? need.matrix.map((combo) => matrixJobName(need.job, combo)) : instances.get(need.job) ?? [need.job];
    for (const name of names) {
      if (!present.has(name)) {
        if (!need.optional) sink.error(`'${jobName}' job needs '${name}' job, but '${name}' is not in any previous stage`, at, [definitionName, 'needs']);
        continue;
      }
      if (!out.some((n) => n.job === name)) out.push({ job: name, artifacts: need.artifacts, optional: need.optional });
    }
  }
  return out;
}
