import type { Kysely, Selectable } from 'kysely';
import type { Tables } from './tables.js';
import type { CiVariablesTable } from './tables-gitlab-api.js';

export type VariableOwner = { kind: 'project' | 'group'; id: number };

export interface CiVariable {
  id: number;
  ownerKind: 'project' | 'group';
  ownerId: number;
  key: string;
  value: string;
  variableType: 'env_var' | 'file';
  protected: boolean;
  masked: boolean;
  hidden: boolean;
  raw: boolean;
  environmentScope: string;
  description: string | null;
  createdAt: number;
}

export type CiVariableInput = Omit<CiVariable, 'id' | 'ownerKind' | 'ownerId' | 'createdAt'>;

/** Project and group CI/CD variables. Values are secrets: callers must never log them. */
export function createCiVariablesRepository(db: Kysely<Tables>) {
  const owned = (owner: VariableOwner) => db.selectFrom('ci_variables').selectAll().where('owner_kind', '=', owner.kind).where('owner_id', '=', owner.id);
  return {
    async list(owner: VariableOwner, offset = 0, limit = 10_000): Promise<{ items: CiVariable[]; total: number }> {
      const rows = await owned(owner).orderBy('id').offset(offset).limit(limit).execute();
      const count = await db.selectFrom('ci_variables').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('owner_kind', '=', owner.kind).where('owner_id', '=', owner.id).executeTakeFirstOrThrow();
      return { items: rows.map(toVariable), total: Number(count.n) };
    },
    /** Every variable of the owners, in the order given (for a run: group first, then project). */
    async forOwners(owners: VariableOwner[]): Promise<CiVariable[]> {
      const out: CiVariable[] = [];
      for (const owner of owners) out.push(...(await owned(owner).orderBy('id').execute()).map(toVariable));
      return out;
    },
    async byKey(owner: VariableOwner, key: string, environmentScope?: string): Promise<CiVariable[]> {
      let q = owned(owner).where('key', '=', key);
      if (environmentScope !== undefined) q = q.where('environment_scope', '=', environmentScope);
      return (await q.orderBy('id').execute()).map(toVariable);
    },
    async insert(owner: VariableOwner, v: CiVariableInput, createdAt: number): Promise<CiVariable> {
      const row = await db.insertInto('ci_variables').values({
        owner_kind: owner.kind, owner_id: owner.id, ...columns(v), created_at: createdAt,
      }).returningAll().executeTakeFirstOrThrow();
      return toVariable(row);
    },
    async update(id: number, v: CiVariableInput): Promise<void> {
      await db.updateTable('ci_variables').set(columns(v)).where('id', '=', id).execute();
    },
    async delete(id: number): Promise<void> {
      await db.deleteFrom('ci_variables').where('id', '=', id).execute();
    },
  };
}

function columns(v: CiVariableInput) {
  return {
    key: v.key, value: v.value, variable_type: v.variableType, protected: v.protected ? 1 : 0, masked: v.masked ? 1 : 0,
    hidden: v.hidden ? 1 : 0, raw: v.raw ? 1 : 0, environment_scope: v.environmentScope, description: v.description,
  };
}

function toVariable(row: Selectable<CiVariablesTable>): CiVariable {
  return {
    id: row.id, ownerKind: row.owner_kind === 'group' ? 'group' : 'project', ownerId: row.owner_id, key: row.key, value: row.value,
    variableType: row.variable_type === 'file' ? 'file' : 'env_var', protected: row.protected === 1, masked: row.masked === 1,
    hidden: row.hidden === 1, raw: row.raw === 1, environmentScope: row.environment_scope, description: row.description,
    createdAt: Number(row.created_at),
  };
}
