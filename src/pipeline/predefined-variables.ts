/**
 * GitLab's predefined CI/CD variables for a run (doc/ci/variables/predefined_variables.md) and
 * for a job. Only values the compiler can know are set; job ids, tokens and URLs of the job are
 * added by the engine when the job is created.
 */
import type { RunContext } from './compile-input.js';
import { slugify } from './slug.js';

const ZERO_SHA = '0000000000000000000000000000000000000000';

export function pipelineVariables(context: RunContext, configPath: string): Record<string, string> {
  const p = context.project;
  const serverUrl = context.serverUrl ?? safeOrigin(p.url);
  const name = p.name ?? p.path.split('/').pop() ?? p.path;
  const vars: Record<string, string> = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER: 'yes',
    CI_SERVER_NAME: 'Runnel',
    CI_SERVER_URL: serverUrl,
    CI_SERVER_HOST: safeHost(serverUrl),
    CI_SERVER_PROTOCOL: serverUrl.startsWith('https') ? 'https' : 'http',
    CI_API_V4_URL: `${serverUrl}/api/v4`,
    CI_PIPELINE_ID: String(context.pipeline.id),
    CI_PIPELINE_IID: String(context.pipeline.iid),
    CI_PIPELINE_SOURCE: context.source,
    CI_PIPELINE_URL: `${p.url}/-/pipelines/${context.pipeline.id}`,
    CI_CONFIG_PATH: configPath,
    CI_COMMIT_SHA: context.sha,
    CI_COMMIT_SHORT_SHA: context.sha.slice(0, 8),
    CI_COMMIT_BEFORE_SHA: context.beforeSha || ZERO_SHA,
    CI_COMMIT_REF_NAME: context.ref,
    CI_COMMIT_REF_SLUG: slugify(context.ref),
    CI_COMMIT_REF_PROTECTED: context.refProtected ? 'true' : 'false',
    CI_DEFAULT_BRANCH: p.defaultBranch,
    CI_PROJECT_ID: String(p.id),
    CI_PROJECT_NAME: name,
    CI_PROJECT_TITLE: p.title ?? name,
    CI_PROJECT_PATH: p.path,
    CI_PROJECT_PATH_SLUG: slugify(p.path),
    CI_PROJECT_NAMESPACE: p.namespace,
    CI_PROJECT_ROOT_NAMESPACE: p.namespace.split('/')[0] ?? p.namespace,
    CI_PROJECT_URL: p.url,
    CI_PROJECT_VISIBILITY: p.visibility ?? 'private',
    CI_REPOSITORY_URL: `${p.url}.git`,
  };
  if (context.pipeline.createdAt) vars.CI_PIPELINE_CREATED_AT = context.pipeline.createdAt;
  if (context.tag) {
    vars.CI_COMMIT_TAG = context.ref;
  } else if (context.source !== 'merge_request_event') {
    vars.CI_COMMIT_BRANCH = context.ref;
  }
  if (context.source === 'trigger') vars.CI_PIPELINE_TRIGGERED = 'true';
  if (context.commit?.message !== undefined) {
    const message = context.commit.message;
    vars.CI_COMMIT_MESSAGE = message;
    vars.CI_COMMIT_TITLE = message.split('\n')[0] ?? '';
    vars.CI_COMMIT_DESCRIPTION = message.includes('\n') ? message.slice(message.indexOf('\n') + 1).replace(/^\n/, '') : '';
  }
  if (context.commit?.author !== undefined) vars.CI_COMMIT_AUTHOR = context.commit.author;
  if (context.commit?.timestamp !== undefined) vars.CI_COMMIT_TIMESTAMP = context.commit.timestamp;
  if (context.user) {
    vars.GITLAB_USER_ID = String(context.user.id);
    vars.GITLAB_USER_LOGIN = context.user.login;
    vars.GITLAB_USER_NAME = context.user.name;
    if (context.user.email !== undefined) vars.GITLAB_USER_EMAIL = context.user.email;
  }
  const mr = context.mergeRequest;
  if (context.source === 'merge_request_event' && mr) {
    vars.CI_MERGE_REQUEST_IID = String(mr.iid);
    vars.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME = mr.sourceBranch;
    vars.CI_MERGE_REQUEST_TARGET_BRANCH_NAME = mr.targetBranch;
    vars.CI_MERGE_REQUEST_PROJECT_ID = String(p.id);
    vars.CI_MERGE_REQUEST_PROJECT_PATH = p.path;
    vars.CI_MERGE_REQUEST_PROJECT_URL = p.url;
    vars.CI_MERGE_REQUEST_EVENT_TYPE = 'detached';
    if (mr.title !== undefined) vars.CI_MERGE_REQUEST_TITLE = mr.title;
    if (mr.labels) vars.CI_MERGE_REQUEST_LABELS = mr.labels.join(',');
  }
  return vars;
}

export function jobPredefinedVariables(
  name: string, stage: string, when: string, parallel: { index: number; total: number } | null,
): Record<string, string> {
  const vars: Record<string, string> = {
    CI_JOB_NAME: name,
    CI_JOB_NAME_SLUG: slugify(name),
    CI_JOB_STAGE: stage,
    CI_NODE_TOTAL: String(parallel?.total ?? 1),
  };
  if (parallel) vars.CI_NODE_INDEX = String(parallel.index);
  if (when === 'manual') vars.CI_JOB_MANUAL = 'true';
  return vars;
}

function safeOrigin(url: string): string {
  try { return new URL(url).origin; } catch { return url; }
}

function safeHost(url: string): string {
  try { return new URL(url).host; } catch { return ''; }
}
