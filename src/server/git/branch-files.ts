import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePackedRefs } from '../../shared/index.js';

/**
 * A branch's commit read from the repository's ref files, without asking git: the loose ref
 * `refs/heads/<name>`, else its line in `packed-refs`. git writes only commits to branches
 * (update-ref and receive-pack refuse anything else), so the id is the commit the branch leads
 * to, as `refs/heads/<name>^{commit}` would answer. Returns null when the branch does not exist,
 * and undefined when the files cannot answer (a repository with `[extensions]`, such as reftable
 * or sha256; a symbolic ref; anything unreadable): the caller then asks git.
 *
 * Races with a push are harmless: git replaces a loose ref by renaming a new file over it, and
 * pack-refs writes packed-refs before it deletes the loose file, so a reader sees the old tip or
 * the new one.
 */
export function branchTipFromFiles(gitDir: string, name: string): string | null | undefined {
  if (!plainRefs(gitDir)) return undefined;
  let loose: string | null = null;
  try {
    loose = readFileSync(join(gitDir, 'refs', 'heads', name), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR') return undefined;
  }
  if (loose !== null) {
    const oid = loose.trim();
    return /^[0-9a-f]{40}$/.test(oid) ? oid : undefined;
  }
  let packed: string;
  try {
    packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
  return parsePackedRefs(packed).get(`refs/heads/${name}`) ?? null;
}

/** Repositories whose refs are plain files (no `[extensions]`), remembered per git directory. */
const plain = new Map<string, boolean>();

function plainRefs(gitDir: string): boolean {
  let known = plain.get(gitDir);
  if (known === undefined) {
    try {
      known = !/^\s*\[\s*extensions\b/im.test(readFileSync(join(gitDir, 'config'), 'utf8'));
    } catch {
      return false;
    }
    if (plain.size > 10_000) plain.clear();
    plain.set(gitDir, known);
  }
  return known;
}
