/**
 * Git's object formats as the in-process checkout reads them (SHA-1 repositories only): the
 * binary tree format, and the headers of commits and tags. Pure: bytes in, values out. Anything
 * unexpected throws, and the checkout then falls back to `git clone`, which will say what git
 * thinks of the object.
 */

export type GitObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface GitObject {
  oid: string;
  type: GitObjectType;
  body: Buffer;
}

/** What a tree entry becomes in the work tree; the index stores `mode` as given here. */
export type EntryKind = 'tree' | 'file' | 'symlink' | 'gitlink';

export interface TreeEntry {
  /** The name as stored (bytes: git does not know encodings). */
  name: Buffer;
  kind: EntryKind;
  /** 0o40000, 0o100644, 0o100755, 0o120000 or 0o160000 (git's canonical modes). */
  mode: number;
  oid: string;
}

const OID_BYTES = 20;

/**
 * Parses a tree object: `<octal mode> <name>\0<20-byte id>` repeated. Modes are canonicalised the
 * way git's checkout does (any regular file is 644 or 755 by its owner-execute bit). Throws on a
 * malformed tree, an unknown mode, or a name that git itself would refuse to check out (see
 * `unsafeName`), and on duplicate names.
 */
export function parseTree(body: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const seen = new Set<string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const nul = space < 0 ? -1 : body.indexOf(0x00, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + OID_BYTES > body.length) throw new Error('malformed tree');
    const modeText = body.toString('latin1', at, space);
    if (!/^[0-7]{5,6}$/.test(modeText)) throw new Error(`bad tree entry mode ${JSON.stringify(modeText)}`);
    const name = Buffer.from(body.subarray(space + 1, nul));
    const oid = body.toString('hex', nul + 1, nul + 1 + OID_BYTES);
    at = nul + 1 + OID_BYTES;
    const raw = parseInt(modeText, 8);
    const kind = kindOf(raw);
    const problem = unsafeName(name, kind);
    if (problem) throw new Error(`tree entry ${JSON.stringify(name.toString('utf8'))}: ${problem}`);
    const key = name.toString('latin1');
    if (seen.has(key)) throw new Error(`duplicate tree entry ${JSON.stringify(name.toString('utf8'))}`);
    seen.add(key);
    entries.push({ name, kind, mode: canonicalMode(raw, kind), oid });
  }
  return entries;
}

function kindOf(mode: number): EntryKind {
  switch (mode & 0o170000) {
    case 0o040000: return 'tree';
    case 0o100000: return 'file';
    case 0o120000: return 'symlink';
    case 0o160000: return 'gitlink';
    default: throw new Error(`unknown tree entry mode ${mode.toString(8)}`);
  }
}

function canonicalMode(mode: number, kind: EntryKind): number {
  if (kind === 'file') return mode & 0o100 ? 0o100755 : 0o100644;
  return kind === 'tree' ? 0o040000 : kind === 'symlink' ? 0o120000 : 0o160000;
}

/**
 * Why a name must not be written, or null. Git's checkout refuses `.`, `..`, `.git` (with the
 * variants NTFS would treat as `.git`, which git refuses on every platform) and names with a
 * slash; a symlink may not be named like git's own `.git*` files. Pushes to Runnel are fsck'ed,
 * so these are only met in repositories that came from elsewhere; being stricter than git costs
 * nothing but a fall back to `git clone`, which then decides like git does.
 */
export function unsafeName(name: Buffer, kind: EntryKind): string | null {
  if (name.length === 0) return 'empty name';
  if (name.includes(0x2f) || name.includes(0x5c) || name.includes(0x00)) return 'separator in name';
  const text = name.toString('latin1');
  if (text === '.' || text === '..') return 'dot name';
  const folded = text.toLowerCase().replace(/[. ]+$/, '');
  if (folded === '.git' || folded === 'git~1' || folded.startsWith('.git:')) return 'names the repository';
  if (kind === 'symlink' && folded.startsWith('.git')) return 'symlink named like a git file';
  // The work tree is written through string paths: a name must survive UTF-8 decoding.
  if (!Buffer.from(name.toString('utf8'), 'utf8').equals(name)) return 'name is not UTF-8';
  return null;
}

export interface CommitHeader {
  tree: string;
  parents: string[];
}

/** The tree and parents of a commit object (headers only; the message is not needed). */
export function parseCommit(body: Buffer): CommitHeader {
  const end = body.indexOf('\n\n');
  const headers = body.toString('utf8', 0, end < 0 ? body.length : end).split('\n');
  const tree = /^tree ([0-9a-f]{40})$/.exec(headers[0] ?? '')?.[1];
  if (!tree) throw new Error('commit without a tree header');
  const parents: string[] = [];
  for (const line of headers.slice(1)) {
    const parent = /^parent ([0-9a-f]{40})$/.exec(line)?.[1];
    if (!parent) break;
    parents.push(parent);
  }
  return { tree, parents };
}

/** The object an annotated tag points at, and that object's type. */
export function parseTag(body: Buffer): { object: string; type: string } {
  const head = body.toString('utf8', 0, Math.min(body.length, 200)).split('\n');
  const object = /^object ([0-9a-f]{40})$/.exec(head[0] ?? '')?.[1];
  const type = /^type (\w+)$/.exec(head[1] ?? '')?.[1];
  if (!object || !type) throw new Error('malformed tag');
  return { object, type };
}
