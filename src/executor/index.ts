/**
 * executor: runs ONE job payload on this machine — job directory, git checkout, caches,
 * dependency artifacts, the scripts (in a shell, a bubblewrap sandbox or docker containers),
 * the masked and capped log, artifact and report upload, coverage and dotenv extraction — and
 * says how it ended. It knows nothing of HTTP or the database: the runner injects the log sink,
 * the artifact transfer and the cache store.
 *
 * It may import only ../shared, ../pipeline and ../protocol, through their index files.
 */
export type { Executor, ExecutorJob, ScriptRun, ScriptOutcome } from './executor.js';
export { runJob, type RunJobDeps, type RunJobOptions, type JobResult } from './run-job.js';
export type { LogSink } from './job-log.js';
export type { ArtifactTransfer } from './job-artifacts.js';
export { createGitObjectReaders, type GitObjectReaders, type GitObjectReadersOptions } from './git-object-readers.js';
export { execFileTree, spawnOrphan, startSpawnHelper } from './spawner.js';
export { prepareBuildsRoot } from './job-dirs.js';
export { runProcessTree, type TreeRunOptions, type TreeRunOutcome } from './process-tree.js';
export type { LocalRepository } from './local-checkout.js';
export { createDirCacheStore, type CacheStore, type DirCacheStore } from './cache-store.js';
export { createShellExecutor, type ShellExecutorOptions } from './shell-executor.js';
export { createSandboxExecutor, sandboxAvailable, type SandboxExecutorOptions } from './sandbox-executor.js';
export { createDockerExecutor, dockerAvailable, type DockerExecutorOptions } from './docker-executor.js';
export { parseJUnit, type JUnitTestCase, type JUnitResult, type JUnitLimits, type TestCaseStatus } from './junit-report.js';
export { parseDotenv, type DotenvResult, DOTENV_MAX_BYTES, DOTENV_MAX_VARIABLES } from './dotenv-report.js';
export { extractCoverage } from './coverage.js';
export { createStreamMasker, type StreamMasker } from './stream-masker.js';
