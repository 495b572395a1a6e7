import { openCatFileBatch, type CatFileBatch, type CatFileBatchOptions } from './cat-file-batch.js';

/**
 * The `git cat-file --batch` processes of a runner, one per repository, shared by its jobs: the
 * first checkout from a repository starts one, the next ones reuse it (no process per job), and
 * it is closed once no job has used it for `idleMs`, or when the runner stops. A reader that died
 * is replaced at the next use. Concurrent jobs share a reader safely (see cat-file-batch.ts).
 */
export interface GitObjectReaders {
  /** Runs `body` with the repository's reader; the reader is not closed while a body runs. */
  use<T>(gitDir: string, body: (reader: CatFileBatch) => Promise<T>): Promise<T>;
  /** Closes every reader; later `use` calls start new ones. */
  close(): Promise<void>;
  /** Repositories with a live reader (tests, metrics). */
  readonly open: number;
}

export interface GitObjectReadersOptions extends CatFileBatchOptions {
  /** Close a repository's reader after this long unused. Default 30 s. */
  idleMs?: number;
  /** Starts a reader (tests inject one); default `openCatFileBatch`. */
  openReader?: (gitDir: string) => CatFileBatch;
}

interface Slot {
  reader: CatFileBatch;
  users: number;
  timer: NodeJS.Timeout | null;
}

export function createGitObjectReaders(options: GitObjectReadersOptions = {}): GitObjectReaders {
  const idleMs = options.idleMs ?? 30_000;
  const openReader = options.openReader ?? ((gitDir: string) => openCatFileBatch(gitDir, options));
  const slots = new Map<string, Slot>();

  const retire = (gitDir: string, slot: Slot) => {
    if (slots.get(gitDir) === slot) slots.delete(gitDir);
    if (slot.timer) clearTimeout(slot.timer);
    return slot.reader.close();
  };

  return {
    async use(gitDir, body) {
      let slot = slots.get(gitDir);
      if (slot && !slot.reader.alive) {
        void retire(gitDir, slot);
        slot = undefined;
      }
      if (!slot) {
        slot = { reader: openReader(gitDir), users: 0, timer: null };
        slots.set(gitDir, slot);
      }
      const current = slot;
      if (current.timer) { clearTimeout(current.timer); current.timer = null; }
      current.users++;
      try {
        return await body(current.reader);
      } finally {
        current.users--;
        if (current.users === 0 && slots.get(gitDir) === current) {
          current.timer = setTimeout(() => { void retire(gitDir, current); }, idleMs);
          current.timer.unref();
        }
      }
    },
    async close() {
      await Promise.all([...slots].map(([gitDir, slot]) => retire(gitDir, slot)));
    },
    get open() { return slots.size; },
  };
}
