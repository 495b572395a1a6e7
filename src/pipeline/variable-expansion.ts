/**
 * Server-side `$VAR` expansion with GitLab's rules (lib/expand_variables.rb):
 * `$NAME`, `${NAME}` and `%NAME%` are replaced when the variable exists and left as written when
 * it does not ("expand existing"); `$$` and `%%` are escapes that stay as they are here (the
 * runner turns `$$` into `$` when the job runs).
 */
export type Lookup = (name: string) => string | undefined;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function expandExisting(text: string, lookup: Lookup): string {
  if (!text.includes('$') && !text.includes('%')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '$') {
      const next = text[i + 1];
      if (next === '$') { out += '$$'; i += 2; continue; }
      if (next === '{') {
        const close = text.indexOf('}', i + 2);
        const name = close < 0 ? '' : text.slice(i + 2, close);
        if (close >= 0 && isName(name)) {
          const value = lookup(name);
          out += value ?? text.slice(i, close + 1);
          i = close + 1;
          continue;
        }
      } else if (next !== undefined && NAME_START.test(next)) {
        let j = i + 1;
        while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
        const value = lookup(text.slice(i + 1, j));
        out += value ?? text.slice(i, j);
        i = j;
        continue;
      }
    } else if (c === '%') {
      if (text[i + 1] === '%') { out += '%%'; i += 2; continue; }
      const close = text.indexOf('%', i + 1);
      const name = close < 0 ? '' : text.slice(i + 1, close);
      if (close >= 0 && isName(name)) {
        const value = lookup(name);
        if (value !== undefined) { out += value; i = close + 1; continue; }
      }
    }
    out += c;
    i++;
  }
  return out;
}

function isName(name: string): boolean {
  return name.length > 0 && NAME_START.test(name[0]!) && [...name].every((ch) => NAME_CHAR.test(ch));
}

/** Names referenced by `text` ($NAME, ${NAME}, %NAME%), for dependency ordering. */
export function referencedNames(text: string): string[] {
  const names: string[] = [];
  expandExisting(text, (name) => { names.push(name); return undefined; });
  return names;
}

export interface ExpandableVariable {
  key: string;
  value: string;
  /** false for `expand: false` and raw variables: the value is used literally. */
  expand: boolean;
}

/**
 * GitLab's `sort_and_expand_all`: each expandable value has the variables it references expanded,
 * recursively, the last definition of a key winning. A reference cycle leaves the values as
 * written and reports the keys involved (GitLab: "circular variable reference detected: A, B").
 */
export function expandAll(variables: readonly ExpandableVariable[]): { values: Map<string, string>; cycle: string[] | null } {
  const byKey = new Map<string, ExpandableVariable>();
  for (const v of variables) byKey.set(v.key, v);
  const done = new Map<string, string>();
  const visiting = new Set<string>();
  let cycle: string[] | null = null;

  const resolve = (key: string): string | undefined => {
    const known = done.get(key);
    if (known !== undefined) return known;
    const v = byKey.get(key);
    if (!v) return undefined;
    if (!v.expand) { done.set(key, v.value); return v.value; }
    if (visiting.has(key)) {
      cycle ??= [...visiting];
      return undefined;
    }
    visiting.add(key);
    const value = expandExisting(v.value, (name) => (name === key ? undefined : resolve(name)));
    visiting.delete(key);
    done.set(key, value);
    return value;
  };
  for (const key of byKey.keys()) resolve(key);
  if (cycle) return { values: new Map([...byKey].map(([k, v]) => [k, v.value])), cycle };
  return { values: done, cycle: null };
}
