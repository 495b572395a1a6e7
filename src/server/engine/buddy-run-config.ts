import type { Definition, Project, Store } from '../store/index.js';
import { actionsToCiConfig, type ActionInput } from './actions-plan.js';
import { effectiveSettings } from './buddy-pipeline-settings.js';
import { parameterMap, templateActions } from './buddy-remote-template.js';
import type { BuddyVariables } from './buddy-variables.js';
import type { RepositoryAccess } from './ports.js';
import type { ConfigText } from './run-creation.js';

/**
 * The run-creation hook for definitions whose jobs are Buddy actions: the CI config text of the
 * pipeline's actions as they are when the run is created (actions-plan.ts), compiled by the engine
 * like any `.gitlab-ci.yml`. A REMOTE definition takes its actions from its template file
 * (buddy-remote-template.ts) in `remote_project_name` of the same workspace, at the commit
 * `remote_ref` (default: that project's default branch) points at now; a template that cannot be
 * read or filled fails the run with the reason in yaml_errors.
 */
export function createBuddyRunConfig(deps: { store: Store; variables: BuddyVariables; repos?: RepositoryAccess }) {
  async function remoteActions(definition: Definition, project: Project): Promise<ActionInput[] | { yamlErrors: string }> {
    const s = definition.settings;
    const name = typeof s.remote_project_name === 'string' ? s.remote_project_name : '';
    const path = typeof s.remote_path === 'string' ? s.remote_path.replace(/^\/+/, '') : '';
    if (!name || !path) return { yamlErrors: 'REMOTE definition: remote_project_name and remote_path are required' };
    const workspace = await deps.store.workspaces.byId(project.workspaceId);
    const remote = workspace ? await deps.store.projects.byFullPath(workspace.path, name) : null;
    if (!remote) return { yamlErrors: `REMOTE definition: project '${name}' not found in this workspace` };
    if (!deps.repos) return { yamlErrors: 'REMOTE definition: repositories are not available to this server' };
    const ref = typeof s.remote_ref === 'string' && s.remote_ref ? s.remote_ref : remote.defaultBranch;
    const commit = await deps.repos.resolveRef(remote, ref);
    if (!commit) return { yamlErrors: `REMOTE definition: ref '${ref}' not found in project '${name}'` };
    const text = await deps.repos.readFile(remote, commit.sha, path);
    if (text === null) return { yamlErrors: `REMOTE definition: ${path} not found in project '${name}' at ${ref}` };
    const result = templateActions(path, text, parameterMap(s.remote_parameters));
    return result.ok ? result.actions : { yamlErrors: result.problems.join('\n') };
  }

  return async function configFor(definition: Definition, input: { project: Project; actionsToRun?: number[] | null }): Promise<ConfigText> {
    const { store } = deps;
    const settings = effectiveSettings(definition);
    const actions = settings.definition_source === 'REMOTE' ? await remoteActions(definition, input.project) : await store.buddyActions.forDefinition(definition.id);
    if (!Array.isArray(actions)) return actions;
    const [previous] = await store.runs.list({
      projectId: definition.projectId, definitionId: definition.id, excludeChildren: true, statuses: ['success', 'failed'],
      orderBy: 'id', sort: 'desc', offset: 0, limit: 1,
    });
    const { config } = actionsToCiConfig(actions, {
      actionsToRun: input.actionsToRun ?? null,
      previousStatus: previous?.status ?? null,
      actionVariables: await deps.variables.forActions(input.project, definition.id),
      pipelineVariables: await deps.variables.plainForPipeline(input.project, definition.id),
      // clone_depth → GIT_DEPTH (0 = full clone); fetch_all_refs needs every commit, so a full clone.
      pipeline: { id: definition.id, name: definition.name, cloneDepth: settings.fetch_all_refs ? 0 : settings.clone_depth, tags: settings.tags, fetchAllRefs: settings.fetch_all_refs === true, failOnPrepareWarning: settings.fail_on_prepare_env_warning !== false },
    });
    return JSON.stringify(config, null, 1);
  };
}
