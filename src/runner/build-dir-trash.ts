import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runProcessTree } from '../executor/index.js';
import type { Logger } from '../shared/index.js';

export interface BuildDirTrashOptions {
  /** How long after the first directory of a batch the batch is deleted. Default 250 ms. */
  delayMs?: number;
  logger: Logger;
}

/**
 * Deletes finished jobs' directories off the runner's event loop. A recursive delete through
 * Node costs thread-pool round trips and a main-thread callback per entry (a checked-out job has
 * a few dozen), which on a runner busy with short jobs competes with the next job. Instead each
 * finished directory is renamed into `<buildsRoot>/.trash-<pid>` (one synchronous rename), and
 * `delayMs` after the first one the whole trash is renamed aside and deleted by one `rm -rf`
 * process (started by the spawn helper, so not even its fork is on the event loop). If `rm`
 * cannot do it, Node deletes it. Trash left by an earlier runner on the same builds root (one
 * that crashed) is deleted when the next one starts.
 */
export function createBuildDirTrash(buildsRoot: string, options: BuildDirTrashOptions) {
  const { logger } = options;
  const delayMs = options.delayMs ?? 250;
  const trash = join(buildsRoot, `.trash-${process.pid}`);
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let filled = false;
  let batches = 0;

  const remove = async (paths: string[]): Promise<void> => {
    const outcome = await runProcessTree({
      command: 'rm', args: ['-rf', '--', ...paths], cwd: buildsRoot, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 0, killGraceMs: 1_000,
    });
    if (outcome.exitCode === 0) return;
    await Promise.all(paths.map((path) => rm(path, { recursive: true, force: true })))
      .catch((error: unknown) => logger.warn({ err: error, paths }, 'build directories not removed'));
  };
  const track = (work: Promise<void>): void => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };
  const sweep = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!filled) return;
    filled = false;
    const aside = `${trash}.${++batches}`;
    try {
      renameSync(trash, aside);
    } catch (error) {
      logger.warn({ err: error, trash }, 'build directory trash not swept');
      return;
    }
    track(remove([aside]));
  };

  let leftovers: string[] = [];
  try {
    leftovers = readdirSync(buildsRoot).filter((name) => name.startsWith('.trash-')).map((name) => join(buildsRoot, name));
  } catch {
    // no builds root yet: nothing left over
  }
  if (leftovers.length > 0) track(remove(leftovers));

  return {
    /** Takes a finished job's directory out of the builds root now; it is deleted soon after. */
    discard(dir: string): void {
      const target = join(trash, basename(dir));
      try {
        try {
          renameSync(dir, target);
        } catch (error) {
          // The trash is made on the first directory of each batch (the rename says it is missing).
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || filled) throw error;
          if (!existsSync(dir)) return;
          mkdirSync(trash, { recursive: true });
          renameSync(dir, target);
        }
        filled = true;
        timer ??= setTimeout(sweep, delayMs);
      } catch {
        track(rm(dir, { recursive: true, force: true }).catch((error: unknown) => logger.warn({ err: error, dir }, 'build directory not removed')));
      }
    },
    /** Deletes what is in the trash now and waits for every deletion started. */
    async flush(): Promise<void> {
      sweep();
      await Promise.all(running);
    },
  };
}

export type BuildDirTrash = ReturnType<typeof createBuildDirTrash>;
