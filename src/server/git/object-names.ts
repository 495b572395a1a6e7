/**
 * Pure checks and parsers for what callers hand to git: object ids, ref names and repository
 * paths. Everything that reaches git's argv or a batch line goes through one of these first, so
 * nothing a caller sends can be read by git as an option or as a different kind of name.
 */

export const ZERO_SHA = '0'.repeat(40);

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isObjectId(value: string): boolean {
  return OBJECT_ID.test(value);
}

export function isZeroObjectId(value: string): boolean {
  return /^0+$/.test(value) && isObjectId(value);
}

/**
 * git-check-ref-format's rules for a branch or tag name (what follows refs/heads/ or refs/tags/),
 * plus two of Runnel's own: no leading `-` (it could read as an option) and at most 1,024 bytes.
 * object-names.test.ts holds it against `git check-ref-format` itself.
 */
export function isSafeRefName(name: string): boolean {
  if (name.length === 0 || name.length > 1024 || name.startsWith('-') || name.startsWith('/') || name.endsWith('/')) return false;
  if (name.endsWith('.') || name.includes('..') || name.includes('//') || name.includes('@{')) return false;
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return false;
  if ([...name].some((ch) => ch.charCodeAt(0) <= 0x20 || ch.charCodeAt(0) === 0x7f)) return false;
  return !/[~^:?*[\\]/.test(name);
}

/**
 * A path inside a commit's tree as `git cat-file` expects after `<sha>:`: no leading `./` or `/`,
 * no `.`/`..` segments and no newline (the batch protocol is line based). Null when unusable.
 */
export function normalizeTreePath(path: string): string | null {
  let p = path;
  while (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/^\/+/, '').replace(/\/+$/, '');
  if (p === '' || /[\n\r\0]/.test(p)) return null;
  if (p.split('/').some((part) => part === '' || part === '.' || part === '..')) return null;
  return p;
}

export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

/**
 * Parses `git cat-file --batch-check` output: one line per requested name, either
 * `<oid> <type> <size>` or `<name> missing` / `<name> ambiguous` (→ null).
 */
export function parseBatchCheck(output: string, expected: number): Array<ObjectInfo | null> {
  const lines = output.split('\n').slice(0, expected);
  return lines.map((line) => {
    const match = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+) (\d+)$/.exec(line);
    return match ? { oid: match[1]!, type: match[2]!, size: Number(match[3]) } : null;
  });
}
