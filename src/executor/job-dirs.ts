import { mkdirSync, mkdtempSync } from 'node:fs';
import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { hintUnrelatedSubdirectories } from './spread-hint.js';

/**
 * Job workspaces under a builds root: `<root>/job-<id>-XXXXXX/{project,home,tmp}`, by real path
 * (jobs see CI_PROJECT_DIR without symlinks).
 *
 * The builds root is created, marked (spread-hint.ts) and resolved once per process, not per job:
 * on a slow disk every directory operation is a noticeable part of a short job. The workspace's
 * four directories are made without yielding: through the thread pool each would be a round trip
 * that, on a runner busy with other jobs, costs far more than the call. (Making the next job's
 * workspace ahead of time on the thread pool was tried: no difference measurable in a 50-job
 * local run.)
 */
export interface JobDirs {
  jobDir: string;
  projectDir: string;
  homeDir: string;
  tmpDir: string;
}

/** Builds root → its real path, once it exists (made and resolved by the first job). */
const buildsRoots = new Map<string, Promise<string>>();

function rootOf(buildsRoot: string): Promise<string> {
  let root = buildsRoots.get(buildsRoot);
  if (!root) {
    // The workspaces under the root are unrelated: see hintUnrelatedSubdirectories.
    root = mkdir(buildsRoot, { recursive: true }).then(() => hintUnrelatedSubdirectories(buildsRoot)).then(() => realpath(buildsRoot));
    buildsRoots.set(buildsRoot, root);
    root.catch(() => buildsRoots.delete(buildsRoot));
  }
  return root;
}

/**
 * Makes, marks and resolves a builds root now, ahead of its first job (which otherwise waits for
 * it: the mark is a `chattr` process). Never rejects: a failure is met again by that job.
 */
export function prepareBuildsRoot(buildsRoot: string): Promise<void> {
  return rootOf(buildsRoot).then(() => undefined, () => undefined);
}

/** A fresh, empty workspace for job `jobId`. If the builds root has gone since its last job, it is made again. */
export async function makeJobDirs(buildsRoot: string, jobId: number): Promise<JobDirs> {
  for (let attempt = 0; ; attempt++) {
    const root = await rootOf(buildsRoot);
    try {
      const jobDir = mkdtempSync(join(root, `job-${jobId}-`));
      const dirs = { jobDir, projectDir: join(jobDir, 'project'), homeDir: join(jobDir, 'home'), tmpDir: join(jobDir, 'tmp') };
      mkdirSync(dirs.projectDir);
      mkdirSync(dirs.homeDir, { mode: 0o700 });
      mkdirSync(dirs.tmpDir, { mode: 0o700 });
      return dirs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw error;
      buildsRoots.delete(buildsRoot);
    }
  }
}
