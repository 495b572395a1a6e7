import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError, type Logger } from '../../shared/index.js';
import { branchTipFromFiles } from './branch-files.js';
import { matchesGlob } from './glob-pattern.js';
import { isObjectId, isSafeRefName, isZeroObjectId, normalizeTreePath, parseBatchCheck, type ObjectInfo } from './object-names.js';
import { parseBatchOutput, type BatchObject } from './batch-output.js';
import { createBatchReader } from './object-batch-reader.js';
import { writeBareLayout } from './bare-layout.js';
import { installPostReceiveHook } from './post-receive-hook.js';
import { repositoryPath } from './repository-path.js';
import { runGitChecked } from './run-git.js';

export interface RepositoryHostOptions {
  /** Root of all hosted repositories: `<reposDir>/<workspace>/<project>.git`. */
  reposDir: string;
  /** Default `git` (looked up on PATH). */
  gitBinary?: string;
  logger: Logger;
}

export interface RefEntry {
  /** Full name: refs/heads/main, refs/tags/v1. */
  ref: string;
  kind: 'branch' | 'tag';
  /** Short name: main, v1. */
  name: string;
  /** The commit the ref leads to (annotated tags are peeled). */
  sha: string;
  /** What the ref itself points at: the tag object for annotated tags, else equal to sha. */
  objectSha: string;
}

/**
 * Repository configuration written by create(). Why each:
 * - http.receivepack: pushes over smart HTTP; authorisation is done before http-backend runs.
 * - receive.fsckObjects: reject malformed objects at the door; a corrupt object found later would
 *   break every clone and runner fetch. Measured cost: none visible against pack transfer (a
 *   1,636-object, 12 MiB push took 1.26 s with it and 1.27 s without, git 2.39).
 * - uploadpack.allowReachableSHA1InWant: runners fetch the pipeline's sha directly (protocol v0
 *   clients need it; v2 accepts wants by id anyway). Reachable, not any: objects of deleted
 *   branches stay unfetchable, as on GitLab.
 * - uploadpack.allowFilter: partial clones (--filter=blob:none) for large repositories.
 * - core.logAllRefUpdates: a reflog per ref, so a bad force-push can be undone by an admin.
 */
const REPOSITORY_CONFIG: Array<[string, string]> = [
  ['http.receivepack', 'true'],
  ['receive.fsckObjects', 'true'],
  ['uploadpack.allowReachableSHA1InWant', 'true'],
  ['uploadpack.allowFilter', 'true'],
  ['core.logAllRefUpdates', 'true'],
];

/**
 * REPOSITORY_CONFIG as config-file sections, written with the core section (bare-layout.ts): one
 * write instead of a `git config` process per key. Keys and values are constants: nothing needs
 * quoting.
 */
function configSections(entries: Array<[string, string]>): string {
  const sections = new Map<string, string[]>();
  for (const [key, value] of entries) {
    const dot = key.indexOf('.');
    const section = key.slice(0, dot);
    sections.set(section, [...(sections.get(section) ?? []), `\t${key.slice(dot + 1)} = ${value}`]);
  }
  return [...sections].map(([section, lines]) => `[${section}]\n${lines.join('\n')}\n`).join('');
}

/**
 * Bare repositories on local disk, one per project, and the read-only queries the engine needs
 * (CI file at a sha, changed paths of a push, refs, cache key digests). Every call takes the
 * workspace and project path segments; they are validated before any path is built.
 */
