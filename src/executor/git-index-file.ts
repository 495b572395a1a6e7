import { createHash } from 'node:crypto';

/**
 * Git's index file, version 2 (Documentation/gitformat-index.txt), as `git checkout` would leave
 * it for a fresh work tree: one stage-0 entry per file, symlink and gitlink, no extensions. Pure.
 *
 * The stat data must be the real stat of what was written: git compares it with the work tree
 * to decide that a file is unchanged without reading it, so `git status` in the job is clean and
 * cheap. Entries whose mtime is not older than the index file are "racily clean" for git, which
 * then compares their content once; that is git's own rule and costs nothing in correctness.
 */
export interface IndexEntry {
  /** Path relative to the work tree, `/`-separated, as bytes. */
  path: Buffer;
  /** 0o100644, 0o100755, 0o120000 or 0o160000. */
  mode: number;
  /** 40 hex digits. */
  oid: string;
  stat: IndexStat;
}

/** The fields of lstat(2) that git records, as Node's bigint stat gives them. */
export interface IndexStat {
  ctimeNs: bigint;
  mtimeNs: bigint;
  dev: bigint;
  ino: bigint;
  uid: bigint;
  gid: bigint;
  size: bigint;
}

export const ZERO_STAT: IndexStat = { ctimeNs: 0n, mtimeNs: 0n, dev: 0n, ino: 0n, uid: 0n, gid: 0n, size: 0n };

const HEADER_BYTES = 12;
/** ctime, mtime (sec + nsec each), dev, ino, mode, uid, gid, size: ten 32-bit fields, + id + flags. */
const FIXED_ENTRY_BYTES = 10 * 4 + 20 + 2;
const NAME_MASK = 0xfff;

/** Git's order: by path bytes (memcmp), which is not the order of entries inside tree objects. */
export function compareIndexPaths(a: IndexEntry, b: IndexEntry): number {
  return Buffer.compare(a.path, b.path);
}

export function buildIndexFile(unsorted: readonly IndexEntry[]): Buffer {
  const entries = [...unsorted].sort(compareIndexPaths);
  let size = HEADER_BYTES + 20;
  for (const entry of entries) size += entryBytes(entry.path.length);
  const out = Buffer.alloc(size);
  out.write('DIRC', 0, 'latin1');
  out.writeUInt32BE(2, 4);
  out.writeUInt32BE(entries.length, 8);
  let at = HEADER_BYTES;
  for (const entry of entries) {
    const s = entry.stat;
    const fields = [
      s.ctimeNs / 1_000_000_000n, s.ctimeNs % 1_000_000_000n, s.mtimeNs / 1_000_000_000n, s.mtimeNs % 1_000_000_000n,
      s.dev, s.ino, BigInt(entry.mode), s.uid, s.gid, s.size,
    ];
    // Git keeps the low 32 bits of each (st_ino and st_size included).
    for (const value of fields) { out.writeUInt32BE(Number(BigInt.asUintN(32, value)), at); at += 4; }
    if (!/^[0-9a-f]{40}$/.test(entry.oid)) throw new Error(`bad object id ${entry.oid}`);
    out.write(entry.oid, at, 'hex');
    at += 20;
    out.writeUInt16BE(Math.min(entry.path.length, NAME_MASK), at);
    at += 2;
    entry.path.copy(out, at);
    // The name is followed by 1 to 8 NULs (the buffer is zeroed) so that entries stay 8-aligned.
    at += entryBytes(entry.path.length) - FIXED_ENTRY_BYTES;
  }
  createHash('sha1').update(out.subarray(0, at)).digest().copy(out, at);
  return out;
}

function entryBytes(nameLength: number): number {
  return (FIXED_ENTRY_BYTES + nameLength + 8) & ~7;
}
