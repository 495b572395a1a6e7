import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parsePackedRefs } from '../shared/index.js';

/**
 * What the in-process checkout needs to know about the bare repository it reads from, read from
 * its files (no process): whether it is a plain repository (SHA-1 objects, files ref backend, not
 * shallow, no partial-clone promisor), where its objects live, its HEAD branch, and — for full
 * clones — its branches. Throws with a reason when the repository is not one the checkout can
 * borrow from; the caller then clones instead.
 */
export interface HostedRepository {
  gitDir: string;
  /**
   * The object directories a work tree that borrows from this repository reads: its own, then
   * the ones it borrows from itself (objects/info/alternates, followed as git does). A sandbox
   * must show the job exactly these, read-only.
   */
  objectDirs: string[];
  /** The branch the repository's HEAD names (`main` for `ref: refs/heads/main`), or null. */
  headBranch: string | null;
}

/** Git follows alternates this deep (link_alt_odb_entry's depth limit). */
const MAX_ALTERNATE_DEPTH = 5;

export async function inspectHostedRepository(gitDir: string): Promise<HostedRepository> {
  // A handful of small files, read without yielding: each asynchronous read is four round trips
  // through libuv's thread pool, and these chains were most of a one-file checkout on a busy
  // server. The alternates chain is bounded (MAX_ALTERNATE_DEPTH).
  const config = readFileSync(join(gitDir, 'config'), 'utf8');
  const head = readFileSync(join(gitDir, 'HEAD'), 'utf8');
  // Any extension (sha256 objects, reftable refs, a promisor that fetches missing objects…)
  // changes how objects or refs are stored: leave those repositories to git.
  if (/^\s*\[\s*extensions\b/im.test(config)) throw new Error('repository uses extensions');
  if (existsSync(join(gitDir, 'shallow'))) throw new Error('repository is shallow');
  const objectDirs: string[] = [];
  collectObjectDirs(join(gitDir, 'objects'), objectDirs, 0);
  const headBranch = /^ref: refs\/heads\/(\S+)\s*$/.exec(head)?.[1] ?? null;
  return { gitDir, objectDirs, headBranch };
}

function collectObjectDirs(dir: string, out: string[], depth: number): void {
  if (out.includes(dir)) return;
  out.push(dir);
  if (depth >= MAX_ALTERNATE_DEPTH) return;
  let text: string;
  try {
    text = readFileSync(join(dir, 'info', 'alternates'), 'utf8');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    const entry = line.trim();
    if (!entry || entry.startsWith('#')) continue;
    if (entry.startsWith('"')) throw new Error('quoted alternates entry');
    collectObjectDirs(isAbsolute(entry) ? resolve(entry) : resolve(dir, entry), out, depth + 1);
  }
}

/** Branch name → object id, as `git for-each-ref refs/heads` would list them. */
export async function listBranches(gitDir: string): Promise<Map<string, string>> {
  const branches = new Map<string, string>();
  try {
    for (const [ref, oid] of parsePackedRefs(await readFile(join(gitDir, 'packed-refs'), 'utf8'))) {
      if (ref.startsWith('refs/heads/')) branches.set(ref.slice('refs/heads/'.length), oid);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Loose refs win over packed ones (they are newer).
  const headsDir = join(gitDir, 'refs', 'heads');
  const names = await readdir(headsDir, { recursive: true, withFileTypes: true });
  await Promise.all(names.filter((d) => d.isFile()).map(async (d) => {
    const path = join(d.parentPath ?? d.path, d.name);
    const oid = (await readFile(path, 'utf8')).trim();
    if (/^[0-9a-f]{40}$/.test(oid)) branches.set(path.slice(headsDir.length + 1), oid);
  }));
  return branches;
}
