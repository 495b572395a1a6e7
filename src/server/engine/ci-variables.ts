import { AppError, type Clock } from '../../shared/index.js';
import type { ContextVariable } from '../../pipeline/index.js';
import type { Project, Store } from '../store/index.js';
import { variableProblems, type VariableDraft } from './ci-variable-rules.js';
import type { SecretBox } from './buddy-secrets.js';

type VariableOwner = { kind: 'project' | 'group'; id: number };
export type CiVariableRecord = Awaited<ReturnType<Store['ciVariables']['forOwners']>>[number];
export type CiVariableFields = VariableDraft & { protected: boolean };

/**
 * CI/CD variables a run receives from its project and workspace (GitLab's group and project
 * variables), and their management.
 *
 * Precedence (later wins): group variables, then project variables — GitLab's order below
 * pipeline (run) variables, which the job payload appends after these.
 * Protected variables reach only runs on protected refs; the caller decides what is protected
 * (the engine: the default branch; tags are not protected — GitLab's defaults, see
 * docs/api-compatibility.md). Environment scopes as GitLab applies them: `*` reaches every job;
 * another scope (`production`, `review/*`) only jobs whose environment matches it, and a more
 * specific scope wins over `*` for the same key. Rule evaluation at compile time sees `*` only.
 * Values are secrets: nothing here logs them; masked ones are flagged so the executor masks them;
 * with a secret box (the server's key) they are stored sealed (AES-256-GCM) and opened only
 * here — everything outside works with clear values. Rows written before sealing read as they are.
 */
export function createCiVariables(store: Store, clock: Clock = { now: () => Date.now() }, secrets?: () => Promise<SecretBox>) {
  async function seal(value: string): Promise<string> {
    return secrets ? (await secrets()).seal(value) : value;
  }
  async function opened<T extends { value: string }>(records: T[]): Promise<T[]> {
    if (!secrets) return records;
    const box = await secrets();
    return records.map((r) => ({ ...r, value: box.open(r.value) }));
  }

  async function forRun(project: Project, _ref: string, refProtected: boolean, _definitionId?: number, environment?: string | null): Promise<Record<string, ContextVariable>> {
    const owners: VariableOwner[] = [];
    if (project.workspaceKind === 'group') owners.push({ kind: 'group', id: project.workspaceId });
    owners.push({ kind: 'project', id: project.id });
    const out: Record<string, ContextVariable> = {};
    const visible = (await opened(await store.ciVariables.forOwners(owners)))
      .map((v, order) => ({ v, order, rank: scopeRank(v.environmentScope, environment ?? null) }))
      .filter((x) => x.rank !== null && (!x.v.protected || refProtected))
      // Group before project (the list's order), and within each a more specific scope later, so it wins.
      .sort((a, b) => (ownerRank(a.v) - ownerRank(b.v)) || (a.rank! - b.rank!) || (a.order - b.order));
    for (const { v } of visible) {
      out[v.key] = { value: v.value, ...(v.variableType === 'file' && { file: true }), masked: v.masked, ...(v.protected && { protected: true }), ...(v.raw && { raw: true }) };
    }
    return out;
  }

  function check(fields: CiVariableFields): void {
    const problems = variableProblems(fields);
    if (Object.keys(problems).length) throw new AppError('validation_failed', 'invalid variable', { details: problems });
  }

  async function create(owner: VariableOwner, fields: CiVariableFields): Promise<CiVariableRecord> {
    check(fields);
    if ((await store.ciVariables.byKey(owner, fields.key, fields.environmentScope)).length) {
      throw new AppError('name_taken', 'variable exists', { details: { key: [`(${fields.key}) has already been taken`] } });
    }
    try {
      const row = await store.ciVariables.insert(owner, { ...fields, value: await seal(fields.value), variableType: fields.variableType === 'file' ? 'file' : 'env_var' }, clock.now());
      return { ...row, value: fields.value };
    } catch (error) {
      if (/unique|duplicate/i.test((error as Error).message)) {
        throw new AppError('name_taken', 'variable exists', { details: { key: [`(${fields.key}) has already been taken`] } });
      }
      throw error;
    }
  }

  async function update(owner: VariableOwner, current: CiVariableRecord, fields: CiVariableFields): Promise<CiVariableRecord> {
    check(fields);
    const clash = (await store.ciVariables.byKey(owner, fields.key, fields.environmentScope)).find((v) => v.id !== current.id);
    if (clash) throw new AppError('name_taken', 'variable exists', { details: { key: [`(${fields.key}) has already been taken`] } });
    await store.ciVariables.update(current.id, { ...fields, value: await seal(fields.value), variableType: fields.variableType === 'file' ? 'file' : 'env_var' });
    return { ...current, ...fields, ownerKind: current.ownerKind, ownerId: current.ownerId, variableType: fields.variableType === 'file' ? 'file' : 'env_var' };
  }

  return {
    forRun, create, update, remove: (v: CiVariableRecord) => store.ciVariables.delete(v.id),
    /** A page of an owner's variables, values in clear. */
    async list(owner: VariableOwner, offset: number, limit: number): Promise<{ items: CiVariableRecord[]; total: number }> {
      const page = await store.ciVariables.list(owner, offset, limit);
      return { items: await opened(page.items), total: page.total };
    },
    /** An owner's variables with this key (and scope), values in clear. */
    async byKey(owner: VariableOwner, key: string, environmentScope?: string): Promise<CiVariableRecord[]> {
      return opened(await store.ciVariables.byKey(owner, key, environmentScope));
    },
  };
}

export type CiVariables = ReturnType<typeof createCiVariables>;

function ownerRank(v: { ownerKind?: string }): number {
  return v.ownerKind === 'group' ? 0 : 1;
}

/**
 * How a variable's environment scope applies to a job's environment: null when it does not,
 * else a rank (0 for `*`, 1 for a wildcard pattern, 2 for the exact name) — higher overrides.
 */
export function scopeRank(scope: string, environment: string | null): number | null {
  if (scope === '*') return 0;
  if (!environment) return null;
  if (scope === environment) return 2;
  if (!scope.includes('*')) return null;
  const pattern = new RegExp(`^${scope.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return pattern.test(environment) ? 1 : null;
}
