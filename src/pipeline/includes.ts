/**
 * `include:` processing. Only local files are supported (from the same repository, at the run's
 * sha, through the reader), with wildcards and `rules`; remote, template, project and component
 * includes are reported as not supported. Like GitLab's External::Processor, the included files
 * are deep-merged in order and the including file's own content is merged last (it wins).
 * Include rules and include paths see pipeline-level variables only (predefined, project, run).
 */
import { hasKey, isMap, newMap, type ConfigMap, type ConfigValue } from './config-value.js';
import { deepMerge } from './deep-merge.js';
import type { DiagnosticSink, SourcePosition } from './diagnostic.js';
import { includeWildcard } from './glob.js';
import { LIMITS } from './limits.js';
import type { Locations } from './locations.js';
import { changesClause, existsClause, ifClause, type RuleEnvironment } from './rule-environment.js';
import { expandExisting } from './variable-expansion.js';
import { validateExpression } from './expression-evaluate.js';
import { loadYaml, type YamlBudget } from './yaml-load.js';
import type { RepositoryReader } from './compile-input.js';

export interface IncludeDeps {
  reader: RepositoryReader;
  env: RuleEnvironment;
  locations: Locations;
  sink: DiagnosticSink;
  budget: YamlBudget;
}

const INCLUDE_KEYS = new Set(['local', 'remote', 'template', 'project', 'file', 'ref', 'component', 'rules', 'inputs', 'integrity', 'cache']);
const INCLUDE_RULE_KEYS = new Set(['if', 'exists', 'changes', 'when']);
const UNSUPPORTED = ['remote', 'template', 'project', 'component'] as const;

export async function processIncludes(root: ConfigMap, rootFile: string, deps: IncludeDeps): Promise<{ config: ConfigMap; files: string[] }> {
  const files = [rootFile];
  const state = { count: 0 };
  const config = await processFile(root, rootFile, [rootFile], deps, files, state);
  return { config, files };
}

async function processFile(
  map: ConfigMap, file: string, stack: string[], deps: IncludeDeps, files: string[], state: { count: number },
): Promise<ConfigMap> {
  if (!hasKey(map, 'include')) return map;
  const { sink, locations } = deps;
  const entries = normalizeEntries(map.include ?? null);
  const includeAt = locations.keyOf(map, 'include');
  if (!entries) {
    sink.error('include config should be a hash, a string or an array of hashes and strings', includeAt, ['include']);
    return withoutInclude(map, locations);
  }
  let merged = newMap();
  for (const { entry, holder, index } of entries) {
    const at = holder ? locations.valueOf(holder, index) : includeAt;
    const paths = await resolveEntry(entry, at, deps);
    for (const path of paths) {
      state.count++;
      if (state.count > LIMITS.maxIncludes) {
        sink.error(`Maximum of ${LIMITS.maxIncludes} nested includes are allowed!`, at, ['include']);
        return withoutInclude(map, locations);
      }
      if (stack.includes(path)) {
        sink.error(`Include \`${path}\` was already included! (include loop: ${[...stack, path].join(' → ')})`, at, ['include']);
        continue;
      }
      if (stack.length > LIMITS.maxIncludeDepth) {
        sink.error(`Maximum of ${LIMITS.maxIncludeDepth} nested include levels exceeded`, at, ['include']);
        continue;
      }
      const text = await deps.reader.readFile(path);
      if (text === null || text === undefined) {
        sink.error(`Local file \`${path}\` does not exist!`, at, ['include']);
        continue;
      }
      if (!files.includes(path)) files.push(path);
      const loaded = loadYaml(text, path, locations, deps.budget);
      for (const d of loaded.diagnostics) sink.items.push(d);
      if (loaded.diagnostics.length > 0) continue;
      if (loaded.value === null) continue;
      if (!isMap(loaded.value)) {
        sink.error(`Included file \`${path}\` does not have valid YAML syntax!`, { file: path, line: 1, column: 1 }, ['include']);
        continue;
      }
      const content = await processFile(loaded.value, path, [...stack, path], deps, files, state);
      merged = deepMerge(merged, content, locations);
    }
  }
  return deepMerge(merged, withoutInclude(map, locations), locations);
}

