import type { ContextVariable } from '../../pipeline/index.js';
import type { Project, Store } from '../store/index.js';
import type { SecretBox } from './buddy-secrets.js';

type VariableRow = Awaited<ReturnType<Store['buddyVariables']['visibleTo']>>[number];

/** Specificity of a variable's scope: workspace 0 < project 1 < pipeline 2 < action 3. */
export function scopeRank(v: Pick<VariableRow, 'projectId' | 'definitionId' | 'actionId'>): number {
  return v.actionId !== null ? 3 : v.definitionId !== null ? 2 : v.projectId !== null ? 1 : 0;
}

/**
 * The Buddy variables a run of a pipeline receives: workspace < project < pipeline < action (a
 * more specific scope wins for the same key). For actions pipelines, plain values are compiled
 * into the config (global variables, then each action's own), so the action scope wins; encrypted
 * values reach every job as masked project-level variables (they win over an action's plain
 * value of the same key — the one precedence difference from Buddy). Encrypted values are opened here, just before the runner gets them, and are
 * masked in job logs.
 */
export function createBuddyVariables(deps: { store: Store; secrets(): Promise<SecretBox> }) {
  async function clear(v: VariableRow): Promise<string> {
    return v.encrypted ? (await deps.secrets()).open(v.value) : v.value;
  }

  return {
    async forRun(project: Project, definitionId: number | undefined): Promise<Record<string, ContextVariable>> {
      if (definitionId === undefined) return {};
      // Actions pipelines get their plain values through the compiled config (so an action's own
      // variables can win over them); only encrypted ones travel this way, never stored in a plan.
      const actions = (await deps.store.definitions.byId(definitionId))?.source === 'actions';
      const rows = (await deps.store.buddyVariables.visibleTo(project.workspaceId, project.id, definitionId))
        .filter((v) => v.actionId === null && (!actions || v.encrypted))
        .sort((a, b) => scopeRank(a) - scopeRank(b) || a.id - b.id);
      const out: Record<string, ContextVariable> = {};
      for (const v of rows) out[v.key] = { value: await clear(v), masked: v.encrypted, file: v.type === 'FILE' };
      return out;
    },
    /** Plain (not encrypted) workspace < project < pipeline values, merged, for an actions pipeline's config. */
    async plainForPipeline(project: Project, definitionId: number): Promise<Record<string, string>> {
      const rows = (await deps.store.buddyVariables.visibleTo(project.workspaceId, project.id, definitionId))
        .filter((v) => v.actionId === null && !v.encrypted)
        .sort((a, b) => scopeRank(a) - scopeRank(b) || a.id - b.id);
      return Object.fromEntries(rows.map((v) => [v.key, v.value]));
    },
    /** Action-scoped variables of a pipeline's actions, by action id. */
    async forActions(project: Project, definitionId: number): Promise<Record<number, Record<string, string>>> {
      const out: Record<number, Record<string, string>> = {};
      for (const v of await deps.store.buddyVariables.visibleTo(project.workspaceId, project.id, definitionId)) {
        if (v.actionId === null) continue;
        (out[v.actionId] ??= {})[v.key] = await clear(v);
      }
      return out;
    },
  };
}

export type BuddyVariables = ReturnType<typeof createBuddyVariables>;