export function createRepositoryHost({ reposDir, gitBinary = 'git', logger }: RepositoryHostOptions) {
  const log = logger.child({ component: 'git' });
  // Reads on the run-creation path go to a long-lived cat-file per repository (no process each).
  const reader = createBatchReader({ gitBinary });

  function pathOf(workspace: string, project: string): string {
    return repositoryPath(reposDir, workspace, project);
  }

  async function exists(workspace: string, project: string): Promise<boolean> {
    try {
      return (await stat(join(pathOf(workspace, project), 'HEAD'))).isFile();
    } catch {
      return false;
    }
  }

  /** The repository's path, or not_found: read queries never create anything. */
  async function existingPath(workspace: string, project: string): Promise<string> {
    if (!(await exists(workspace, project))) throw new AppError('not_found', `repository ${workspace}/${project} not found`);
    return pathOf(workspace, project);
  }

  function gitChecked(gitDir: string, args: string[], input?: string) {
    return runGitChecked(gitBinary, ['--git-dir', gitDir, ...args], { input });
  }

  async function batchCheck(gitDir: string, names: string[]): Promise<Array<ObjectInfo | null>> {
    if (names.length === 0) return [];
    const out = await gitChecked(gitDir, ['cat-file', '--batch-check'], names.map((n) => `${n}\n`).join(''));
    return parseBatchCheck(out.toString('utf8'), names.length);
  }

  /**
   * Objects by name through the repository's long-lived cat-file; should that fail (it died,
   * timed out), through a one-off process, with the same answers.
   */
  async function readObjects(gitDir: string, names: string[]): Promise<Array<BatchObject | null>> {
    try {
      return await reader.read(gitDir, names);
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_failed') throw error;
      log.warn({ err: error, gitDir }, 'batch reader failed; reading with a one-off process');
      const out = await gitChecked(gitDir, ['cat-file', '--batch'], names.map((n) => `${n}\n`).join(''));
      const { objects } = parseBatchOutput(out, names.length);
      while (objects.length < names.length) objects.push(null);
      return objects;
    }
  }

  function assertObjectId(value: string, field: string): void {
    if (!isObjectId(value)) throw new AppError('validation_failed', `${field} is not a full object id`, { details: { [field]: ['must be a full hex object id'] } });
  }

  async function assertCommit(gitDir: string, sha: string): Promise<void> {
    assertObjectId(sha, 'sha');
    const [info] = await batchCheck(gitDir, [`${sha}^{commit}`]);
    if (!info) throw new AppError('not_found', `commit ${sha} not found`);
  }

  return {
    reposDir,
    gitBinary,
    pathOf,
    exists,

    /**
     * Creates the bare repository with HEAD on refs/heads/<defaultBranch>, Runnel's config and
     * the post-receive hook. Built in a temporary sibling folder and renamed into place, so the
     * final path is either absent or complete; an existing repository is never touched
     * (name_taken). A failure removes the temporary folder.
     */
    async create(workspace: string, project: string, defaultBranch: string): Promise<void> {
      const target = pathOf(workspace, project);
      if (!isSafeRefName(defaultBranch)) {
        throw new AppError('validation_failed', 'invalid default branch', { details: { defaultBranch: ['is not a valid branch name'] } });
      }
      if (await exists(workspace, project)) throw new AppError('name_taken', `repository ${workspace}/${project} exists already`);
      // Temporary names never end in .git, so they cannot collide with a repository.
      const temp = join(dirname(target), `.creating-${project}-${randomBytes(6).toString('hex')}`);
      try {
        await mkdir(dirname(target), { recursive: true });
        await writeBareLayout(temp, defaultBranch, configSections(REPOSITORY_CONFIG));
        await installPostReceiveHook(temp);
        await rename(temp, target);
        reader.forget(target);
      } catch (error) {
        await rm(temp, { recursive: true, force: true });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new AppError('name_taken', `repository ${workspace}/${project} exists already`, { cause: error });
        if (error instanceof AppError) throw error;
        throw new AppError('git_failed', `create repository ${workspace}/${project}: ${(error as Error).message}`, { cause: error });
      }
      log.info({ workspace, project }, 'repository created');
    },

    /** Deletes the repository and, when it was the last one, its workspace folder. Absent is fine. */
    async remove(workspace: string, project: string): Promise<void> {
      const target = pathOf(workspace, project);
      reader.forget(target);
      await rm(target, { recursive: true, force: true });
      try {
        await rmdir(dirname(target));
      } catch {
        // Other repositories (or a creation in progress) still live in the workspace folder.
      }
      log.info({ workspace, project }, 'repository removed');
    },

    /**
     * The file at `path` in commit `sha`, or null when the commit, the path, or a blob at that path
     * does not exist (a folder is not a file). The engine reads .gitlab-ci.yml with this.
     */
    async readFile(workspace: string, project: string, sha: string, path: string): Promise<Buffer | null> {
      const gitDir = await existingPath(workspace, project);
      const treePath = normalizeTreePath(path);
      if (!isObjectId(sha) || treePath === null) return null;
      const [object] = await readObjects(gitDir, [`${sha}:${treePath}`]);
      return object && object.type === 'blob' ? object.body : null;
    },

    /**
     * Objects by batch name (`<sha>`, `<sha>:<path>`, `<ref>^{commit}`), null for each one that
     * does not exist. For callers that need several reads of one commit in one round trip.
     */
    async readObjects(workspace: string, project: string, names: string[]): Promise<Array<BatchObject | null>> {
      return readObjects(await existingPath(workspace, project), names);
    },

    /** Every file path in commit `sha` (recursively), optionally only those matching a glob. */
    async listFiles(workspace: string, project: string, sha: string, glob?: string): Promise<string[]> {
      const gitDir = await existingPath(workspace, project);
      await assertCommit(gitDir, sha);
      const out = await gitChecked(gitDir, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', sha]);
      const files = out.toString('utf8').split('\0').filter((name) => name !== '');
      return glob === undefined ? files : files.filter((file) => matchesGlob(glob, file));
    },

    /**
     * Paths that differ between two commits (renames count as both paths), or null when there
     * is nothing to compare with: `before` is the zero id (a new branch), `after` is the zero id
     * (a deletion), or either commit is unknown here. rules:changes treats null as "changed".
     */
    async changedPaths(workspace: string, project: string, before: string, after: string): Promise<string[] | null> {
      const gitDir = await existingPath(workspace, project);
      if (!isObjectId(before) || !isObjectId(after) || isZeroObjectId(before) || isZeroObjectId(after)) return null;
      const found = await batchCheck(gitDir, [`${before}^{commit}`, `${after}^{commit}`]);
      if (found.some((info) => info === null)) return null;
      const out = await gitChecked(gitDir, ['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--no-commit-id', before, after]);
      return out.toString('utf8').split('\0').filter((name) => name !== '');
    },

    /**
     * The commit a ref leads to, or null. Accepts a full object id (which must exist), a full
     * ref name (refs/...), or a short name tried as a branch first, then as a tag.
     */
    async resolveRef(workspace: string, project: string, ref: string): Promise<string | null> {
      const gitDir = await existingPath(workspace, project);
      let candidates: string[];
      if (isObjectId(ref)) candidates = [ref];
      else if (!isSafeRefName(ref)) return null;
      else if (ref.startsWith('refs/')) candidates = [ref];
      else candidates = [`refs/heads/${ref}`, `refs/tags/${ref}`];
      // A branch is answered from the ref files when they can (no round trip to git, which is
      // most of what resolving costs); a short name that is no branch is then tried as a tag.
      const branch = candidates[0]!.startsWith('refs/heads/') ? branchTipFromFiles(gitDir, candidates[0]!.slice('refs/heads/'.length)) : undefined;
      if (typeof branch === 'string') return branch;
      if (branch === null) candidates = candidates.slice(1);
      if (candidates.length === 0) return null;
      const found = await readObjects(gitDir, candidates.map((c) => `${c}^{commit}`));
      return found.find((info) => info !== null)?.oid ?? null;
    },

    /** Branches and tags, sorted by ref name. */
    async refs(workspace: string, project: string): Promise<RefEntry[]> {
      const gitDir = await existingPath(workspace, project);
      const out = await gitChecked(gitDir, ['for-each-ref', '--format=%(objectname)%09%(*objectname)%09%(refname)', 'refs/heads/', 'refs/tags/']);
      const entries: RefEntry[] = [];
      for (const line of out.toString('utf8').split('\n')) {
        const [objectSha, peeled, ref] = line.split('\t');
        if (!objectSha || ref === undefined) continue;
        const kind = ref.startsWith('refs/heads/') ? 'branch' : 'tag';
        entries.push({ ref, kind, name: ref.slice(kind === 'branch' ? 11 : 10), sha: peeled || objectSha, objectSha });
      }
      return entries;
    },

    /**
     * A stable hex digest of the given paths' contents at `sha` (cache key:files): SHA-256 over
     * the sorted paths and their blob or tree ids, a missing path counting as "-". Paths are
     * literal. Throws not_found when the commit is unknown.
     */
    async hashFiles(workspace: string, project: string, sha: string, paths: string[]): Promise<string> {
      const gitDir = await existingPath(workspace, project);
      await assertCommit(gitDir, sha);
      const normalized = [...new Set(paths.map((p) => normalizeTreePath(p) ?? p))].sort();
      const lookable = normalized.filter((p) => normalizeTreePath(p) === p);
      const found = await batchCheck(gitDir, lookable.map((p) => `${sha}:${p}`));
      const ids = new Map(lookable.map((p, i) => [p, found[i]?.oid ?? '-']));
      const hash = createHash('sha256');
      for (const p of normalized) hash.update(`${p}\0${ids.get(p) ?? '-'}\n`);
      return hash.digest('hex');
    },

    /** Ends the long-lived git processes (they would end by themselves when idle). */
    close(): void {
      reader.close();
    },
  };
}

export type RepositoryHost = ReturnType<typeof createRepositoryHost>;
