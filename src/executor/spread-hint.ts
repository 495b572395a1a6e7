import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { findBinary } from './find-binary.js';
import { runProcessTree } from './process-tree.js';

/**
 * Marks a directory whose subdirectories are unrelated to each other (a builds root: one job
 * workspace each) with the ext2/3/4 "top directory" attribute (`chattr +T`), so that the block
 * allocator places each new subdirectory, and the files made inside it, in a block group of its
 * own instead of beside its parent — on an ext4 file system without a journal, and only there.
 *
 * Why: without a journal, ext4 will not hand out an inode freed within the last minute (six
 * while its inode-table block is unwritten), and on every allocation it checks each such inode
 * from the start of the group. A runner deletes every finished job's workspace, so without the
 * hint all workspaces share their parent's group and each new file pays a scan over every
 * recently deleted one: creating a job's ~20 entries went from ~0.6 ms to 2–9 ms after a few
 * back-to-back local runs on such a disk (docs/benchmarks.md). Spreading costs a search of the
 * group descriptors per workspace (~0.3 ms), which a journaled file system, where freed inodes
 * are reused at once, would pay for nothing; hence the check. The attribute is not inherited.
 *
 * Best effort and idempotent: elsewhere, without `chattr`, or without the right to change the
 * directory's attributes, nothing changes and nothing is reported. Resolves to whether it was set.
 */
export async function hintUnrelatedSubdirectories(dir: string): Promise<boolean> {
  if (ext4JournalOf(dir) !== 'none') return false;
  const outcome = await runProcessTree({
    command: findBinary('chattr'), args: ['+T', '--', dir], cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    timeoutMs: 5_000, killGraceMs: 500,
  }).catch(() => null);
  return outcome?.exitCode === 0;
}

/**
 * Whether the ext4 file system holding `dir` has a journal, read from sysfs
 * (/sys/fs/ext4/<device>/journal_task names the journal thread, or says `<none>`).
 * 'unknown' when it is not ext4, not Linux, or sysfs does not say.
 */
export function ext4JournalOf(dir: string): 'none' | 'journal' | 'unknown' {
  if (process.platform !== 'linux') return 'unknown';
  try {
    const { major, minor } = deviceNumbers(statSync(dir, { bigint: true }).dev);
    const device = basename(readlinkSync(`/sys/dev/block/${major}:${minor}`));
    const task = readFileSync(`/sys/fs/ext4/${device}/journal_task`, 'utf8').trim();
    return task === '<none>' ? 'none' : 'journal';
  } catch {
    return 'unknown';
  }
}

/** Linux's dev_t split as glibc's major()/minor() do it. */
export function deviceNumbers(dev: bigint): { major: number; minor: number } {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}
