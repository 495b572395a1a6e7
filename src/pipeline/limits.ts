/**
 * Hard limits. They exist so that a hostile or broken config costs bounded time and memory; each
 * one produces a diagnostic instead of a crash. GitLab's own defaults where it has them.
 */
export const LIMITS = {
  /** GitLab: max_yaml_size_bytes defaults to 1 MiB per file. */
  maxConfigBytes: 1024 * 1024,
  /** GitLab: max_yaml_depth 100. */
  maxYamlDepth: 100,
  /** Values produced while expanding YAML aliases and merge keys, over all files. */
  maxYamlNodes: 2_000_000,
  /** GitLab: include nesting depth is 100 in recent versions; 150 total includes by default. */
  maxIncludeDepth: 100,
  maxIncludes: 150,
  /** Jobs after parallel/matrix expansion. */
  maxJobs: 2000,
  /** GitLab: extends may chain up to 11 levels (a job and 10 ancestors). */
  maxExtendsDepth: 10,
  /** GitLab: !reference nesting. */
  maxReferenceDepth: 10,
  /** GitLab: parallel: N is 1..200; a matrix expands to at most 200 jobs. */
  maxParallel: 200,
  /** GitLab's expression lexer stops after 100 tokens. */
  maxExpressionTokens: 100,
  /** Nested arrays in script are flattened up to this depth (GitLab: 10). */
  maxScriptNesting: 10,
  /** GitLab: rules:exists stops counting glob comparisons after this and assumes a match. */
  maxExistsComparisons: 10_000,
} as const;
