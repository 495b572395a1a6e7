import { spawn } from 'node:child_process';
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
  return {
    async resolveRef(project, ref) {
      const sha = await host.resolveRef(ws(project), project.path, ref);
      if (!sha) return null;
      if (/^[0-9a-f]{40}$/.test(ref)) return { sha, tag: false, ref };
      if (ref.startsWith('refs/tags/')) return { sha, tag: true, ref: ref.slice(10) };
      if (ref.startsWith('refs/heads/')) return { sha, tag: false, ref: ref.slice(11) };
      const asBranch = await host.resolveRef(ws(project), project.path, `refs/heads/${ref}`);
      return { sha, tag: asBranch === null, ref };
    },
    async readFile(project, sha, path) {
      const data = await host.readFile(ws(project), project.path, sha, path);
      return data === null ? null : data.toString('utf8');
    },
    listFiles: (project, sha) => host.listFiles(ws(project), project.path, sha),
    hashFiles: (project, sha, paths) => host.hashFiles(ws(project), project.path, sha, paths),
    changedPaths: (project, before, after) => host.changedPaths(ws(project), project.path, before, after),
    commit: (project, sha) => commitInfo(host.gitBinary, host.pathOf(ws(project), project.path), sha),
    cloneUrl(project, jobToken, runnerKind) {
      if (runnerKind === 'embedded') return pathToFileURL(host.pathOf(ws(project), project.path)).href;
      const url = new URL(`${baseUrl()}/${ws(project)}/${project.path}.git`);
      url.username = 'gitlab-ci-token';
      url.password = jobToken;
      return url.href;
    },
  };
}

function commitInfo(git: string, gitDir: string, sha: string): Promise<{ message: string; author: string; timestamp: string } | null> {
  if (!/^[0-9a-f]{40,64}$/.test(sha)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = spawn(git, ['--git-dir', gitDir, 'log', '-1', '--format=%aI%x00%an <%ae>%x00%B', sha], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      if (code !== 0) return resolve(null);
      const [timestamp, author, ...rest] = Buffer.concat(chunks).toString('utf8').split('\0');
      resolve(timestamp && author !== undefined ? { timestamp: timestamp.trim(), author, message: rest.join('\0').trimEnd() } : null);
    });
  });
}
