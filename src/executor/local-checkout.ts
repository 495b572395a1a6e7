import { lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { lstat, mkdir, symlink, writeFile } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import type { GitInfo } from '../protocol/index.js';
import { cloneLayout } from './clone-layout.js';
import { buildIndexFile, type IndexEntry, type IndexStat } from './git-index-file.js';
import type { GitObjectReaders, RepositoryObjects } from './git-object-readers.js';
import { parseCommit, parseTag, parseTree, type EntryKind, type GitObject } from './git-objects.js';
import { inspectHostedRepository, listBranches } from './hosted-repository.js';
import { shallowBoundary } from './shallow-boundary.js';

/**
 * The job's hosted repository, when it is on this machine's disk and the runner may read it
 * directly (the embedded runner). `readers` is the runner's shared pool of cat-file processes.
 */
export interface LocalRepository {
  gitDir: string;
  readers: GitObjectReaders;
}

export interface LocalCheckoutInput {
  git: GitInfo;
  /** remote.origin.url as the clone path would store it. */
  url: string;
  local: LocalRepository;
  /** An existing, empty directory. */
  projectDir: string;
  /** Aborted (cancel or timeout): stop between two writes and throw. */
  signal: AbortSignal;
}

/** Object directories the new `.git` reads through alternates (see HostedRepository.objectDirs). */
export interface LocalCheckoutResult {
  objectDirs: string[];
}

/**
 * Materialises the commit in `projectDir` without starting a process per job: objects come from
 * the runner's long-lived `git cat-file --batch` over the hosted repository; files, symlinks and
 * (for submodules, which are never initialised) empty directories are written here; then a
 * `.git` that borrows the hosted objects (alternates), holds the refs, config and shallow
 * boundary the clone path would leave (clone-layout.ts), and an index with the real stat data
 * of the written files, so that `git status` is clean without reading them.
 *
 * Throws on anything unexpected (missing object, a tree git would refuse, `.gitattributes` that
 * convert content on checkout, an unusable repository) and leaves a partly written directory:
 * the caller empties it and clones instead.
 */
export async function localCheckout(input: LocalCheckoutInput): Promise<LocalCheckoutResult> {
  const { git: info, local } = input;
  // Every outstanding read listens for the abort (up to WRITE_WINDOW of them, plus the tree
  // reads): on a signal of our own, so the job's signal keeps Node's leak warning meaningful.
  const own = new AbortController();
  setMaxListeners(0, own.signal);
  const forward = () => own.abort();
  if (input.signal.aborted) own.abort();
  input.signal.addEventListener('abort', forward, { once: true });
  const signal = own.signal;
  try {
    return await local.readers.use(local.gitDir, async (shared) => {
      // A read that never comes back (a stuck git) must not outlive the job's timeout or cancel;
      // writes are never abandoned (the caller empties the directory once they have settled).
      const reader: RepositoryObjects = {
        read: (name) => abortable(shared.read(name), signal),
        parentsOf: (commit) => abortable(shared.parentsOf(commit), signal),
      };
      // Everything that only reads goes at once: the repository's own files, the trees (after the
      // commit), the shallow walk and the tag. An unusable repository is the reason given when it
      // is one (its objects then fail to read too), and it throws before anything is written.
      const inspected = inspectHostedRepository(local.gitDir);
      const [hosted, remoteBranches, tree, shallow, tag] = await Promise.all([
        inspected,
        info.ref_type === 'branch' && info.depth === 0 ? listBranches(local.gitDir) : null,
        expect(reader, info.sha, 'commit').then((commit) => readWorkTree(reader, parseCommit(commit.body).tree)),
        shallowBoundary(info.sha, info.depth, (oid) => reader.parentsOf(oid)),
        info.ref_type === 'tag' ? readTag(reader, info.ref, info.sha) : null,
      ]).catch(async (error: unknown) => {
        await inspected;
        throw error;
      });
      stopIfAborted(signal);
      const layout = cloneLayout({
        git: info, url: input.url, alternate: hosted.objectDirs[0]!, remoteHead: hosted.headBranch,
        remoteBranches, tag, shallow,
      });
      const gitDir = join(input.projectDir, '.git');
      if (isSmall(tree)) {
        // A small tree is written without a thread-pool round trip per file operation: on a server
        // busy with other jobs each round trip costs more than the system call itself (a one-file
        // checkout took about 2.4 ms in hops against 0.2 ms of calls). Blobs still arrive
        // asynchronously from cat-file; each is written as it comes. The bound keeps every pause of
        // the event loop short.
        const index = await writeWorkTree(reader, tree, input.projectDir, signal, syncFiles);
        mkdirSync(gitDir);
        for (const dir of layout.dirs) mkdirSync(join(gitDir, dir));
        for (const f of layout.files) writeFileSync(join(gitDir, f.path), f.content);
        writeFileSync(join(gitDir, 'index'), buildIndexFile(index));
        return { objectDirs: hosted.objectDirs };
      }
      // The work tree and .git are independent: written side by side (file creation is what costs).
      const workTree = writeWorkTree(reader, tree, input.projectDir, signal, asyncFiles);
      const dotGit = (async () => {
        await mkdir(gitDir);
        await settleAll(layout.dirs.map((dir) => mkdir(join(gitDir, dir), { recursive: true })));
        await settleAll(layout.files.map((f) => writeFile(join(gitDir, f.path), f.content)));
      })();
      await settleAll<unknown>([workTree, dotGit]);
      // Last: the index's own mtime is what git compares file mtimes with.
      await writeFile(join(gitDir, 'index'), buildIndexFile(await workTree));
      return { objectDirs: hosted.objectDirs };
    });
  } finally {
    input.signal.removeEventListener('abort', forward);
  }
}

interface WorkTreeEntry {
  /** Relative path, `/`-separated. */
  path: string;
  kind: Exclude<EntryKind, 'tree'>;
  mode: number;
  oid: string;
}

interface WorkTree {
  /** Directories, parents before children. */
  dirs: string[];
  entries: WorkTreeEntry[];
}

/** Reads the commit's trees, one level at a time (each level's reads go to git together). */
async function readWorkTree(reader: RepositoryObjects, root: string): Promise<WorkTree> {
  const dirs: string[] = [];
  const entries: WorkTreeEntry[] = [];
  let level = [{ path: '', oid: root }];
  while (level.length > 0) {
    const trees = await Promise.all(level.map(async (t) => ({ ...t, object: await expect(reader, t.oid, 'tree') })));
    level = [];
    for (const t of trees) {
      for (const entry of parseTree(t.object.body)) {
        const path = t.path ? `${t.path}/${entry.name.toString('utf8')}` : entry.name.toString('utf8');
        if (entry.kind === 'tree') {
          dirs.push(path);
          level.push({ path, oid: entry.oid });
        } else {
          entries.push({ path, kind: entry.kind, mode: entry.mode, oid: entry.oid });
        }
      }
    }
  }
  return { dirs, entries };
}

/**
 * `.gitattributes` that make git change content on checkout (eol, crlf, ident, filters,
 * working-tree-encoding) would make our byte-for-byte files differ from git's: such trees are
 * left to git. Matching the words anywhere (comments included) errs on git's side.
 */
const CONVERTING_ATTRIBUTES = /\b(eol|crlf|ident|filter|working-tree-encoding)\b/;

/** Files read from git at once per job: enough to keep git busy, few enough to bound memory. */
const WRITE_WINDOW = 16;

/** Trees written synchronously: few entries and little content (see localCheckout). */
const SMALL_TREE_ENTRIES = 64;
const SMALL_TREE_DIRS = 32;

function isSmall(tree: WorkTree): boolean {
  return tree.entries.length <= SMALL_TREE_ENTRIES && tree.dirs.length <= SMALL_TREE_DIRS;
}

/** The file operations a checkout makes, blocking or through the thread pool. */
interface FileOps {
  mkdir(path: string): Promise<unknown>;
  symlink(target: Buffer, path: string): Promise<unknown>;
  writeFile(path: string, data: Buffer, mode: number): Promise<unknown>;
  lstat(path: string): Promise<IndexStat>;
}

const asyncFiles: FileOps = {
  mkdir: (path) => mkdir(path),
  symlink: (target, path) => symlink(target, path),
  writeFile: (path, data, mode) => writeFile(path, data, { mode, flag: 'wx' }),
  lstat: async (path) => indexStat(await lstat(path, { bigint: true })),
};

const syncFiles: FileOps = {
  mkdir: async (path) => mkdirSync(path),
  symlink: async (target, path) => symlinkSync(target, path),
  writeFile: async (path, data, mode) => writeFileSync(path, data, { mode, flag: 'wx' }),
  lstat: async (path) => indexStat(lstatSync(path, { bigint: true })),
};

async function writeWorkTree(reader: RepositoryObjects, tree: WorkTree, projectDir: string, signal: AbortSignal, fs: FileOps): Promise<IndexEntry[]> {
  // Directories come level by level (parents first): each level is created at once.
  for (let depth = 0, at = 0; at < tree.dirs.length; depth++) {
    const level: string[] = [];
    while (at < tree.dirs.length && slashes(tree.dirs[at]!) === depth) level.push(tree.dirs[at++]!);
    await settleAll(level.map((dir) => fs.mkdir(join(projectDir, dir))));
  }
  const index: IndexEntry[] = [];
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < tree.entries.length && !failed) {
      stopIfAborted(signal);
      const entry = tree.entries[next++]!;
      const path = join(projectDir, entry.path);
      if (entry.kind === 'gitlink') {
        // A submodule that is not initialised is an empty directory, as git checkout leaves it.
        await fs.mkdir(path);
      } else {
        const blob = await expect(reader, entry.oid, 'blob');
        if (entry.kind === 'symlink') {
          await fs.symlink(blob.body, path);
        } else {
          if (/(^|\/)\.gitattributes$/.test(entry.path) && CONVERTING_ATTRIBUTES.test(blob.body.toString('utf8'))) {
            throw new Error(`${entry.path} asks for content conversion`);
          }
          // git creates files 0666 / 0777 less the umask; so does open(2) here.
          await fs.writeFile(path, blob.body, entry.mode === 0o100755 ? 0o777 : 0o666);
        }
      }
      index.push({ path: Buffer.from(entry.path, 'utf8'), mode: entry.mode, oid: entry.oid, stat: await fs.lstat(path) });
    }
  };
  await settleAll(Array.from({ length: Math.min(WRITE_WINDOW, tree.entries.length) }, () => worker().catch((error: unknown) => {
    failed = true;
    throw error;
  })));
  return index;
}

