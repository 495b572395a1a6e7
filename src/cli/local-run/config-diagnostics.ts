import { compile, type Diagnostic } from '../../pipeline/index.js';
import type { RepositoryAccess } from '../../server/engine/index.js';
import type { Project, Run } from '../../server/store/index.js';

/**
 * The positioned diagnostics of a config the engine refused. The engine keeps only the messages
 * (a run's yaml_errors, as GitLab does); a local run owes the user file:line:column, so the same
 * compiler reads the same snapshot once more — only on this failure path, never on success.
 */
export async function configDiagnostics(repos: RepositoryAccess, project: Project, snapshot: { sha: string; branch: string }, run: Run): Promise<Diagnostic[]> {
  const configPath = project.ciConfigPath || '.gitlab-ci.yml';
  const config = await repos.readFile(project, snapshot.sha, configPath);
  if (config === null) return [];
  const variables: Record<string, string> = {};
  for (const v of run.variables) variables[v.key] = v.value;
  const result = await compile({
    config, configPath,
    reader: {
      readFile: (path) => repos.readFile(project, snapshot.sha, path),
      listFiles: () => repos.listFiles(project, snapshot.sha),
      hashFiles: (paths) => repos.hashFiles(project, snapshot.sha, paths),
      changedPathsSince: async () => null,
    },
    context: {
      ref: snapshot.branch, tag: false, sha: snapshot.sha, source: 'push', variables, changedPaths: null,
      refProtected: snapshot.branch === project.defaultBranch,
      project: {
        id: project.id, path: `${project.workspacePath}/${project.path}`, namespace: project.workspacePath, name: project.path,
        defaultBranch: project.defaultBranch, url: `http://localhost/${project.workspacePath}/${project.path}`,
      },
      pipeline: { id: run.id, iid: run.iid },
      configPath,
    },
  });
  return result.diagnostics.filter((d) => d.severity === 'error');
}
