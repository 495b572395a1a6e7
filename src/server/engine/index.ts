/**
 * server/engine: the use cases behind both APIs (accounts, projects, runs, queue, policies) and
 * the pure decision functions beside them. Imports shared, pipeline, protocol and server/store;
 * never http, git or executor — what it needs from them it declares as small interfaces.
 */
export * from './scopes.js';
export * from './roles.js';
export { createAccounts, PERSONAL_TOKEN_PREFIX, type Accounts, type Authenticated, type TokenRejection } from './accounts.js';
export { createProjects, slugify, type Projects, type Actor, type RepositoryLifecycle, type CreateProjectInput } from './projects.js';
export * from './statuses.js';
export { createEngine, JOB_TOKEN_PREFIX, RUNNER_TOKEN_PREFIX, type Engine, type EngineDeps, type JobOutcome } from './engine.js';
export { createNotifier, type Notifier, type EngineEvent } from './notifier.js';
export type { RepositoryAccess, EngineEvents } from './ports.js';
export { NO_EVENTS } from './ports.js';
export { normaliseRef, type CreateRunInput, type CreateRunResult } from './run-creation.js';
export { timeoutOf } from './job-payload.js';
export { createRunners, REGISTRATION_TOKEN_PREFIX, RUNNER_AUTH_PREFIX, type Runners, type NewRunnerInput } from './runners.js';
export { createRunnerService, type RunnerService, type TestReportParser } from './runner-service.js';
export { processPushEvents } from './push-intake.js';
export { createLoop } from './loops.js';
export { ADMIT_ALL, type DefinitionPolicies } from './definition-policies.js';
export { createCiVariables, type CiVariables } from './ci-variables.js';
export { createBuddyEngineHooks, type BuddyEngineHooks } from './buddy-engine-hooks.js';
export { createBuddyPolicies, admission, following, refusal, shouldPause } from './definition-policies-buddy.js';
export * from './buddy-statuses.js';
export * from './buddy-pipeline-settings.js';
export * from './buddy-permissions.js';
export { actionsToCiConfig, jobNameOf, SUPPORTED_ACTION_TYPES, TRIGGER_TIMES, RUN_NEXT, MAX_RETRIES, type ActionInput } from './actions-plan.js';
export { startBuddyRun, fireSchedules, followPushes, defaultRefOf, type BuddyRunRequest } from './buddy-runs.js';
export { createBuddyWebhooks, WEBHOOK_EVENTS, signatureOf, executionEvents, type BuddyWebhooks } from './buddy-webhooks.js';
export { clearPipelineCache } from './buddy-caches.js';
export { secretBoxFromKey, lazySecretBox, type SecretBox } from './buddy-secrets.js';
export { createBuddyVariables, scopeRank, type BuddyVariables } from './buddy-variables.js';
export { conditionsHold, refMatches, nextScheduleTime } from './buddy-triggers.js';
export { variableProblems, MASKABLE, MASKABLE_RAW, type VariableDraft } from './ci-variable-rules.js';
export type { CiVariableRecord, CiVariableFields } from './ci-variables.js';
export { startGitlabApiBackground, type GitlabApiBackground, type GitlabApiBackgroundDeps } from './gitlab-api-background.js';
export { createSchedules, type Schedules } from './schedules.js';
export { nextCronTime, cronProblems, validTimezone } from './schedule-cron.js';
export { createWebhooks, retryDelayMs, type Webhooks, type WebhookOptions } from './webhooks.js';
export { startDueDelayedRuns, runDelayedNow, parseDelayUntil, delayUntilOf, isDelayed, DELAY_VARIABLE } from './buddy-delays.js';
export { startBuddyRuns } from './buddy-runs.js';
export { loopCombinations, loopValues, LOOP_VARIABLE } from './buddy-loop.js';
export { runNextPipelines, passedVariables, mirroredState, SERVER_ACTION_TAG } from './buddy-run-next.js';
export { processRun, runStatusOf, type ProcessOutcome } from './run-processing.js';