interface Entry { entry: ConfigValue; holder: ConfigValue[] | null; index: number }

function normalizeEntries(value: ConfigValue): Entry[] | null {
  if (typeof value === 'string' || isMap(value)) return [{ entry: value, holder: null, index: 0 }];
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string' || isMap(v))) return null;
    return value.map((entry, index) => ({ entry, holder: value, index }));
  }
  return null;
}

async function resolveEntry(entry: ConfigValue, at: SourcePosition, deps: IncludeDeps): Promise<string[]> {
  const { sink, env } = deps;
  let local: ConfigValue;
  if (typeof entry === 'string') {
    if (/^https?:\/\//i.test(entry)) {
      sink.error(`include:remote is not supported by Runnel (\`${entry}\`); copy the file into the repository and use include:local`, at, ['include']);
      return [];
    }
    local = entry;
  } else if (isMap(entry)) {
    const unknown = Object.keys(entry).filter((k) => !INCLUDE_KEYS.has(k));
    if (unknown.length > 0) {
      sink.error(`include config contains unknown keys: ${unknown.join(', ')}`, at, ['include']);
      return [];
    }
    const unsupported = UNSUPPORTED.find((k) => hasKey(entry, k));
    if (unsupported) {
      sink.error(`include:${unsupported} is not supported by Runnel; only include:local is`, at, ['include']);
      return [];
    }
    if (hasKey(entry, 'inputs')) sink.warning('include:inputs (spec:inputs) is not supported by Runnel and is ignored', at, ['include', 'inputs']);
    if (!hasKey(entry, 'local')) {
      sink.error('include config should contain the local: keyword', at, ['include']);
      return [];
    }
    if (hasKey(entry, 'rules') && !(await includeRulesMatch(entry.rules ?? null, at, deps))) return [];
    local = entry.local ?? null;
  } else return [];

  if (typeof local !== 'string' || local.trim() === '') {
    sink.error('include:local should be a string', at, ['include', 'local']);
    return [];
  }
  const path = expandExisting(local, env.lookup).replace(/^\/+/, '');
  if (!/\.ya?ml$/.test(path)) {
    sink.error(`Included file \`${path}\` does not have YAML extension!`, at, ['include', 'local']);
    return [];
  }
  if (!path.includes('*')) return [path];
  const all = await deps.reader.listFiles(path);
  const matched = all.filter((p) => includeWildcard(path, p)).sort();
  if (matched.length === 0) sink.error(`Included file \`${path}\` does not match any files`, at, ['include', 'local']);
  return matched;
}

async function includeRulesMatch(rules: ConfigValue, at: SourcePosition, deps: IncludeDeps): Promise<boolean> {
  const { sink, env } = deps;
  if (!Array.isArray(rules)) {
    sink.error('include rules should be an array of hashes', at, ['include', 'rules']);
    return false;
  }
  for (const rule of rules) {
    if (!isMap(rule)) { sink.error('include rule should be a hash', at, ['include', 'rules']); return false; }
    const unknown = Object.keys(rule).filter((k) => !INCLUDE_RULE_KEYS.has(k));
    if (unknown.length > 0) { sink.error(`include rule config contains unknown keys: ${unknown.join(', ')}`, at, ['include', 'rules']); return false; }
    if (typeof rule.if === 'string') {
      const problem = validateExpression(rule.if);
      if (problem) { sink.error(`include rule if invalid expression syntax`, at, ['include', 'rules', 'if']); return false; }
    }
    let matched = true;
    if (typeof rule.if === 'string') matched &&= ifClause(rule.if, env);
    if (matched && hasKey(rule, 'changes')) matched = await changesClause(rule.changes ?? null, env);
    if (matched && hasKey(rule, 'exists')) matched = await existsClause(rule.exists ?? null, env);
    if (matched) return rule.when !== 'never';
  }
  return false;
}

function withoutInclude(map: ConfigMap, locations: Locations): ConfigMap {
  const out = newMap();
  locations.register(out, locations.of(map));
  for (const key of Object.keys(map)) {
    if (key === 'include') continue;
    out[key] = map[key]!;
    locations.copyEntry(map, key, out);
  }
  return out;
}
