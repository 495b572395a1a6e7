import { openCatFileBatch, type CatFileBatch, type CatFileBatchOptions } from './cat-file-batch.js';
import { parseCommit, type GitObject } from './git-objects.js';

/**
 * The `git cat-file --batch` processes of a runner, one per repository, shared by its jobs: the
 * first checkout from a repository starts one, the next ones reuse it (no process per job), and
 * it is closed once no job has used it for `idleMs`, when more than 16 readers are idle (the
 * least recently used first), or when the runner stops. A reader that died is replaced at the
 * next use. Concurrent jobs share a reader safely (see cat-file-batch.ts).
 */
export interface GitObjectReaders {
  /** Runs `body` with the repository's objects; its reader is not closed while a body runs. */
  use<T>(gitDir: string, body: (objects: RepositoryObjects) => Promise<T>): Promise<T>;
  /** Closes every reader; later `use` calls start new ones. */
  close(): Promise<void>;
  /** Repositories with a live reader (tests, metrics). */
  readonly open: number;
}

/** One repository's objects, as the in-process checkout reads them. */
export interface RepositoryObjects {
  /**
   * See CatFileBatch.read. Objects named by their full id never change: small ones are
   * remembered while the reader lives (jobs of one pipeline check out the same commit, so all
   * but the first read nothing from git), and a read already on its way is shared. Names that
   * can move (refs, `HEAD`) are always asked of git. The body must not be modified.
   */
  read(name: string): Promise<GitObject | null>;
  /**
   * A commit's parents. Commits never change, so they are remembered while the reader lives:
   * the shallow-boundary walk of the next job on the same history (GIT_DEPTH commits, one
   * round trip to git each) then costs no read at all.
   */
  parentsOf(commit: string): Promise<readonly string[]>;
}

export interface GitObjectReadersOptions extends CatFileBatchOptions {
  /** Close a repository's reader after this long unused. Default 30 s. */
  idleMs?: number;
}

/** Remembered commits per repository; past this the memory starts afresh (it is only a cache). */
const MAX_REMEMBERED_COMMITS = 20_000;
/** Objects remembered per repository: each at most OBJECT_MAX_BYTES, OBJECTS_MAX_BYTES in all. */
const OBJECT_MAX_BYTES = 64 * 1024;
const OBJECTS_MAX_BYTES = 4 * 1024 * 1024;
/** Idle readers kept (each a git process and its objects); past this the least recent closes. */
const MAX_IDLE_READERS = 16;
const OBJECT_ID = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

interface Slot {
  reader: CatFileBatch;
  objects: RepositoryObjects;
  users: number;
  timer: NodeJS.Timeout | null;
}

export function createGitObjectReaders(options: GitObjectReadersOptions = {}): GitObjectReaders {
  const idleMs = options.idleMs ?? 30_000;
  const slots = new Map<string, Slot>();

  const retire = (gitDir: string, slot: Slot) => {
    if (slots.get(gitDir) === slot) slots.delete(gitDir);
    if (slot.timer) clearTimeout(slot.timer);
    return slot.reader.close();
  };

  const open = (gitDir: string): Slot => {
    const reader = openCatFileBatch(gitDir, options);
    const parents = new Map<string, readonly string[]>();
    const objects: RepositoryObjects = {
      read: rememberingReads(reader),
      async parentsOf(commit) {
        const known = parents.get(commit);
        if (known) return known;
        const object = await reader.read(commit);
        if (!object) throw new Error(`object ${commit} is missing`);
        if (object.type !== 'commit' || object.oid !== commit) throw new Error(`object ${commit} is a ${object.type}, not a commit`);
        const list = parseCommit(object.body).parents;
        if (parents.size >= MAX_REMEMBERED_COMMITS) parents.clear();
        parents.set(commit, list);
        return list;
      },
    };
    return { reader, objects, users: 0, timer: null };
  };

  return {
    async use(gitDir, body) {
      let slot = slots.get(gitDir);
      if (slot && !slot.reader.alive) {
        void retire(gitDir, slot);
        slot = undefined;
      }
      if (!slot) {
        slot = open(gitDir);
        slots.set(gitDir, slot);
      }
      const current = slot;
      if (current.timer) { clearTimeout(current.timer); current.timer = null; }
      current.users++;
      try {
        return await body(current.objects);
      } finally {
        current.users--;
        if (current.users === 0 && slots.get(gitDir) === current) {
          current.timer = setTimeout(() => { void retire(gitDir, current); }, idleMs);
          current.timer.unref();
          // Most recently used last (Map order), so the first idle ones are the least recent.
          slots.delete(gitDir);
          slots.set(gitDir, current);
          const idle = [...slots].filter(([, slot]) => slot.users === 0);
          for (const [dir, slot] of idle.slice(0, Math.max(0, idle.length - MAX_IDLE_READERS))) void retire(dir, slot);
        }
      }
    },
    async close() {
      await Promise.all([...slots].map(([gitDir, slot]) => retire(gitDir, slot)));
    },
    get open() { return slots.size; },
  };
}

/**
 * RepositoryObjects.read over one reader: objects by id from memory (least recently used
 * forgotten first) or from a read already in flight; everything else from git.
 */
export function rememberingReads(reader: Pick<CatFileBatch, 'read'>): (name: string) => Promise<GitObject | null> {
  const known = new Map<string, GitObject>();
  const inFlight = new Map<string, Promise<GitObject | null>>();
  let bytes = 0;
  return (name) => {
    if (!OBJECT_ID.test(name)) return reader.read(name);
    const hit = known.get(name);
    if (hit) {
      known.delete(name);
      known.set(name, hit);
      return Promise.resolve(hit);
    }
    const pending = inFlight.get(name);
    if (pending) return pending;
    const read = reader.read(name).then((object) => {
      if (object && object.oid === name && object.body.length <= OBJECT_MAX_BYTES) {
        known.set(name, object);
        bytes += object.body.length;
        for (const [oid, old] of known) {
          if (bytes <= OBJECTS_MAX_BYTES) break;
          known.delete(oid);
          bytes -= old.body.length;
        }
      }
      return object;
    }).finally(() => inFlight.delete(name));
    inFlight.set(name, read);
    return read;
  };
}