function slashes(path: string): number {
  let n = 0;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) n++;
  return n;
}

function indexStat(s: { ctimeNs: bigint; mtimeNs: bigint; dev: bigint; ino: bigint; uid: bigint; gid: bigint; size: bigint }): IndexStat {
  return { ctimeNs: s.ctimeNs, mtimeNs: s.mtimeNs, dev: s.dev, ino: s.ino, uid: s.uid, gid: s.gid, size: s.size };
}

/** refs/tags/<t> in the hosted repository must still lead to the job's commit. */
async function readTag(reader: RepositoryObjects, tag: string, sha: string): Promise<{ oid: string; peeled: string }> {
  const ref = await reader.read(`refs/tags/${tag}`);
  if (!ref) throw new Error(`tag ${tag} not found`);
  let object: GitObject = ref;
  for (let hops = 0; object.type === 'tag' && hops < 10; hops++) object = await expect(reader, parseTag(object.body).object, undefined);
  if (object.oid !== sha) throw new Error(`tag ${tag} no longer points at ${sha.slice(0, 8)}`);
  return { oid: ref.oid, peeled: object.oid };
}

async function expect(reader: RepositoryObjects, oid: string, type: GitObject['type'] | undefined): Promise<GitObject> {
  const object = await reader.read(oid);
  if (!object) throw new Error(`object ${oid} is missing`);
  if (object.oid !== oid || (type && object.type !== type)) throw new Error(`object ${oid} is a ${object.type}, not a ${type}`);
  return object;
}

/**
 * Like Promise.all, but settles only once every write has ended: the caller empties the
 * directory after a failure, which must not race with writes still in flight.
 */
async function settleAll<T>(promises: Array<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('checkout stopped'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('checkout stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

function stopIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('checkout stopped');
}
