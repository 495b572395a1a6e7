/**
 * `$VAR` / `${VAR}` expansion of job variables, with gitlab-runner's semantics
 * (common/variables.go Expand/ExpandValue, which use Go's os.Expand):
 * - one pass: a referenced variable's value is inserted as it is, not expanded again;
 * - unknown variables expand to the empty string; `$$` is a literal `$`;
 * - shell specials (`$1`, `$*`, `$?`…) are kept literally for the shell;
 * - `raw` variables are never expanded; when a key repeats, the last one wins.
 * Pure.
 */
export interface ExpandableVariable {
  key: string;
  value: string;
  raw?: boolean;
}

const SPECIAL = new Set(['*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
}

/** Go's os.Expand getShellName: the name after `$` and how many characters it used. */
function shellName(s: string): { name: string; width: number } {
  if (s[0] === '{') {
    if (s.length > 2 && SPECIAL.has(s[1] ?? '') && s[2] === '}') return { name: s.slice(1, 2), width: 3 };
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') {
        if (i === 1) return { name: '', width: 2 }; // "${}" is bad syntax: eaten
        return { name: s.slice(1, i), width: i + 1 };
      }
    }
    return { name: '', width: 1 }; // no closing brace: bad syntax, eat the "{"
  }
  if (SPECIAL.has(s[0] ?? '')) return { name: s.slice(0, 1), width: 1 };
  let i = 0;
  while (i < s.length && isNameChar(s[i] ?? '')) i++;
  return { name: s.slice(0, i), width: i };
}

export function expandValue(value: string, lookup: (name: string) => string): string {
  let out = '';
  let start = 0;
  for (let j = 0; j < value.length; j++) {
    if (value[j] === '$' && j + 1 < value.length) {
      out += value.slice(start, j);
      const { name, width } = shellName(value.slice(j + 1));
      if (name === '' && width > 0) {
        // invalid syntax: the characters are dropped, as Go does
      } else if (name === '') {
        out += '$';
      } else {
        out += lookup(name);
      }
      j += width;
      start = j + 1;
    }
  }
  return out + value.slice(start);
}

/** gitlab-runner's JobVariables.Get: specials stay for the shell, last definition wins. */
export function variableLookup(variables: readonly ExpandableVariable[]): (name: string) => string {
  const byKey = new Map<string, string>();
  for (const v of variables) byKey.set(v.key, v.value);
  return (name) => {
    if (name === '$') return '$';
    if (SPECIAL.has(name)) return '$' + name;
    return byKey.get(name) ?? '';
  };
}

/** Expands every non-raw variable once against the list as given. */
export function expandVariables<T extends ExpandableVariable>(variables: readonly T[]): T[] {
  const lookup = variableLookup(variables);
  return variables.map((v) => (v.raw ? v : { ...v, value: expandValue(v.value, lookup) }));
}
