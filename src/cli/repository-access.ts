import { pathToFileURL } from 'node:url';
import type { RepositoryAccess } from '../server/engine/index.js';
import type { Project } from '../server/store/index.js';
import type { RepositoryHost } from '../server/git/index.js';

/**
 * The engine's RepositoryAccess over the hosted repositories. Embedded runners fetch through the
 * file system (same machine, no HTTP round trip); remote runners over smart HTTP with the job
 * token as the password, as gitlab-runner does.
 */
export function createRepositoryAccess(host: RepositoryHost, baseUrl: () => string): RepositoryAccess {
  const ws = (p: Project) => p.workspacePath;
  /** Bare repository path → its file:// URL (embedded runners' clone URL). */
  const fileUrls = new Map<string, string>();
  return {
    async resolveRef(project, ref) {
      if (/^[0-9a-f]{40}$/.test(ref) || ref.startsWith('refs/')) {
        const sha = await host.resolveRef(ws(project), project.path, ref);
        if (!sha) return null;
        if (ref.startsWith('refs/tags/')) return { sha, tag: true, ref: ref.slice(10) };
        if (ref.startsWith('refs/heads/')) return { sha, tag: false, ref: ref.slice(11) };
        return { sha, tag: false, ref };
      }
      // A short name is a branch first, then a tag (as GitLab resolves it): one lookup for branches.
      const branch = await host.resolveRef(ws(project), project.path, `refs/heads/${ref}`);
      if (branch) return { sha: branch, tag: false, ref };
      const tag = await host.resolveRef(ws(project), project.path, `refs/tags/${ref}`);
      return tag ? { sha: tag, tag: true, ref } : null;
    },
    async readFile(project, sha, path) {
      // The CI file and the commit are read in one round trip; the commit is kept briefly for
      // the commit() call that run creation makes next.
      const gitDir = host.pathOf(ws(project), project.path);
      const both = await readCommitAndFile(host, project, sha, path);
      if (both) {
        remember(`${gitDir}\0${sha}`, both.commit);
        return both.file;
      }
      const data = await host.readFile(ws(project), project.path, sha, path);
      return data === null ? null : data.toString('utf8');
    },
    listFiles: (project, sha) => host.listFiles(ws(project), project.path, sha),
    hashFiles: (project, sha, paths) => host.hashFiles(ws(project), project.path, sha, paths),
    changedPaths: (project, before, after) => host.changedPaths(ws(project), project.path, before, after),
    commit(project, sha) {
      const gitDir = host.pathOf(ws(project), project.path);
      const known = recall(`${gitDir}\0${sha}`);
      return known !== undefined ? Promise.resolve(known) : commitInfo(host, project, sha);
    },
    cloneUrl(project, jobToken, runnerKind) {
      if (runnerKind === 'embedded') {
        // Per job; pathToFileURL's escaping is most of building a payload's strings.
        const gitDir = host.pathOf(ws(project), project.path);
        let url = fileUrls.get(gitDir);
        if (url === undefined) {
          url = pathToFileURL(gitDir).href;
          if (fileUrls.size >= 1_000) fileUrls.clear();
          fileUrls.set(gitDir, url);
        }
        return url;
      }
      const url = new URL(`${baseUrl()}/${ws(project)}/${project.path}.git`);
      url.username = 'gitlab-ci-token';
      url.password = jobToken;
      return url.href;
    },
  };
}

/** Author, date and message of a commit; null when it is not one (or cannot be read). */
async function commitInfo(host: RepositoryHost, project: Project, sha: string): Promise<CommitInfo | null> {
  if (!/^[0-9a-f]{40,64}$/.test(sha)) return null;
  try {
    const [object] = await host.readObjects(project.workspacePath, project.path, [sha]);
    return object && object.type === 'commit' ? parseCommit(object.body.toString('utf8')) : null;
  } catch {
    return null;
  }
}

type CommitInfo = { message: string; author: string; timestamp: string };

const recentCommits = new Map<string, { info: CommitInfo | null; until: number }>();

function remember(key: string, info: CommitInfo | null): void {
  if (recentCommits.size > 200) recentCommits.clear();
  recentCommits.set(key, { info, until: Date.now() + 10_000 });
}

function recall(key: string): CommitInfo | null | undefined {
  const hit = recentCommits.get(key);
  return hit && hit.until > Date.now() ? hit.info : undefined;
}

/** `<sha>` and `<sha>:<path>` in one batch read; null when the read itself fails. */
async function readCommitAndFile(host: RepositoryHost, project: Project, sha: string, path: string): Promise<{ commit: CommitInfo | null; file: string | null } | null> {
  if (!/^[0-9a-f]{40,64}$/.test(sha) || /[\n\0]/.test(path)) return null;
  try {
    const [commitObject, fileObject] = await host.readObjects(project.workspacePath, project.path, [sha, `${sha}:${path.replace(/^\/+/, '')}`]);
    return {
      commit: commitObject && commitObject.type === 'commit' ? parseCommit(commitObject.body.toString('utf8')) : null,
      file: fileObject && fileObject.type === 'blob' ? fileObject.body.toString('utf8') : null,
    };
  } catch {
    return null;
  }
}

/** A raw commit object → author "Name <email>", ISO author date, message. */
function parseCommit(raw: string): CommitInfo | null {
  const split = raw.indexOf('\n\n');
  const headers = raw.slice(0, split < 0 ? raw.length : split).split('\n');
  const author = headers.find((h) => h.startsWith('author '));
  const m = author ? /^author (.*) (\d+) ([+-])(\d\d)(\d\d)$/.exec(author) : null;
  if (!m) return null;
  const seconds = Number(m[2]);
  const offsetMinutes = (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5]));
  const local = new Date((seconds + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
  const timestamp = `${local}${m[3]}${m[4]}:${m[5]}`;
  return { author: m[1]!, timestamp, message: split < 0 ? '' : raw.slice(split + 2).trimEnd() };
}
