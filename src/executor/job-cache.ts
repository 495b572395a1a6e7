import { join } from 'node:path';
import type { CacheSpec } from '../protocol/index.js';
import { randomId } from '../shared/index.js';
import type { CacheStore } from './cache-store.js';
import { collectFiles } from './file-collector.js';
import { createZip, extractZip } from './zip-archive.js';
import { warningLine } from './log-format.js';

/**
 * Cache restore and save around a job's scripts, with gitlab-runner's rules:
 * - restore when policy is pull or pull-push: the key first, then each fallback key (then the
 *   CACHE_FALLBACK_KEY variable), the first hit is extracted into the project directory;
 * - save when policy is push or pull-push and `when` matches the job's outcome so far;
 * - a cache problem is a warning in the log, never a job failure.
 */
export interface CacheContext {
  store: CacheStore;
  projectDir: string;
  tmpDir: string;
  gitEnv: Record<string, string>;
  log(text: string): void;
  /** A problem preparing the job's environment (fail_on_prepare_env_warning, run-job.ts). */
  warn?(message: string): void;
}

export function restoreKeys(spec: CacheSpec, fallbackVariable: string | undefined): string[] {
  const keys = [spec.key, ...spec.fallback_keys];
  if (fallbackVariable) keys.push(fallbackVariable);
  return [...new Set(keys.filter((k) => k !== ''))];
}

export function shouldSaveCache(spec: CacheSpec, jobSucceeded: boolean): boolean {
  if (spec.policy === 'pull') return false;
  if (spec.when === 'always') return true;
  return spec.when === 'on_failure' ? !jobSucceeded : jobSucceeded;
}

export async function restoreCaches(specs: readonly CacheSpec[], fallbackVariable: string | undefined, ctx: CacheContext): Promise<void> {
  for (const spec of specs) {
    if (spec.policy === 'push') {
      ctx.log(`Not downloading cache ${spec.key} due to policy\n`);
      continue;
    }
    let restored = false;
    for (const key of restoreKeys(spec, fallbackVariable)) {
      ctx.log(`Checking cache for ${key}...\n`);
      try {
        const zip = await ctx.store.get(key);
        if (zip === null) {
          ctx.log(warningLine(`${key}: cache not found`));
          continue;
        }
        await extractZip(zip, ctx.projectDir);
        ctx.log(`Successfully extracted cache\n`);
        restored = true;
        break;
      } catch (error) {
        ctx.log(warningLine(`Failed to extract cache ${key}: ${(error as Error).message}`));
        ctx.warn?.(`cache ${key} could not be extracted`);
      }
    }
    if (!restored) ctx.log(warningLine(`Cache ${spec.key} not restored; the job continues without it`));
  }
}

export async function saveCaches(specs: readonly CacheSpec[], jobSucceeded: boolean, ctx: CacheContext): Promise<void> {
  for (const spec of specs) {
    if (!shouldSaveCache(spec, jobSucceeded)) {
      ctx.log(`Not uploading cache ${spec.key} due to policy\n`);
      continue;
    }
    try {
      const found = await collectFiles(ctx.projectDir, { paths: spec.paths, untracked: spec.untracked }, ctx.gitEnv);
      for (const r of found.refused) ctx.log(warningLine(`${r.pattern}: ${r.reason}`));
      for (const u of found.unmatched) ctx.log(warningLine(`${u}: no matching files`));
      if (found.files.length === 0) {
        ctx.log(warningLine(`No files to cache for ${spec.key}`));
        continue;
      }
      ctx.log(`Creating cache ${spec.key}...\n`);
      const zip = join(ctx.tmpDir, `cache-${randomId()}.zip`);
      await createZip(ctx.projectDir, found.files, zip);
      await ctx.store.put(spec.key, zip);
      ctx.log(`Created cache (${found.files.length} files)\n`);
    } catch (error) {
      ctx.log(warningLine(`Failed to create cache ${spec.key}: ${(error as Error).message}`));
    }
  }
}
