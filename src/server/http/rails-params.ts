/**
 * Rails/Grape-style nested parameters from form bodies and query strings, as GitLab's clients
 * send them: `variables[][key]=A&variables[][value]=1` (a new array element starts when a key
 * repeats), `variables[0][key]=A` (indexed), `a[b]=1` (hash), `tags[]=x` (array of scalars).
 * Pure; never throws; depth is capped so a hostile key cannot build a deep structure.
 */
export type ParamValue = string | ParamValue[] | { [key: string]: ParamValue };

const MAX_DEPTH = 8;

export function parseRailsParams(pairs: Iterable<[string, string]>): Record<string, ParamValue> {
  const root: Record<string, ParamValue> = {};
  for (const [rawKey, value] of pairs) {
    const parts = splitKey(rawKey);
    if (parts.length === 0 || parts.length > MAX_DEPTH) continue;
    assign(root, parts, value);
  }
  return root;
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first < 0) return [key];
  const parts = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  let end = first;
  re.lastIndex = first;
  while ((m = re.exec(key)) !== null) {
    if (m.index !== end) return [key];
    parts.push(m[1] ?? '');
    end = re.lastIndex;
  }
  return end === key.length ? parts : [key];
}

function assign(container: Record<string, ParamValue>, parts: string[], value: string): void {
  const [head, ...rest] = parts as [string, ...string[]];
  if (rest.length === 0) { container[head] = value; return; }
  const next = rest[0]!;
  if (next === '' || /^\d+$/.test(next)) {
    let list = container[head];
    if (!Array.isArray(list)) { list = []; container[head] = list; }
    assignInArray(list, rest, value);
  } else {
    let obj = container[head];
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) { obj = {}; container[head] = obj; }
    assign(obj, rest, value);
  }
}

function assignInArray(list: ParamValue[], parts: string[], value: string): void {
  const [index, ...rest] = parts as [string, ...string[]];
  if (rest.length === 0) { list.push(value); return; }
  if (index === '') {
    // `a[][k]=v`: keep filling the last element until a key repeats, then start a new one (Rack).
    const key = rest[0]!;
    let last = list[list.length - 1];
    if (typeof last !== 'object' || last === null || Array.isArray(last) || (rest.length === 1 && key in last)) {
      last = {};
      list.push(last);
    }
    assign(last, rest, value);
    return;
  }
  const i = Number(index);
  if (i > 10_000) return;
  let element = list[i];
  if (typeof element !== 'object' || element === null || Array.isArray(element)) { element = {}; list[i] = element; }
  assign(element, rest, value);
}
