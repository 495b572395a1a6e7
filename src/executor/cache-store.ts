import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId } from '../shared/index.js';

/**
 * Where job caches live between jobs. Keys are the final cache keys the server computed
 * (CacheSpec.key). A cache is one zip file, extracted into the project directory on restore.
 * Implementations must make `put` atomic: a concurrent `get` sees the old zip or the new one,
 * never half of one.
 */
export interface CacheStore {
  /** Path of a local zip file holding the cache for `key`, or null when there is none. */
  get(key: string): Promise<string | null>;
  /** Stores `zipPath` as the cache for `key`, replacing any previous one. */
  put(key: string, zipPath: string): Promise<void>;
}

export interface DirCacheStore extends CacheStore {
  /** Deletes every cache whose key starts with `prefix` ('' = all); returns how many. */
  clear(prefix: string): Promise<number>;
}

/** Key → file name, reversible, and safe for any key (no '/' or '..' reaches the filesystem). */
function fileNameOf(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url') + '.zip';
}

function keyOf(fileName: string): string | null {
  if (!fileName.endsWith('.zip')) return null;
  return Buffer.from(fileName.slice(0, -4), 'base64url').toString('utf8');
}

/** A CacheStore on a local directory: one zip per key. */
export function createDirCacheStore(dir: string): DirCacheStore {
  return {
    async get(key) {
      const path = join(dir, fileNameOf(key));
      try {
        return (await stat(path)).isFile() ? path : null;
      } catch {
        return null;
      }
    },
    async put(key, zipPath) {
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.tmp-${randomId()}`);
      await copyFile(zipPath, temp);
      await rename(temp, join(dir, fileNameOf(key)));
    },
    async clear(prefix) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return 0;
      }
      let removed = 0;
      for (const name of names) {
        const key = keyOf(name);
        if (key === null || !key.startsWith(prefix)) continue;
        await rm(join(dir, name), { force: true });
        removed++;
      }
      return removed;
    },
  };
}
