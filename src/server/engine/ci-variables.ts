import type { ContextVariable } from '../../pipeline/index.js';
import type { Project, Store } from '../store/index.js';

/**
 * CI/CD variables a run receives from its project and workspace (GitLab's group and project
 * variables, Buddy's scoped variables), protected ones only on protected refs, in precedence
 * order (later wins). TODO(issues 5, 6): read the variable tables.
 */
export function createCiVariables(_store: Store) {
  return {
    async forRun(_project: Project, _ref: string, _refProtected: boolean, _definitionId?: number): Promise<Record<string, ContextVariable>> {
      return {};
    },
  };
}

export type CiVariables = ReturnType<typeof createCiVariables>;
